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
