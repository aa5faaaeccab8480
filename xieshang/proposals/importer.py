"""Import of a past year's proposals and replies from .xlsx, and the export in the same layout.

One row per proposal. The whole file is checked first; any error names its row and column and
nothing is imported. The import then runs in one transaction, so a failure leaves nothing behind.
A proposal's numbered suggestions become its suggestion records (an unnumbered 建议 text gives none),
and the column 采纳的建议 (per reply “案号数字-建议序号”, as the export writes it) records which of
them each reply adopted. A file without that column keeps each reply's stated 采纳建议条数 for
history; the adopted-suggestions figure does not count it. Past handling is recorded as it happened
(filed, assigned, replied, reviewed, rated, closed) by the loop's engine
(``handling.services.item_import_history``): deadlines from the proposals channel's rule counted
from the assignment, no notices, an audit row per step; every imported proposal gets an audit row
``import``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from xieshang.core import audit
from xieshang.core.errors import ServiceError
from xieshang.documents import read_rows, xlsx_bytes
from xieshang.handling import services as loop
from xieshang.handling.models import Reply
from xieshang.organisations.models import Committee, Leader, Member, Sector, Session, Term, Unit

from . import permissions as perms
from .channel import CHANNEL, REPLY_CATEGORIES
from .models import Category, KeyProposal, NumberCounter, Proposal, Proposer
from .services import number_label, set_suggestions, split_suggestions, suggestions_adopt

HEADERS = [
    "案号",
    "届次",
    "会次",
    "年度",
    "会议开幕日期",
    "标题",
    "提案人类型",
    "提案人",
    "第一提案人界别",
    "港澳委员",
    "类别",
    "情况",
    "分析",
    "建议",
    "建议条数",
    "并入案号",
    "重点提案",
    "领衔督办领导",
    "交办方式",
    "主办单位",
    "会办单位",
    "答复类别",
    "采纳建议条数",
    "答复内容",
    "评价",
    "采纳的建议",
]
# Columns a file made before they existed may lack (read as empty).
OPTIONAL = ("采纳的建议",)
REQUIRED = ("案号", "届次", "会次", "年度", "标题", "提案人类型", "提案人", "建议")
MODE_BY_LABEL = {"单办": "single", "分办": "split", "会办": "joint"}
RATING_BY_LABEL = {"满意": "satisfied", "基本满意": "basic", "不满意": "unsatisfied"}


def _kind_by_label() -> dict[str, str]:
    """委员个人 → member: the file is worded in Simplified Chinese whatever language its reader chose."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in Proposal.ProposerKind.choices}


def _kind_label(value: str) -> str:
    return next((label for label, v in _kind_by_label().items() if v == value), "")


LABEL_BY_RATING = {v: k for k, v in RATING_BY_LABEL.items()}
_NUMBER = re.compile(r"第(\d+)号$")
_SEP = re.compile(r"[、，,；;]")
# 采纳的建议: per reply (separated by ｜) the adopted suggestions as “案号数字-建议序号”, e.g. 12-3
_PICK = re.compile(r"^(\d+)-(\d+)$")


@dataclass
class ParsedRow:
    row: int
    number: int
    term: int
    session: int
    year: int
    opens_on: dt.date
    values: dict[str, Any]
    proposers: list[str]
    merged_into: int | None
    lead_units: list[str]
    co_units: list[str]
    replies: list[tuple[str, int, str]]
    ratings: list[tuple[str, str]]
    picks: list[list[tuple[int, int]]] = field(default_factory=list)


@dataclass
class Preview:
    headers: list[str]
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sample: list[tuple[int, list[Any]]] = field(default_factory=list)

    @property
    def proposals(self) -> int:
        return len(self.rows)

    @property
    def merged(self) -> int:
        return sum(1 for r in self.rows if r.merged_into)

    @property
    def replies(self) -> int:
        return sum(len(r.replies) for r in self.rows)


@dataclass
class Result:
    proposals: int
    replies: int


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _int(v: Any, row: int, col: str, errors: list[str], *, minimum: int = 0) -> int:
    t = _text(v)
    if not t:
        return 0
    if not t.isdigit() or int(t) < minimum:
        errors.append(f"第 {row} 行「{col}」：应为{'正' if minimum else '非负'}整数，实际为「{t}」。")
        return 0
    return int(t)


