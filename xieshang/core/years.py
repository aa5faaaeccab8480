"""The year a page opens on and the years its picker offers, the same way on every page.

A page with figures by year offers the years that hold records, plus this year. It opens on the
year asked for; else on this year when this year holds records; else on the latest earlier year
that does (a committee's new year starts empty, and the figures of the last year are what people
look for until it fills). ``empty_hint`` says so when the page opens on a year without records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .params import to_year


@dataclass(frozen=True)
class YearChoice:
    year: int | None  # None: every year (only where the page allows it)
    years: list[int]  # newest first
    has_records: bool

    @property
    def empty_hint(self) -> str:
        if self.year is None or self.has_records:
            return ""
        earlier = [y for y in self.years if y < self.year]
        return f"{self.year}年暂无记录。" + (f"可选择其他年度查看，例如 {earlier[0]} 年。" if earlier else "")


def choose_year(asked: object, data_years: Iterable[int | None], *, allow_all: bool = False) -> YearChoice:
    """``asked`` is the raw query value; ``data_years`` the years holding records (any order, repeats).

    Where ``allow_all``, no year asked means every year (a list); otherwise the default above.
    """
    this_year = timezone.localdate().year
    held = {y for y in data_years if y}
    year = to_year(asked)
    if year is None and not allow_all:
        if this_year in held or not held:
            year = this_year
        else:
            earlier = [y for y in held if y < this_year]
            year = max(earlier) if earlier else min(held)
    offered = held | {this_year} | ({year} if year else set())
    return YearChoice(year=year, years=sorted(offered, reverse=True), has_records=year is None or year in held)
