"""Deadlines: the periodic scan (reminders, overdue flags, auto-escalation, closing unrated replies)
and counting deadlines again (after the holiday table changes, or for records dated in the past)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import writes
from xieshang.core.errors import ServiceError
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from ..models import Assignment, DeadlineRule, Item, ReminderLog, Reply
from ..transitions import ASSIGNMENT
from ._common import (
    _log,
    after_commit_notify,
    dispatchers,
    item_url,
    lock_assignment,
    lock_item,
    refresh_item,
    rule_for,
    set_deadlines,
    unit_users,
)
from .office import assignment_escalate

S = Assignment.Status


def scan_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Reminders before deadlines, overdue flags, auto-escalation and auto-closing of unrated replies.

    Idempotent: each reminder is logged once per assignment, kind and deadline, so running the scan
    again (or in two processes) sends nothing twice.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    overdue = ASSIGNMENT.transitions["mark_overdue"].sources
    rules: dict[tuple[str, str], DeadlineRule] = {}

    def rule(item: Item) -> DeadlineRule:
        key = (item.channel, item.kind)
        if key not in rules:
            rules[key] = rule_for(*key)
        return rules[key]

    for a in Assignment.objects.filter(status__in=overdue).select_related("item", "unit").iterator():
        r = rule(a.item)
        due = a.effective_due_at
        if due <= now:
            with transaction.atomic():
                item, locked = lock_assignment(a.pk)
                if ASSIGNMENT.can(locked, "mark_overdue") and locked.effective_due_at <= now and not locked.is_overdue:
                    locked.is_overdue = True
                    writes.save(locked, "is_overdue")
                    refresh_item(item, now)
                    _log(item, locked, "overdue", None, actor_label="系统", frm=locked.status, to=locked.status)
                    counts["overdue"] += 1
                    if _remind_once(locked, ReminderLog.Kind.REPLY_OVERDUE, due):
                        users = unit_users([locked.unit_id]) + dispatchers(item.committee_id)
                        after_commit_notify(
                            users, f"已超期：{item.title}", f"{locked.unit} 办理期限已过。", item_url(item)
                        )
            # not only when first flagged: one that was waiting for a return decision then is escalated
            # on a later scan; an escalated assignment leaves the open states, so this happens once
            if r.auto_escalate and a.role == Assignment.Role.LEAD:
                try:
                    assignment_escalate(assignment_id=a.pk, actor=None, reason="超期未办结，自动上报", auto=True)
                except ServiceError:
                    pass
                else:
                    counts["escalated"] += 1
                    continue  # it left this unit: no sign-for reminder to a unit that no longer has it
        elif due > now and due - now <= dt.timedelta(days=r.remind_days_before):
            is_co = a.role == Assignment.Role.CO
            kind = ReminderLog.Kind.OPINION_SOON if is_co else ReminderLog.Kind.REPLY_SOON
            with transaction.atomic():
                if _remind_once(a, kind, due):
                    counts["reminded"] += 1
                    after_commit_notify(
                        unit_users([a.unit_id]),
                        f"{'会办意见' if is_co else ''}即将到期：{a.item.title}",
                        f"请于 {timezone.localtime(due):%Y-%m-%d %H:%M} 前{'提交会办意见' if is_co else '办理'}。",
                        item_url(a.item),
                    )
        if a.status == S.NEW and a.sign_due_at <= now:
            with transaction.atomic():
                if _remind_once(a, ReminderLog.Kind.SIGN_OVERDUE, a.sign_due_at):
                    counts["reminded"] += 1
                    after_commit_notify(
                        unit_users([a.unit_id]), f"请尽快签收：{a.item.title}", "已超过签收时限。", item_url(a.item)
                    )
    for a in Assignment.objects.filter(status=S.AWAITING_RATING, rating_due_at__lte=now).only("id").iterator():
        with transaction.atomic():
            item, locked = lock_assignment(a.pk)
            if ASSIGNMENT.can(locked, "close_unrated") and locked.rating_due_at and locked.rating_due_at <= now:
                before = ASSIGNMENT.move(locked, "close_unrated")
                locked.closed_at = now
                writes.save(locked, "status", "closed_at")
                _log(
                    item,
                    locked,
                    "close_unrated",
                    None,
                    actor_label="系统",
                    frm=before,
                    to=locked.status,
                    reason="评价期限届满未评价，自动办结",
                )
                refresh_item(item, now)
                counts["closed_unrated"] += 1
    return counts


def _remind_once(a: Assignment, kind: str, due: dt.datetime) -> bool:
    _, created = ReminderLog.objects.get_or_create(assignment=a, kind=kind, due_at=due)
    return created


RECOUNTED = ("sign_due_at", "objection_until", "contact_due_at", "reply_due_at", "deadline_uncertain", "rating_due_at")


def _stamp(value: Any) -> Any:
    return timezone.localtime(value).isoformat() if isinstance(value, dt.datetime) else value


def recount_deadlines(item_ids: Collection[int], *, actor: Any = None) -> int:
    """Count the deadlines of these items' assignments again from their clocks: for records dated in the past.

    A deadline is counted when the clock starts, in the working days of that day's holiday table;
    records moved in time keep the deadlines counted on the day they were made. Counted again here:
    the sign-for, return, first-contact and reply deadlines from the clock's start, the rating
    deadline from the reply that asked for the rating (passed at review, or sent when the channel
    has no review). An approved extension is a date and stays. The items' due dates follow.

    Each item is locked in its own transaction; an assignment whose deadlines change is saved with
    a new version and an audit row ``deadline_recounted`` naming each date before and after.
    Returns the number of assignments changed; a second run changes nothing.
    """
    changed = 0
    for item_id in sorted(set(item_ids)):
        with transaction.atomic():
            item = lock_item(item_id)
            rule = rule_for(item.channel, item.kind)
            for a in item.assignments.select_for_update().order_by("pk"):
                ASSIGNMENT.check(a, "recount")
                old = {f: getattr(a, f) for f in RECOUNTED}
                set_deadlines(a, rule, a.clock_started_at)
                if a.rating_due_at is not None:
                    reply = a.replies.filter(round=a.round, review=Reply.Review.PASSED).order_by("-id").first()
                    if reply is not None:
                        asked = reply.reviewed_at or reply.created_at
                        a.rating_due_at = add_period(asked, rule.rating_days, TimeUnit.DAY).at
                moved = {f: (_stamp(old[f]), _stamp(getattr(a, f))) for f in RECOUNTED if getattr(a, f) != old[f]}
                if not moved:
                    continue
                writes.save(a, *RECOUNTED)
                _log(
                    item,
                    a,
                    "deadline_recounted",
                    actor,
                    actor_label="" if actor else "系统",
                    frm=a.status,
                    to=a.status,
                    data={f: {"from": was, "to": now} for f, (was, now) in moved.items()},
                )
                changed += 1
            refresh_item(item, timezone.now())
    return changed


def recompute_open_deadlines() -> int:
    """After the holiday table changes, recompute the deadlines of every open assignment.

    Deadlines count from the clock's last start (assignment, or re-handling after an unsatisfied
    rating); an approved extension is a fixed date and stays. A deadline that moves past now
    clears the overdue flag, and a year that became known clears the 'uncertain' warning.
    """
    n = 0
    now = timezone.now()
    recompute = ASSIGNMENT.transitions["recompute"].sources
    for a in Assignment.objects.filter(status__in=recompute).only("id"):
        with transaction.atomic():
            item, locked = lock_assignment(a.pk)
            if not ASSIGNMENT.can(locked, "recompute"):
                continue
            fields = ("sign_due_at", "objection_until", "reply_due_at", "contact_due_at", "deadline_uncertain")
            old = tuple(getattr(locked, f) for f in fields)
            set_deadlines(locked, rule_for(item.channel, item.kind), locked.clock_started_at)
            new = tuple(getattr(locked, f) for f in fields)
            if new != old:
                if locked.is_overdue and locked.effective_due_at > now:
                    locked.is_overdue = False
                writes.save(locked, *fields, "is_overdue")
                refresh_item(item, now)
                _log(
                    item,
                    locked,
                    "deadline_recomputed",
                    None,
                    actor_label="系统",
                    data={"reply_due_at": timezone.localtime(locked.reply_due_at).isoformat()},
                )
                n += 1
    return n
