"""The loop's indicators per handling unit, each defined once.

Every page, export and the scorecard that shows one of these figures calls :data:`INDICATORS`; no
other module counts 签收率 or 满意率 on its own.

The figures are computed over a queryset of assignments (交办记录), usually one committee's
assignments made in a period (:func:`period_assignments`). Reassigned-away assignments
(``withdrawn``, 改派) are never counted: the unit did not keep the matter. An assignment the
office took back on request (``returned``, 退回) or that went up a level (``escalated``, 上报)
counts as assigned but is left out of deadline-based figures, since another unit finished it.

The indicators (``INDICATORS``; the same definitions are shown on the statistics page):

- 签收率 ``sign_rate`` (%): assignments signed for by their sign-for deadline ÷ assignments.
- 按期办结率 ``on_time_rate`` (%): assignments first replied (a co-unit: opinion sent) by their
  effective deadline (the extended one when an extension was approved) ÷ assignments due, i.e.
  already replied or past their deadline; returned and escalated ones are left out.
- 办结率 ``close_rate`` (%): closed assignments ÷ assignments.
- 解决率 ``resolve_rate`` (%): closed lead assignments whose reply said resolved ÷ closed lead
  assignments (co-units do not reply).
- 满意率 ``satisfaction_rate`` (%): ratings 满意 or 基本满意 ÷ all ratings; a rating before and
  one after re-handling both count.
- 重办率 ``rehandle_rate`` (%): replied assignments re-handled at least once after 不满意 ÷
  replied assignments.
- 超期数 ``overdue_count`` (件): assignments first replied after their effective deadline, or
  still unreplied past it; returned and escalated ones are left out.

A ratio with nothing to divide by has no value (shown as “—”), never 0% or 100%.

All assignment-based indicators of a queryset are computed together in one aggregate query
(grouped by unit for the ranking), the rating-based one in a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import permissions as perms
from .models import Assignment, Rating

S = Assignment.Status
DUE = Coalesce("extended_until", "reply_due_at")
_SET_ASIDE = (S.RETURNED, S.ESCALATED, S.WITHDRAWN)


@dataclass(frozen=True)
class Figure:
    """One computed figure: the count behind it and its value (None when nothing to divide by)."""

    numerator: int
    denominator: int | None
    unit: str

    @property
    def value(self) -> float | None:
        if self.denominator is None:
            return float(self.numerator)
        if not self.denominator:
            return None
        return float(
            (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        )

    @property
    def display(self) -> str:
        v = self.value
        if v is None:
            return "—"
        if self.unit == "%":
            return f"{v:.1f}%"
        return f"{int(v)}{self.unit}"


@dataclass(frozen=True)
class Indicator:
    """An indicator: ``numerator`` and ``denominator`` are filters over the rows of ``source``.

    A ratio indicator counts the rows matching ``numerator`` among the rows matching
    ``denominator``; a count indicator (``denominator`` None) counts the rows matching ``numerator``.
    ``source`` is ``assignment`` (rows are assignments) or ``rating`` (rows are ratings of them).
    """

    key: str
    name: str
    definition: str
    unit: str
    numerator: Callable[[dt.datetime], Q]
    denominator: Callable[[dt.datetime], Q] | None = None
    source: str = "assignment"
    higher_is_better: bool = True

    def compute(self, assignments: QuerySet[Assignment], now: dt.datetime | None = None) -> Figure:
        """This indicator over ``assignments`` (one aggregate query)."""
        return compute_all(assignments, now, only=[self])[self.key]


def _all(now: dt.datetime) -> Q:
    return Q()


def _signed_in_time(now: dt.datetime) -> Q:
    return Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))


def _due(now: dt.datetime) -> Q:
    return ~Q(status__in=_SET_ASIDE) & (Q(first_replied_at__isnull=False) | Q(due_at_x__lte=now))


def _replied_on_time(now: dt.datetime) -> Q:
    return ~Q(status__in=_SET_ASIDE) & Q(first_replied_at__isnull=False, first_replied_at__lte=F("due_at_x"))


def _closed(now: dt.datetime) -> Q:
    return Q(status=S.CLOSED)


def _lead_closed(now: dt.datetime) -> Q:
    return Q(status=S.CLOSED, role=Assignment.Role.LEAD)


def _lead_closed_resolved(now: dt.datetime) -> Q:
    return Q(status=S.CLOSED, role=Assignment.Role.LEAD, resolved=True)


def _replied(now: dt.datetime) -> Q:
    return Q(first_replied_at__isnull=False)


def _rehandled(now: dt.datetime) -> Q:
    return Q(first_replied_at__isnull=False, rehandle_count__gt=0)


def _overdue(now: dt.datetime) -> Q:
    late_reply = Q(first_replied_at__isnull=False, first_replied_at__gt=F("due_at_x"))
    still_open = Q(first_replied_at__isnull=True, due_at_x__lt=now)
    return ~Q(status__in=_SET_ASIDE) & (late_reply | still_open)


def _rated(now: dt.datetime) -> Q:
    return Q()


def _satisfied(now: dt.datetime) -> Q:
    return Q(value__in=(Rating.Value.SATISFIED, Rating.Value.BASIC))


INDICATORS: list[Indicator] = [
    Indicator(
        key="sign_rate",
        name="签收率",
        unit="%",
        definition="在签收时限内签收的交办件数 ÷ 交办件数（不含改派出去的）。",
        numerator=_signed_in_time,
        denominator=_all,
    ),
    Indicator(
        key="on_time_rate",
        name="按期办结率",
        unit="%",
        definition=(
            "在办理期限（含批准的延期）内首次答复（会办单位为提交会办意见）的件数 ÷ 应办结件数；"
            "应办结件数为已答复或期限已到的交办件，退回、上报的不计。"
        ),
        numerator=_replied_on_time,
        denominator=_due,
    ),
    Indicator(
        key="close_rate",
        name="办结率",
        unit="%",
        definition="已办结的交办件数 ÷ 交办件数（不含改派出去的）。",
        numerator=_closed,
        denominator=_all,
    ),
    Indicator(
        key="resolve_rate",
        name="解决率",
        unit="%",
        definition="主办（单办、分办）件中答复为“已解决”并已办结的件数 ÷ 已办结的主办件数。",
        numerator=_lead_closed_resolved,
        denominator=_lead_closed,
    ),
    Indicator(
        key="satisfaction_rate",
        name="满意率",
        unit="%",
        definition="评价为“满意”或“基本满意”的次数 ÷ 评价总次数（重办前后的评价各计一次）。",
        numerator=_satisfied,
        denominator=_rated,
        source="rating",
    ),
    Indicator(
        key="rehandle_rate",
        name="重办率",
        unit="%",
        definition="因评价不满意而重新办理过的件数 ÷ 已答复的件数。",
        numerator=_rehandled,
        denominator=_replied,
        higher_is_better=False,
    ),
    Indicator(
        key="overdue_count",
        name="超期数",
        unit="件",
        definition="超过办理期限（含批准的延期）才答复，或期限已过仍未答复的交办件数；退回、上报的不计。",
        numerator=_overdue,
        higher_is_better=False,
    ),
]
BY_KEY = {i.key: i for i in INDICATORS}


def _aggregates(indicators: list[Indicator], now: dt.datetime) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for ind in indicators:
        aggs[f"{ind.key}__n"] = Count("id", filter=ind.numerator(now))
        if ind.denominator is not None:
            aggs[f"{ind.key}__d"] = Count("id", filter=ind.denominator(now))
    return aggs


def _figures(row: dict[str, Any], indicators: list[Indicator]) -> dict[str, Figure]:
    return {
        ind.key: Figure(
            numerator=row.get(f"{ind.key}__n") or 0,
            denominator=(row.get(f"{ind.key}__d") or 0) if ind.denominator is not None else None,
            unit=ind.unit,
        )
        for ind in indicators
    }


def compute_all(
    assignments: QuerySet[Assignment], now: dt.datetime | None = None, only: list[Indicator] | None = None
) -> dict[str, Figure]:
    """Every indicator (or ``only`` these) over ``assignments``: at most two aggregate queries."""
    now = now or timezone.now()
    indicators = only or INDICATORS
    qs = assignments.exclude(status=S.WITHDRAWN).annotate(due_at_x=DUE)
    row: dict[str, Any] = {}
    on_assignments = [i for i in indicators if i.source == "assignment"]
    on_ratings = [i for i in indicators if i.source == "rating"]
    if on_assignments:
        row.update(qs.aggregate(**_aggregates(on_assignments, now)))
    if on_ratings:
        ratings = Rating.objects.filter(assignment__in=qs.values("id"))
        row.update(ratings.aggregate(**_aggregates(on_ratings, now)))
    return _figures(row, indicators)


def compute_by_unit(assignments: QuerySet[Assignment], now: dt.datetime | None = None) -> dict[int, dict[str, Any]]:
    """Every indicator per unit, with the unit's assignment count: two grouped queries."""
    now = now or timezone.now()
    qs = assignments.exclude(status=S.WITHDRAWN).annotate(due_at_x=DUE)
    on_assignments = [i for i in INDICATORS if i.source == "assignment"]
    on_ratings = [i for i in INDICATORS if i.source == "rating"]
    rows: dict[int, dict[str, Any]] = {}
    for r in qs.order_by().values("unit_id").annotate(count=Count("id"), **_aggregates(on_assignments, now)):
        rows[r["unit_id"]] = dict(r)
    ratings = Rating.objects.filter(assignment__in=qs.values("id"))
    for r in ratings.order_by().values("assignment__unit_id").annotate(**_aggregates(on_ratings, now)):
        rows.setdefault(r["assignment__unit_id"], {"count": 0}).update(r)
    return {
        unit_id: {"count": row.get("count", 0), "figures": _figures(row, INDICATORS)} for unit_id, row in rows.items()
    }


