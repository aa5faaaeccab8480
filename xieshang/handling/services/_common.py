"""What every stage of the loop shares: row locks, the audit row of an item, notices and channel
events after the commit, deriving an item's state from its lead assignments, and deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction

from xieshang.core import audit, writes
from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.transitions import Machine, TransitionConflict
from xieshang.organisations.models import Unit, User
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period, table

from .. import registry
from ..models import LIVE_STATES, Assignment, DeadlineRule, Item
from ..transitions import ASSIGNMENT, ITEM, ITEM_DERIVED, REQUEST

S = Assignment.Status
MAX_TITLE = 200
MAX_TEXT = 20000
MAX_NOTE = 5000


# --- locks ---------------------------------------------------------------------------------------


def lock_item(item_id: Any, expected_version: int | None = None) -> Item:
    try:
        return writes.lock(Item, item_id, name="该事项", expected_version=expected_version)
    except NotFoundError:
        raise NotFoundError("未找到该事项。") from None


def lock_assignment(assignment_id: Any, expected_version: int | None = None) -> tuple[Item, Assignment]:
    """The assignment and its item, both locked; the item first, as every service locks them."""
    key = writes.as_id(assignment_id)
    item_id = Assignment.objects.filter(pk=key).values_list("item_id", flat=True).first() if key else None
    if item_id is None:
        raise NotFoundError("未找到该交办记录。")
    item = lock_item(item_id)
    a = writes.lock(
        Assignment.objects.select_related("unit"), key, name="该交办记录", expected_version=expected_version
    )
    return item, a


def require(machine: Machine, obj: Any, move: str, message: str = "") -> None:
    """The move must start from the record's state; ``message`` replaces the table's own wording."""
    try:
        machine.check(obj, move)
    except TransitionConflict as exc:
        if not message:
            raise
        raise TransitionConflict(message, state=exc.state, allowed_states=exc.allowed_states) from None


# --- audit and side effects ------------------------------------------------------------------------


def _log(
    item: Item,
    target: models.Model,
    action: str,
    actor: Any,
    *,
    frm: str = "",
    to: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> None:
    """An audit row on the item's thread (every record of the loop is told on its item's history)."""
    audit.record(
        thread=item.thread,
        target=target,
        action=action,
        actor=actor,
        actor_label=actor_label,
        from_state=frm,
        to_state=to,
        reason=reason,
        data=data,
    )


def unit_users(unit_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(unit_id__in=list(unit_ids), role=User.Role.UNIT, is_active=True))


def dispatchers(committee_id: int) -> list[User]:
    return list(User.objects.filter(committee_id=committee_id, role=User.Role.OFFICE, is_active=True))


def item_url(item: Item) -> str:
    return f"/handling/items/{item.pk}/"


def after_commit_notify(users: list[User], title: str, body: str, url: str, dedupe_key: str = "") -> None:
    # robust: the change is already committed; a failing notice must not turn it into an error page
    transaction.on_commit(lambda: _notify(users, title=title, body=body, url=url, dedupe_key=dedupe_key), robust=True)


def _notify(users: list[User], **kw: Any) -> None:
    # looked up on the package when sent, so a caller that silences the loop's notices (the demo's
    # generators) replaces one name: ``services.notify``
    from xieshang.handling import services

    services.notify(users, **kw)


def after_commit_event(item: Item, event: str) -> None:
    transaction.on_commit(lambda: channel_event(item, event), robust=True)


def channel_event(item: Item, event: str) -> None:
    try:
        spec = registry.get(item.channel)
    except LookupError:
        return
    if spec.on_event:
        spec.on_event(item, event)


def validate_units(item: Item, units: Sequence[Unit | None]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for u in units:
        if u is None:
            raise ServiceError("承办单位不存在。")
        if u.committee_id != item.committee_id or not u.is_active:
            raise ServiceError(f"承办单位「{u}」不可用。")
        seen[u.pk] = u
    return list(seen.values())


# --- deadlines -------------------------------------------------------------------------------------


def rule_for(channel: str, kind: str = "") -> DeadlineRule:
    """The deadline rule of a channel's kind, created from the channel's defaults on first use.

    A kind falls back to the channel's default rule only when the channel has no defaults of its
    own for that kind: an urgent message must never borrow the 13-working-day rule just because
    that row happened to be created first.
    """
    rule = DeadlineRule.objects.filter(channel=channel, kind=kind).first()
    if rule:
        return rule
    spec = registry.get(channel)
    key = kind if kind in spec.rules else ""
    if key != kind:
        rule = DeadlineRule.objects.filter(channel=channel, kind=key).first()
        if rule:
            return rule
    d = spec.rules[key]
    rule, _ = DeadlineRule.objects.get_or_create(
        channel=channel,
        kind=key,
        defaults={
            "name": d.name,
            "sign_amount": d.sign[0],
            "sign_unit": d.sign[1],
            "objection_amount": d.objection[0],
            "objection_unit": d.objection[1],
            "contact_amount": d.contact[0] if d.contact else None,
            "contact_unit": d.contact[1] if d.contact else TimeUnit.WORKDAY,
            "reply_amount": d.reply[0],
            "reply_unit": d.reply[1],
            "extension_max_amount": d.extension_max[0] if d.extension_max else None,
            "extension_max_unit": d.extension_max[1] if d.extension_max else TimeUnit.MONTH,
            "opinion_amount": d.opinion[0],
            "opinion_unit": d.opinion[1],
            "remind_days_before": d.remind_days_before,
            "rating_days": d.rating_days,
            "review_required": d.review_required,
            "auto_escalate": d.auto_escalate,
        },
    )
    return rule


DEADLINE_FIELDS = ("clock_started_at", "sign_due_at", "objection_until", "contact_due_at", "reply_due_at")


def set_deadlines(a: Assignment, rule: DeadlineRule, start: dt.datetime) -> None:
    """Count the assignment's deadlines from ``start`` in the rule's units (working days, months)."""
    tbl = table()
    sign = add_period(start, rule.sign_amount, rule.sign_unit, tbl=tbl)
    objection = add_period(start, rule.objection_amount, rule.objection_unit, tbl=tbl)
    reply = add_period(start, rule.reply_amount, rule.reply_unit, tbl=tbl)
    uncertain = sign.uncertain or objection.uncertain or reply.uncertain
    a.clock_started_at = start
    a.sign_due_at = sign.at
    a.objection_until = objection.at
    a.reply_due_at = reply.at
    if a.role == Assignment.Role.CO:
        opinion = add_period(start, rule.opinion_amount, rule.opinion_unit, tbl=tbl)
        a.reply_due_at = opinion.at
        uncertain = uncertain or opinion.uncertain
    if rule.contact_amount is not None and a.role == Assignment.Role.LEAD:
        contact = add_period(start, rule.contact_amount, rule.contact_unit, tbl=tbl)
        a.contact_due_at = contact.at
        uncertain = uncertain or contact.uncertain
    a.deadline_uncertain = uncertain


def new_assignment(
    item: Item, unit: Unit, role: str, rule: DeadlineRule, actor: Any, now: dt.datetime, round_: int = 1
) -> Assignment:
    a = Assignment(
        item=item,
        unit=unit,
        role=role,
        status=S.NEW,
        assigned_at=now,
        round=round_,
        assigned_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    set_deadlines(a, rule, now)
    a.save()
    return a


# --- the item follows its assignments -----------------------------------------------------------------


def drop_pending_requests(a: Assignment, now: dt.datetime, note: str) -> None:
    """An assignment that left the open states has nothing left for the office to decide."""
    t = REQUEST.transitions["withdraw"]
    a.requests.filter(status__in=t.sources).update(status=t.target, decided_at=now, decision_note=note)


def refresh_item(item: Item, now: dt.datetime, *, events: bool = True) -> None:
    """Derive the item's status, due date and overdue flag from its live assignments.

    ``events=False`` (a past history being imported) tells the channel nothing: its own record is
    written by the importer.
    """
    if item.status == Item.Status.DECLINED:
        return
    live = list(item.assignments.filter(status__in=LIVE_STATES))
    leads = [a for a in live if a.role == Assignment.Role.LEAD]
    before = item.status
    if not leads:
        state = Item.Status.PENDING
    elif all(a.status == S.CLOSED for a in leads):
        state = Item.Status.CLOSED
    elif all(a.status in (S.AWAITING_RATING, S.CLOSED) for a in leads):
        state = Item.Status.REPLIED
    else:
        state = Item.Status.HANDLING
    if state != before:
        ITEM.move(item, ITEM_DERIVED[state])
    open_leads = [a for a in leads if a.status in (S.NEW, S.SIGNED, S.RETURN_REQUESTED, S.REPLIED)]
    item.due_at = min((a.effective_due_at for a in open_leads), default=None)
    item.is_overdue = any(a.is_overdue for a in open_leads)
    if item.status == Item.Status.CLOSED and before != Item.Status.CLOSED:
        item.closed_at = now
        for co in live:
            if co.role == Assignment.Role.CO and co.status != S.CLOSED:
                co_before = ASSIGNMENT.move(co, "close_co")
                co.closed_at = now
                writes.save(co, "status", "closed_at")
                _log(item, co, "close", None, actor_label="系统", frm=co_before, to=co.status, reason="主办单位已办结")
        _log(item, item, "item_close", None, actor_label="系统", frm=before, to=item.status)
        if events:
            after_commit_event(item, "closed")
    elif item.status != Item.Status.CLOSED:
        item.closed_at = None
    if item.status == Item.Status.PENDING and before != Item.Status.PENDING:
        # Back in the dispatcher's queue: co-units of a lead that left cannot report to anyone, and
        # leaving them live would block assigning the item again to the same co-units.
        for co in live:
            if co.role == Assignment.Role.CO:
                co_before = ASSIGNMENT.move(co, "requeue_co")
                writes.save(co, "status")
                drop_pending_requests(co, now, "事项已退回待交办")
                _log(
                    item, co, "withdraw", None, actor_label="系统", frm=co_before, to=co.status, reason="主办单位已退回"
                )
        _log(item, item, "item_requeue", None, actor_label="系统", frm=before, to=item.status)
    writes.save(item, "status", "due_at", "is_overdue", "closed_at")