def _parse(committee: Committee, data: bytes) -> Preview:
    try:
        headers, rows = read_rows(data)
    except Exception:  # noqa: BLE001 - any unreadable file is one message to the user
        raise ServiceError("无法读取该文件，请上传 .xlsx 格式的 Excel 文件。") from None
    missing = [h for h in HEADERS if h not in headers and h not in OPTIONAL]
    if missing:
        raise ServiceError(f"缺少列：{'、'.join(missing)}。请使用导入模板。")
    pv = Preview(headers=headers)
    col = {h: headers.index(h) for h in HEADERS if h in headers}
    seen: dict[tuple[int, int, int], int] = {}
    cats = dict(REPLY_CATEGORIES)
    for n, raw in rows:
        v = {h: raw[col[h]] if h in col else "" for h in HEADERS}
        errs: list[str] = []
        for h in REQUIRED:
            if not _text(v[h]):
                errs.append(f"第 {n} 行「{h}」：不能为空。")
        m = _NUMBER.search(_text(v["案号"]))
        if _text(v["案号"]) and not m:
            errs.append(f"第 {n} 行「案号」：应以“第0012号”的形式结尾。")
        term, session = _int(v["届次"], n, "届次", errs, minimum=1), _int(v["会次"], n, "会次", errs, minimum=1)
        year = _int(v["年度"], n, "年度", errs, minimum=1)
        if year and not 1990 <= year <= 2100:
            errs.append(f"第 {n} 行「年度」：{year} 不是有效年度。")
        opens = v["会议开幕日期"]
        if isinstance(opens, dt.datetime):
            opens = opens.date()
        if opens in (None, ""):
            opens = dt.date(year or 2000, 1, 1)
        elif not isinstance(opens, dt.date):
            try:
                opens = dt.date.fromisoformat(_text(opens))
            except ValueError:
                errs.append(f"第 {n} 行「会议开幕日期」：应为日期，如 2022-01-10。")
                opens = dt.date(2000, 1, 1)
        kind = _kind_by_label().get(_text(v["提案人类型"]))
        if _text(v["提案人类型"]) and kind is None:
            errs.append(f"第 {n} 行「提案人类型」：应为 {'、'.join(_kind_by_label())} 之一。")
        if _text(v["类别"]) and _text(v["类别"]) not in Category.values:
            errs.append(f"第 {n} 行「类别」：应为 {'、'.join(Category.values)} 之一。")
        _int(v["建议条数"], n, "建议条数", errs)
        merged = None
        if _text(v["并入案号"]):
            mm = _NUMBER.search(_text(v["并入案号"]))
            if not mm:
                errs.append(f"第 {n} 行「并入案号」：应以“第0012号”的形式结尾。")
            else:
                merged = int(mm.group(1))
        lead_units = [u for u in _SEP.split(_text(v["主办单位"])) if u]
        co_units = [u for u in _SEP.split(_text(v["会办单位"])) if u]
        mode = _text(v["交办方式"])
        if lead_units and mode not in MODE_BY_LABEL:
            errs.append(f"第 {n} 行「交办方式」：应为 单办、分办、会办 之一。")
        if merged and lead_units:
            errs.append(f"第 {n} 行「主办单位」：并案的提案随主案办理，不填承办单位。")
        cats_in = _text(v["答复类别"]).split("｜") if _text(v["答复类别"]) else []
        adopted_in = _text(v["采纳建议条数"]).split("｜") if _text(v["采纳建议条数"]) else []
        bodies = _text(v["答复内容"]).split("｜") if _text(v["答复内容"]) else []
        replies = []
        if cats_in:
            if len(cats_in) != len(lead_units) or len(bodies) != len(cats_in):
                errs.append(f"第 {n} 行「答复类别」：每个主办单位一份答复，用“｜”分隔，数量须与主办单位一致。")
            for i, c in enumerate(cats_in):
                if c not in cats:
                    errs.append(f"第 {n} 行「答复类别」：应为 A、B、C 之一，实际为「{c}」。")
                adopted = adopted_in[i] if i < len(adopted_in) else "0"
                replies.append((c, _int(adopted, n, "采纳建议条数", errs), bodies[i] if i < len(bodies) else ""))
        picks: list[list[tuple[int, int]]] = []
        if _text(v["采纳的建议"]):
            for i, part in enumerate(_text(v["采纳的建议"]).split("｜")):
                tokens = [t.strip() for t in _SEP.split(part) if t.strip()]
                found = [_PICK.match(t) for t in tokens]
                if not all(found):
                    errs.append(f"第 {n} 行「采纳的建议」：应为“案号数字-建议序号”，如 12-3，多条用顿号分隔。")
                picks.append([(int(m.group(1)), int(m.group(2))) for m in found if m])
                if i < len(replies):
                    cat, _count, body = replies[i]
                    replies[i] = (cat, len(picks[-1]), body)
            if len(picks) > len(replies):
                errs.append(f"第 {n} 行「采纳的建议」：每份答复一组，用“｜”分隔，数量须与答复一致。")
        ratings = []
        for part in [x for x in re.split(r"[；;]", _text(v["评价"])) if x]:
            name, _, value = part.partition(":") if ":" in part else part.partition("：")
            if value.strip() not in RATING_BY_LABEL:
                errs.append(f"第 {n} 行「评价」：应为“姓名:满意”的形式，评价为满意、基本满意或不满意。")
            else:
                ratings.append((name.strip(), RATING_BY_LABEL[value.strip()]))
        number = int(m.group(1)) if m else 0
        key = (term, session, number)
        if number and key in seen:
            errs.append(f"第 {n} 行「案号」：与第 {seen[key]} 行重复。")
        seen[key] = n
        if (
            number
            and (term, session)
            and Proposal.objects.filter(
                committee=committee, term__number=term, session__number=session, number=number
            ).exists()
        ):
            errs.append(f"第 {n} 行「案号」：本委员会已有该案号的提案。")
        pv.errors += errs
        pv.rows.append(
            ParsedRow(
                row=n,
                number=number,
                term=term,
                session=session,
                year=year,
                opens_on=opens,
                values={h: _text(v[h]) for h in HEADERS},
                proposers=[x for x in _SEP.split(_text(v["提案人"])) if x],
                merged_into=merged,
                lead_units=lead_units,
                co_units=co_units,
                replies=replies,
                ratings=ratings,
                picks=picks,
            )
        )
        if len(pv.sample) < 20:
            pv.sample.append((n, [raw[col[h]] for h in HEADERS[:8]]))
    pv.headers = HEADERS[:8]
    numbers = {(r.term, r.session, r.number) for r in pv.rows}
    for r in pv.rows:
        if r.merged_into and (r.term, r.session, r.merged_into) not in numbers:
            pv.errors.append(f"第 {r.row} 行「并入案号」：文件中没有案号为第{r.merged_into:04d}号的提案。")
    if not pv.rows:
        pv.errors.append("文件中没有数据行。")
    return pv


