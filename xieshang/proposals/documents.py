"""The proposal channel's files: 交办函, 答复函, the annual 提案汇编 (.docx) and every list (.xlsx)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from xieshang.documents import (
    add_addressee,
    add_heading,
    add_page_break,
    add_paragraphs,
    add_signature,
    add_table,
    docx_bytes,
    official_document,
    xlsx_bytes,
)
from xieshang.handling.models import Assignment, Reply

from . import metrics
from .models import Proposal

# 发文字号 kind codes (GB/T 9704 发文机关代字 + the kind): 提 for the proposals committee's letters.
KIND_PROPOSALS = "提"


def _year(p: Proposal) -> int:
    """The year a proposal's letters are numbered in: its session's year, else this year."""
    return p.year or timezone.localdate().year


def _proposer_line(p: Proposal) -> str:
    names = [x.name for x in p.proposers.all() if x.counts]
    return "、".join(names)


def _body(p: Proposal) -> list[str]:
    return [f"情况：{p.situation}", f"分析：{p.analysis}", f"建议：{p.suggestions}"]


def assignment_letter(p: Proposal, info: dict[str, Any]) -> bytes:
    """交办函: to the lead and co-units, with the mode, the deadlines and the proposal attached."""
    leads = [a for a in info["assignments"] if a.role == Assignment.Role.LEAD]
    cos = [a for a in info["assignments"] if a.role == Assignment.Role.CO]
    committee = p.committee
    doc = official_document(
        title=f"{committee.proposals_sender}关于交办{p.number_label}提案的函",
        issuer=committee.proposals_sender,
        number=committee.document_number(KIND_PROPOSALS, _year(p), p.number or 0),
    )
    add_addressee(doc, "、".join(a.unit.name for a in [*leads, *cos]))
    mode = info["item"].get_mode_display()
    first = leads[0] if leads else None
    text = [
        f"现将{p.number_label}《{p.title}》（提案人：{_proposer_line(p)}）交由你单位{mode}。",
        "请在收到后按规定签收，于五个工作日内提出是否属于本单位职责的意见；"
        "十五个工作日内与提案人联系沟通；于交办之日起三个月内办复。",
    ]
    if first:
        text.append(f"答复期限：{timezone.localtime(first.reply_due_at):%Y年%m月%d日}。")
    if cos:
        lead_name = first.unit.name if first else ""
        co_names = "、".join(a.unit.name for a in cos)
        text.append(f"会办单位（{co_names}）请在一个月内将会办意见送主办单位（{lead_name}），由主办单位统一答复。")
    merged = list(p.merged.all())
    if merged:
        text.append(
            "本件并案办理的提案："
            + "；".join(f"{m.number_label}《{m.title}》" for m in merged)
            + "。请分别答复每位提案人。"
        )
    add_paragraphs(doc, text)
    add_signature(doc, committee.proposals_sender, timezone.localdate())
    add_page_break(doc)
    add_heading(doc, f"附：{p.number_label} {p.title}")
    add_paragraphs(doc, _body(p))
    return docx_bytes(doc)


def reply_letter(p: Proposal, reply: Reply) -> bytes:
    """答复函: the unit's reply to the proposers, with the category."""
    unit = reply.assignment.unit.name
    doc = official_document(title=f"关于{p.number_label}提案的答复", issuer=unit, number=f"（{reply.category}类）")
    add_addressee(doc, _proposer_line(p) + "委员" if p.proposer_kind in ("member", "joint") else _proposer_line(p))
    add_paragraphs(doc, [f"您提出的《{p.title}》收悉。现答复如下："])
    add_paragraphs(doc, reply.body)
    if reply.measures:
        add_heading(doc, "采取的措施")
        add_paragraphs(doc, reply.measures)
    from .selectors import adopted_by_reply

    adopted = adopted_by_reply([reply.pk])[reply.pk]
    if adopted:
        add_heading(doc, f"采纳的建议（{len(adopted)} 条）")
        add_paragraphs(doc, [f"{k}. {s}" for k, s in enumerate(adopted, start=1)])
        closing = "感谢您对我们工作的关心和支持。"
    elif reply.adopted_count:
        # a reply written before suggestions were ticked one by one: the number it stated
        closing = f"采纳建议 {reply.adopted_count} 条。感谢您对我们工作的关心和支持。"
    else:
        closing = "感谢您对我们工作的关心和支持。"
    add_paragraphs(doc, [closing])
    add_signature(doc, unit, timezone.localtime(reply.created_at).date())
    return docx_bytes(doc)


