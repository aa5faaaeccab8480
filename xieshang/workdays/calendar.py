"""Deadlines in working days, calendar days, hours or months.

Working days follow the platform's holiday table (seeded from ``chinese-calendar``); for a year
the table does not know yet, Monday to Friday count and the deadline is marked uncertain.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Unit:
    WORKDAY = "workday"
    DAY = "day"
    HOUR = "hour"
    MONTH = "month"

    CHOICES = [
        (WORKDAY, _("working days")),
        (DAY, _("calendar days")),
        (HOUR, _("hours")),
        (MONTH, _("months")),
    ]
    LABELS = {WORKDAY: "个工作日", DAY: "天", HOUR: "小时", MONTH: "个月"}


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime
    uncertain: bool = False


@dataclass(frozen=True)
class _Table:
    version: tuple[object, ...]
    exceptions: dict[dt.date, bool]
    years: frozenset[int]

    def is_workday(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5


_lock = threading.Lock()
_cached: _Table | None = None


def _version() -> tuple[object, ...]:
    from .models import CalendarDay, CalendarYear

    d = CalendarDay.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    y = CalendarYear.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (d["n"], d["t"], y["n"], y["t"])


def table() -> _Table:
    """The holiday table, reloaded whenever the database copy changed."""
    global _cached
    from .models import CalendarDay, CalendarYear

    version = _version()
    with _lock:
        if _cached is None or _cached.version != version:
            exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
            years = frozenset(CalendarYear.objects.values_list("year", flat=True))
            _cached = _Table(version=version, exceptions=exceptions, years=years)
        return _cached


def is_workday(day: dt.date) -> bool:
    return table().is_workday(day)


def _end_of_day(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def add_period(start: dt.datetime, amount: int, unit: str, *, tbl: _Table | None = None) -> Deadline:
    """The deadline ``amount`` units after ``start``.

    Working days and calendar days end at 23:59:59 of the last day, counted from the day after
    ``start`` (a matter assigned on Friday 30 September 2022 with 5 working days is due at the
    end of Wednesday 12 October, after the National Day holiday and its two swapped Saturdays
    and Sundays).
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    local = timezone.localtime(start)
    if unit == Unit.HOUR:
        return Deadline(start + dt.timedelta(hours=amount))
    if unit == Unit.DAY:
        return Deadline(_end_of_day(local.date() + dt.timedelta(days=amount)))
    if unit == Unit.MONTH:
        month_index = local.month - 1 + amount
        year, month = local.year + month_index // 12, month_index % 12 + 1
        day = min(local.day, pycal.monthrange(year, month)[1])
        return Deadline(_end_of_day(dt.date(year, month, day)))
    if unit != Unit.WORKDAY:
        raise ValueError(f"unknown unit {unit!r}")
    t = tbl or table()
    day = local.date()
    uncertain = False
    counted = 0
    while counted < amount:
        day += dt.timedelta(days=1)
        if day.year not in t.years:
            uncertain = True
        if t.is_workday(day):
            counted += 1
    return Deadline(_end_of_day(day), uncertain)


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days after ``start``'s day up to and including ``end``'s day."""
    t = table()
    day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    n = 0
    while day < last:
        day += dt.timedelta(days=1)
        n += t.is_workday(day)
    return n


def describe(amount: int, unit: str) -> str:
    return f"{amount}{Unit.LABELS.get(unit, unit)}"
