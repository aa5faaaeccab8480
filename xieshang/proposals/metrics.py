"""The proposal rates, each defined once. Every page, export and the scorecard call these definitions.

A :class:`Scope` is loaded once for a committee and a year (the proposals with their first proposer in one query,
then the items' lead assignments, their replies, adopted suggestions and ratings) and every indicator is a function
of a scope, so the breakdowns (by unit, category, sector, proposer kind, HK/Macao members) apply
the same definition to a part of the scope.

Definitions:

- 收到提案数: proposals submitted to the office (past drafting) in the year.
- 立案数: filed (立案), merged ones included; 并案数: filed proposals merged into another;
  交办件数: filed proposals that lead an item (the number of assignment items after merging).
- 立案率 = filed ÷ received (proposals still awaiting review are left out of both).
- 办结率 = items closed on time through the proper procedure ÷ items. "Proper procedure": the item is
  closed, every lead unit replied by its (possibly extended) deadline with a reply that passed review,
  and every proposer rated it (none closed by the rating deadline without a rating).
- 满意率 = (满意 + 基本满意) ÷ rated, over the ratings of each reply's final round.
- 采纳建议数: the proposals' suggestion records that a passed reply of the final round adopts (each
  unit ticks the ones it adopts; a suggestion adopted by two units counts once). Replies written
  before suggestions were recorded one by one stated only a number (``Reply.adopted_count``): it
  stays on the reply for history and is not counted. 采纳率 = adopted suggestions ÷ the suggestions in
  the proposals of the item (the lead's and every merged proposal's).
- A/B/C 类占比: the category of each lead unit's passed reply ÷ passed lead replies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery

from xieshang.handling.models import Assignment, Item, Rating, Reply

from .models import AdoptedSuggestion, Proposal, Proposer

St = Proposal.Status
DRAFTING = (St.DRAFT, St.COSIGNING)


@dataclass
class Row:
    id: int
    status: str
    lead_id: int | None
    item_id: int | None
    category: str
    proposer_kind: str
    sector: str
    hk: bool
    suggestions: int
    is_key: bool


@dataclass
class ItemFacts:
    closed_properly: bool = False
    categories: list[str] = field(default_factory=list)
    adopted: int = 0
    good: int = 0
    rated: int = 0
    units: set[str] = field(default_factory=set)


@dataclass
class Scope:
    rows: list[Row]
    items: dict[int, ItemFacts]

    def filed(self) -> list[Row]:
        return [r for r in self.rows if r.status == St.FILED]

    def leads(self) -> list[Row]:
        return [r for r in self.filed() if r.lead_id is None and r.item_id]

    def lead_facts(self) -> list[ItemFacts]:
        return [self.items[r.item_id] for r in self.leads() if r.item_id in self.items]

    def subset(self, keep: Callable[[Row], bool]) -> Scope:
        """The rows kept; an item counts when its lead is kept."""
        return Scope([r for r in self.rows if keep(r)], self.items)


def _pct(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _group_suggestions(scope: Scope) -> int:
    lead_ids = {r.id for r in scope.leads()}
    return sum(r.suggestions for r in scope.filed() if (r.lead_id or r.id) in lead_ids)


def _category_share(code: str) -> Callable[[Scope], Decimal | None]:
    def share(scope: Scope) -> Decimal | None:
        cats = [c for f in scope.lead_facts() for c in f.categories]
        return _pct(sum(1 for c in cats if c == code), len(cats))

    return share


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    unit: str
    fn: Callable[[Scope], Any]
    # Templates read the fields; they must not call the indicator itself.
    do_not_call_in_templates = True

    def __call__(self, scope: Scope) -> Any:
        return self.fn(scope)


INDICATORS: list[Indicator] = [
    Indicator(
        "received",
        "收到提案",
        "提交至提案委的提案（不含草稿和待联名确认）",
        "件",
        lambda s: sum(1 for r in s.rows if r.status not in DRAFTING),
    ),
    Indicator("filed", "立案", "审查后立案的提案，含并案的提案", "件", lambda s: len(s.filed())),
    Indicator(
        "filing_rate",
        "立案率",
        "立案数 ÷ 已审查的提案数",
        "%",
        lambda s: _pct(
            len(s.filed()),
            sum(1 for r in s.rows if r.status not in (*DRAFTING, St.SUBMITTED, St.RETURNED, St.OPINION_CONSENT)),
        ),
    ),
    Indicator(
        "merged", "并案数", "立案后并入其他提案一并办理的提案", "件", lambda s: sum(1 for r in s.filed() if r.lead_id)
    ),
    Indicator("items", "并案后交办", "并案后的交办件数（主案数）", "件", lambda s: len(s.leads())),
    Indicator(
        "closed_rate",
        "办结率",
        "按期、按程序办结（答复经审核、每位提案人均已评价）的交办件 ÷ 交办件",
        "%",
        lambda s: _pct(sum(1 for f in s.lead_facts() if f.closed_properly), len(s.leads())),
    ),
    Indicator(
        "satisfaction",
        "满意率",
        "（满意 + 基本满意）÷ 已评价，取每份答复最后一轮的评价",
        "%",
        lambda s: _pct(sum(f.good for f in s.lead_facts()), sum(f.rated for f in s.lead_facts())),
    ),
    Indicator(
        "adopted",
        "采纳建议",
        "审核通过的答复中采纳的建议条数",
        "条",
        lambda s: sum(f.adopted for f in s.lead_facts()),
    ),
    Indicator(
        "adoption_rate",
        "采纳率",
        "采纳建议条数 ÷ 提案所提建议条数（含并案提案）",
        "%",
        lambda s: _pct(sum(f.adopted for f in s.lead_facts()), _group_suggestions(s)),
    ),
    Indicator("share_a", "A 类占比", "A 类（已经解决或采纳）答复 ÷ 通过审核的主办答复", "%", _category_share("A")),
    Indicator(
        "share_b", "B 类占比", "B 类（正在解决或列入计划解决）答复 ÷ 通过审核的主办答复", "%", _category_share("B")
    ),
    Indicator("share_c", "C 类占比", "C 类（因条件限制留作参考）答复 ÷ 通过审核的主办答复", "%", _category_share("C")),
    Indicator(
        "hk_macao", "港澳委员提案", "第一提案人为港澳委员的立案提案", "件", lambda s: sum(1 for r in s.filed() if r.hk)
    ),
    Indicator("key", "重点提案", "主席会议确定的重点提案", "件", lambda s: sum(1 for r in s.filed() if r.is_key)),
]
BY_KEY = {i.key: i for i in INDICATORS}


def load_scope(proposals: Iterable[Proposal] | Any) -> Scope:
    """Load the facts behind every indicator for a queryset of proposals."""
    qs = proposals.exclude(status__in=DRAFTING) if hasattr(proposals, "exclude") else proposals
    # .order_by(): the models' default orderings join and sort tables these reads do not need. The first
    # proposer's sector and HK/Macao mark come in the same rows (values, no model instances).
    first = Proposer.objects.filter(proposal=OuterRef("pk"), order=1).order_by()
    rows = []
    for p in qs.order_by().values(
        "id",
        "status",
        "merged_into_id",
        "item_id",
        "category",
        "proposer_kind",
        "suggestion_count",
        "is_key",
        first_sector=Subquery(first.values("member__sector__name")[:1]),
        first_hk=Subquery(first.values("member__is_hk_macao")[:1]),
    ):
        rows.append(
            Row(
                id=p["id"],
                status=p["status"],
                lead_id=p["merged_into_id"],
                item_id=p["item_id"],
                category=p["category"] or "其他",
                proposer_kind=p["proposer_kind"],
                sector=p["first_sector"] or "（无界别）",
                hk=bool(p["first_hk"]),
                suggestions=p["suggestion_count"],
                is_key=p["is_key"],
            )
        )
    item_ids = [r.item_id for r in rows if r.item_id and r.lead_id is None and r.status == St.FILED]
    return Scope(rows, item_facts(item_ids))


LEFT = (Assignment.Status.WITHDRAWN, Assignment.Status.RETURNED, Assignment.Status.ESCALATED)


def adopted_suggestions(proposals: Any) -> Any:
    """The suggestion records behind 采纳建议数 for a queryset of proposals: adopted by a passed reply of the
    final round of a lead unit still on an item those proposals lead (the records ``adopted`` counts)."""
    from .models import Suggestion

    leads = proposals.filter(status=St.FILED, merged_into__isnull=True, item__isnull=False)
    picks = AdoptedSuggestion.objects.filter(
        reply__review=Reply.Review.PASSED,
        reply__round=F("reply__assignment__round"),
        reply__assignment__role=Assignment.Role.LEAD,
        reply__assignment__item_id__in=leads.values("item_id"),
    ).exclude(reply__assignment__status__in=LEFT)
    return (
        Suggestion.objects.filter(pk__in=picks.values("suggestion_id"))
        .select_related("proposal")
        .order_by("proposal__number", "proposal_id", "number")
    )


def item_facts(item_ids: list[int]) -> dict[int, ItemFacts]:
    facts: dict[int, ItemFacts] = {i: ItemFacts() for i in item_ids}
    if not item_ids:
        return facts
    closed = set(
        Item.objects.filter(pk__in=item_ids, status=Item.Status.CLOSED).order_by().values_list("pk", flat=True)
    )
    leads = list(
        Assignment.objects.filter(item_id__in=item_ids, role=Assignment.Role.LEAD)
        .exclude(status__in=LEFT)
        .order_by()
        .values("id", "item_id", "round", "unit__name", "status")
    )
    by_id = {a["id"]: a for a in leads}
    proper: dict[int, bool] = {i: i in closed for i in item_ids}
    for a in leads:
        facts[a["item_id"]].units.add(a["unit__name"])
    replies = (
        Reply.objects.filter(assignment_id__in=by_id, review=Reply.Review.PASSED, round=F("assignment__round"))
        .annotate(due=F("assignment__reply_due_at"), extended=F("assignment__extended_until"))
        .order_by()
        .values("id", "assignment_id", "category", "created_at", "due", "extended")
    )
    replied: set[int] = set()
    counted: dict[int, int] = {}
    for r in replies:
        a = by_id[r["assignment_id"]]
        f = facts[a["item_id"]]
        f.categories.append(r["category"])
        counted[r["id"]] = a["item_id"]
        replied.add(a["id"])
        if r["created_at"] > (r["extended"] or r["due"]):
            proper[a["item_id"]] = False
    adopted: dict[int, set[int]] = defaultdict(set)
    for reply_id, suggestion_id in AdoptedSuggestion.objects.filter(reply_id__in=counted).values_list(
        "reply_id", "suggestion_id"
    ):
        adopted[counted[reply_id]].add(suggestion_id)
    for item_id, ids in adopted.items():
        facts[item_id].adopted = len(ids)
    rated: dict[int, int] = defaultdict(int)
    for rt in (
        Rating.objects.filter(assignment_id__in=by_id, round=F("assignment__round"))
        .order_by()
        .values("assignment_id", "value")
    ):
        a = by_id[rt["assignment_id"]]
        f = facts[a["item_id"]]
        f.rated += 1
        rated[a["id"]] += 1
        if rt["value"] in (Rating.Value.SATISFIED, Rating.Value.BASIC):
            f.good += 1
    for a in leads:
        if a["id"] not in replied or not rated.get(a["id"]):
            proper[a["item_id"]] = False
    unrated_close = set(
        Assignment.objects.filter(pk__in=by_id)
        .filter(Q(ratings__isnull=True), status=Assignment.Status.CLOSED)
        .order_by()
        .values_list("item_id", flat=True)
    )
    for i in item_ids:
        facts[i].closed_properly = proper[i] and i not in unrated_close
    return facts


def compute(scope: Scope) -> dict[str, Any]:
    return {i.key: i(scope) for i in INDICATORS}


BREAKDOWN_INDICATORS = ("filed", "items", "closed_rate", "satisfaction", "adopted", "adoption_rate")


def breakdown(scope: Scope, by: str) -> list[tuple[str, dict[str, Any]]]:
    """The same indicators per category, sector, proposer kind, HK/Macao or handling unit."""
    groups: dict[str, Callable[[Row], bool]] = {}
    if by == "unit":
        names = sorted({u for r in scope.leads() for u in scope.items[r.item_id].units})
        lead_units = {r.id: scope.items[r.item_id].units for r in scope.leads()}
        for name in names:
            groups[name] = lambda r, n=name: n in lead_units.get(r.lead_id or r.id, set())
    elif by == "hk":
        groups = {"港澳委员": lambda r: r.hk, "其他": lambda r: not r.hk}
    else:
        attr = {"category": "category", "sector": "sector", "kind": "proposer_kind"}[by]
        labels = {v: str(label) for v, label in Proposal.ProposerKind.choices} if by == "kind" else {}
        for value in sorted({getattr(r, attr) for r in scope.filed()}):
            groups[labels.get(value, value)] = lambda r, v=value, a=attr: getattr(r, a) == v
    out = []
    for label, keep in groups.items():
        sub = scope.subset(keep)
        out.append((label, {k: BY_KEY[k](sub) for k in BREAKDOWN_INDICATORS}))
    return out
