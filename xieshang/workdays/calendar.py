"""Deadlines in working days, calendar days, hours or months.

Working days follow the platform's holiday table (seeded from ``chinese-calendar``); for a year
the table does not know yet, Monday to Friday count and the deadline is marked uncertain.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field

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


def _weekdays_through(ordinal: int) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday, ordinal 1) through ``ordinal``."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


@dataclass(frozen=True)
class _Table:
    version: tuple[object, ...]
    exceptions: dict[dt.date, bool]
    years: frozenset[int]
    # Exceptions that change the Monday-to-Friday count (a weekday off: -1, a swapped weekend day
    # at work: +1), by date, with running sums: counting over a range is two bisections.
    _shift_days: list[int] = field(init=False, repr=False, compare=False)
    _shift_sums: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shifts = sorted(
            (day.toordinal(), 1 if works else -1)
            for day, works in self.exceptions.items()
            if works != (day.weekday() < 5)
        )
        sums, total = [0], 0
        for _day, delta in shifts:
            total += delta
            sums.append(total)
        object.__setattr__(self, "_shift_days", [o for o, _ in shifts])
        object.__setattr__(self, "_shift_sums", sums)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def workdays_after(self, first: dt.date, last: dt.date) -> int:
        """Working days after ``first`` up to and including ``last`` (0 when ``last`` is not later)."""
        a, b = first.toordinal(), last.toordinal()
        if b <= a:
            return 0
        shift = (
            self._shift_sums[bisect_right(self._shift_days, b)] - self._shift_sums[bisect_right(self._shift_days, a)]
        )
        return _weekdays_through(b) - _weekdays_through(a) + shift


_lock = threading.Lock()
_cached: _Table | None = None
_checked_at = 0.0
# How long a page may show working days from the table this process checked last. Deadlines are
# never computed from such a copy: services run inside a transaction and call ``table()`` fresh.
CHECK_EVERY_SECONDS = 5.0


def _version() -> tuple[object, ...]:
    from .models import CalendarDay, CalendarYear

    d = CalendarDay.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    y = CalendarYear.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    return (d["n"], d["t"], y["n"], y["t"])


def _in_transaction() -> bool:
    from django.db import connection

    return connection.in_atomic_block


def table(*, fresh: bool = True) -> _Table:
    """The holiday table, reloaded whenever the database copy changed.

    ``fresh=False`` (pages that only show working days left) skips the two version queries when
    this process checked them less than ``CHECK_EVERY_SECONDS`` ago, outside any transaction; a
    change made in this process through the models or ``workdays.services`` is seen at once.
    """
    global _cached, _checked_at
    from .models import CalendarDay, CalendarYear

    if not fresh and not _in_transaction():
        with _lock:
            if _cached is not None and time.monotonic() - _checked_at < CHECK_EVERY_SECONDS:
                return _cached
    version = _version()
    with _lock:
        if _cached is None or _cached.version != version:
            exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
            years = frozenset(CalendarYear.objects.values_list("year", flat=True))
            _cached = _Table(version=version, exceptions=exceptions, years=years)
        _checked_at = time.monotonic()
        return _cached


def invalidate(**kwargs: object) -> None:
    """Make the next ``table()`` call check the database again (connected to the table's changes)."""
    global _checked_at
    with _lock:
        _checked_at = 0.0


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
    return table().workdays_after(timezone.localtime(start).date(), timezone.localtime(end).date())


def describe(amount: int, unit: str) -> str:
    return f"{amount}{Unit.LABELS.get(unit, unit)}"


def _connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .signals import calendar_changed

    for model in ("workdays.CalendarDay", "workdays.CalendarYear"):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"calendar-invalidate-save-{model}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"calendar-invalidate-delete-{model}")
    # Sent after the transaction that changed the table commits.
    calendar_changed.connect(invalidate, dispatch_uid="calendar-invalidate-changed")


_connect()
