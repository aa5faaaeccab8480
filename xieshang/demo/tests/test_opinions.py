"""The demo's opinion year: every record and history carries its 2022 dates, and the reports read like
reports of different authors about different matters."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from xieshang.core.models import AuditEntry
from xieshang.demo import opinions as demo
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.opinions import selectors
from xieshang.opinions.models import (
    Adoption,
    BulletinIssue,
    BulletinRelease,
    Instruction,
    OpinionReport,
    ReportVersion,
)
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

TZ = dt.timezone(dt.timedelta(hours=8))
# The demo year, and the first weeks of the next for what followed the last releases.
FROM, UNTIL = dt.datetime(2022, 1, 1, tzinfo=TZ), dt.datetime(2023, 3, 1, tzinfo=TZ)


@pytest.fixture
def seeded(db):
    committee = CommitteeFactory(name="演示区政协")
    term = TermFactory(committee=committee, number=5)
    UserFactory(username="info", information=True, committee=committee)
    for name in sorted(set(demo.TRANSFER_UNITS.values())):
        UserFactory(committee=committee, role=User.Role.UNIT, unit=UnitFactory(committee=committee, name=name))
    LeaderFactory(committee=committee, with_user=True)
    for i in range(30):
        MemberFactory(term=term, committee=committee, name=f"委员{i:02d}", with_user=i % 3 == 0)
    for i in range(3):
        MemberFactory(term=term, committee=committee, name=f"港澳委员{i}", is_hk_macao=True)
    assert demo.seed(committee) == demo.TOTAL
    return committee


def _in_year(value: dt.datetime | dt.date | None) -> bool:
    if value is None:
        return True
    if isinstance(value, dt.datetime):
        return FROM <= value < UNTIL
    return FROM.date() <= value < UNTIL.date()


def _just_after(later: dt.datetime, earlier: dt.datetime) -> bool:
    """Written by the same step (the step's own records, then its audit row)."""
    return dt.timedelta(0) <= later - earlier < dt.timedelta(seconds=5)


def _times(thread: str) -> list[dt.datetime]:
    return list(AuditEntry.objects.filter(thread=thread).order_by("id").values_list("created_at", flat=True))


def test_the_demo_opinion_year_is_dated_in_2022_and_its_transfers_went_round_the_loop(seeded):
    f = selectors.year_figures(seeded.pk, demo.YEAR)
    assert f == {"reports": 640, "adopted": 478, "hk_macao_reports": 15, "instructions": 5, "issues": 40}

    # no history and no record of the year is dated on the seeding day
    threads = AuditEntry.objects.filter(thread__regex=r"^(opinion|bulletin):")
    assert threads.count() > 2000
    assert [e for e in threads if not _in_year(e.created_at)] == []
    for model, fields in [
        (OpinionReport, ["submitted_at", "decided_at"]),
        (ReportVersion, ["created_at"]),
        (Adoption, ["created_at", "adopted_on"]),
        (Instruction, ["created_at", "given_on"]),
        (BulletinIssue, ["created_at", "released_at"]),
        (BulletinRelease, ["sent_at"]),
    ]:
        for row in model.objects.values(*fields):
            assert all(_in_year(v) for v in row.values()), (model.__name__, row)

    # each history reads in the order it was written, from the submission on
    for r in OpinionReport.objects.select_related("issue"):
        times = _times(r.thread)
        assert times == sorted(times) and times[0] >= r.submitted_at, r.title
        assert r.decided_at is None or r.submitted_at < r.decided_at
        for v in r.versions.all():
            assert r.submitted_at <= v.created_at <= (r.decided_at or v.created_at)
        if r.issue is not None:
            assert r.decided_at < r.issue.created_at < r.issue.released_at
            assert _just_after(
                AuditEntry.objects.get(thread=r.thread, action="release").created_at, r.issue.released_at
            )
        for a in r.adoptions.all():
            assert a.adopted_on <= timezone.localtime(a.created_at).date()
            assert a.level == Adoption.Level.OWN or a.created_at > r.issue.released_at
    for issue in BulletinIssue.objects.all():
        times = _times(f"bulletin:{issue.pk}")
        assert times == sorted(times) and _just_after(times[-1], issue.released_at)

    # the two transferred reports: handled within their deadlines and closed, in order
    items = list(Item.objects.filter(channel="opinion"))
    assert len(items) == 2
    closings = set()
    for item in items:
        report = OpinionReport.objects.select_related("issue").get(item=item)
        a = item.assignments.get()
        (reply,) = a.replies.all()
        assert report.issue.released_at < item.accepted_at <= item.assigned_at < a.signed_at <= a.sign_due_at
        assert a.signed_at < reply.created_at < a.reply_due_at
        assert a.reply_due_at == add_period(a.clock_started_at, 30, TimeUnit.WORKDAY).at
        assert a.rating_due_at == add_period(reply.created_at, 15, TimeUnit.DAY).at
        assert item.status == Item.Status.CLOSED and not item.is_overdue and not a.is_overdue
        assert _in_year(item.closed_at)
        times = _times(item.thread)
        assert times == sorted(times) and _just_after(times[0], item.accepted_at)
        assert _just_after(times[-1], item.closed_at)
        transfer = AuditEntry.objects.get(thread=report.thread, action="transfer")
        assert _just_after(transfer.created_at, item.accepted_at)
        closings.add("rated" if a.ratings.exists() else "scan")
        if not a.ratings.exists():
            assert a.rating_due_at < item.closed_at < a.rating_due_at + dt.timedelta(minutes=10)
    assert closings == {"rated", "scan"}

    # the periodic scan and a recount of the deadlines find nothing left to do
    before = AuditEntry.objects.count()
    assert loop.scan_deadlines() == {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    assert loop.recompute_open_deadlines() == 0
    assert AuditEntry.objects.count() == before


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s", "", text)
    return {text[k : k + 2] for k in range(len(text) - 1)}


def _jaccard(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y)


def test_demo_reports_about_different_matters_share_little_text_and_about_one_matter_read_alike(seeded):
    reports = list(OpinionReport.objects.order_by("id").values_list("title", "text")[:200])
    matter = {title: next(m for m in demo.MATTERS if m in title) for title, _ in reports}
    different, same = [], []
    for (t1, x1), (t2, x2) in itertools.combinations(reports, 2):
        (same if matter[t1] == matter[t2] else different).append(_jaccard(x1, x2))
    # one template shared by every report made any two share about half their character pairs
    assert max(different) < 0.25
    assert sum(different) / len(different) < 0.08
    assert sum(same) / len(same) > 0.3
    # and the texts vary within a matter too: openings, tellings and suggestions differ
    assert len({x for _, x in reports}) == len(reports)
