"""评价 by the channel's raters, and 重办 after an unsatisfied rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import writes
from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text

from .. import permissions as perms
from .. import registry
from ..models import Assignment, Item, Rating
from ..transitions import ASSIGNMENT, REVIEW
from ._common import (
    MAX_NOTE,
    _log,
    after_commit_event,
    after_commit_notify,
    item_url,
    lock_assignment,
    refresh_item,
    require,
    rule_for,
    set_deadlines,
    unit_users,
)


def raters_for(item: Item) -> list[registry.Rater]:
    return registry.get(item.channel).raters(item)


@transaction.atomic
def assignment_rate(
    *,
    assignment_id: int,
    rater_key: str,
    value: str,
    comment: str = "",
    actor: Any = None,
    actor_label: str = "",
    expected_version: int | None = None,
) -> Rating:
    """评价: each rater of the channel rates each lead reply; 不满意 sends it back for re-handling.

    A rater rates for themself; committee staff may record the rating of someone offline.
    When every rater is satisfied (满意 or 基本满意), the assignment is closed.
    """
    item, a = lock_assignment(assignment_id, expected_version)
    if not getattr(actor, "is_authenticated", False):
        # a public page passes AnonymousUser: that is the same anonymous citizen as None
        actor = None
    raters = {r.key: r for r in raters_for(item)}
    rater = raters.get(rater_key)
    if rater is None:
        raise PermissionDeniedError("只有提出人可以评价答复。")
    recorded_by = None
    if rater.user is not None and getattr(actor, "pk", None) == rater.user.pk:
        pass
    elif perms.can_dispatch(actor, item):
        recorded_by = actor
    elif rater.user is not None or rater_key != "citizen" or actor is not None:
        raise PermissionDeniedError("只有提出人本人可以评价答复。")
    if value not in Rating.Value.values:
        raise ServiceError("请选择评价：满意、基本满意或不满意。")
    require(ASSIGNMENT, a, "rate")
    if a.ratings.filter(round=a.round, rater_key=rater_key).exists():
        raise ConflictError("您已经评价过这份答复。")
    if a.rating_due_at is not None and timezone.now() > a.rating_due_at:
        # the periodic scan closes it as not rated; a late rating would race with that
        raise ConflictError(f"评价期限已于 {timezone.localtime(a.rating_due_at):%Y-%m-%d} 届满，该答复按未评价办结。")
    comment = clean_text(comment, field="评价意见", limit=MAX_NOTE, required=False)
    if value == Rating.Value.UNSATISFIED and not comment:
        raise ServiceError("选择不满意时，请说明不满意的原因。")
    rating = Rating.objects.create(
        assignment=a,
        round=a.round,
        rater_key=rater_key,
        rater_label=rater.label,
        value=value,
        comment=comment,
        recorded_by=recorded_by,
    )
    now = timezone.now()
    label = actor_label or rater.label
    if value == Rating.Value.UNSATISFIED:
        rehandle(item, a, actor, now, reason=comment, actor_label=label)
    else:
        done = set(a.ratings.filter(round=a.round).values_list("rater_key", flat=True))
        _log(item, a, "rate", actor, frm=a.status, to=a.status, actor_label=label, data={"value": value})
        if set(raters) <= done:
            before = ASSIGNMENT.move(a, "close")
            a.closed_at = now
            writes.save(a, "status", "closed_at")
            _log(item, a, "close", actor, frm=before, to=a.status, actor_label=label)
    refresh_item(item, now)
    return rating


def rehandle(item: Item, a: Assignment, actor: Any, now: dt.datetime, *, reason: str, actor_label: str = "") -> None:
    """重办: the reply is set aside, the clock restarts and the unit handles the matter again.

    Runs inside the caller's lock (an unsatisfied rating).
    """
    before = ASSIGNMENT.move(a, "rehandle")
    supersede = REVIEW.transitions["supersede"]
    a.replies.filter(round=a.round, review__in=supersede.sources).update(review=supersede.target)
    a.round += 1
    a.rehandle_count += 1
    a.replied_at = None
    a.rating_due_at = None
    set_deadlines(a, rule_for(item.channel, item.kind), now)
    a.extended_until = None
    writes.save(
        a,
        "status",
        "round",
        "rehandle_count",
        "replied_at",
        "rating_due_at",
        "clock_started_at",
        "sign_due_at",
        "objection_until",
        "contact_due_at",
        "reply_due_at",
        "extended_until",
        "deadline_uncertain",
    )
    _log(item, a, "rehandle", actor, frm=before, to=a.status, reason=reason, actor_label=actor_label)
    after_commit_notify(unit_users([a.unit_id]), f"评价不满意，请重新办理：{item.title}", reason, item_url(item))
    after_commit_event(item, "rehandle")
