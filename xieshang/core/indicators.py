"""Indicators: each figure a committee reports (the year-end scorecard, 一图读懂) is defined once.

An app that holds the records behind a figure declares it here, in its ``AppConfig.ready()``::

    indicators.register(Indicator(
        key="proposals_filed", section=3, label="提案立案", unit="件",
        definition="当年立案的提案件数（以立案日期计，并案前计）。",
        compute=lambda committee, year: selectors.filed(committee, year).count(),
        records=lambda committee, year: selectors.filed(committee, year),
        order=40,
    ))

``compute(committee, year)`` returns the figure from records; ``records(committee, year)`` returns
the queryset behind it (the drill-down list), when a figure counts rows. An indicator with neither
is *manual*: its yearly figure is typed in by the office with its source (figures from outside the
platform, such as savings reported by another system). Every page, export, API and the scorecard
read figures through this registry, so a figure has one definition everywhere. The registry
lives in ``core`` so that apps register downwards and the scorecard, above every channel, reads
them without any channel importing another.

Most figures count records: their ``compute`` is a :class:`Tally` of the same querysets the
drill-down lists (``Tally(Part(records))``; distinct values or a sum of one field where the
definition says so). A tally can run alone (``compute(committee, year)`` is one ``COUNT``), and a
whole scorecard runs every tally of both years in one database query (:func:`tally`), so the page
costs one round trip for its counts however many figures are registered.

Several figures of one app come from one load (the proposal rates from one ``Scope``, the
consultation counts from one ``year_figures``). Such a loader is wrapped in :func:`shared`; inside
:func:`sharing` (a whole scorecard being computed) it runs once per committee and year, and every
figure reads the same result. Outside it, each call loads afresh, so nothing is reused across
requests or after a write.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F as Field

Number = int | float | Decimal


@dataclass(frozen=True)
class Indicator:
    key: str  # stable, snake_case: the JSON key and the manual figures' foreign key
    section: int  # the scorecard's section (1-5 in the committee's year-end layout)
    label: str  # 中文名称, as printed under the figure
    unit: str  # 次, 篇, 件, 条, 人次, 家, 个, 人, %, 亿元
    definition: str  # 中文口径, shown beside the figure
    compute: Callable[[Any, int], Number | None] | None = None
    records: Callable[[Any, int], Any] | None = None
    order: int = 0  # position inside its section

    @property
    def manual(self) -> bool:
        return self.compute is None


_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Declare an indicator; the same key twice is a programming error unless it is the same one."""
    known = _registry.get(indicator.key)
    if known is not None and known != indicator:
        raise ValueError(f"indicator {indicator.key!r} is defined twice")
    _registry[indicator.key] = indicator
    return indicator


def get(key: str) -> Indicator:
    return _registry[key]


def all_indicators() -> list[Indicator]:
    """Every registered indicator, by section and order."""
    return sorted(_registry.values(), key=lambda i: (i.section, i.order, i.key))


F = TypeVar("F", bound=Callable[..., Any])
_loaded: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("indicator_loads", default=None)


@contextlib.contextmanager
def sharing() -> Iterator[None]:
    """Inside this block, a :func:`shared` loader runs once per set of arguments."""
    token = _loaded.set({})
    try:
        yield
    finally:
        _loaded.reset(token)


def shared(load: F) -> F:
    """A loader several indicators read (by committee and year): loaded once inside :func:`sharing`."""

    @functools.wraps(load)
    def wrapper(*args: Any) -> Any:
        loaded = _loaded.get()
        if loaded is None:
            return load(*args)
        key = (load, *args)
        if key not in loaded:
            loaded[key] = load(*args)
        return loaded[key]

    return wrapper  # type: ignore[return-value]


# --- figures that count records, many in one query ------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One aggregate over the queryset ``records(committee, year)``: its rows, its distinct values of
    ``distinct`` fields, or the sum of the field ``total``."""

    records: Callable[[Any, int], Any]
    distinct: tuple[str, ...] = ()
    total: str = ""

    def sql(self, committee: Any, year: int) -> tuple[str, str, list[Any]]:
        """(database alias, a scalar subquery giving the figure, its parameters)."""
        qs = self.records(committee, year).order_by()
        if self.total:
            qs, agg = qs.values(tally_value=Field(self.total)), 'COALESCE(SUM(t."tally_value"), 0)'
        elif self.distinct:
            qs, agg = qs.values(*self.distinct).distinct(), "COUNT(*)"
        else:
            qs, agg = qs.values("pk"), "COUNT(*)"
        try:
            inner, params = qs.query.sql_with_params()
        except EmptyResultSet:
            return qs.db, "0", []
        # The inner SQL is Django's own compilation of the queryset, its values passed as parameters.
        return qs.db, f"(SELECT {agg} FROM ({inner}) t)", list(params)  # noqa: S608


class Tally:
    """A figure that is the sum of its parts (mostly one): ``Tally(Part(records))`` counts the records."""

    def __init__(self, *parts: Part) -> None:
        self.parts = parts

    def __call__(self, committee: Any, year: int) -> Number:
        return tally([(self, committee, year)])[0]


def tally(figures: list[tuple[Tally, Any, int]]) -> list[Number]:
    """The value of each (tally, committee, year), all in one database query."""
    pieces: list[str] = []
    params: list[Any] = []
    using = "default"
    for t, committee, year in figures:
        for part in t.parts:
            using, piece, ps = part.sql(committee, year)
            pieces.append(piece)
            params.extend(ps)
    if not pieces:
        return [0 for _ in figures]
    with connections[using].cursor() as cur:
        cur.execute("SELECT " + ", ".join(pieces), params)
        row = cur.fetchone()
    out: list[Number] = []
    i = 0
    for t, _, _ in figures:
        out.append(sum((v or 0) for v in row[i : i + len(t.parts)]))
        i += len(t.parts)
    return out