def preview(*, committee: Committee, data: bytes) -> Preview:
    return _parse(committee, data)


@transaction.atomic
def import_rows(*, actor: Any, data: bytes) -> Result:
    """Create every proposal of the file with its history, or nothing (one transaction)."""
    if not perms.is_proposals_office(actor):
        raise ServiceError("只有提案委工作人员可以导入提案。")
    committee = actor.committee
    pv = _parse(committee, data)
    if pv.errors:
        raise ServiceError(pv.errors[0])
    by_number: dict[tuple[int, int, int], Proposal] = {}
    replies = 0
    # Leads before merged ones, so that a merged row can point at its lead.
    for r in sorted(pv.rows, key=lambda x: (x.merged_into is not None, x.row)):
        term, _ = Term.objects.get_or_create(
            committee=committee, number=r.term, defaults={"starts_on": dt.date(r.year, 1, 1)}
        )
        session, _ = Session.objects.get_or_create(
            term=term, number=r.session, defaults={"opens_on": r.opens_on, "closes_on": r.opens_on}
        )
        v = r.values
        kind = _kind_by_label()[v["提案人类型"]]
        moment = timezone.make_aware(dt.datetime.combine(r.opens_on, dt.time(9)))
        p = Proposal(
            committee=committee,
            term=term,
            session=session,
            year=r.year,
            kind=Proposal.Kind.PLENARY,
            proposer_kind=kind,
            organisation_name="" if kind in ("member", "joint") else r.proposers[0],
            title=v["标题"][:120],
            situation=v["情况"],
            analysis=v["分析"],
            suggestions=v["建议"],
            suggestion_count=int(v["建议条数"] or 0),
            category=v["类别"],
            status=Proposal.Status.FILED,
            number=r.number,
            number_label=number_label(Proposal(session=session), r.number),
            created_by=actor,
            entered_by_staff=True,
            integrity=Proposal.Integrity.OWN,
            declared=True,
            submitted_at=moment,
            reviewed_at=moment,
            reviewed_by=actor,
            is_key=v["重点提案"] == "是",
        )
        if r.merged_into:
            p.merged_into = by_number[(r.term, r.session, r.merged_into)]
        p.save()
        # the suggestions as records where the text numbers them; an unnumbered text gets none
        set_suggestions(p, split_suggestions(p.suggestions, numbered_only=True)[:50])
        for i, name in enumerate(r.proposers, start=1):
            member = None
            if kind in ("member", "joint"):
                member = Member.objects.filter(committee=committee, name=name).first()
                if member is None:
                    sector = None
                    if i == 1 and v["第一提案人界别"] and v["第一提案人界别"] != "（无界别）":
                        sector, _ = Sector.objects.get_or_create(committee=committee, name=v["第一提案人界别"])
                    member = Member.objects.create(
                        committee=committee,
                        term=term,
                        name=name,
                        sector=sector,
                        is_hk_macao=(i == 1 and v["港澳委员"] == "是"),
                    )
            Proposer.objects.create(
                proposal=p, order=i, member=member, user=None if member else actor, name=name, confirmed_at=moment
            )
        counter, _ = NumberCounter.objects.get_or_create(committee=committee, term=term, session=session)
        if counter.last < r.number:
            counter.last = r.number
            counter.save(update_fields=["last"])
        by_number[(r.term, r.session, r.number)] = p
        if p.is_key:
            leader = None
            if v["领衔督办领导"]:
                leader = Leader.objects.filter(committee=committee, name=v["领衔督办领导"]).first()
                leader = leader or Leader.objects.create(committee=committee, name=v["领衔督办领导"], title="区领导")
            KeyProposal.objects.create(proposal=p, leader=leader, decided_on=r.opens_on, created_by=actor)
        if not r.merged_into:
            replies += _import_handling(p, r, actor, moment)
        p.search_text = "\n".join(
            x
            for x in [
                p.number_label,
                p.title,
                p.situation,
                p.analysis,
                p.suggestions,
                *r.proposers,
                *r.lead_units,
                *r.co_units,
            ]
            if x
        ).lower()
        p.save(update_fields=["search_text", "item"])
        audit.record(thread=f"proposal:{p.pk}", target=p, action="import", actor=actor, to_state=p.status)
    # the adopted suggestions, once every proposal of a merge group has its suggestion records
    for r in pv.rows:
        if r.picks:
            _import_picks(by_number[(r.term, r.session, r.number)], r, by_number)
    return Result(proposals=len(by_number), replies=replies)


