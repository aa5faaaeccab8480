"""The channels' indicators on small hand-built data: each reuses its channel's definition."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from xieshang.consultations.models import Activity, Participant, ResearchReport, Suggestion
from xieshang.core import indicators
from xieshang.handling.models import Item
from xieshang.opinions.models import Instruction, OpinionReport
from xieshang.proposals import metrics
from xieshang.proposals.models import KeyProposal, Proposal, Proposer

pytestmark = pytest.mark.django_db

SEED_KEYS = [
    "study_sessions",
    "leader_attendances",
    "leader_instructions",
    "inspections",
    "research_reports",
    "consultation_meetings",
    "suggestions_collected",
    "suggestions_converted",
    "experts_invited",
    "opinion_reports",
    "micro_consultations",
    "judicial_supervision_member_times",
    "proposals_filed",
    "proposals_assigned_after_merge",
    "key_proposals_led",
    "leaders_leading_key_proposals",
    "suggestions_adopted",
    "closure_rate",
    "satisfaction_rate",
    "city_brain_cost_reduction",
    "city_brain_savings",
    "village_window_reduction",
    "reading_events",
    "reading_person_times",
    "hkmo_proposals",
    "hkmo_opinion_reports",
    "rules_established",
    "training_classes",
    "topic_trainings",
    "training_person_times",
    "excellent_members",
    "member_features",
    "media_reports",
]
# registered by the outreach app (stations, enterprise linkage, supervision groups, volunteers) when it lands
OUTREACH = [
    "linked_enterprises",
    "enterprise_visits",
    "enterprise_appeals",
    "enterprise_appeals_solved",
    "supervision_groups",
    "supervision_problems_solved",
    "volunteers",
    "volunteer_service_times",
    "station_people_served",
    "station_suggestions",
]


def at(y, m, d):
    return timezone.make_aware(dt.datetime(y, m, d, 10))


def v(key, w, year=2022):
    return indicators.get(key).compute(w.committee, year)


def test_every_figure_of_the_seed_outside_outreach_is_registered_with_a_chinese_definition():
    registered = {i.key: i for i in indicators.all_indicators()}
    assert set(SEED_KEYS) <= set(registered)
    for key in SEED_KEYS:
        ind = registered[key]
        assert ind.definition and ind.label and 1 <= ind.section <= 5
        assert ind.manual == (key in {"city_brain_cost_reduction", "city_brain_savings", "village_window_reduction"})


def _proposal(w, title, status, year=2022, first=None, **kw):
    p = Proposal.objects.create(
        committee=w.committee,
        term=w.term,
        year=year,
        proposer_kind="member",
        title=title,
        status=status,
        created_by=w.office,
        submitted_at=at(year, 1, 10),
        **kw,
    )
    if first is not None:
        Proposer.objects.create(proposal=p, order=1, member=first, name=first.name)
    return p


def _item(w, title):
    return Item.objects.create(
        committee=w.committee, channel="proposal", title=title, text=title, accepted_at=at(2022, 2, 1)
    )


def test_proposal_indicators_reuse_the_proposal_rates(w):
    hk = w.members[2]
    hk.is_hk_macao = True
    hk.save()
    lead = _proposal(w, "主案", "filed", item=_item(w, "主案"), first=w.members[0])
    _proposal(w, "并入主案", "filed", merged_into=lead, first=w.members[1])
    other = _proposal(w, "港澳委员提案", "filed", item=_item(w, "港澳"), first=hk)
    _proposal(w, "不予立案", "not_filed", first=w.members[0])
    _proposal(w, "草稿", "draft", first=w.members[0])
    _proposal(w, "去年", "filed", year=2021, first=w.members[0])
    KeyProposal.objects.create(proposal=lead, leader=w.leaders[0], decided_on=dt.date(2022, 3, 1), created_by=w.office)
    KeyProposal.objects.create(proposal=other, leader=w.leaders[0], decided_on=dt.date(2022, 3, 1), created_by=w.office)
    assert v("proposals_filed", w) == 3
    assert v("proposals_assigned_after_merge", w) == 2
    assert v("key_proposals_led", w) == 2
    assert v("leaders_leading_key_proposals", w) == 1
    assert v("hkmo_proposals", w) == 1
    scope = metrics.compute(metrics.load_scope(Proposal.objects.filter(committee=w.committee, year=2022)))
    assert v("closure_rate", w) == scope["closed_rate"] == 0  # nothing replied yet: none closed properly
    assert v("satisfaction_rate", w) is scope["satisfaction"] is None
    assert v("suggestions_adopted", w) == scope["adopted"] == 0
    assert [p.title for p in indicators.get("proposals_filed").records(w.committee, 2022)] == [
        "主案",
        "并入主案",
        "港澳委员提案",
    ]


def _report(w, status, year=2022, hk=False):
    return OpinionReport.objects.create(
        committee=w.committee,
        author_kind="member",
        member=w.members[0],
        submitted_by=w.office,
        title="社情民意",
        text="内容",
        status=status,
        is_hk_macao=hk,
        submission_token=uuid.uuid4(),
        submitted_at=at(year, 3, 1),
    )


def test_opinion_indicators_count_reports_in_the_editing_flow_and_instructions(w):
    adopted = _report(w, "adopted")
    _report(w, "released", hk=True)
    _report(w, "returned")
    _report(w, "submitted", year=2021)
    Instruction.objects.create(
        report=adopted,
        leader_name="郑国华",
        level="district",
        given_on=dt.date(2022, 4, 1),
        text="请研究",
        recorded_by=w.office,
    )
    assert v("opinion_reports", w) == 2
    assert v("hkmo_opinion_reports", w) == 1
    assert v("leader_instructions", w) == 1


def _activity(w, kind, when, status="held"):
    return Activity.objects.create(
        committee=w.committee,
        kind=kind,
        title=kind,
        starts_at=when,
        ends_at=when,
        signin_opens_at=when,
        signin_closes_at=when,
        status=status,
    )


def test_consultation_indicators_count_activities_reports_experts_and_suggestions(w):
    insp = _activity(w, "inspection", at(2022, 3, 1))
    _activity(w, "inspection", at(2022, 4, 1), status="cancelled")
    _activity(w, "inspection", at(2021, 4, 1))
    research = _activity(w, "research", at(2022, 5, 1))
    _activity(w, "meeting", at(2022, 6, 1))
    _activity(w, "supervision", at(2022, 7, 1))
    _activity(w, "micro", at(2022, 8, 1))
    _activity(w, "micro_inspection", at(2022, 9, 1))
    ResearchReport.objects.create(
        activity=research, title="调研报告", summary="摘要", completed_on=dt.date(2022, 6, 1), created_by=w.office
    )
    for name in ("王教授", "王教授", "李教授"):
        Participant.objects.create(activity=insp, kind="expert", name=name, organisation="佛山大学")
    for k in range(3):
        Suggestion.objects.create(
            committee=w.committee,
            activity=insp,
            title=f"建议{k}",
            text="建议",
            submission_token=uuid.uuid4(),
            created_by=w.office,
            created_at=at(2022, 3, 2),
        )
    assert v("inspections", w) == 1
    assert v("research_reports", w) == 1
    assert v("consultation_meetings", w) == 2
    assert v("micro_consultations", w) == 2
    assert v("experts_invited", w) == 2  # the same expert twice counts once
    assert v("suggestions_collected", w) == 3
    assert v("suggestions_converted", w) == 0  # none sent to a unit and answered with a measure yet
