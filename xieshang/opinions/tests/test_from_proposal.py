"""转社情民意: a proposal whose first proposer consents becomes an opinion report, once."""

from __future__ import annotations

from xieshang.opinions.models import OpinionReport
from xieshang.opinions.services import report_from_proposal
from xieshang.proposals import services as ps
from xieshang.proposals.tests.conftest import run, submitted, w  # noqa: F401  (shared fixtures)


def test_consented_proposal_becomes_a_report_the_office_can_edit(w, run, submitted):  # noqa: F811
    p = run(ps.proposal_propose_opinion, actor=w.office, proposal_id=submitted().pk, note="更适合以社情民意反映。")
    assert not OpinionReport.objects.exists()
    p = run(ps.proposal_opinion_consent, actor=w.member_user(0), proposal_id=p.pk, agree=True)
    report = OpinionReport.objects.get()
    assert report.member == w.members[0]
    assert report.title == p.title
    assert "老年人上下楼困难" in report.text and "设立专项补贴" in report.text
    assert report.status == OpinionReport.Status.SUBMITTED
    p.refresh_from_db()
    assert p.opinion_ref == f"社情民意 #{report.pk}"
    assert report.versions.get().note.startswith("由提案转来")


def test_converting_twice_makes_one_report(w, run, submitted):  # noqa: F811
    p = run(ps.proposal_propose_opinion, actor=w.office, proposal_id=submitted().pk, note="更适合以社情民意反映。")
    p = run(ps.proposal_opinion_consent, actor=w.member_user(0), proposal_id=p.pk, agree=True)
    again = report_from_proposal(proposal=p)
    assert OpinionReport.objects.count() == 1
    assert again.pk == OpinionReport.objects.get().pk


def test_refused_consent_makes_no_report(w, run, submitted):  # noqa: F811
    p = run(ps.proposal_propose_opinion, actor=w.office, proposal_id=submitted().pk, note="更适合以社情民意反映。")
    run(ps.proposal_opinion_consent, actor=w.member_user(0), proposal_id=p.pk, agree=False)
    assert not OpinionReport.objects.exists()
