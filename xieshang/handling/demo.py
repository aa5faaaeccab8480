"""Demo histories: matters taken through the loop now, by the services, then moved to when they happened.

A channel's demo runs each step of a matter (受理, 交办, 签收, 答复, 评价 …) through the real services, so
every state is reached the way users reach it. The services stamp ``now``; these helpers move the
records afterwards, so that a history reads as it would have happened:

- :func:`move_back` moves every timestamp of some items' loop records (and any records of the
  channel passed along, with their audit threads) by the same amount;
- :class:`Timeline` runs the steps of one history at given past times: ``at(when)`` before each
  step places the records made so far as if now were ``when``; ``settle()`` at the end puts them at
  their past times and counts their deadlines again the way they were counted then. A time or day the
  steps hand to a service (an activity's start, the day a report was adopted) is given as
  ``place(when)``, where the history sits while it is made.

Demo use only: these write the records directly, without the services' checks and audit rows.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Iterable, Mapping
from typing import overload

from django.db import models
from django.db.models import F
from django.utils import timezone

from xieshang.core.models import AuditEntry
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from . import services
from .models import (
    Assignment,
    Contact,
    CoOpinion,
    Item,
    Rating,
    ReminderLog,
    Reply,
    Request,
    RouteDecision,
    Supervision,
)

# The loop's records of an item: the item's own, and its assignments' own.
ITEM_RECORDS: list[tuple[type[models.Model], str]] = [
    (Item, "pk"),
    (Assignment, "item_id"),
    (Supervision, "item_id"),
    (RouteDecision, "item_id"),
]
ASSIGNMENT_RECORDS: list[type[models.Model]] = [Reply, CoOpinion, Contact, Request, Rating, ReminderLog]


@functools.cache
def _fields(model: type[models.Model]) -> tuple[list[str], list[str]]:
    """The model's date-and-time fields and its date-only fields."""
    stamps, dates = [], []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateTimeField):
            stamps.append(f.name)
        elif isinstance(f, models.DateField):
            dates.append(f.name)
    return stamps, dates


def _whole_days(delta: dt.timedelta) -> int:
    return round(delta.total_seconds() / 86400)


def _move(qs: models.QuerySet, delta: dt.timedelta, days: int) -> None:
    stamps, dates = _fields(qs.model)
    if stamps:
        qs.update(**{f: F(f) - delta for f in stamps})
    if dates and days:
        # whole days, row by row: date arithmetic in SQL differs between the databases
        for obj in qs.only("pk", *dates):
            for f in dates:
                value = getattr(obj, f)
                if value is not None:
                    setattr(obj, f, value - dt.timedelta(days=days))
            obj.save(update_fields=dates)


def move_back(
    item_ids: Collection[int],
    delta: dt.timedelta,
    *,
    records: Mapping[type[models.Model], Collection[int]] | None = None,
    threads: Iterable[str] = (),
    days: int | None = None,
) -> None:
    """Move every timestamp of these items' loop records back by ``delta`` (forward when negative).

    The loop records are the items, their assignments (deadlines included), replies, co-unit
    opinions, contacts, requests, ratings, supervisions, reminders and routing decisions, and the
    audit thread ``item:<id>`` of each item. ``records`` adds a channel's own records (by model and
    ids: every date-and-time field of the model moves; audit rows may be given one by one as
    ``AuditEntry`` records), ``threads`` their audit threads. Date-only fields (the date an extension
    asks for) move by whole days: ``days``, by default ``delta`` rounded to whole days.
    """
    if days is None:
        days = _whole_days(delta)
    if not delta and not days:
        return
    ids = list(item_ids)
    if ids:
        assignment_ids = list(Assignment.objects.filter(item_id__in=ids).values_list("pk", flat=True))
        for model, path in ITEM_RECORDS:
            _move(model._default_manager.filter(**{f"{path}__in": ids}), delta, days)
        for model in ASSIGNMENT_RECORDS if assignment_ids else ():
            _move(model._default_manager.filter(assignment_id__in=assignment_ids), delta, days)
    for model, pks in (records or {}).items():
        if pks:
            _move(model._default_manager.filter(pk__in=list(pks)), delta, days)
    names = [f"item:{i}" for i in ids] + list(threads)
    if names:
        AuditEntry.objects.filter(thread__in=names).update(created_at=F("created_at") - delta)


def on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour``:``minute``, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def silent(*args: object, **kwargs: object) -> int:
    """Stands in for ``notify`` while a past year is made: notices about it would only flood the inboxes."""
    return 0


