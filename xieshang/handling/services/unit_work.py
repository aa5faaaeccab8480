"""The unit's work on an assignment: 签收, 申退, 延期申请, 办理沟通, 会办意见 and 答复."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xieshang.core import writes
from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Unit
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from .. import permissions as perms
from .. import registry
from ..models import LIVE_STATES, Assignment, Contact, CoOpinion, Reply, Request
from ..transitions import ASSIGNMENT, OPEN, REVIEW
from ._common import (
    MAX_NOTE,
    MAX_TEXT,
    _log,
    after_commit_event,
    after_commit_notify,
    dispatchers,
    drop_pending_requests,
    item_url,
    lock_assignment,
    refresh_item,
    require,
    rule_for,
    unit_users,
    validate_units,
)


def _require_unit(actor: Any, a: Assignment) -> None:
    if not perms.can_act_for_unit(actor, a):
        raise PermissionDeniedError("只有承办单位的工作人员可以办理。")


@transaction.atomic
def assignment_sign(*, assignment_id: int, actor: Any, expected_version: int | None = None) -> Assignment:
    """签收."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    before = ASSIGNMENT.move(a, "sign")
    now = timezone.now()
    a.signed_at = now
    writes.save(a, "status", "signed_at")
    refresh_item(item, now)
    _log(item, a, "sign", actor, frm=before, to=a.status)
    return a


