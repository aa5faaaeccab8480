"""One transition table for a proposal's status (services, page and API agree); the handling state read
from the loop's item rather than copied; the one text policy applied to what a proposer types."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from xieshang.core.transitions import TransitionConflict
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.proposals import selectors
from xieshang.proposals import services as ps
from xieshang.proposals.models import Proposal
from xieshang.proposals.transitions import PROPOSAL

from .conftest import CONTENT

St = Proposal.Status
PACKAGE = Path(__file__).resolve().parents[1]


# --- the transition table ---------------------------------------------------------------------------


def test_every_status_is_in_the_table_and_reachable_from_a_draft():
    table = PROPOSAL.targets()
    reached, todo = {St.DRAFT.value}, [St.DRAFT.value]
    while todo:
        for nxt in table.get(todo.pop(), set()):
            if nxt not in reached:
                reached.add(nxt)
                todo.append(nxt)
    assert reached == set(St.values)
    assert all(not table.get(s) for s in (St.FILED, St.NOT_FILED, St.SUGGESTION, St.OPINION))


def test_nothing_but_the_table_assigns_a_proposals_status():
    """Services move the status through ``PROPOSAL.move``; no module of the app sets it by hand."""
    skip = {"tests", "migrations"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        # the importer records past years as they were (it is the engine's import service)
        if skip & set(path.relative_to(PACKAGE).parts) or path.name in ("importer.py", "demo.py"):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\b(p|proposal|lead)\.status\s*=[^=]", line):
                offenders.append(f"{path.name}:{n}")
    assert offenders == []


def test_a_move_the_state_does_not_allow_is_409_with_the_allowed_states_through_the_api(w, filed):
    p = filed(0)
    api = APIClient()
    api.force_authenticate(w.office)
    r = api.post(f"/api/v1/proposals/{p.pk}/file/", {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["state"] == "filed" and body["allowed_states"] == ["submitted"]
    assert "当前为「已立案」，不能立案" in body["detail"]
    r = api.post(f"/api/v1/proposals/{p.pk}/return/", {"note": "请补充数据"}, format="json")
    assert r.status_code == 409 and r.json()["allowed_states"] == ["submitted"]
    # The first proposer submitting again is told the state, not that they lack the right.
    api.force_authenticate(w.member_user(0))
    r = api.post(f"/api/v1/proposals/{p.pk}/submit/")
    assert r.status_code == 409
    assert r.json()["state"] == "filed" and r.json()["allowed_states"] == ["cosigning", "draft", "returned"]
    p.refresh_from_db()
    assert p.status == St.FILED and p.number == 1


def test_the_service_refuses_the_same_move_with_the_state(w, run, submitted):
    p = submitted(0)
    run(ps.proposal_not_file, actor=w.office, proposal_id=p.pk, ground="vague", note="请写出具体建议。")
    with pytest.raises(TransitionConflict) as exc:
        ps.proposal_file(actor=w.office, proposal_id=p.pk)
    assert exc.value.state == "not_filed" and exc.value.allowed_states == ["submitted"]


def test_the_page_shows_only_the_buttons_the_table_allows(client, w, run, submitted):
    p = submitted(0)
    client.force_login(w.office)
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    for action in ("file", "not_file", "return", "suggestion", "opinion"):
        assert f"/proposals/{p.pk}/act/{action}/" in page
    run(ps.proposal_file, actor=w.office, proposal_id=p.pk)
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert 'id="file-proposal"' not in page
    for action in ("file", "not_file", "return", "suggestion", "opinion"):
        assert f"/proposals/{p.pk}/act/{action}/" not in page
    assert f"/proposals/{p.pk}/act/assign/" in page  # filed and pending: the next move is offered

    # returned to the proposer: the drafter may submit again; the office's review buttons are gone
    q = submitted(1)
    run(ps.proposal_return, actor=w.office, proposal_id=q.pk, note="请补充数据。")
    client.force_login(w.member_user(1))
    page = client.get(f"/proposals/{q.pk}/").content.decode()
    assert 'id="submit-proposal"' in page
    run(ps.proposal_submit, actor=w.member_user(1), proposal_id=q.pk)
    page = client.get(f"/proposals/{q.pk}/").content.decode()
    assert 'id="submit-proposal"' not in page


def test_the_consent_buttons_show_only_while_consent_is_asked(client, w, run, submitted):
    p = submitted(0)
    client.force_login(w.member_user(0))
    assert f"/proposals/{p.pk}/act/opinion_agree/" not in client.get(f"/proposals/{p.pk}/").content.decode()
    run(ps.proposal_propose_opinion, actor=w.office, proposal_id=p.pk, note="更适合作为社情民意信息报送。")
    assert f"/proposals/{p.pk}/act/opinion_agree/" in client.get(f"/proposals/{p.pk}/").content.decode()


# --- the handling state is the item's ------------------------------------------------------------------


def test_the_proposal_keeps_no_copy_of_the_handling_state():
    assert "handling" not in {f.name for f in Proposal._meta.get_fields()}


def test_the_handling_state_follows_the_item_changed_through_the_engine(w, filed):
    """The engine's services change the item; the proposal reads it back, with no hook run (no copy)."""
    p = filed(0)
    other = filed(1)
    ps.proposal_merge(actor=w.office, proposal_id=other.pk, lead_id=p.pk, note="同一事项")
    assert Proposal.objects.get(pk=p.pk).handling == "pending"
    # straight through the engine, after-commit callbacks (the channel hook) not run
    loop.item_assign(item_id=p.item_id, actor=w.office, mode="single", lead_units=[w.units[0]])
    assert Item.objects.get(pk=p.item_id).status == Item.Status.HANDLING
    lead, merged = Proposal.objects.get(pk=p.pk), Proposal.objects.get(pk=other.pk)
    assert (lead.handling, lead.get_handling_display()) == ("handling", "办理中")
    assert merged.handling == "handling"  # a merged proposal reads its group lead's item
    Item.objects.filter(pk=p.item_id).update(status=Item.Status.CLOSED)  # whatever the engine does next
    assert Proposal.objects.get(pk=other.pk).handling == "closed"
    assert Proposal.objects.get(pk=p.pk).get_handling_display() == "已办结"


