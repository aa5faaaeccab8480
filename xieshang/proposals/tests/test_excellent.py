"""优秀提案: the proposals office marks a closed proposal excellent for a year, and may take it back."""

import pytest
from django.utils import timezone

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.duties.selectors import duty_file
from xieshang.proposals import services as ps
from xieshang.proposals.models import ExcellentProposal, Proposal

from .test_services import handle_to_reply


@pytest.fixture
def closed(w, run, filed):
    """A filed proposal of member 0, replied and rated: its handling is closed."""

    def make(member_index: int = 0, **overrides):
        p = filed(member_index, **overrides)
        a = handle_to_reply(w, run, p)
        run(ps.proposal_rate, actor=w.member_user(member_index), assignment_id=a.pk, value="satisfied")
        p = Proposal.objects.get(pk=p.pk)
        assert p.handling == "closed"
        return p

    return make


def test_the_office_marks_a_closed_proposal_excellent_and_takes_it_back(w, run, closed):
    p = closed(0)
    mark = run(ps.proposal_mark_excellent, actor=w.office, proposal_id=p.pk, year=p.year, note="经主席会议审定")
    p.refresh_from_db()
    assert p.is_excellent and mark.year == p.year and mark.marked_by == w.office
    with pytest.raises(ConflictError, match="已评为优秀提案"):
        run(ps.proposal_mark_excellent, actor=w.office, proposal_id=p.pk, year=p.year)
    assert ExcellentProposal.objects.count() == 1
    run(ps.proposal_unmark_excellent, actor=w.office, proposal_id=p.pk, reason="评选有误")
    p.refresh_from_db()
    assert not p.is_excellent and not ExcellentProposal.objects.exists()
    actions = list(AuditEntry.objects.filter(thread=f"proposal:{p.pk}").values_list("action", flat=True))
    assert actions[-2:] == ["excellent", "unexcellent"]
    with pytest.raises(ConflictError, match="不是优秀提案"):
        run(ps.proposal_unmark_excellent, actor=w.office, proposal_id=p.pk)


def test_only_the_proposals_office_marks_and_only_closed_proposals(w, run, filed, closed):
    p = closed(0)
    for actor in (w.member_user(0), w.unit_users[0], w.gov):
        with pytest.raises(PermissionDeniedError):
            run(ps.proposal_mark_excellent, actor=actor, proposal_id=p.pk, year=p.year)
    still_open = filed(1, title="关于电梯加装资金的建议")
    with pytest.raises(ServiceError, match="只有已办结的提案"):
        run(ps.proposal_mark_excellent, actor=w.office, proposal_id=still_open.pk, year=still_open.year)
    assert not ExcellentProposal.objects.exists() and not Proposal.objects.filter(is_excellent=True).exists()


@pytest.mark.parametrize(
    "year, message", [("", "请填写评选年度"), ("abc", "请填写评选年度"), (1990, "不能早于"), (9000, "不能晚于")]
)
def test_a_year_that_cannot_be_is_refused(w, run, closed, year, message):
    p = closed(0)
    with pytest.raises(ServiceError, match=message):
        run(ps.proposal_mark_excellent, actor=w.office, proposal_id=p.pk, year=year)
    assert not ExcellentProposal.objects.exists()


def test_the_button_on_the_page_the_list_filter_and_the_duty_file(client, w, run, closed, filed):
    p = closed(0)
    plain = filed(1, title="关于电梯加装资金的建议")
    client.force_login(w.member_user(0))
    assert "评为优秀提案" not in client.get(f"/proposals/{p.pk}/").content.decode()
    client.force_login(w.office)
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert 'id="mark-excellent"' in page
    r = client.post(
        f"/proposals/{p.pk}/act/excellent/", {"year": p.year, "note": "", "version": p.version}, follow=True
    )
    assert "已评为优秀提案" in r.content.decode() and f"{p.year}年度优秀提案" in r.content.decode()
    # a stale page (the version it was rendered with) changes nothing
    r = client.post(f"/proposals/{p.pk}/act/unexcellent/", {"version": p.version}, follow=True)
    assert Proposal.objects.get(pk=p.pk).is_excellent
    listed = client.get("/proposals/review/?excellent=1").content.decode()
    assert p.title in listed and plain.title not in listed
    assert plain.title in client.get("/proposals/review/").content.decode()
    client.force_login(w.member_user(0))
    mine = client.get("/proposals/?excellent=1").content.decode()
    assert p.title in mine and "优秀提案" in mine
    assert p.title in client.get("/proposals/").content.decode()
    member = w.members[0]
    summary = dict(duty_file(member, p.year).summary)
    assert summary["优秀提案"] == 1
    assert timezone.localdate().year >= p.year