def _import_picks(lead: Proposal, r: ParsedRow, by_number: dict[tuple[int, int, int], Proposal]) -> None:
    """Each reply's adopted suggestions (采纳的建议), checked against the suggestions of the lead's group."""
    for unit_name, picks in zip(r.lead_units, r.picks, strict=False):
        reply = (
            Reply.objects.filter(assignment__item_id=lead.item_id, assignment__unit__name=unit_name)
            .order_by("-round", "-id")
            .first()
        )
        ids = []
        for number, n in picks:
            p = by_number.get((r.term, r.session, number))
            s = (
                p.suggestion_items.filter(number=n).first()
                if p and (p == lead or p.merged_into_id == lead.pk)
                else None
            )
            if s is None:
                raise ServiceError(f"第 {r.row} 行「采纳的建议」：{number}-{n} 不是本件（含并案提案）的建议。")
            ids.append(s.pk)
        if reply is not None and ids:
            suggestions_adopt(reply, ids)


def _unit(committee: Committee, name: str) -> Unit:
    unit, _ = Unit.objects.get_or_create(committee=committee, name=name)
    return unit


def _import_handling(p: Proposal, r: ParsedRow, actor: Any, moment: dt.datetime) -> int:
    """The proposal's past handling, recorded by the loop's engine (``item_import_history``): deadlines
    from the proposals channel's rule counted from the assignment, audit rows, permission checked."""
    leads = [_unit(p.committee, name) for name in r.lead_units]
    replies = [
        loop.PastReply(unit=unit, category=cat, body=body, adopted_count=adopted)
        for unit, (cat, adopted, body) in zip(leads, r.replies, strict=False)
    ]
    item = loop.item_import_history(
        actor=actor,
        committee=p.committee,
        channel=CHANNEL,
        title=p.title,
        text=p.suggestions or p.title,
        category=p.category,
        source=p,
        accepted_at=moment,
        mode=MODE_BY_LABEL.get(r.values["交办方式"], "") if leads else "",
        lead_units=leads,
        co_units=[_unit(p.committee, name) for name in r.co_units],
        replies=replies,
        ratings=[loop.PastRating(label=name, value=value) for name, value in r.ratings] if replies else [],
    )
    p.item = item
    return len(replies)


