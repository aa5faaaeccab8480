"""A resident finds the 石湾镇街道 station on a phone, comes on a duty day, the host logs the visit and
sends it to a department through the loop; the department replies, the host tells the resident, who
rates it. Screenshots of every outreach page at desktop and phone width."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.outreach import services
from xieshang.outreach.models import StationMessage, Visit

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"station-{name}-{label}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {label} width"
    page.set_viewport_size(before)


@pytest.fixture
def town(db):
    committee = CommitteeFactory(name="中国人民政治协商会议佛山市禅城区委员会", short_name="禅城区政协")
    term = TermFactory(committee=committee)
    district = Area.objects.create(code="E440604", name="禅城区", level=Area.Level.DISTRICT)
    shiwan = Area.objects.create(code="E440604011", name="石湾镇街道", level=Area.Level.STREET, parent=district)
    Area.objects.create(code="E440604010", name="祖庙街道", level=Area.Level.STREET, parent=district)
    Area.objects.create(
        code="E440604011001", name="东风社区居委会", level=Area.Level.COMMUNITY, parent=shiwan, kind="社区居委会"
    )
    office = UserFactory(role=User.Role.OFFICE, office=User.Office.SECRETARIAT, committee=committee, username="lianluo")
    host = UserFactory(role=User.Role.HOST, committee=committee, username="zhanzhang", full_name="梁嘉怡")
    unit = UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    staff = UserFactory(role=User.Role.UNIT, committee=committee, unit=unit, username="zhujian", full_name="陈志强")
    members = [MemberFactory(term=term, name=n, with_user=True) for n in ("何伟明", "黄丽娟")]
    station = services.station_create(
        actor=office,
        committee=committee,
        name="石湾镇街道政协委员工作联系站",
        area=shiwan,
        host=host,
        address="石湾镇街道党群服务中心二楼",
        phone="0757-82700000",
        reception="每月10日、20日上午9:00-12:00",
        members=members,
    )
    today = timezone.localdate()
    services.shift_add(actor=host, station_id=station.pk, on=today, member=members[0])
    return {"office": office, "host": host, "staff": staff, "members": members, "station": station, "street": shiwan}


def test_resident_finds_station_host_sends_it_through_the_loop_and_resident_rates(
    phone_page, live_server, login, town, browser_errors
):
    page = phone_page
    page.set_default_timeout(90_000)  # the shared machine can be slow; the steps are what is tested
    # the resident finds the station of 石湾镇街道 and leaves a message before coming
    page.goto(f"{live_server.url}/public/")
    page.click("text=找联系站")
    page.select_option("#street", label="石湾镇街道")
    page.click("button[type=submit]")
    assert "何伟明" in page.inner_text("main")
    shoot(page, "public-finder")
    assert_accessible(page)
    page.click("text=给联系站留言")
    page.fill("#id_name", "何女士")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_text", "小区旁河涌夏季有异味，想在接待日当面反映。")
    shoot(page, "public-station")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("text=提交留言")
    assert "留言已收到" in page.inner_text("main")
    shoot(page, "public-sent")
    message = StationMessage.objects.get()

    # on the duty day the host logs the visit from the message and sends it to a department
    login(page, town["host"])
    page.goto(f"{live_server.url}/outreach/")
    assert "今日值班" in page.inner_text("main") and "何伟明" in page.inner_text("main")
    shoot(page, "home")
    assert_accessible(page)
    page.click("text=登记为来访")
    page.select_option("#id_kind", "suggestion")
    shoot(page, "visit-new")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("button:has-text('登记')")
    visit = Visit.objects.get()
    assert visit.duty_member == town["members"][0]
    message.refresh_from_db()
    assert message.visit == visit
    page.check("input[value=referred]")
    page.fill("#id_title", "河涌夏季异味问题")
    shoot(page, "visit-dispose")
    with page.expect_navigation():
        page.click("text=确认处置")
    visit.refresh_from_db()
    assert visit.status == "referred" and visit.item is not None

    # the office assigns it, the department signs and replies (the loop's own pages are tested elsewhere)
    loop.item_assign(
        item_id=visit.item_id, actor=town["office"], mode=Item.Mode.SINGLE, lead_units=[town["staff"].unit]
    )
    a = Assignment.objects.get(item_id=visit.item_id)
    loop.assignment_sign(assignment_id=a.pk, actor=town["staff"])
    loop.assignment_reply(
        assignment_id=a.pk,
        actor=town["staff"],
        body="已安排对该段河涌清淤并排查排污口，异味问题已解决。",
        category="solved",
        resolved=True,
    )
    visit.refresh_from_db()
    assert visit.outcome.startswith("区住房城乡建设和水利局答复")

    # the host tells the resident and records the rating
    page.goto(f"{live_server.url}/outreach/")
    assert "待反馈来访群众" in page.inner_text("main")
    page.goto(f"{live_server.url}/outreach/visits/{visit.pk}/")
    page.fill("#id_note", "电话告知何女士办理结果")
    page.select_option("#id_rating", "satisfied")
    shoot(page, "visit-feedback")
    with page.expect_navigation():
        page.click("text=登记反馈")
    visit.refresh_from_db()
    a.refresh_from_db()
    assert visit.feedback_on == timezone.localdate() and a.status == Assignment.Status.CLOSED
    shoot(page, "visit-done")

    page.goto(f"{live_server.url}/outreach/stations/{town['station'].pk}/")
    assert "联系服务群众" in page.inner_text("main")
    shoot(page, "station")
    assert_accessible(page)

    with page.expect_navigation():
        page.click("header form button")  # 退出
    login(page, town["office"])
    page.goto(f"{live_server.url}/outreach/overview/")
    assert "依托点、站联系服务群众" in page.inner_text("main")
    shoot(page, "overview")
    assert_accessible(page)
    assert not browser_errors, browser_errors


def test_duty_member_turns_a_visit_into_an_opinion_report(phone_page, live_server, login, town, browser_errors):
    page = phone_page
    page.set_default_timeout(90_000)
    member = town["members"][0]
    visit, _ = services.visit_log(
        actor=town["host"],
        station_id=town["station"].pk,
        submission_token=uuid.uuid4(),
        visited_on=timezone.localdate(),
        duty_member=member,
        visitor="冯先生",
        kind="suggestion",
        matter="东风社区周边学校放学时段交通拥堵，建议增设护学岗。",
    )
    login(page, member.user)
    page.goto(f"{live_server.url}/outreach/")
    assert "冯先生" in page.inner_text("main")
    page.click("text=冯先生")
    page.check("input[value=opinion]")
    page.fill("#id_title", "关于在东风社区周边学校增设护学岗的建议")
    page.fill(
        "#id_text",
        "石湾镇街道东风社区周边有两所小学，放学时段接送车辆集中，道路拥堵，学生过马路存在安全隐患。"
        "建议公安交警部门在放学时段增设护学岗，并优化周边临时停车。",
    )
    shoot(page, "member-opinion")
    with page.expect_navigation():
        page.click("text=确认处置")
    visit.refresh_from_db()
    assert visit.status == "opinion" and visit.opinion_report is not None
    assert visit.opinion_report.member == member
    assert "已转社情民意信息" in page.inner_text("main")
    assert not browser_errors, browser_errors
