"""A proposal's suggestions are records; a unit's reply ticks the ones it adopts; the figure counts them."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from xieshang.core.errors import ServiceError
from xieshang.core.indicators import get as indicator
from xieshang.handling import services as loop
from xieshang.handling.models import Item, Reply
from xieshang.proposals import documents, metrics
from xieshang.proposals import services as ps
from xieshang.proposals.models import AdoptedSuggestion, Proposal, Suggestion
from xieshang.proposals.selectors import adoptable

from .conftest import CONTENT


def _texts(p):
    return list(p.suggestion_items.order_by("number").values_list("number", "text"))


def test_the_suggestions_text_becomes_numbered_records_renewed_while_the_draft_is_open(w, run):
    user = w.member_user(0)
    text = "为此建议：\n一、简化审批流程，\n压缩办理时限。\n二、设立专项补贴。\n（三）建立协商议事机制。"
    p = run(ps.proposal_save_draft, actor=user, data={**CONTENT, "suggestions": text})
    assert _texts(p) == [(1, "简化审批流程，\n压缩办理时限。"), (2, "设立专项补贴。"), (3, "建立协商议事机制。")]
    assert p.suggestion_count == 3
    p = run(
        ps.proposal_save_draft, actor=user, proposal_id=p.pk, data={**CONTENT, "suggestions": "加快推进。\n加大投入。"}
    )
    assert _texts(p) == [(1, "加快推进。"), (2, "加大投入。")] and Proposal.objects.get(pk=p.pk).suggestion_count == 2


def test_a_draft_with_more_than_fifty_suggestions_is_refused(w, run):
    text = "\n".join(f"{i}. 建议{i}" for i in range(1, 52))
    with pytest.raises(ServiceError, match="建议最多 50 条"):
        run(ps.proposal_save_draft, actor=w.member_user(0), data={**CONTENT, "suggestions": text})
    assert not Proposal.objects.exists() and not Suggestion.objects.exists()


def _assigned(w, run, p, *, mode="single", leads=(0,)):
    run(ps.proposal_assign, actor=w.office, proposal_id=p.pk, mode=mode, lead_unit_ids=[w.units[i].pk for i in leads])
    p.refresh_from_db()
    item = Item.objects.get(pk=p.item_id)
    out = []
    for a in item.assignments.order_by("id"):
        staff = w.unit_users[w.units.index(a.unit)]
        run(loop.assignment_sign, assignment_id=a.pk, actor=staff)
        run(loop.assignment_record_contact, assignment_id=a.pk, actor=staff, method="phone", happened_at=timezone.now())
        out.append((a, staff))
    return item, out


def _reply(run, a, staff, **kw):
    return run(loop.assignment_reply, assignment_id=a.pk, actor=staff, body="已研究落实。", category="B", **kw)


def test_the_reply_records_the_ticked_suggestions_and_its_count_follows(w, run, filed):
    p = filed(0)
    item, [(a, staff)] = _assigned(w, run, p)
    offered = adoptable(item)
    assert [label for _pk, label in offered] == [
        "建议1：简化审批流程。",
        "建议2：设立专项补贴。",
        "建议3：建立协商议事机制。",
    ]
    reply = _reply(run, a, staff, adopted=[str(offered[2][0]), offered[0][0], offered[0][0]])
    assert reply.adopted_count == 2
    assert sorted(AdoptedSuggestion.objects.filter(reply=reply).values_list("suggestion__number", flat=True)) == [1, 3]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("other", "不是本事项提出的建议"),
        (["abc"], "采纳的建议选择无效"),
        ("1,2", "采纳的建议选择无效"),
        ([-1], "采纳的建议选择无效"),
    ],
)
def test_a_suggestion_of_another_proposal_or_garbage_is_refused_and_nothing_changes(w, run, filed, bad, message):
    p = filed(0)
    other = filed(1, title="关于电梯加装资金的建议")
    _item, [(a, staff)] = _assigned(w, run, p)
    if bad == "other":
        bad = [other.suggestion_items.first().pk]
    with pytest.raises(ServiceError, match=message):
        _reply(run, a, staff, adopted=bad)
    assert not Reply.objects.exists() and not AdoptedSuggestion.objects.exists()
    a.refresh_from_db()
    assert a.status == "signed"


def test_a_reply_cannot_state_more_adopted_suggestions_than_it_ticks(w, run, filed):
    p = filed(0)
    _item, [(a, staff)] = _assigned(w, run, p)
    with pytest.raises(ServiceError, match="请逐条勾选采纳的建议"):
        _reply(run, a, staff, adopted_count=5)
    assert not Reply.objects.exists()


def _close(w, run, reply, a, p):
    run(loop.reply_review, reply_id=reply.pk, actor=w.office, passed=True)


def test_two_units_adopting_the_same_suggestion_count_it_once(w, run, filed):
    p = filed(0)
    item, [(a1, s1), (a2, s2)] = _assigned(w, run, p, mode="split", leads=(0, 1))
    first, second, _third = (pk for pk, _label in adoptable(item))
    r1 = _reply(run, a1, s1, adopted=[first, second])
    r2 = _reply(run, a2, s2, adopted=[first])
    values = lambda: metrics.compute(metrics.load_scope(Proposal.objects.filter(committee=w.committee)))  # noqa: E731
    # replies still awaiting review do not count
    assert values()["adopted"] == 0
    run(loop.reply_review, reply_id=r1.pk, actor=w.office, passed=True)
    run(loop.reply_review, reply_id=r2.pk, actor=w.office, passed=True)
    assert values()["adopted"] == 2
    ind = indicator("suggestions_adopted")
    year = Proposal.objects.get(pk=p.pk).year
    assert ind.compute(w.committee, year) == 2
    assert sorted(s.number for s in ind.records(w.committee, year)) == [1, 2]
    assert "只计一次" in ind.definition


def test_replies_from_before_suggestions_were_recorded_keep_their_number_but_do_not_count(w, run, filed):
    p = filed(0)
    _item, [(a, staff)] = _assigned(w, run, p)
    reply = _reply(run, a, staff)
    run(loop.reply_review, reply_id=reply.pk, actor=w.office, passed=True)
    Reply.objects.filter(pk=reply.pk).update(adopted_count=4)  # a reply written before the records
    assert metrics.compute(metrics.load_scope(Proposal.objects.filter(pk=p.pk)))["adopted"] == 0


def test_a_merged_proposals_suggestions_are_offered_on_the_groups_item(w, run, filed):
    lead = filed(0)
    other = filed(1, title="关于电梯加装资金的建议", suggestions="1. 市区两级共同出资。")
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk)
    item, _ = _assigned(w, run, lead)
    labels = [label for _pk, label in adoptable(item)]
    assert len(labels) == 4 and labels[-1].endswith("建议1：市区两级共同出资。")
    assert labels[-1].startswith(Proposal.objects.get(pk=other.pk).number_label)


def test_the_reply_letter_lists_the_adopted_suggestions(w, run, filed):
    import io

    from docx import Document

    p = filed(0)
    item, [(a, staff)] = _assigned(w, run, p)
    second = adoptable(item)[1][0]
    reply = _reply(run, a, staff, adopted=[second])
    text = "\n".join(par.text for par in Document(io.BytesIO(documents.reply_letter(p, reply))).paragraphs)
    assert "采纳的建议（1 条）" in text and "设立专项补贴" in text and "简化审批流程" not in text


def test_the_unit_ticks_suggestions_on_the_reply_form(client, w, run, filed):
    p = filed(0)
    item, [(a, staff)] = _assigned(w, run, p)
    client.force_login(staff)
    page = client.get(f"/handling/items/{item.pk}/").content.decode()
    assert "采纳的建议" in page and "建议2：设立专项补贴。" in page and "采纳建议条数" not in page
    first, second, _third = (pk for pk, _label in adoptable(item))
    other = filed(1, title="关于电梯加装资金的建议").suggestion_items.first().pk
    a.refresh_from_db()
    base = {f"p{a.pk}-category": "B", f"p{a.pk}-body": "已研究落实。", f"p{a.pk}-version": a.version}
    r = client.post(f"/handling/assignments/{a.pk}/reply/", {**base, f"p{a.pk}-adopted": [first, other]}, follow=True)
    assert "不是本事项提出的建议" in r.content.decode() and not Reply.objects.exists()
    r = client.post(f"/handling/assignments/{a.pk}/reply/", {**base, f"p{a.pk}-adopted": [first, second]}, follow=True)
    assert "答复已提交" in r.content.decode()
    reply = Reply.objects.get()
    assert reply.adopted_count == 2 and set(reply.adopted_suggestions.values_list("suggestion_id", flat=True)) == {
        first,
        second,
    }


def test_the_api_takes_the_ticked_suggestion_ids(w, run, filed):
    p = filed(0)
    item, [(a, staff)] = _assigned(w, run, p)
    api = APIClient()
    api.force_authenticate(staff)
    offered = api.get(f"/api/v1/items/{item.pk}/").json()["adoptable_suggestions"]
    assert offered[0]["label"] == "建议1：简化审批流程。"
    other = filed(1, title="关于电梯加装资金的建议").suggestion_items.first().pk
    body = {"body": "已研究落实。", "category": "B"}
    r = api.post(f"/api/v1/assignments/{a.pk}/reply/", {**body, "adopted_suggestions": [other]}, format="json")
    assert r.status_code == 400 and "不是本事项提出的建议" in r.json()["detail"]
    r = api.post(f"/api/v1/assignments/{a.pk}/reply/", {**body, "adopted_suggestions": "x"}, format="json")
    assert r.status_code == 400 and not Reply.objects.exists()
    r = api.post(
        f"/api/v1/assignments/{a.pk}/reply/", {**body, "adopted_suggestions": [offered[0]["value"]]}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert Reply.objects.get().adopted_count == 1


def test_the_office_reviewing_a_reply_sees_which_suggestions_it_ticks(client, w, run, filed):
    p = filed(0)
    item, [(a, staff)] = _assigned(w, run, p)
    first, _second, third = (pk for pk, _label in adoptable(item))
    _reply(run, a, staff, adopted=[first, third])
    client.force_login(w.office)
    page = client.get(f"/handling/items/{item.pk}/").content.decode()
    review = page[page.index("答复审核") : page.index("承办情况")]
    assert "勾选采纳 2 条（共 3 条建议）" in review
    assert '<span class="tag tag-green">采纳</span> 建议1：简化审批流程。' in review
    assert '<span class="tag">未采纳</span> 建议2：设立专项补贴。' in review
    assert '<span class="tag tag-green">采纳</span> 建议3：建立协商议事机制。' in review
