"""The demo's consultation year: the suggestions' handling carries its 2022 dates, step after step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.consultations import notices, selectors
from xieshang.consultations.models import Activity, Participant, ResearchReport, Suggestion, Topic
from xieshang.core.models import AuditEntry
from xieshang.demo import consultations as demo
from xieshang.handling import services as loop
from xieshang.handling.models import Item, Reply
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    AreaFactory,
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period, is_workday

# units with staff: a suggestion goes to the one whose duties it falls under, else to each in turn
UNIT_NAMES = ["区住房城乡建设和水利局", "区教育局", "石湾镇街道办事处", "区交通运输局", "区民政局", "区农业农村局"]


@pytest.fixture
def committee(db):
    committee = CommitteeFactory(name="演示区政协")
    term = TermFactory(committee=committee, number=5)
    UserFactory(username="office", office_staff=True, committee=committee)
    for name in UNIT_NAMES:
        UserFactory(committee=committee, role=User.Role.UNIT, unit=UnitFactory(committee=committee, name=name))
    LeaderFactory(committee=committee, with_user=True)
    for i in range(30):
        MemberFactory(term=term, committee=committee, name=f"委员{i:02d}")
    street = AreaFactory(code="T440604011", name="张槎街道", level=Area.Level.STREET)
    for i in range(3):
        AreaFactory(code=f"T44060401100{i}", name=f"测试社区{i}", level=Area.Level.COMMUNITY, parent=street)
    return committee


def _year(value: dt.datetime) -> int:
    return timezone.localtime(value).year


def test_demo_suggestions_are_handled_on_their_2022_days_in_order_and_the_scan_leaves_them_be(committee):
    assert demo.seed(committee) == demo.SUGGESTIONS
    f = selectors.year_figures(committee.pk, demo.YEAR)
    assert (f["suggestions_collected"], f["suggestions_sent"], f["suggestions_converted"]) == (135, 135, 102)

    suggestions = Suggestion.objects.filter(committee=committee).select_related("activity", "item")
    assert suggestions.count() == demo.SUGGESTIONS
    for s in suggestions:
        item = s.item
        a = item.assignments.get()
        (reply,) = a.replies.all()
        ratings = list(a.ratings.all())
        assert s.activity.ends_at < s.created_at < item.accepted_at <= item.assigned_at == a.assigned_at
        # sent, signed for and (but for the slowest replies) answered and rated in the year
        in_year = [s.created_at, a.assigned_at, a.signed_at, *(r.created_at for r in ratings)]
        assert all(_year(when) == demo.YEAR for when in in_year), s.title
        assert _year(reply.created_at) == demo.YEAR or reply.category in ("explained", "unable")
        # the deadlines are the ones counted on the day it was sent, and were kept
        assert a.reply_due_at == add_period(a.clock_started_at, 2, TimeUnit.MONTH).at
        assert not a.deadline_uncertain
        assert a.assigned_at < a.signed_at <= a.sign_due_at
        assert a.signed_at < a.first_replied_at <= reply.created_at < a.reply_due_at
        assert a.rating_due_at == add_period(reply.created_at, 90, TimeUnit.DAY).at
        if ratings:
            assert reply.created_at < ratings[0].created_at <= a.rating_due_at
            assert a.closed_at == item.closed_at
        else:
            # nobody rated it in the 90 days: the scan closed it as not rated just after
            assert a.rating_due_at < a.closed_at <= item.closed_at < a.rating_due_at + dt.timedelta(minutes=10)
            assert AuditEntry.objects.filter(thread=f"item:{item.pk}", action="close_unrated").exists()
        assert item.status == Item.Status.CLOSED and not item.is_overdue and not a.is_overdue
        # each history reads in the order it was written
        for thread in (f"item:{item.pk}", f"suggestion:{s.pk}"):
            times = list(AuditEntry.objects.filter(thread=thread).order_by("id").values_list("created_at", flat=True))
            assert times == sorted(times) and times[0] >= s.created_at, thread
    slowest = Reply.objects.filter(assignment__item__channel="suggestion").order_by("-created_at").first()
    assert slowest is not None and _year(slowest.created_at) == demo.YEAR + 1

    # the periodic scan and a recount of the deadlines find nothing left to do
    before = AuditEntry.objects.count()
    assert loop.scan_deadlines() == {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    assert loop.recompute_open_deadlines() == 0
    assert AuditEntry.objects.count() == before


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def test_demo_topics_and_activities_carry_their_2022_dates_and_their_histories_read_in_order(committee):
    demo.seed(committee)
    f = selectors.year_figures(committee.pk, demo.YEAR)
    assert (f["inspections"], f["research_reports"], f["meetings"], f["micro"], f["follow_ups"], f["experts"]) == (
        56,
        7,
        15,
        16,
        4,
        16,
    )
    # from the topics proposed in December 2021 to the follow-up of the last replies in early 2023
    start, end = dt.datetime(2021, 12, 1), dt.datetime(2023, 3, 1)
    entries = AuditEntry.objects.filter(thread__regex=r"^(topic|plan|activity|suggestion):")
    assert entries.count() > 1000
    assert [e for e in entries if not start <= timezone.make_naive(e.created_at) < end] == []

    for t in Topic.objects.filter(committee=committee):
        assert t.reference.startswith(f"YT{_local(t.created_at).year}"), t.reference
        stamps = [t.created_at, *(e.created_at for e in AuditEntry.objects.filter(thread=t.thread).order_by("id"))]
        assert stamps == sorted(stamps) and start <= timezone.make_naive(stamps[-1]) < end, t.title
        if t.outcome_published_at:
            assert _local(t.outcome_published_at).year == demo.YEAR
    for a in Activity.objects.filter(committee=committee):
        day = _local(a.starts_at).date()
        assert day.year == demo.YEAR and is_workday(day), a.title
        assert a.created_at < a.signin_opens_at < a.starts_at < a.ends_at < a.minutes_recorded_at, a.title
        assert a.created_at < notices.notice_due(a) and a.minutes_recorded_at < notices.minutes_due(a)
        assert _local(a.minutes_recorded_at).date() == day
        for p in Participant.objects.filter(activity=a, signed_in_at__isnull=False):
            assert a.signin_opens_at <= p.signed_in_at <= a.starts_at, p.name
        for r in ResearchReport.objects.filter(activity=a):
            assert day < r.completed_on <= _local(r.created_at).date() and r.completed_on.year == demo.YEAR
        times = list(AuditEntry.objects.filter(thread=a.thread).order_by("id").values_list("created_at", flat=True))
        assert times == sorted(times) and dt.timedelta(0) <= times[0] - a.created_at < dt.timedelta(seconds=5)
        for s in Suggestion.objects.filter(activity=a):
            assert a.ends_at < s.created_at
