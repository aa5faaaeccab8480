"""The office's decisions: 审批 returns and extensions, 审核答复, 督办, and 上报 along the area levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import writes
from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Unit
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from .. import permissions as perms
from .. import registry
from ..models import LIVE_STATES, Assignment, Item, Reply, Request, Supervision
from ..transitions import ASSIGNMENT, ITEM, OPEN, REQUEST, REVIEW
from ._common import (
    MAX_NOTE,
    _log,
    after_commit_event,
    after_commit_notify,
    dispatchers,
    drop_pending_requests,
    item_url,
    lock_assignment,
    lock_item,
    new_assignment,
    refresh_item,
    require,
    rule_for,
    unit_users,
)

S = Assignment.Status


@transaction.atomic
def request_decide(
    *, request_id: int, actor: Any, approve: bool, note: str = "", expected_version: int | None = None
) -> Request:
    """The office approves or refuses a return or an extension (``expected_version``: the assignment's)."""
    key = writes.as_id(request_id)
    assignment_id = Request.objects.filter(pk=key).values_list("assignment_id", flat=True).first() if key else None
    if assignment_id is None:
        raise NotFoundError("未找到该申请。")
    item, a = lock_assignment(assignment_id, expected_version)
    req = Request.objects.select_for_update().get(pk=key)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以审批。")
    require(REQUEST, req, "approve", "该申请已经处理过了。")
    shown = a.get_status_display()
    if req.kind == Request.Kind.RETURN:
        require(ASSIGNMENT, a, "return_approve", f"该交办记录当前为「{shown}」，退回申请已不适用。请刷新页面。")
    else:
        # e.g. the unit replied meanwhile: extending a finished assignment would only corrupt its flags
        require(ASSIGNMENT, a, "extension_decide", f"该交办记录当前为「{shown}」，无需再审批延期。请刷新页面。")
    now = timezone.now()
    REQUEST.move(req, "approve" if approve else "refuse")
    note = clean_text(note, field="审批意见", limit=MAX_NOTE, required=False)
    req.decided_by, req.decided_at, req.decision_note = actor, now, note
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    before = a.status
    if req.kind == Request.Kind.RETURN:
        if approve:
            ASSIGNMENT.move(a, "return_approve")
        else:
            unsigned = req.previous_status == S.NEW
            ASSIGNMENT.move(a, "return_refuse_unsigned" if unsigned else "return_refuse")
        writes.save(a, "status")
        if approve:
            item.returned_count += 1
            item.save(update_fields=["returned_count"])
            refuse = REQUEST.transitions["refuse"]
            a.requests.filter(kind=Request.Kind.EXTENSION, status__in=refuse.sources).update(
                status=refuse.target, decided_by=actor, decided_at=now, decision_note="已同意退回"
            )
    elif approve and req.requested_until:
        a.extended_until = dt.datetime.combine(
            req.requested_until, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
        )
        a.is_overdue = a.extended_until < now
        writes.save(a, "extended_until", "is_overdue")
    # the decision first, then what follows from it (the item back in the dispatcher's queue)
    _log(
        item,
        a,
        f"{req.kind}_{'approved' if approve else 'refused'}",
        actor,
        frm=before,
        to=a.status,
        reason=req.decision_note,
    )
    refresh_item(item, now)
    verdict = "同意" if approve else "不同意"
    after_commit_notify(
        unit_users([a.unit_id]),
        f"{verdict}{req.get_kind_display()}申请：{item.title}",
        req.decision_note,
        item_url(item),
    )
    return req


@transaction.atomic
def reply_review(
    *,
    reply_id: int,
    actor: Any,
    passed: bool,
    category: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Reply:
    """审核答复: 通过 (the office may change the category) or 驳回重办 (``expected_version``: the assignment's)."""
    key = writes.as_id(reply_id)
    assignment_id = Reply.objects.filter(pk=key).values_list("assignment_id", flat=True).first() if key else None
    if assignment_id is None:
        raise NotFoundError("未找到该答复。")
    item, a = lock_assignment(assignment_id, expected_version)
    reply = Reply.objects.select_for_update().get(pk=key)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以审核答复。")
    require(REVIEW, reply, "pass", "该答复已经审核过了。")
    require(ASSIGNMENT, a, "review_pass", "该答复已经审核过了。")
    note = clean_text(note, field="审核意见", limit=MAX_NOTE, required=False)
    if not passed and not note:
        raise ServiceError("驳回时请说明理由。")
    now = timezone.now()
    spec = registry.get(item.channel)
    old_category = reply.category
    if passed and category:
        if category not in dict(spec.reply_categories):
            raise ServiceError("答复类别无效。")
        reply.category = category
    REVIEW.move(reply, "pass" if passed else "reject")
    reply.review_note, reply.reviewed_by, reply.reviewed_at = note, actor, now
    reply.save(update_fields=["category", "review", "review_note", "reviewed_by", "reviewed_at"])
    before = ASSIGNMENT.move(a, "review_pass" if passed else "review_reject")
    if passed:
        a.rating_due_at = add_period(now, rule_for(item.channel, item.kind).rating_days, TimeUnit.DAY).at
    else:
        a.replied_at = None
    writes.save(a, "status", "rating_due_at", "replied_at")
    refresh_item(item, now)
    _log(
        item,
        a,
        "review_pass" if passed else "review_reject",
        actor,
        frm=before,
        to=a.status,
        reason=note,
        data={"category": reply.category, "was": old_category},
    )
    if passed:
        after_commit_event(item, "replied")
    else:
        after_commit_notify(unit_users([a.unit_id]), f"答复被驳回重办：{item.title}", note, item_url(item))
    return reply


@transaction.atomic
def item_supervise(
    *, item_id: int, actor: Any, note: str, leader: Any = None, expected_version: int | None = None
) -> Supervision:
    """督办: a leader (or the office on a leader's behalf) supervises an item; the units are told."""
    item = lock_item(item_id, expected_version)
    if not perms.can_supervise(actor, item):
        raise PermissionDeniedError("只有区领导或政协机关可以督办。")
    require(ITEM, item, "supervise", "该事项已办结，不能再督办。")
    note = clean_text(note, field="督办意见", limit=MAX_NOTE)
    if leader is None and perms.is_leader(actor):
        leader = getattr(actor, "leader", None)
    if leader is not None and leader.committee_id != item.committee_id:
        raise ServiceError("所选领导不属于本委员会。")
    # a double submit (same person, same words, within a few minutes) adds nothing
    recent = timezone.now() - dt.timedelta(minutes=10)
    same = item.supervisions.filter(note=note, created_by=actor, leader=leader, created_at__gte=recent).first()
    if same is not None:
        return same
    sup = Supervision.objects.create(item=item, leader=leader, note=note, created_by=actor)
    if not item.is_supervised:
        item.is_supervised = True
        writes.save(item, "is_supervised")
    _log(item, sup, "supervise", actor, reason=note, data={"leader": str(leader) if leader else ""})
    # units still at work on it; one whose reply is done or closed has nothing left to speed up
    units = list(item.assignments.filter(status__in=OPEN).values_list("unit_id", flat=True))
    users = unit_users(units) if units else dispatchers(item.committee_id)
    after_commit_notify(users, f"督办：{item.title}", note, item_url(item))
    return sup


def _escalation_target(item: Item, a: Assignment) -> Unit | None:
    area = a.unit.area
    parent = area.parent if area is not None else None
    while parent is not None and parent.level > Area.Level.DISTRICT:
        unit = Unit.objects.filter(committee_id=item.committee_id, area=parent, is_active=True).first()
        if unit is not None:
            return unit
        parent = parent.parent
    return None


@transaction.atomic
def assignment_escalate(
    *, assignment_id: int, actor: Any, reason: str, auto: bool = False, expected_version: int | None = None
) -> Assignment | None:
    """上报: 村居 → 镇街 → 区. At the district level the matter returns to the dispatcher's queue (兜底)."""
    item, a = lock_assignment(assignment_id, expected_version)
    # only the system (no actor) escalates automatically; a person passing auto=True is checked like anyone
    auto = auto and actor is None
    if not auto and not perms.can_escalate(actor, a):
        raise PermissionDeniedError("只有承办单位或政协机关可以上报。")
    require(ASSIGNMENT, a, "escalate")
    reason = clean_text(reason, field="上报理由", limit=MAX_NOTE)
    now = timezone.now()
    target = _escalation_target(item, a)
    before = ASSIGNMENT.move(a, "escalate")
    new = None
    if target is not None and not item.assignments.filter(status__in=LIVE_STATES, unit=target).exists():
        new = new_assignment(item, target, a.role, rule_for(item.channel, item.kind), actor, now, a.round)
        a.successor = new
        after_commit_notify(unit_users([target.pk]), f"上报事项：{item.title}", reason, item_url(item))
    else:
        item.escalated_to_district = True
        item.save(update_fields=["escalated_to_district"])
        after_commit_notify(dispatchers(item.committee_id), f"上报至区级：{item.title}", reason, item_url(item))
    writes.save(a, "status", "successor")
    drop_pending_requests(a, now, "已上报")
    refresh_item(item, now)
    _log(
        item,
        a,
        "escalate_auto" if auto else "escalate",
        None if auto else actor,
        frm=before,
        to=a.status,
        reason=reason,
        actor_label="系统" if auto else "",
        data={"to": target.name if target else "区级"},
    )
    return new
