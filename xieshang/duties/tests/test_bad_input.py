"""The issue's bad input for duties, through the pages and the services: a leave request after the
activity, attendance recorded twice for one member, a points scheme whose weights do not parse —
each refused with a clear Chinese message, nothing changed (no row, no audit entry)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from xieshang.core.errors import ServiceError
from xieshang.core.models import AuditEntry
from xieshang.duties import services
from xieshang.duties.models import Attendance, LeaveRequest, Meeting, PointsScheme

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2022, 5, 10, 9, 30))


def _meeting(w):
    with time_machine.travel(START - dt.timedelta(days=5), tick=False):
        return services.meeting_create(
            actor=w.office,
            committee=w.committee,
            kind=Meeting.Kind.READING,
            title="读书分享会",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=2),
        )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_leave_request_on_the_page_after_the_activity_is_refused_and_changes_nothing(client, w):
    meeting = _meeting(w)
    member = w.members[1]
    audit_rows = AuditEntry.objects.count()
    client.force_login(member.user)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        r = client.post(f"/duties/meetings/{meeting.pk}/leave/", {"kind": "illness", "reason": "身体不适"}, follow=True)
        assert "会议或活动已经开始，不能再请假" in _messages(r)
        assert "会议已开始，不能再请假" in r.content.decode()  # and the form is no longer offered
    assert not LeaveRequest.objects.exists() and AuditEntry.objects.count() == audit_rows


def test_attendance_recorded_twice_on_the_page_is_refused_and_changes_nothing(client, w):
    meeting = _meeting(w)
    a, b = w.members[0], w.members[1]
    client.force_login(w.office)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        client.post(f"/duties/meetings/{meeting.pk}/attendance/", {f"m{a.pk}": "present"})
        audit_rows = AuditEntry.objects.count()
        r = client.post(
            f"/duties/meetings/{meeting.pk}/attendance/", {f"m{a.pk}": "absent", f"m{b.pk}": "present"}, follow=True
        )
    assert f"{a.name}的出席情况已经记录，不能重复记录" in _messages(r)
    assert list(Attendance.objects.values_list("member_id", "status")) == [(a.pk, "present")]
    assert AuditEntry.objects.count() == audit_rows


@pytest.mark.parametrize(
    ("weights", "words"),
    [
        ('{"activities": {"each": Infinity}}', "不小于 0 的数字"),
        ({"activities": {"each": "NaN"}}, "不小于 0 的数字"),
        ({"activities": {"each": True}}, "应为数字"),
        ({"activities": 2}, "应为一个对象"),
        ({"grades": [[90, ""], [0, "不称职"]]}, "[分数线, 等次名称]"),
        ({"grades": []}, "等次"),
        ("", "不是有效的 JSON"),
    ],
)
def test_a_points_scheme_whose_weights_do_not_parse_changes_nothing(w, weights, words):
    services.points_scheme_save(actor=w.office, committee=w.committee, weights={"activities": {"each": 3}})
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(ServiceError) as e:
        services.points_scheme_save(actor=w.office, committee=w.committee, weights=weights)
    assert e.value.message.startswith("积分方案无法解析：") and words in e.value.message
    scheme = PointsScheme.objects.get(committee=w.committee)
    assert (scheme.weights, scheme.version) == ({"activities": {"each": 3}}, 0)
    assert AuditEntry.objects.count() == audit_rows
