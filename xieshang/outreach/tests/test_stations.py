"""Stations, rosters, the visitor log and its disposals."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.handling.models import Assignment, Item, Rating
from xieshang.outreach import permissions as perms
from xieshang.outreach import services
from xieshang.outreach.models import DutyShift, Station, StationMessage, Visit

from .conftest import DAY, handle, log

pytestmark = pytest.mark.django_db


def test_station_sits_on_a_street_or_community(office, committee, street, host):
    district = street.parent
    with pytest.raises(ServiceError, match="镇街或村居"):
        services.station_create(actor=office, committee=committee, name="区级站", area=district)
    with pytest.raises(PermissionDeniedError):
        services.station_create(actor=host, committee=committee, name="自建站", area=street)
    assert not Station.objects.exists()


def test_roster_on_the_10th_and_20th_in_turn(station, host, members):
    shifts = services.roster_generate(
        actor=host, station_id=station.pk, start=dt.date(2026, 10, 1), months=2, members=members[:2]
    )
    assert [(s.on, s.member.name) for s in shifts] == [
        (dt.date(2026, 10, 10), "陈委员"),
        (dt.date(2026, 10, 20), "黄委员"),
        (dt.date(2026, 11, 10), "陈委员"),
        (dt.date(2026, 11, 20), "黄委员"),
    ]


def test_a_roster_that_double_books_a_member_is_refused_whole(office, committee, community, station, members):
    other = services.station_create(
        actor=office, committee=committee, name="东风社区联系点", kind="point", area=community, members=members[:1]
    )
    services.shift_add(actor=office, station_id=other.pk, on=dt.date(2026, 11, 20), member=members[0], past=True)
    before = DutyShift.objects.count()
    with pytest.raises(ServiceError, match="陈委员委员 2026年11月20日 已安排在「东风社区联系点」值班"):
        services.roster_generate(
            actor=office, station_id=station.pk, start=dt.date(2026, 11, 1), months=1, members=[members[0]]
        )
    assert DutyShift.objects.count() == before


def test_swap_two_shifts_and_hand_one_over(station, host, members):
    a = services.shift_add(actor=host, station_id=station.pk, on=dt.date(2026, 11, 10), member=members[0], past=True)
    b = services.shift_add(actor=host, station_id=station.pk, on=dt.date(2026, 11, 20), member=members[1], past=True)
    services.shift_swap(actor=host, shift_id=a.pk, other_shift_id=b.pk)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.member, b.member) == (members[1], members[0])
    with pytest.raises(ServiceError, match="不是「石湾镇街道政协委员工作联系站」的进站委员"):
        services.shift_swap(actor=host, shift_id=a.pk, member=members[2])
    with pytest.raises(ServiceError, match="替班委员与原值班委员相同"):
        services.shift_swap(actor=host, shift_id=a.pk, member=members[1])


def test_visit_by_member_not_on_duty_is_warned_and_needs_a_reason(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    with pytest.raises(services.OffDutyWarning, match="不在本站值班表上"):
        log(station, host, members[1])
    assert not Visit.objects.exists()
    visit = log(station, host, members[1], off_duty_reason="陈委员临时外出，黄委员替班接待")
    assert visit.off_duty_reason.startswith("陈委员")
    on_duty = log(station, host, members[0], off_duty_reason="不需要")
    assert on_duty.off_duty_reason == ""


def test_a_double_submitted_visit_is_logged_once(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    token = uuid.uuid4()
    first = log(station, host, members[0], submission_token=token)
    again = log(station, host, members[0], submission_token=token)
    assert first.pk == again.pk and Visit.objects.count() == 1


def test_answered_on_the_spot_is_told_that_day(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0], kind="consult", matter="咨询长者饭堂的申请条件")
    with pytest.raises(ServiceError, match="请填写处置说明"):
        services.visit_dispose(actor=host, visit_id=visit.pk, disposal="answered")
    visit = services.visit_dispose(actor=host, visit_id=visit.pk, disposal="answered", note="已告知申请条件和地址。")
    assert visit.status == "answered" and visit.feedback_on == DAY


def test_a_personal_request_cannot_become_a_proposal_or_opinion_report(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0], kind="personal", matter="本人养老保险转移接续问题")
    for disposal in ("proposal", "opinion"):
        with pytest.raises(ServiceError, match="不作为提案或社情民意信息"):
            services.visit_dispose(actor=host, visit_id=visit.pk, disposal=disposal, text="x" * 60)
    visit.refresh_from_db()
    assert visit.status == "open" and visit.proposal_id is None


def test_suggestion_becomes_the_duty_members_proposal_draft(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0])
    visit = services.visit_dispose(
        actor=host, visit_id=visit.pk, disposal="proposal", title="关于加快河涌截污的建议", text="一、加快管网建设。"
    )
    p = visit.proposal
    assert p.status == "draft" and p.created_by == members[0].user and p.title == "关于加快河涌截污的建议"
    assert p.station_visit == visit


def test_duty_member_turns_a_suggestion_into_an_opinion_report(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, members[0].user, members[0])
    text = "石湾镇街道部分河涌夏季异味明显，群众反映强烈。建议区水务部门加快截污管网建设，" * 2
    visit = services.visit_dispose(
        actor=members[0].user, visit_id=visit.pk, disposal="opinion", title="河涌异味问题", text=text
    )
    assert visit.opinion_report.member == members[0] and visit.status == "opinion"


def test_sent_to_a_department_through_the_loop_and_the_visitor_is_told_and_rates(
    station, host, members, office, unit_staff, django_capture_on_commit_callbacks
):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0])
    visit = services.visit_dispose(actor=host, visit_id=visit.pk, disposal="referred")
    item = visit.item
    assert item.channel == "station" and item.source_id == visit.pk and item.status == Item.Status.PENDING
    with pytest.raises(ServiceError, match="尚未答复"):
        services.visit_feedback(actor=host, visit_id=visit.pk, told_on=DAY)
    with django_capture_on_commit_callbacks(execute=True):
        handle(item.pk, office, unit_staff)
    visit.refresh_from_db()
    assert visit.outcome.startswith("区住建局答复：已安排截污管网施工") and visit.feedback_on is None
    visit = services.visit_feedback(
        actor=host, visit_id=visit.pk, told_on=dt.date.today(), note="电话告知", rating="satisfied"
    )
    assert visit.feedback_on == dt.date.today()
    a = Assignment.objects.get(item=item)
    assert a.status == Assignment.Status.CLOSED and Rating.objects.get(assignment=a).rater_label == "来访群众"


def test_host_sees_only_own_stations_and_duty_member_only_duty_days(
    office, committee, community, station, host, members
):
    other_host = type(host).objects.create(username="host2", role="host", committee=committee)
    other = services.station_create(
        actor=office, committee=committee, name="东风社区联系点", area=community, host=other_host, members=members
    )
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    services.shift_add(actor=host, station_id=station.pk, on=DAY + dt.timedelta(days=10), member=members[1], past=True)
    services.shift_add(actor=office, station_id=other.pk, on=DAY, member=members[2], past=True)
    mine = log(station, host, members[0])
    theirs = log(station, host, members[1], on=DAY + dt.timedelta(days=10))
    elsewhere = log(other, other_host, members[2])
    assert list(perms.stations_visible_to(host)) == [station]
    assert set(perms.visits_visible_to(host)) == {mine, theirs}
    assert list(perms.visits_visible_to(members[0].user)) == [mine]
    assert set(perms.visits_visible_to(office)) == {mine, theirs, elsewhere}
    with pytest.raises(NotFoundError):
        perms.get_visit(members[0].user, theirs.pk)
    with pytest.raises(NotFoundError):
        perms.get_station(host, other.pk)
    with pytest.raises(NotFoundError):
        services.visit_dispose(actor=members[0].user, visit_id=theirs.pk, disposal="answered", note="好")


def test_station_message_once_per_token_and_limited_per_phone(station):
    token = uuid.uuid4()
    kw = {"station_id": station.pk, "name": "何女士", "phone": "13800138000", "text": "想预约接待日反映路灯问题"}
    m1, created = services.station_message_leave(submission_token=token, **kw)
    again, created_again = services.station_message_leave(submission_token=token, **kw)
    assert created and not created_again and m1.pk == again.pk
    for _ in range(2):
        services.station_message_leave(submission_token=uuid.uuid4(), **kw)
    with pytest.raises(ServiceError, match="您今天已留言 3 次"):
        services.station_message_leave(submission_token=uuid.uuid4(), **kw)
    assert StationMessage.objects.count() == 3


def test_a_message_taken_up_as_a_visit(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    msg, _ = services.station_message_leave(
        submission_token=uuid.uuid4(), station_id=station.pk, name="何女士", phone="13800138000", text="路灯坏了两周"
    )
    visit = log(station, host, members[0], message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.visit == visit


def test_the_loop_pages_show_who_came_and_link_back_to_the_visit(station, host, members, office):
    from django.test import Client

    from xieshang.handling import registry

    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0])
    visit = services.visit_dispose(actor=host, visit_id=visit.pk, disposal="referred")
    channel = registry.get("station")
    details = channel.source_details([visit.item], False)[visit.item_id]
    assert ("来访人", "何女士") in details and ("联系方式", "138****8000") in details
    assert channel.source_url(visit.item) == f"/outreach/visits/{visit.pk}/"
    c = Client()
    c.force_login(office)
    r = c.get(f"/handling/items/{visit.item_id}/")
    assert r.status_code == 200 and "何女士" in r.content.decode()
