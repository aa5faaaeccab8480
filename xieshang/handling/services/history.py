"""Past histories: a matter handled before the platform, recorded as it happened.

An import (e.g. a past year's proposals from a spreadsheet) records each step at its past time
through the same moves as the live loop: accepted, assigned (deadlines from the channel's rule,
counted from the assignment in working days), signed for, replied, reviewed, rated and closed.
Each step is a move of the transition tables and an audit row naming its past time
(``data["at"]``); nobody is notified and the channel hears no event, because nothing happens
now: the channel's own record is written by its importer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from xieshang.core import writes
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Committee, Unit
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from .. import permissions as perms
from .. import registry
from ..models import Assignment, Item, Rating, Reply
from ..transitions import ASSIGNMENT, ITEM, REVIEW
from ._common import MAX_TEXT, _log, lock_item, refresh_item, rule_for
from .intake import item_accept, item_assign


@dataclass(frozen=True)
class PastReply:
    """A lead unit's reply as it was given (``category`` is one of the channel's reply categories)."""

    unit: Unit
    category: str
    body: str
    adopted_count: int = 0
    replied_at: dt.datetime | None = None  # None: when the reply was due (or now, if that is later)


@dataclass(frozen=True)
class PastRating:
    """A rater's rating of every lead reply, by name (an imported rater has no account)."""

    label: str
    value: str


@transaction.atomic
def item_import_history(
    *,
    actor: Any,
    committee: Committee,
    channel: str,
    title: str,
    text: str,
    accepted_at: dt.datetime,
    kind: str = "",
    category: str = "",
    source: Model | None = None,
    mode: str = "",
    lead_units: Sequence[Unit] = (),
    co_units: Sequence[Unit] = (),
    replies: Sequence[PastReply] = (),
    ratings: Sequence[PastRating] = (),
) -> Item:
    """An item with its past handling. Without lead units it waits in the queue; with replies from
    every lead and ratings it is closed; otherwise it is being handled (signed for by every unit).

    The actor must be able to dispatch the channel's items (the office); every time must be past.
    """
    now = timezone.now()
    if timezone.is_naive(accepted_at) or accepted_at > now:
        raise ServiceError("受理时间须为过去的时间。")
    item = item_accept(
        committee=committee,
        channel=channel,
        kind=kind,
        title=title,
        text=text,
        category=category,
        source=source,
        actor=actor,
        accepted_at=accepted_at,
        importing=True,
    )
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关负责该类事项的工作人员可以导入办理记录。")
    ITEM.check(item, "import_history")
    if lead_units:
        _handle(item, actor, accepted_at, mode, lead_units, co_units, replies, ratings, now)
    elif replies or ratings:
        raise ServiceError("没有承办单位的事项不能有答复或评价。")
    item = lock_item(item.pk)
    _log(
        item,
        item,
        "import_history",
        actor,
        to=item.status,
        data={"at": accepted_at.isoformat(), "replies": len(replies), "ratings": len(ratings)},
    )
    return item


def _handle(
    item: Item,
    actor: Any,
    at: dt.datetime,
    mode: str,
    lead_units: Sequence[Unit],
    co_units: Sequence[Unit],
    replies: Sequence[PastReply],
    ratings: Sequence[PastRating],
    now: dt.datetime,
) -> None:
    item_assign(
        item_id=item.pk, actor=actor, mode=mode, lead_units=lead_units, co_units=co_units, at=at, importing=True
    )
    item = lock_item(item.pk)
    spec = registry.get(item.channel)
    rule = rule_for(item.channel, item.kind)
    assignments = list(item.assignments.select_for_update().order_by("pk"))
    for a in assignments:
        before = ASSIGNMENT.move(a, "sign")
        a.signed_at = at
        if a.role == Assignment.Role.LEAD:
            a.first_contact_at = at
        writes.save(a, "status", "signed_at", "first_contact_at")
        _log(item, a, "sign", actor, frm=before, to=a.status, data={"at": at.isoformat()})
    leads = {a.unit_id: a for a in assignments if a.role == Assignment.Role.LEAD}
    for r in replies:
        a = leads.get(r.unit.pk)
        if a is None:
            raise ServiceError(f"「{r.unit}」不是该事项的主办单位，不能有它的答复。")
        if r.category not in dict(spec.reply_categories):
            raise ServiceError("答复类别无效。")
        when = r.replied_at or min(a.reply_due_at, now)
        if when > now or when < at:
            raise ServiceError("答复时间须在交办之后、现在之前。")
        reply = Reply.objects.create(
            assignment=a,
            round=a.round,
            body=clean_text(r.body, field="答复内容", limit=MAX_TEXT, required=False) or "（导入）",
            category=r.category,
            adopted_count=max(0, int(r.adopted_count)),
            reviewed_by=actor,
            reviewed_at=when,
            created_by=actor,
        )
        # the reply's own date, as on the paper record
        Reply.objects.filter(pk=reply.pk).update(created_at=when)
        REVIEW.move(reply, "pass")
        reply.save(update_fields=["review"])
        before = ASSIGNMENT.move(a, "reply")
        ASSIGNMENT.move(a, "review_pass")
        a.replied_at = a.first_replied_at = when
        a.rating_due_at = add_period(when, rule.rating_days, TimeUnit.DAY).at
        writes.save(a, "status", "replied_at", "first_replied_at", "rating_due_at")
        data = {"at": when.isoformat(), "category": r.category, "adopted": reply.adopted_count}
        _log(item, a, "reply", actor, frm=before, to=a.status, data=data)
    if ratings and len({r.unit.pk for r in replies}) == len(leads):
        for a in leads.values():
            when = a.replied_at or at
            for r in ratings:
                if r.value not in Rating.Value.values:
                    raise ServiceError("评价须为满意、基本满意或不满意。")
                label = clean_text(r.label, field="评价人", limit=50, single_line=True)
                Rating.objects.create(
                    assignment=a,
                    round=a.round,
                    rater_key=f"import:{label}"[:40],
                    rater_label=label,
                    value=r.value,
                    recorded_by=actor,
                )
                _log(item, a, "rate", actor, frm=a.status, to=a.status, actor_label=label, data={"value": r.value})
            before = ASSIGNMENT.move(a, "close")
            a.closed_at = when
            writes.save(a, "status", "closed_at")
            _log(item, a, "close", actor, frm=before, to=a.status, data={"at": when.isoformat()})
        last = max(a.closed_at for a in leads.values() if a.closed_at)
        refresh_item(item, last, events=False)
    else:
        refresh_item(item, now, events=False)