# --- periods and the ranking --------------------------------------------------------------------


def period_assignments(user: Any, start: dt.datetime, end: dt.datetime, channel: str = "") -> QuerySet[Assignment]:
    """Assignments made in [start, end) within the user's scope, of one channel's items if given."""
    qs = perms.assignments_visible_to(user).filter(assigned_at__gte=start, assigned_at__lt=end)
    return qs.filter(item__channel=channel) if channel else qs


def ranking_min_count() -> int:
    return int(getattr(settings, "XIESHANG_RANKING_MIN_COUNT", 5))


@dataclass
class RankedUnit:
    unit: Any
    count: int
    figures: dict[str, Figure]
    rank: int | None = None


def rank_units(
    units: list[Any], by_unit: dict[int, dict[str, Any]], indicator: Indicator, min_count: int | None = None
) -> tuple[list[RankedUnit], list[RankedUnit]]:
    """Units with at least ``min_count`` assignments ranked by ``indicator`` (ties share a rank);
    the others, with fewer assignments, listed apart as 样本不足. Units with no assignment are left out."""
    min_count = ranking_min_count() if min_count is None else min_count
    ranked: list[RankedUnit] = []
    small: list[RankedUnit] = []
    for unit in units:
        data = by_unit.get(unit.pk)
        if not data or not data["count"]:
            continue
        row = RankedUnit(unit=unit, count=data["count"], figures=data["figures"])
        (ranked if row.count >= min_count else small).append(row)

    def sort_key(r: RankedUnit) -> tuple[int, float, str]:
        v = r.figures[indicator.key].value
        if v is None:
            return (1, 0.0, r.unit.name)
        return (0, -v if indicator.higher_is_better else v, r.unit.name)

    ranked.sort(key=sort_key)
    previous: float | None = None
    for position, row in enumerate(ranked, start=1):
        v = row.figures[indicator.key].value
        if v is None:
            row.rank = None
            continue
        row.rank = ranked[position - 2].rank if position > 1 and v == previous else position
        previous = v
    small.sort(key=lambda r: (-r.count, r.unit.name))
    return ranked, small
