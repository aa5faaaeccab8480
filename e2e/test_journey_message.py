"""A citizen's message through the whole loop, in Chromium, with screenshots of every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.messages.models import Message
from xieshang.organisations.tests.factories import CommitteeFactory, LeaderFactory, UnitFactory, UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str) -> None:
    """Screenshots at desktop and phone width, then back to the size the page had."""
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"journey-{name}-{label}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at {label} width"
    page.set_viewport_size(before)


@pytest.fixture
def town(db):
    committee = CommitteeFactory(name="中国人民政治协商会议佛山市禅城区委员会", short_name="禅城区政协")
    district = Area.objects.create(code="E440604", name="禅城区", level=Area.Level.DISTRICT)
    street = Area.objects.create(code="E440604010", name="祖庙街道", level=Area.Level.STREET, parent=district)
    Area.objects.create(code="E440604011", name="石湾镇街道", level=Area.Level.STREET, parent=district)
    Area.objects.create(
        code="E440604010001", name="升平社区居委会", level=Area.Level.COMMUNITY, parent=street, kind="社区居委会"
    )
    unit = UnitFactory(committee=committee, name="区城市管理和综合执法局")
    UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    return {
        "committee": committee,
        "unit": unit,
        "office": UserFactory(office=True, committee=committee, username="tiananwei", full_name="王芳"),
        "staff": UserFactory(unit_staff=True, committee=committee, unit=unit, username="chengguan", full_name="陈志强"),
        "leader": LeaderFactory(committee=committee, with_user=True, name="李明", title="区委副书记").user,
    }


def logout(page) -> None:
    with page.expect_navigation():
        page.click("header form.logout button")


def test_citizen_message_is_assigned_replied_rated_and_closed(
    page, phone_page, live_server, login, town, browser_errors
):
    base = live_server.url
    page.set_viewport_size(DESKTOP)

    # 1. A citizen leaves a message on the public site, on a phone.
    phone_page.goto(f"{base}/public/")
    assert_accessible(phone_page)
    shoot(phone_page, "portal-index")
    phone_page.click("text=我要留言")
    phone_page.check("input[name=kind][value=complaint]")
    phone_page.fill("#id_title", "小区门口夜间施工噪音扰民")
    phone_page.fill("#id_text", "最近一个月每晚十一点后仍有渣土车和施工作业，噪音很大，老人小孩无法休息。")
    with phone_page.expect_response(re.compile(r"/public/areas/communities/")):
        phone_page.select_option("#id_street", label="祖庙街道")
    phone_page.select_option("#id_community", label="升平社区居委会")
    phone_page.fill("#id_name", "李女士")
    phone_page.fill("#id_phone", "13912345678")
    assert_accessible(phone_page)
    shoot(phone_page, "portal-submit")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('提交留言')")
    assert "留言已受理" in phone_page.inner_text("h1")
    code = phone_page.inner_text("#tracking-code").strip()
    msg = Message.objects.get()
    assert code == msg.tracking_code and msg.area.name == "升平社区居委会"
    shoot(phone_page, "portal-receipt")

    # 2. The office assigns it to the city management bureau.
    login(page, town["office"])
    # the office lands on its own work first; the queue is one click away
    assert page.url == f"{live_server.url}/" and "待交办" in page.inner_text("main")
    page.goto(f"{live_server.url}/handling/")
    assert "小区门口夜间施工噪音扰民" in page.inner_text("#queue-results")
    assert "13912345678" in page.inner_text("#queue-results")  # the dispatcher sees the full number
    assert_accessible(page)
    shoot(page, "queue")
    # The title search narrows the list in place (htmx), then the full list comes back.
    page.fill("#id_q", "没有这个标题")
    page.wait_for_selector("#queue-results td.empty")
    assert "q=" in page.url
    page.fill("#id_q", "")
    page.wait_for_selector("#queue-results a:has-text('交办')")
    page.click("#queue-results a:has-text('交办')")
    page.select_option("#id_lead_units", label="区城市管理和综合执法局")
    page.fill("#id_reason", "请核查夜间施工许可并依法处理。")
    shoot(page, "item-assign")
    with page.expect_navigation():
        page.click("button:has-text('确认交办')")
    assert "已交办" in page.inner_text(".flash")
    assert Item.objects.get().status == Item.Status.HANDLING
    logout(page)

    # 3. The unit signs for it on its workbench and replies.
    login(page, town["staff"])
    assert page.url == f"{live_server.url}/" and "待签收" in page.inner_text("main")
    page.goto(f"{live_server.url}/handling/workbench/")
    assert "待签收" in page.inner_text("main")
    assert "138" not in page.inner_text("main")
    shoot(page, "workbench")
    with page.expect_navigation():
        page.click("button:has-text('签收')")
    assert "已签收" in page.inner_text(".flash")
    with page.expect_navigation():
        page.click("td.row-actions a:has-text('办理')")
    assert "139****5678" in page.inner_text("main")  # the unit sees a masked number
    assert "13912345678" not in page.inner_text("main")
    page.click("summary:has-text('答复')")
    page.select_option("select[name$='-category']", label="已解决")
    page.fill("textarea[name$='-body']", "经核查，该工地夜间施工未办理许可，已责令晚上十点后停止作业，并安排夜间巡查。")
    page.check("input[name$='-resolved']")
    assert_accessible(page)
    shoot(page, "item-reply")
    with page.expect_navigation():
        page.click("button:has-text('提交答复')")
    assert "答复已提交" in page.inner_text(".flash")
    shoot(page, "item-replied")
    logout(page)

    # 4. The citizen finds the reply with the tracking code and rates it 满意.
    phone_page.goto(f"{base}/public/track/")
    phone_page.fill("#id_code", code)
    phone_page.fill("#id_phone", "13912345678")
    shoot(phone_page, "portal-track")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('查询')")
    assert "已责令晚上十点后停止作业" in phone_page.inner_text("main")
    assert_accessible(phone_page)
    shoot(phone_page, "portal-status-replied")
    phone_page.check("input[name=value][value=satisfied]")
    with phone_page.expect_navigation():
        phone_page.click("button:has-text('提交评价')")
    assert "感谢您的评价" in phone_page.inner_text("main")
    assert phone_page.inner_text("#public-status") == "已办结"
    shoot(phone_page, "portal-status-closed")

    item = Item.objects.get()
    assert item.status == Item.Status.CLOSED and item.closed_at is not None
    assert Assignment.objects.get().status == Assignment.Status.CLOSED
    assert browser_errors == []


def test_an_overdue_assignment_is_flagged_after_the_clock_moves(
    page, live_server, login, town, browser_errors, settings
):
    settings.XIESHANG_RANKING_MIN_COUNT = 1
    page.set_viewport_size(DESKTOP)
    committee, unit = town["committee"], town["unit"]
    items = []
    for title in ("人行道破损多处，雨天积水", "菜市场周边占道经营"):
        item = loop.item_accept(
            committee=committee, channel="message", kind="consult", title=title, text="请尽快处理。"
        )
        loop.item_assign(item_id=item.pk, actor=town["office"], mode=Item.Mode.SINGLE, lead_units=[unit])
        items.append(item)
    late = Assignment.objects.get(item=items[0])
    loop.assignment_sign(assignment_id=late.pk, actor=town["staff"])
    # The clock moves: both deadlines are now in the past, and the periodic scan flags them.
    past = timezone.now() - dt.timedelta(days=3)
    Assignment.objects.filter(item__in=items).update(reply_due_at=past, sign_due_at=past - dt.timedelta(days=1))
    counts = loop.scan_deadlines()
    assert counts["overdue"] == 2

    login(page, town["staff"])
    page.goto(f"{live_server.url}/handling/workbench/")
    main = page.inner_text("main")
    assert "已超期 " in main and "人行道破损多处" in main
    first_row = page.locator("table.list tbody tr").first
    assert "is-overdue" in (first_row.get_attribute("class") or "")
    shoot(page, "workbench-overdue")
    logout(page)

    login(page, town["leader"])
    assert page.url == f"{live_server.url}/" and "督办中" in page.inner_text("main")
    page.goto(f"{live_server.url}/handling/supervision/")
    assert "人行道破损多处" in page.inner_text("main")
    shoot(page, "supervision")
    page.click("summary:has-text('督办')")
    page.locator("details[open] textarea").fill("请城管局三日内处理完毕并答复群众。")
    with page.expect_navigation():
        page.locator("details[open] button").click()
    assert "督办意见已发送" in page.inner_text(".flash")
    assert Item.objects.get(pk=items[0].pk).is_supervised
    logout(page)

    login(page, town["office"])
    page.goto(f"{live_server.url}/handling/metrics/")
    assert "超期数" in page.inner_text("main")
    page.wait_for_selector("#metrics-chart canvas")  # the ECharts bar chart drew from the json_script data
    assert_accessible(page)
    shoot(page, "metrics")
    page.goto(f"{live_server.url}/handling/items/{items[0].pk}/")
    shoot(page, "item-overdue-office")
    assert browser_errors == []
