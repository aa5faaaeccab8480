"""The demo year is made through the services, its figures come back out of the rates, and its records
carry the days of 2022 on which each step happened."""

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from xieshang.core.models import AuditEntry
from xieshang.demo import proposals as demo
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.proposals import metrics
from xieshang.proposals.models import KeyProposal, Proposal
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period


@pytest.fixture
def committee(db, monkeypatch):
    # The same procedure as the demo's 194/153 year, at a size a test can afford.
    for name, value in {"FILED": 14, "ITEMS": 10, "KEY": 3, "LEADERS": 2, "ADOPTED": 5, "HK": 2}.items():
        monkeypatch.setattr(demo, name, value)
    committee = CommitteeFactory(name="演示区政协")
    term = TermFactory(committee=committee, number=5)
    SessionFactory(term=term, number=2, opens_on=dt.date(2022, 1, 17), closes_on=dt.date(2022, 1, 19),
                   proposals_from=dt.date(2022, 1, 4), proposals_until=dt.date(2022, 1, 19))  # fmt: skip
    UserFactory(committee=committee, office=True, username="office")
    for username in ("unit_a", "unit_b", "unit_c"):
        UserFactory(committee=committee, role=User.Role.UNIT, username=username, unit=UnitFactory(committee=committee))
    LeaderFactory(committee=committee)
    for i in range(60):
        MemberFactory(term=term, committee=committee, name=f"委员{i:02d}")
    MemberFactory(term=term, committee=committee, name="港澳委员甲", is_hk_macao=True)
    return committee


def test_seed_reproduces_its_figures_from_records_and_runs_once(committee):
    assert demo.seed(committee) == {"filed": 14, "items": 10}
    values = metrics.compute(metrics.load_scope(Proposal.objects.filter(committee=committee, year=2022)))
    assert values["filed"] == 14 and values["items"] == 10 and values["merged"] == 4
    # a proposal is merged only into one on its own topic
    topics = [t for ts in demo.TOPICS.values() for t in ts]
    for p in Proposal.objects.filter(committee=committee, merged_into__isnull=False).select_related("merged_into"):
        assert [t for t in topics if t in p.title] == [t for t in topics if t in p.merged_into.title] != []
    assert values["adopted"] == 5 and values["hk_macao"] == 2 and values["key"] == 3
    assert values["closed_rate"] == 100 and values["satisfaction"] == 100
    leaders = KeyProposal.objects.filter(proposal__committee=committee).values("leader").distinct().count()
    assert leaders == 2
    assert demo.seed(committee) == {"existing": 14}
    assert Proposal.objects.filter(committee=committee).count() == 14


def _stamps(*objs: models.Model) -> list[dt.datetime]:
    return [
        v
        for obj in objs
        for f in obj._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (v := getattr(obj, f.name)) is not None
    ]


def _day(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def test_every_record_of_the_demo_year_is_dated_in_2022(committee):
    demo.seed(committee)
    proposals = list(Proposal.objects.filter(committee=committee))
    items = list(Item.objects.filter(channel="proposal"))
    records = [*proposals, *items]
    for p in proposals:
        records += list(p.proposers.all())
    for item in items:
        records += list(item.supervisions.all())
        for a in item.assignments.all():
            records += [a, *a.replies.all(), *a.opinions.all(), *a.contacts.all(), *a.ratings.all()]
    threads = [f"proposal:{p.pk}" for p in proposals] + [f"item:{i.pk}" for i in items]
    records += list(AuditEntry.objects.filter(thread__in=threads))
    late = [(r, when) for r in records for when in _stamps(r) if timezone.localtime(when).year != 2022]
    assert late == []


def test_each_demo_proposal_goes_from_the_plenary_to_its_rating_in_order_and_on_time(committee):
    demo.seed(committee)
    first, last = demo.SUBMITTED
    for p in Proposal.objects.filter(committee=committee):
        # handed in during the session's proposal window, reviewed after the Spring Festival
        assert first <= _day(p.created_at) == _day(p.submitted_at) <= last
        assert p.kind == Proposal.Kind.PLENARY
        assert demo.REVIEWED[0] <= _day(p.reviewed_at) <= demo.REVIEWED[1]
        if p.merged_into_id:
            assert p.reviewed_at > p.merged_into.reviewed_at
    for item in Item.objects.filter(channel="proposal"):
        lead = Proposal.objects.get(item=item)
        assert lead.reviewed_at <= item.accepted_at < item.assigned_at
        assert _day(item.assigned_at) == demo.ASSIGNED_ON
        for sup in item.supervisions.all():  # a key proposal, chosen by the chair's council
            assert _day(sup.created_at) == demo.KEY_DECIDED_ON
        for a in item.assignments.all():
            # deadlines counted from the 2022 clock, in that year's working days
            assert a.assigned_at == a.clock_started_at == item.assigned_at
            assert a.reply_due_at == add_period(a.assigned_at, 1 if a.role == "co" else 3, TimeUnit.MONTH).at
            assert a.sign_due_at == add_period(a.assigned_at, 1, TimeUnit.WORKDAY).at
            assert not a.deadline_uncertain and not a.is_overdue
            assert a.assigned_at < a.signed_at <= a.sign_due_at
            assert a.signed_at < a.first_replied_at <= a.reply_due_at
            assert a.closed_at == item.closed_at
        a = item.assignments.get(role="lead")
        (reply,) = a.replies.all()
        co_opinions = [op.created_at for c in item.assignments.filter(role="co") for op in c.opinions.all()]
        assert a.signed_at < a.first_contact_at <= a.contact_due_at
        assert a.first_contact_at < reply.created_at and all(t < reply.created_at for t in co_opinions)
        assert reply.created_at < reply.reviewed_at
        assert a.rating_due_at == add_period(reply.reviewed_at, 30, TimeUnit.DAY).at
        ratings = [r.created_at for r in a.ratings.all()]
        assert ratings and all(reply.reviewed_at < t <= a.rating_due_at for t in ratings)
        assert max(ratings) <= item.closed_at
        # each history reads in the order it was written
        for thread in [f"item:{item.pk}", *(f"proposal:{p.pk}" for p in [lead, *lead.merged.all()])]:
            times = list(AuditEntry.objects.filter(thread=thread).order_by("id").values_list("created_at", flat=True))
            assert times == sorted(times), thread


def test_the_deadline_scan_leaves_the_closed_demo_year_alone(committee):
    demo.seed(committee)
    before = AuditEntry.objects.count()
    assert loop.scan_deadlines() == {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    assert loop.recompute_open_deadlines() == 0
    assert AuditEntry.objects.count() == before
    assert not Item.objects.filter(channel="proposal").exclude(status=Item.Status.CLOSED).exists()
    assert not Item.objects.filter(channel="proposal", is_overdue=True).exists()


def test_replies_of_category_a_say_the_matter_is_solved(committee):
    from xieshang.handling.models import Reply

    demo.seed(committee)
    replies = Reply.objects.filter(assignment__item__channel="proposal")
    assert replies.filter(category="A").exists() and replies.exclude(category="A").exists()
    assert all(r.resolved == (r.category == "A") for r in replies)
