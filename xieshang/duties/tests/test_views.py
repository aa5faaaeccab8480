"""Pages: a member sees and prints their own file only; the office sees who is below the minimum; organisers record."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from xieshang.duties import services
from xieshang.duties.models import Attendance, LeaveRequest

pytestmark = pytest.mark.django_db


def test_a_member_sees_and_prints_their_own_file_and_not_anothers(client, w):
    services.honour_award(actor=w.office, member=w.members[0], year=2022, awarded_on=dt.date(2022, 12, 28))
    client.force_login(w.members[0].user)
    mine = client.get("/duties/mine/", {"year": "2022"})
    assert mine.status_code == 302
    page = client.get(mine["Location"]).content.decode()
    assert "周文博 · 2022年度履职档案" in page and "优秀履职委员" in page and "js-print" in page
    assert client.get(f"/duties/members/{w.members[1].pk}/2022/").status_code == 404
    assert client.get("/duties/").status_code == 404
    picked = client.get(f"/duties/members/{w.members[0].pk}/2022/", {"year": "2021"})
    assert picked["Location"] == f"/duties/members/{w.members[0].pk}/2021/"


def test_the_office_overview_lists_members_below_the_minimum(client, w):
    client.force_login(w.office)
    html = client.get("/duties/", {"year": "2022", "show": "below"}).content.decode()
    assert "未达年度最低要求（12）" in html and "参加活动 0 次，少于 3 次" in html
    assert client.get(f"/duties/members/{w.members[1].pk}/2022/").status_code == 200


def test_the_organiser_records_attendance_and_a_member_asks_leave_on_the_page(client, w):
    start = timezone.now() + dt.timedelta(days=2)
    client.force_login(w.office)
    r = client.post(
        "/duties/meetings/new/",
        {
            "kind": "reading",
            "title": "读书分享会",
            "date": f"{timezone.localtime(start):%Y-%m-%d}",
            "start": "15:00",
            "end": "17:00",
        },
    )
    assert r.status_code == 302
    meeting_url = r["Location"]
    client.logout()
    member = w.members[1]
    client.force_login(member.user)
    client.post(f"{meeting_url}leave/", {"kind": "travel", "reason": "出差在外"})
    leave = LeaveRequest.objects.get()
    client.logout()
    client.force_login(w.office)
    client.post(f"/duties/leave/{leave.pk}/decide/", {"approve": "1"})
    with time_machine.travel(timezone.localtime(start).replace(hour=18), tick=False):
        client.post(f"{meeting_url}attendance/", {f"m{w.members[0].pk}": "present", f"m{member.pk}": "leave"})
        assert Attendance.objects.count() == 2
        client.post(f"{meeting_url}attendance/", {f"m{w.members[0].pk}": "absent"})
        assert Attendance.objects.count() == 2
        assert "不能重复记录" in client.get(meeting_url).content.decode()
