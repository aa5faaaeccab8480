"""Meetings, leave and attendance: 谁组织谁记录, leave beforehand, attendance once; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.duties import services
from xieshang.duties.models import Attendance, LeaveRequest, Meeting

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2022, 5, 10, 9, 30))


def _meeting(w, kind=Meeting.Kind.TOPIC_TRAINING):
    with time_machine.travel(START - dt.timedelta(days=5), tick=False):
        return services.meeting_create(
            actor=w.office,
            committee=w.committee,
            kind=kind,
            title="提案撰写专题培训",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=2),
        )


def test_leave_requested_beforehand_is_approved_and_recorded_as_leave(w):
    m = _meeting(w)
    member = w.members[0]
    with time_machine.travel(START - dt.timedelta(days=1), tick=False):
        leave = services.leave_request(actor=member.user, meeting_id=m.pk, member=member, kind="travel", reason="出差")
        services.leave_decide(actor=w.office, leave_id=leave.pk, approve=True)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        rows = services.attendance_record(
            actor=w.office,
            meeting_id=m.pk,
            members=[(member, "leave"), (w.members[1], "present"), (w.members[2], "absent")],
            leaders=[w.leaders[0]],
        )
    assert len(rows) == 4
    assert Attendance.objects.get(meeting=m, member=member).leave == leave
    assert AuditEntry.objects.filter(thread=m.thread, action="attendance_record").count() == 1


def test_leave_request_after_the_activity_has_started_is_refused_and_changes_nothing(w):
    m = _meeting(w)
    member = w.members[0]
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False), pytest.raises(ServiceError) as e:
        services.leave_request(actor=member.user, meeting_id=m.pk, member=member, kind="illness", reason="身体不适")
    assert "会前" in e.value.message
    assert LeaveRequest.objects.count() == 0


def test_attendance_recorded_twice_for_one_member_is_refused_and_changes_nothing(w):
    m = _meeting(w)
    a, b = w.members[0], w.members[1]
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        services.attendance_record(actor=w.office, meeting_id=m.pk, members=[(a, "present")])
        with pytest.raises(ConflictError) as e:
            services.attendance_record(actor=w.office, meeting_id=m.pk, members=[(b, "present"), (a, "absent")])
        assert a.name in e.value.message
        with pytest.raises(ConflictError):
            services.attendance_record(actor=w.office, meeting_id=m.pk, members=[(b, "present"), (b, "absent")])
    assert list(Attendance.objects.filter(meeting=m).values_list("member_id", "status")) == [(a.pk, "present")]


def test_only_the_organiser_records_and_not_before_the_meeting(w):
    m = _meeting(w)
    with time_machine.travel(START - dt.timedelta(hours=1), tick=False), pytest.raises(ServiceError):
        services.attendance_record(actor=w.office, meeting_id=m.pk, members=[(w.members[0], "present")])
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        with pytest.raises(PermissionDeniedError):
            services.attendance_record(actor=w.secretariat, meeting_id=m.pk, members=[(w.members[0], "present")])
        with pytest.raises(ServiceError, match="没有经批准的请假"):
            services.attendance_record(actor=w.office, meeting_id=m.pk, members=[(w.members[0], "leave")])
    assert not Attendance.objects.exists()


def test_plenary_leave_is_decided_by_the_secretariat_not_the_organiser(w):
    m = _meeting(w, Meeting.Kind.PLENARY)
    member = w.members[1]
    with time_machine.travel(START - dt.timedelta(days=2), tick=False):
        leave = services.leave_request(actor=w.office, meeting_id=m.pk, member=member, kind="official", reason="公务")
        with pytest.raises(PermissionDeniedError):
            services.leave_decide(actor=w.office, leave_id=leave.pk, approve=True)
        services.leave_decide(actor=w.secretariat, leave_id=leave.pk, approve=False)
        leave.refresh_from_db()
        assert leave.status == LeaveRequest.Status.REFUSED
        with pytest.raises(ConflictError):
            services.leave_decide(actor=w.secretariat, leave_id=leave.pk, approve=True)
        # refused: a new request may be made
        services.leave_request(actor=w.office, meeting_id=m.pk, member=member, kind="official", reason="公务冲突")
        with pytest.raises(ConflictError):
            services.leave_request(actor=w.office, meeting_id=m.pk, member=member, kind="official", reason="再次")


def test_a_member_asks_leave_only_for_themself(w):
    m = _meeting(w)
    with time_machine.travel(START - dt.timedelta(days=1), tick=False), pytest.raises(ServiceError):
        services.leave_request(
            actor=w.members[1].user, meeting_id=m.pk, member=w.members[0], kind="travel", reason="出差"
        )
    assert not LeaveRequest.objects.exists()


def test_committee_records_refuse_bad_input(w):
    with pytest.raises(PermissionDeniedError):
        services.rules_document_add(
            actor=w.members[0].user, committee=w.committee, title="履职管理办法", adopted_on=dt.date(2022, 2, 1)
        )
    services.rules_document_add(
        actor=w.office, committee=w.committee, title="履职管理办法", adopted_on=dt.date(2022, 2, 1)
    )
    with pytest.raises(ConflictError):
        services.rules_document_add(
            actor=w.office, committee=w.committee, title="履职管理办法", adopted_on=dt.date(2022, 3, 1)
        )
    services.honour_award(actor=w.office, member=w.members[0], year=2022, awarded_on=dt.date(2022, 12, 28))
    with pytest.raises(ConflictError):
        services.honour_award(actor=w.office, member=w.members[0], year=2022, awarded_on=dt.date(2022, 12, 29))
    with pytest.raises(ServiceError, match="链接"):
        services.media_report_add(
            actor=w.office,
            committee=w.committee,
            title="报道",
            outlet="佛山日报",
            published_on=dt.date(2022, 3, 1),
            url="javascript:alert(1)",
        )