def compilation(qs, *, year: str = "") -> bytes:
    """提案汇编: filed proposals by category, each with its passed replies."""
    from .selectors import handling_of, with_people

    proposals = list(with_people(qs).select_related("committee").order_by("category", "number", "id"))
    by_cat: dict[str, list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_cat[p.category or "其他"].append(p)
    committee = proposals[0].committee if proposals else None
    prefix = committee.official_name if committee else ""
    doc = official_document(
        title=f"{prefix}{year}年度提案及答复汇编" if year else f"{prefix}提案及答复汇编",
        issuer=committee.proposals_sender if committee else "",
    )
    add_table(doc, ["类别", "件数"], [[c, len(v)] for c, v in by_cat.items()])
    numerals = "一二三四五六七八九十"
    for i, (cat, items) in enumerate(by_cat.items()):
        add_page_break(doc)
        add_heading(doc, f"{numerals[i] if i < 10 else i + 1}、{cat}（{len(items)}件）")
        for p in items:
            add_heading(doc, f"{p.number_label} {p.title}", level=2)
            add_paragraphs(
                doc,
                [f"提案人：{_proposer_line(p)}"]
                + ([f"并入：{p.merged_into.number_label}"] if p.merged_into_id else []),
            )
            add_paragraphs(doc, _body(p))
            if p.merged_into_id:
                continue
            for r in handling_of(p).get("replies", []):
                if r.review == Reply.Review.PASSED and r.assignment.role == "lead":
                    add_paragraphs(doc, [f"【{r.assignment.unit.name}答复（{r.category}类）】"])
                    add_paragraphs(doc, r.body)
    if committee:
        add_signature(doc, committee.proposals_sender, timezone.localdate())
    return docx_bytes(doc)


LIST_HEADERS = [
    "案号",
    "标题",
    "提案人",
    "提案人类型",
    "类别",
    "大会/平时",
    "状态",
    "办理",
    "并入",
    "建议条数",
    "提交时间",
]


def list_xlsx(qs) -> bytes:
    rows = (
        [
            p.number_label,
            p.title,
            "、".join(x.name for x in p.proposers.all() if x.counts),
            p.get_proposer_kind_display(),
            p.category,
            p.get_kind_display(),
            p.get_status_display(),
            p.get_handling_display() if p.handling else "",
            p.merged_into.number_label if p.merged_into_id else "",
            p.suggestion_count,
            timezone.localtime(p.submitted_at).strftime("%Y-%m-%d") if p.submitted_at else "",
        ]
        for p in qs
    )
    return xlsx_bytes("提案目录", LIST_HEADERS, rows)


def rates_xlsx(values: dict[str, Any], rows, by: str, year: int | None) -> bytes:
    from openpyxl import Workbook

    from xieshang.documents import add_sheet, workbook_bytes

    wb = Workbook()
    add_sheet(
        wb,
        f"{year or ''}提案办理统计",
        ["指标", "数值", "单位", "口径"],
        [
            [i.name, values[i.key] if values[i.key] is not None else "—", i.unit, i.definition]
            for i in metrics.INDICATORS
        ],
        first=True,
    )
    cols = [metrics.BY_KEY[k] for k in metrics.BREAKDOWN_INDICATORS]
    add_sheet(
        wb, "分项统计", ["分组", *[c.name for c in cols]], [[label, *[v[c.key] for c in cols]] for label, v in rows]
    )
    return workbook_bytes(wb)


def key_xlsx(keys) -> bytes:
    rows = (
        [
            k.proposal.number_label,
            k.proposal.title,
            str(k.leader) if k.leader_id else "",
            k.decided_on,
            "；".join(f"{a.held_on:%Y-%m-%d} {a.get_kind_display()}" for a in k.activities.all()),
            k.proposal.get_handling_display() if k.proposal.handling else "",
        ]
        for k in keys
    )
    return xlsx_bytes("重点提案", ["案号", "标题", "领衔督办", "确定日期", "督办活动", "办理"], rows)
