"""Demo histories: each step of a matter runs through the real services at the moment it happened.

A channel's demo takes each matter through the loop (受理, 交办, 签收, 答复, 评价 …) by the services, so
every state is reached the way users reach it. Each step runs under a travelling clock, ``with at(when):``
(``time_machine.travel(when, tick=False)``): ``timezone.now()`` inside the services is the step's
moment, so every timestamp, deadline and audit row is written as it would have been then, and the
services' checks against now (a rating within its period, the deadline scan) see the history as it
was at that step. Nothing is moved afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.utils import timezone

from xieshang.handling import services as loop
from xieshang.handling.models import Assignment
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period


@contextmanager
def at(when: dt.datetime) -> Iterator[None]:
    """Run the step inside at ``when``: the clock stands still there until the step is done."""
    if timezone.is_naive(when):
        raise ValueError("a demo step's time must be timezone-aware")
    with time_machine.travel(when, tick=False):
        yield


def on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour``:``minute``, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def working_day(after: dt.datetime, n: int) -> dt.date:
    """The ``n``-th working day after ``after``'s day in the holiday table (that day itself when ``n`` is 0)."""
    if n == 0:
        return timezone.localtime(after).date()
    return timezone.localtime(add_period(after, n, TimeUnit.WORKDAY).at).date()


def close_unrated(assignment: Assignment) -> None:
    """If nobody rated the assignment's reply within its period, let the loop's scan close it as not rated
    just after the period, as the scan running every few minutes would have then."""
    assignment.refresh_from_db()
    if assignment.status == Assignment.Status.AWAITING_RATING and assignment.rating_due_at is not None:
        with at(assignment.rating_due_at + dt.timedelta(minutes=5)):
            loop.scan_deadlines()