def test_lists_read_the_handling_state_in_the_same_query(w, run, filed, submitted, django_assert_num_queries):
    leads = [filed(i) for i in range(3)]
    run(ps.proposal_merge, actor=w.office, proposal_id=filed(0).pk, lead_id=leads[0].pk)
    run(ps.proposal_assign, actor=w.office, proposal_id=leads[1].pk, mode="single", lead_unit_ids=[w.units[0].pk])
    draft = submitted(2)
    qs = Proposal.objects.filter(committee=w.committee).order_by("id")
    expected = {p.pk: p.handling for p in qs}
    assert expected[leads[1].pk] == "handling" and expected[leads[0].pk] == "pending" and expected[draft.pk] == ""
    with django_assert_num_queries(2):  # the rows, and their proposers
        rows = list(selectors.as_rows(qs))
        assert {p.pk: p.handling for p in rows} == expected
    assert set(selectors.with_handling(qs).filter(handling="pending").values_list("pk", flat=True)) == {
        p for p, h in expected.items() if h == "pending"
    }


def test_the_api_lists_and_filters_by_the_items_state(w, run, filed):
    a, b = filed(0), filed(1)
    run(ps.proposal_assign, actor=w.office, proposal_id=b.pk, mode="single", lead_unit_ids=[w.units[0].pk])
    api = APIClient()
    api.force_authenticate(w.office)
    rows = api.get("/api/v1/proposals/?handling=handling").json()["results"]
    assert [(r["id"], r["handling"], r["handling_label"]) for r in rows] == [(b.pk, "handling", "办理中")]
    assert api.get(f"/api/v1/proposals/{a.pk}/").json()["handling"] == "pending"
    r = api.get("/api/v1/proposals/?handling=nonsense")
    assert r.status_code == 400 and "handling" in r.json()["detail"]


# --- the one text policy -------------------------------------------------------------------------------


def test_what_a_proposer_types_is_cleaned_by_the_one_policy(w, run):
    user = w.member_user(0)
    data = {
        **CONTENT,
        "title": "关于\u202e加快\u200b老旧小区\x00加装电梯的建议\ufeff",
        "situation": "我区老旧小区多，\x07老年人上下楼困难。\r\n第二段。",
        "suggested_units": "区住建局\n区财政局",
    }
    p = run(ps.proposal_save_draft, actor=user, data=data)
    p.refresh_from_db()
    assert p.title == CONTENT["title"]
    assert p.situation == "我区老旧小区多，老年人上下楼困难。\n第二段。"
    assert p.suggested_units == "区住建局 区财政局"
    # a required note of invisible characters only is empty
    run(ps.proposal_submit, actor=user, proposal_id=p.pk)
    with pytest.raises(Exception, match="请填写修改意见"):
        ps.proposal_return(actor=w.office, proposal_id=p.pk, note="\u200b\x00 ")
    p = run(ps.proposal_return, actor=w.office, proposal_id=p.pk, note="请\x1b补充\u2066数据。")
    assert p.review_note == "请补充数据。"


def test_a_title_too_short_after_cleaning_is_refused(w):
    with pytest.raises(Exception, match="提案标题太短"):
        ps.proposal_save_draft(actor=w.member_user(0), data={**CONTENT, "title": "电\u200b梯\x00"})
    assert not Proposal.objects.exists()
