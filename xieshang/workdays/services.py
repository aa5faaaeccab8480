"""Changes to the holiday table. Open deadlines are recomputed after each change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xieshang.core import audit
from xieshang.core.errors import PermissionDeniedError

from .models import CalendarDay, CalendarYear


@transaction.atomic
def calendar_day_set(*, actor: Any, date: dt.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Mark one day as holiday or working day (administrators only); then recompute open deadlines."""
    if not (actor and actor.is_superuser):
        raise PermissionDeniedError("只有系统管理员可以维护节假日表。")
    day, _ = CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    audit.record(
        thread="calendar", target=day, action="calendar_day_set", actor=actor, to_state="班" if is_workday else "休"
    )
    _recompute_after_commit()
    return day


@transaction.atomic
def calendar_year_mark_known(*, actor: Any, year: int, source: str) -> CalendarYear:
    if not (actor and actor.is_superuser):
        raise PermissionDeniedError("只有系统管理员可以维护节假日表。")
    obj, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    audit.record(thread="calendar", target=obj, action="calendar_year_known", actor=actor, reason=source)
    _recompute_after_commit()
    return obj


def _recompute_after_commit() -> None:
    from .signals import calendar_changed

    transaction.on_commit(lambda: calendar_changed.send(sender=CalendarDay))