def _picks_cell(by_reply: dict[int, list[Any]]) -> str:
    """采纳的建议 of a row: per reply “案号数字-建议序号”s; empty when no reply ticked any."""
    if not any(by_reply.values()):
        return ""
    return "｜".join("、".join(f"{s.proposal.number}-{s.number}" for s in picks) for picks in by_reply.values())


def template_xlsx() -> bytes:
    return xlsx_bytes("历年提案", HEADERS, [])


def export_xlsx(qs) -> bytes:
    """The import layout for a set of filed proposals, so that a year moves between systems intact."""
    from .selectors import adopted_by_reply, handling_of, with_people

    rows = []
    for p in with_people(qs.filter(status=Proposal.Status.FILED)).select_related("term", "session").order_by("number"):
        first = next((x for x in p.proposers.all() if x.order == 1), None)
        member = first.member if first and first.member_id else None
        info = handling_of(p) if not p.merged_into_id else {}
        leads = [a for a in info.get("assignments", []) if a.role == "lead"]
        cos = [a for a in info.get("assignments", []) if a.role == "co"]
        reps = []
        for a in leads:
            rr = [x for x in a.replies.all() if x.review == Reply.Review.PASSED and x.round == a.round]
            if rr:
                reps.append(rr[0])
        ratings = []
        for a in leads[:1]:
            ratings = [f"{x.rater_label}:{LABEL_BY_RATING[x.value]}" for x in a.ratings.all() if x.round == a.round]
        key = getattr(p, "key", None) if p.is_key else None
        rows.append(
            [
                p.number_label,
                p.term.number,
                p.session.number if p.session_id else "",
                p.year,
                p.session.opens_on if p.session_id else "",
                p.title,
                _kind_label(p.proposer_kind),
                "、".join(x.name for x in p.proposers.all() if x.counts),
                member.sector.name if member and member.sector_id else "",
                "是" if member and member.is_hk_macao else "否",
                p.category,
                p.situation,
                p.analysis,
                p.suggestions,
                p.suggestion_count,
                p.merged_into.number_label if p.merged_into_id else "",
                "是" if p.is_key else "否",
                key.leader.name if key and key.leader_id else "",
                {"single": "单办", "split": "分办", "joint": "会办"}.get(info["item"].mode, "") if info else "",
                "、".join(a.unit.name for a in leads),
                "、".join(a.unit.name for a in cos),
                "｜".join(x.category for x in reps),
                "｜".join(str(x.adopted_count) for x in reps),
                "｜".join(x.body.replace("｜", "|") for x in reps),
                "；".join(ratings),
                _picks_cell(adopted_by_reply([x.pk for x in reps])),
            ]
        )
    return xlsx_bytes("历年提案", HEADERS, rows)
