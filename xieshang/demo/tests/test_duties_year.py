"""The demo year's duties records reproduce the seed's figures, through the indicator registry."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from xieshang.core import indicators
from xieshang.demo.duties import FIGURES, seed_duties
from xieshang.duties import selectors, services
from xieshang.duties.models import Attendance, LeaveRequest, Meeting
from xieshang.duties.tests.conftest import build


@pytest.mark.django_db
def test_demo_year_equals_the_seed_and_gives_members_complete_files():
    w = build(members=260, slug="demo")
    made = seed_duties(w.committee, year=2022)
    assert made["honours"] == 58
    for key, figure in FIGURES.items():
        assert indicators.get(key).compute(w.committee, 2022) == figure, key
    assert indicators.get("study_sessions").compute(w.committee, 2021) == 0
    out = StringIO()
    call_command("scorecard", "--committee", "demo", "--year", "2022", stdout=out)
    printed = {row["key"]: row["value"] for row in json.loads(out.getvalue())["indicators"]}
    assert {key: printed[key] for key in FIGURES} == FIGURES
    # every leave at a meeting was asked for before it began and approved
    for leave in LeaveRequest.objects.select_related("meeting"):
        assert leave.requested_at < leave.meeting.starts_at
        assert leave.status == LeaveRequest.Status.APPROVED
    assert Attendance.objects.filter(status=Attendance.Status.LEAVE, leave__isnull=True).count() == 0
    # the member with an account has a complete duty file
    f = selectors.duty_file(w.members[0], 2022)
    kinds = {a.meeting.kind for a in f.meetings}
    assert {Meeting.Kind.PLENARY, Meeting.Kind.STANDING, Meeting.Kind.CHAIR, Meeting.Kind.TRAINING_CLASS} <= kinds
    assert f.honours and f.features and f.speeches and f.media
    # a second run adds nothing
    before = Meeting.objects.count()
    assert seed_duties(w.committee, year=2022) == {}
    assert Meeting.objects.count() == before
    # changing a record changes the figure
    first = Meeting.objects.filter(kind=Meeting.Kind.READING).order_by("starts_at").first()
    services.meeting_create(
        actor=w.office,
        committee=w.committee,
        kind=Meeting.Kind.READING,
        title="读书分享会（补登）",
        starts_at=first.starts_at,
        ends_at=first.ends_at,
    )
    assert indicators.get("reading_events").compute(w.committee, 2022) == 7
