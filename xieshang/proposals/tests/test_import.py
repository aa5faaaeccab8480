import io

import pytest
from openpyxl import Workbook, load_workbook

from xieshang.core.errors import ServiceError
from xieshang.documents import workbook_bytes
from xieshang.organisations.tests.factories import CommitteeFactory, UserFactory
from xieshang.proposals import importer, metrics
from xieshang.proposals import services as ps
from xieshang.proposals.models import Proposal

from .test_services import handle_to_reply


def _rates(committee):
    scope = metrics.load_scope(Proposal.objects.filter(committee=committee))
    values = metrics.compute(scope)
    by = {k: metrics.breakdown(scope, k) for k in ("unit", "category", "sector", "kind", "hk")}
    return values, by


def test_export_then_import_into_an_empty_committee_gives_identical_rates(w, run, filed):
    lead = filed(0)
    other = filed(1, title="关于电梯加装资金的建议", category="民生保障")
    hk = filed(3, title="关于港澳青年创业基地的建议", category="经济建设")
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk)
    run(
        ps.key_proposal_set,
        actor=w.office,
        proposal_id=lead.pk,
        decided_on=lead.session.opens_on,
        leader_id=w.leader.pk,
    )
    for p, mode, raters in ((lead, "joint", (0, 1)), (hk, "single", (3,))):
        a = handle_to_reply(w, run, p, mode=mode, category="A" if p == hk else "B", adopted=1 if p == hk else 2)
        for i in raters:
            run(ps.proposal_rate, actor=w.member_user(i), assignment_id=a.pk, value="satisfied" if i != 1 else "basic")
    before = _rates(w.committee)
    assert before[0]["filed"] == 3 and before[0]["items"] == 2 and before[0]["adopted"] == 3
    data = importer.export_xlsx(Proposal.objects.filter(committee=w.committee))

    other_committee = CommitteeFactory(name="另一区政协")
    office = UserFactory(committee=other_committee, office=True, username="office2")
    pv = importer.preview(committee=other_committee, data=data)
    assert pv.errors == [] and pv.proposals == 3 and pv.merged == 1
    result = importer.import_rows(actor=office, data=data)
    assert result.proposals == 3 and result.replies == 2
    after = _rates(other_committee)
    assert after == before
    assert importer.export_xlsx(Proposal.objects.filter(committee=other_committee)) is not None


