"""Parts of a member's duty file (履职档案) whose records another app holds.

The duty file is built in ``duties``; liaison-station duty, the 三走 visits, supervision groups and
volunteer service are recorded in ``outreach``. The two are siblings in the layers and import
neither each other, so, as with the indicators, the app that holds the records registers a source
here from its ``AppConfig.ready()``::

    duty_records.register("outreach", selectors.member_duty_sections)

and the duty file asks for ``sections(member, year)``. A source returns plain data — sections of
dated rows and the figures for the file's summary — never its models, so the duty file (its page
and its PDF) needs to know nothing of the records behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Row:
    on: dt.date | None  # the day (a period's first day for a group)
    text: str  # what the member did
    detail: str = ""  # where, with whom, what came of it
    until: dt.date | None = None  # the period's last day, where the row is a period


@dataclass(frozen=True)
class Section:
    key: str  # stable: station_duty, visits, supervision, volunteering
    title: str  # the section's heading in the duty file
    rows: tuple[Row, ...]
    figures: tuple[tuple[str, int], ...] = ()  # (label, number) for the file's summary
    empty: str = "本年度没有记录。"
    columns: tuple[str, str, str] = ("日期", "事项", "情况")
    notes: tuple[str, ...] = field(default=())


Source = Callable[[Any, int], list[Section]]

_sources: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Register (or replace, on a second ``ready()``) the source called ``name``."""
    _sources[name] = source


def sections(member: Any, year: int) -> list[Section]:
    """Every registered source's sections for this member and year, in the order the sources registered."""
    out: list[Section] = []
    for source in _sources.values():
        out.extend(source(member, year))
    return out