@transaction.atomic
def assignment_request_return(
    *,
    assignment_id: int,
    actor: Any,
    reason: str,
    suggested_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Request:
    """申退: within the objection window, a unit asks the office to take the matter back."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    require(ASSIGNMENT, a, "request_return")
    now = timezone.now()
    if now > a.objection_until:
        raise ServiceError(f"已超过申请退回的期限（{timezone.localtime(a.objection_until):%Y-%m-%d %H:%M}）。")
    reason = clean_text(reason, field="退回理由", limit=MAX_NOTE)
    if suggested_unit is not None:
        (suggested_unit,) = validate_units(item, [suggested_unit])
    req = Request.objects.create(
        assignment=a,
        kind=Request.Kind.RETURN,
        reason=reason,
        suggested_unit=suggested_unit,
        previous_status=a.status,
        created_by=actor,
    )
    before = ASSIGNMENT.move(a, "request_return")
    writes.save(a, "status")
    _log(item, a, "request_return", actor, frm=before, to=a.status, reason=reason)
    after_commit_notify(
        dispatchers(item.committee_id), f"申请退回：{item.title}", f"{a.unit}：{reason}", item_url(item)
    )
    return req


@transaction.atomic
def assignment_request_extension(
    *, assignment_id: int, actor: Any, until: dt.date, reason: str, expected_version: int | None = None
) -> Request:
    """延期申请: the new date may not pass the channel's latest extended deadline."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    require(ASSIGNMENT, a, "request_extension")
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise ServiceError("请选择延期后的日期。")
    reason = clean_text(reason, field="延期理由", limit=MAX_NOTE)
    rule = rule_for(item.channel, item.kind)
    if rule.extension_max_amount is None:
        raise ServiceError("该类事项不允许延期。")
    current = timezone.localtime(a.effective_due_at).date()
    if until <= current:
        raise ServiceError(f"延期后的日期须晚于当前办理期限（{current:%Y-%m-%d}）。")
    latest = add_period(a.clock_started_at, rule.extension_max_amount, rule.extension_max_unit).at
    if until > timezone.localtime(latest).date():
        raise ServiceError(f"延期最迟只能到 {timezone.localtime(latest):%Y-%m-%d}。")
    if a.requests.filter(kind=Request.Kind.EXTENSION, status=Request.Status.PENDING).exists():
        raise ConflictError("已有一项延期申请在审批中。")
    req = Request.objects.create(
        assignment=a,
        kind=Request.Kind.EXTENSION,
        reason=reason,
        requested_until=until,
        previous_status=a.status,
        created_by=actor,
    )
    _log(
        item, a, "request_extension", actor, frm=a.status, to=a.status, reason=reason, data={"until": until.isoformat()}
    )
    after_commit_notify(
        dispatchers(item.committee_id), f"申请延期：{item.title}", f"{a.unit}：{reason}", item_url(item)
    )
    return req


@transaction.atomic
def assignment_record_contact(
    *,
    assignment_id: int,
    actor: Any,
    method: str,
    happened_at: dt.datetime,
    note: str = "",
    expected_version: int | None = None,
) -> Contact:
    """办理沟通: a unit records a contact with the person who raised the matter."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    require(ASSIGNMENT, a, "contact")
    if method not in Contact.Method.values:
        raise ServiceError("请选择沟通方式。")
    if not isinstance(happened_at, dt.datetime) or timezone.is_naive(happened_at):
        raise ServiceError("请填写沟通时间。")
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ServiceError("沟通时间不能晚于现在。")
    note = clean_text(note, field="沟通情况", limit=MAX_NOTE, required=False)
    # a double submit of the same record returns the first one
    same = a.contacts.filter(method=method, happened_at=happened_at, note=note, created_by=actor).first()
    if same is not None:
        return same
    c = Contact.objects.create(assignment=a, method=method, happened_at=happened_at, note=note, created_by=actor)
    if a.first_contact_at is None or happened_at < a.first_contact_at:
        a.first_contact_at = happened_at
        writes.save(a, "first_contact_at")
    _log(item, a, "contact", actor, data={"method": method})
    return c


@transaction.atomic
def contact_reveal(*, item_id: Any, actor: Any) -> Assignment:
    """显示完整号码: the staff of a unit holding the item in hand (``perms.may_reveal_contact``) read
    the full number of the person who raised it, to call them before replying. Nothing changes on
    the item; each reveal is an audit row on the unit's own assignment (the committee reads it on
    the item's history, other units do not). Returns that assignment."""
    item = perms.get_item_for(actor, item_id)
    if not perms.may_reveal_contact(actor, item):
        raise PermissionDeniedError("只有正在承办该事项的单位可以查看完整号码。")
    a = (
        Assignment.objects.filter(item_id=item.pk, unit_id=actor.unit_id, status__in=perms.REVEAL_STATES)
        .order_by("role", "id")
        .first()
    )
    assert a is not None  # may_reveal_contact found it
    _log(item, a, "contact_reveal", actor, data={"unit": a.unit_id})
    return a


@transaction.atomic
def co_opinion_send(*, assignment_id: int, actor: Any, body: str, expected_version: int | None = None) -> CoOpinion:
    """会办意见: a co-unit sends its opinion to the lead unit."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    if a.role != Assignment.Role.CO:
        raise ServiceError("只有会办单位需要提交会办意见。")
    require(ASSIGNMENT, a, "co_opinion")
    body = clean_text(body, field="会办意见", limit=MAX_TEXT)
    op = CoOpinion.objects.create(assignment=a, body=body, created_by=actor)
    now = timezone.now()
    before = ASSIGNMENT.move(a, "co_opinion")
    a.replied_at = now
    a.first_replied_at = a.first_replied_at or now
    a.is_overdue = False
    writes.save(a, "status", "replied_at", "first_replied_at", "is_overdue")
    drop_pending_requests(a, now, "已提交会办意见")
    _log(item, a, "co_opinion", actor, frm=before, to=a.status)
    lead_units = item.assignments.filter(status__in=LIVE_STATES, role=Assignment.Role.LEAD).values_list(
        "unit_id", flat=True
    )
    after_commit_notify(unit_users(lead_units), f"会办意见已到：{item.title}", f"{a.unit}", item_url(item))
    return op


@transaction.atomic
def assignment_reply(
    *,
    assignment_id: int,
    actor: Any,
    body: str,
    category: str,
    adopted_count: int = 0,
    adopted: Sequence[Any] | None = None,
    measures: str = "",
    resolved: bool = False,
    expected_version: int | None = None,
) -> Reply:
    """答复: a lead unit replies with a category; co-units must have sent their opinions first.

    For a channel whose items carry numbered suggestions (``Channel.adoptable``), ``adopted`` names the
    suggestions this unit adopts (ids among those offered for the item) and ``adopted_count`` is their
    number; elsewhere ``adopted_count`` is the number the unit states."""
    item, a = lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    if a.role != Assignment.Role.LEAD:
        raise ServiceError("会办单位请提交会办意见，由主办单位统一答复。")
    require(ASSIGNMENT, a, "reply")
    spec = registry.get(item.channel)
    if category not in dict(spec.reply_categories):
        raise ServiceError("请选择答复类别。")
    body = clean_text(body, field="答复内容", limit=MAX_TEXT)
    picks: list[int] = []
    if spec.adoptable is not None:
        picks = _adopted_picks(spec.adoptable(item), adopted, adopted_count)
        adopted_count = len(picks)
    elif adopted:
        raise ServiceError("该类事项没有可逐条采纳的建议。")
    if not isinstance(adopted_count, int) or isinstance(adopted_count, bool) or not 0 <= adopted_count <= 100:
        raise ServiceError("采纳建议条数须在 0 到 100 之间。")
    rule = rule_for(item.channel, item.kind)
    if rule.contact_amount is not None and a.first_contact_at is None:
        raise ServiceError("答复前请先记录与提出人的沟通情况。")
    now = timezone.now()
    waiting = item.assignments.filter(
        Q(extended_until__gt=now) | Q(extended_until__isnull=True, reply_due_at__gt=now),
        role=Assignment.Role.CO,
        status__in=OPEN,
    )
    if waiting.exists():
        names = "、".join(waiting.values_list("unit__name", flat=True))
        raise ServiceError(f"会办单位（{names}）尚未提交会办意见，期限未到，暂不能答复。")
    reply = Reply.objects.create(
        assignment=a,
        round=a.round,
        body=body,
        category=category,
        adopted_count=adopted_count,
        measures=clean_text(measures, field="办理措施", limit=MAX_TEXT, required=False),
        resolved=resolved,
        created_by=actor,
    )
    if picks and spec.adopt is not None:
        spec.adopt(reply, picks)
    a.replied_at = now
    a.first_replied_at = a.first_replied_at or now
    a.resolved = resolved
    a.is_overdue = False
    if rule.review_required:
        before = ASSIGNMENT.move(a, "reply")
    else:
        REVIEW.move(reply, "pass")
        reply.save(update_fields=["review"])
        before = ASSIGNMENT.move(a, "reply_unreviewed")
        a.rating_due_at = add_period(now, rule.rating_days, TimeUnit.DAY).at
    writes.save(a, "status", "replied_at", "first_replied_at", "resolved", "is_overdue", "rating_due_at")
    drop_pending_requests(a, now, "已答复")
    refresh_item(item, now)
    _log(
        item,
        a,
        "reply",
        actor,
        frm=before,
        to=a.status,
        data={"category": category, "adopted": adopted_count, **({"adopted_ids": picks} if picks else {})},
    )
    if rule.review_required:
        after_commit_notify(dispatchers(item.committee_id), f"答复待审核：{item.title}", f"{a.unit}", item_url(item))
    else:
        after_commit_event(item, "replied")
    return reply


def _adopted_picks(offered: list[tuple[int, str]], adopted: Sequence[Any] | None, count: Any) -> list[int]:
    """The suggestion ids a reply adopts, each one of those ``offered`` for the item, in their order.

    A stated number is refused here: the picks are the record, the number follows from them."""
    if count not in (0, None):
        raise ServiceError("请逐条勾选采纳的建议，不再填写采纳条数。")
    if adopted is None:
        return []
    if isinstance(adopted, str | bytes) or not isinstance(adopted, Sequence):
        raise ServiceError("采纳的建议选择无效，请重新勾选。")
    ids = [writes.as_id(x) for x in adopted]
    if None in ids:
        raise ServiceError("采纳的建议选择无效，请重新勾选。")
    allowed = [pk for pk, _label in offered]
    if any(i not in allowed for i in ids):
        raise ServiceError("所勾选的建议不是本事项提出的建议，请刷新页面后重新勾选。")
    return [pk for pk in allowed if pk in set(ids)]