def _sheet(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(importer.HEADERS)
    for r in rows:
        ws.append([r.get(h, "") for h in importer.HEADERS])
    return workbook_bytes(wb)


GOOD = {
    "案号": "第五届第一次会议第0001号",
    "届次": 5,
    "会次": 1,
    "年度": 2022,
    "标题": "关于某事的建议",
    "提案人类型": "委员个人",
    "提案人": "甲委员",
    "建议": "一、做好。",
    "建议条数": 1,
    "交办方式": "单办",
    "主办单位": "区教育局",
    "答复类别": "A",
    "采纳建议条数": 1,
    "答复内容": "已采纳。",
    "评价": "甲委员:满意",
}


def test_malformed_row_names_row_and_column_and_nothing_is_imported(w):
    bad = {**GOOD, "案号": "第五届第一次会议第0002号", "答复类别": "D", "建议条数": "三"}
    data = _sheet([GOOD, bad])
    pv = importer.preview(committee=w.committee, data=data)
    assert "第 3 行「建议条数」" in " ".join(pv.errors)
    assert "第 3 行「答复类别」" in " ".join(pv.errors)
    with pytest.raises(ServiceError, match="第 3 行"):
        importer.import_rows(actor=w.office, data=data)
    assert Proposal.objects.count() == 0


def test_import_refuses_missing_columns_and_garbage(w):
    with pytest.raises(ServiceError, match="无法读取"):
        importer.preview(committee=w.committee, data=b"not a spreadsheet")
    wb = Workbook()
    wb.active.append(["案号", "标题"])
    with pytest.raises(ServiceError, match="缺少列"):
        importer.preview(committee=w.committee, data=workbook_bytes(wb))


def test_import_page_previews_then_imports(client, w):
    client.force_login(w.office)
    data = _sheet([GOOD])
    r = client.post("/proposals/import/", {"file": io.BytesIO(data)})
    assert r.status_code == 200 and r.context["preview"].errors == []
    assert Proposal.objects.count() == 0
    r = client.post("/proposals/import/", {"confirm": "1"})
    assert r.status_code == 302 and Proposal.objects.get().number_label == "第五届第一次会议第0001号"
    ws = load_workbook(io.BytesIO(client.get("/proposals/history.xlsx").content)).active
    assert ws["F3"].value == "关于某事的建议"


def test_imported_handling_counts_deadlines_from_the_channel_rule_and_is_audited(w):
    from xieshang.core.models import AuditEntry
    from xieshang.handling.models import Item
    from xieshang.handling.services import rule_for
    from xieshang.proposals.channel import CHANNEL
    from xieshang.workdays.calendar import add_period

    open_row = {
        **GOOD,
        "案号": "第五届第一次会议第0002号",
        "答复类别": "",
        "采纳建议条数": "",
        "答复内容": "",
        "评价": "",
    }
    importer.import_rows(actor=w.office, data=_sheet([{**GOOD, "会议开幕日期": "2022-01-10"}, open_row]))
    closed, handling = (Proposal.objects.get(number=n).item for n in (1, 2))
    assert (closed.status, handling.status) == (Item.Status.CLOSED, Item.Status.HANDLING)
    rule = rule_for(CHANNEL)
    for item in (closed, handling):
        a = item.assignments.get()
        # the rule's deadlines counted from the assignment, not a flat 90 days
        assert a.reply_due_at == add_period(a.assigned_at, rule.reply_amount, rule.reply_unit).at
        assert a.sign_due_at == add_period(a.assigned_at, rule.sign_amount, rule.sign_unit).at
        actions = set(AuditEntry.objects.filter(thread=item.thread).values_list("action", flat=True))
        assert {"accept", "assign", "sign", "import_history"} <= actions
    assert {"reply", "rate", "close", "item_close"} <= set(
        AuditEntry.objects.filter(thread=closed.thread).values_list("action", flat=True)
    )


def test_imported_picks_become_adopted_suggestions_and_a_pick_that_is_not_the_proposals_is_refused(w):
    from xieshang.proposals.models import AdoptedSuggestion

    two = {**GOOD, "建议": "一、做好。\n二、做实。", "建议条数": 2, "采纳建议条数": 5, "采纳的建议": "1-2"}
    importer.import_rows(actor=w.office, data=_sheet([two]))
    p = Proposal.objects.get()
    assert list(p.suggestion_items.values_list("number", "text")) == [(1, "做好。"), (2, "做实。")]
    picked = AdoptedSuggestion.objects.get()
    assert picked.suggestion.number == 2 and picked.reply.adopted_count == 1
    assert metrics.compute(metrics.load_scope(Proposal.objects.all()))["adopted"] == 1

    other = CommitteeFactory(name="另一区政协")
    office = UserFactory(committee=other, office=True, username="office3")
    for cell, message in (("1-3", "不是本件"), ("第一条", "应为“案号数字-建议序号”")):
        with pytest.raises(ServiceError, match=message):
            importer.import_rows(actor=office, data=_sheet([{**two, "采纳的建议": cell}]))
        assert not Proposal.objects.filter(committee=other).exists()


def test_a_file_without_the_adopted_suggestions_column_keeps_the_stated_number(w):
    wb = Workbook()
    headers = [h for h in importer.HEADERS if h != "采纳的建议"]
    wb.active.append(headers)
    wb.active.append([GOOD.get(h, "") for h in headers])
    importer.import_rows(actor=w.office, data=workbook_bytes(wb))
    from xieshang.handling.models import Reply

    assert Reply.objects.get().adopted_count == 1
    assert metrics.compute(metrics.load_scope(Proposal.objects.all()))["adopted"] == 0