def working_day(after: dt.datetime, n: int) -> dt.date:
    """The ``n``-th working day after ``after``'s day in the holiday table (that day itself when ``n`` is 0)."""
    if n == 0:
        return timezone.localtime(after).date()
    return timezone.localtime(add_period(after, n, TimeUnit.WORKDAY).at).date()


def audit_mark() -> int:
    """The id of the last audit row written so far (0 when there is none), for :meth:`Timeline.track_audit`."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


class Timeline:
    """One history in the past, made now: ``at(when)`` before each step, ``settle()`` at the end.

    Add what the steps create as they go (``items``, ``records``, ``threads``): only those move. The
    steps must come in order of time. While a history is being made, its records sit at their past
    time plus ``offset`` (now − the current step's time), so the services' checks against now (a
    rating within its period, the scan's deadlines) see the history as it was at that step; a time or
    day handed to a service goes in as ``place(when)``. ``branch()`` starts another timeline at the
    same point, for records made together up to here that go on separately (e.g. proposals reviewed
    together, then each handled on its own days).
    """

    def __init__(self, *, offset: dt.timedelta | None = None, when: dt.datetime | None = None) -> None:
        self.items: set[int] = set()
        self.records: dict[type[models.Model], set[int]] = {}
        self.threads: set[str] = set()
        self.offset = offset
        self.when = when

    def track(self, model: type[models.Model], *pks: int) -> None:
        self.records.setdefault(model, set()).update(pks)

    def track_audit(self, threads: Iterable[str], after: int) -> None:
        """Move the rows written to these threads after audit row ``after`` (see :func:`audit_mark`): for a
        history that goes on in this timeline while its earlier rows are already in place, e.g. a report's
        history when the report goes into a bulletin issue. Not for threads this timeline moves whole."""
        rows = AuditEntry.objects.filter(pk__gt=after, thread__in=list(threads)).values_list("pk", flat=True)
        self.track(AuditEntry, *rows)

    def _move(self, delta: dt.timedelta, days: int) -> None:
        move_back(self.items, delta, records=self.records, threads=self.threads, days=days)

    def at(self, when: dt.datetime) -> None:
        """The next step happened at ``when``: place the records made so far as if now were ``when``."""
        if timezone.is_naive(when):
            raise ValueError("a demo step's time must be timezone-aware")
        if self.when is not None and when < self.when:
            raise ValueError(f"demo steps out of order: {when} before {self.when}")
        offset = timezone.now() - when
        if self.offset is not None:
            # dates move by the change in whole days, so a day given as place(day) at any step ends on that day
            self._move(self.offset - offset, _whole_days(self.offset) - _whole_days(offset))
        self.offset, self.when = offset, when

    @overload
    def place(self, when: dt.datetime) -> dt.datetime: ...
    @overload
    def place(self, when: dt.date) -> dt.date: ...
    def place(self, when: dt.date) -> dt.date:
        """Where ``when`` (a time or a day of this history) sits while the history is being made: what to hand a
        service now (an activity's start, the day a report was adopted) for a record that settle() puts at
        ``when``."""
        if self.offset is None:
            raise ValueError("place() needs the step's time: call at() first")
        if isinstance(when, dt.datetime):
            return when + self.offset
        return when + dt.timedelta(days=_whole_days(self.offset))

    def settle(self) -> None:
        """Put every record at its past time and count its deadlines as they were counted then."""
        if self.offset is not None:
            self._move(self.offset, _whole_days(self.offset))
        self.offset = dt.timedelta(0)
        mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        services.recount_deadlines(self.items)
        if self.when is not None:
            # the recount's audit rows are part of the history being made, not of the day the demo runs:
            # each is dated with the last row of its thread, so the history still reads in order
            for row in AuditEntry.objects.filter(pk__gt=mark, action="deadline_recounted"):
                before = AuditEntry.objects.filter(thread=row.thread, pk__lt=row.pk).order_by("-created_at").first()
                at = before.created_at if before is not None else self.when
                AuditEntry.objects.filter(pk=row.pk).update(created_at=at)

    def branch(self) -> Timeline:
        return Timeline(offset=self.offset, when=self.when)

    def settle_closing_unrated(self, assignment: Assignment) -> None:
        """``settle()``; then, if nobody rated the assignment's reply within its period, let the loop's
        scan close it as not rated just after the period, as the scan running every few minutes would."""
        self.settle()
        assignment.refresh_from_db()
        if assignment.status == Assignment.Status.AWAITING_RATING and assignment.rating_due_at is not None:
            self.at(assignment.rating_due_at + dt.timedelta(minutes=5))
            services.scan_deadlines()
            self.settle()
