"""Every change in the loop is one service here.

Each service locks the item row, checks the actor's permission and that the move is allowed
from the current state, saves with ``update_fields``, writes an audit row (who, when, from, to,
why) and queues side effects (notifications, channel hooks) with ``transaction.on_commit``.
Two people acting at once: the second waits for the lock, then finds the state changed and gets
a :class:`ConflictError` with a clear message; nothing is half-done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import audit
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.notify import notify
from xieshang.organisations.models import Committee, Unit, User
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period, table

from . import permissions as perms
from . import registry
from .models import (
    LIVE_STATES,
    Assignment,
    Contact,
    CoOpinion,
    DeadlineRule,
    Item,
    Rating,
    ReminderLog,
    Reply,
    Request,
    Supervision,
)

S = Assignment.Status
# assignments a unit gave back to the office; the office may pass them on to another unit
HANDED_BACK = (S.RETURNED, S.ESCALATED)
MAX_TITLE = 200
MAX_TEXT = 20000
MAX_NOTE = 5000


# --- helpers -------------------------------------------------------------------------------


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


def _clean_text(value: str | None, *, field: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ServiceError(f"请填写{field}。")
    if len(text) > limit:
        raise ServiceError(f"{field}不能超过 {limit} 字（现有 {len(text)} 字）。")
    return text


def _set_deadlines(a: Assignment, rule: DeadlineRule, start: dt.datetime) -> None:
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


def _lock_item(item_id: int, expected_version: int | None = None) -> Item:
    try:
        item = Item.objects.select_for_update().get(pk=item_id)
    except Item.DoesNotExist:
        raise NotFoundError("未找到该事项。") from None
    if expected_version is not None and item.version != expected_version:
        raise ConflictError("该事项刚刚已被他人处理，页面上的信息已过时。请刷新后查看最新状态再操作。")
    return item


def _lock_assignment(assignment_id: int, expected_version: int | None = None) -> tuple[Item, Assignment]:
    item_id = Assignment.objects.filter(pk=assignment_id).values_list("item_id", flat=True).first()
    if item_id is None:
        raise NotFoundError("未找到该交办记录。")
    item = _lock_item(item_id)
    a = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment_id)
    if expected_version is not None and a.version != expected_version:
        raise ConflictError("该交办记录刚刚已被他人处理，页面上的信息已过时。请刷新后查看最新状态再操作。")
    return item, a


def _require_state(a: Assignment, allowed: Iterable[str], doing: str) -> None:
    if a.status not in allowed:
        raise ConflictError(f"当前状态为「{a.get_status_display()}」，不能{doing}。请刷新页面查看最新状态。")


def _save(obj: Model, *fields: str) -> None:
    obj.version += 1  # type: ignore[attr-defined]
    obj.save(update_fields=[*fields, "version"])


def _log(
    item: Item,
    target: Model,
    action: str,
    actor: Any,
    *,
    frm: str = "",
    to: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> None:
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


def _unit_users(unit_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(unit_id__in=list(unit_ids), role=User.Role.UNIT, is_active=True))


def _dispatchers(committee_id: int) -> list[User]:
    return list(User.objects.filter(committee_id=committee_id, role=User.Role.OFFICE, is_active=True))


def _item_url(item: Item) -> str:
    return f"/handling/items/{item.pk}/"


def _after_commit_notify(users: list[User], title: str, body: str, url: str, dedupe_key: str = "") -> None:
    # robust: the change is already committed; a failing notice must not turn it into an error page
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url, dedupe_key=dedupe_key), robust=True)


def _after_commit_event(item: Item, event: str) -> None:
    transaction.on_commit(lambda: _channel_event(item, event), robust=True)


def _channel_event(item: Item, event: str) -> None:
    try:
        spec = registry.get(item.channel)
    except LookupError:
        return
    if spec.on_event:
        spec.on_event(item, event)


def _drop_pending_requests(a: Assignment, now: dt.datetime, note: str) -> None:
    """An assignment that left the open states has nothing left for the office to decide."""
    a.requests.filter(status=Request.Status.PENDING).update(
        status=Request.Status.WITHDRAWN, decided_at=now, decision_note=note
    )


def _refresh_item(item: Item, now: dt.datetime) -> None:
    """Derive the item's status, due date and overdue flag from its live assignments."""
    if item.status == Item.Status.DECLINED:
        return
    live = list(item.assignments.filter(status__in=LIVE_STATES))
    leads = [a for a in live if a.role == Assignment.Role.LEAD]
    before = item.status
    if not leads:
        item.status = Item.Status.PENDING
    elif all(a.status == S.CLOSED for a in leads):
        item.status = Item.Status.CLOSED
    elif all(a.status in (S.AWAITING_RATING, S.CLOSED) for a in leads):
        item.status = Item.Status.REPLIED
    else:
        item.status = Item.Status.HANDLING
    open_leads = [a for a in leads if a.status in (S.NEW, S.SIGNED, S.RETURN_REQUESTED, S.REPLIED)]
    item.due_at = min((a.effective_due_at for a in open_leads), default=None)
    item.is_overdue = any(a.is_overdue for a in open_leads)
    if item.status == Item.Status.CLOSED and before != Item.Status.CLOSED:
        item.closed_at = now
        for co in live:
            if co.role == Assignment.Role.CO and co.status != S.CLOSED:
                co_before = co.status
                co.status, co.closed_at = S.CLOSED, now
                _save(co, "status", "closed_at")
                _log(item, co, "close", None, actor_label="系统", frm=co_before, to=co.status, reason="主办单位已办结")
        _log(item, item, "item_close", None, actor_label="系统", frm=before, to=item.status)
        _after_commit_event(item, "closed")
    elif item.status != Item.Status.CLOSED:
        item.closed_at = None
    if item.status == Item.Status.PENDING and before != Item.Status.PENDING:
        # Back in the dispatcher's queue: co-units of a lead that left cannot report to anyone, and
        # leaving them live would block assigning the item again to the same co-units.
        for co in live:
            if co.role == Assignment.Role.CO:
                co_before = co.status
                co.status = S.WITHDRAWN
                _save(co, "status")
                _drop_pending_requests(co, now, "事项已退回待交办")
                _log(
                    item, co, "withdraw", None, actor_label="系统", frm=co_before, to=co.status, reason="主办单位已退回"
                )
        _log(item, item, "item_requeue", None, actor_label="系统", frm=before, to=item.status)
    _save(item, "status", "due_at", "is_overdue", "closed_at")


# --- acceptance and assignment ---------------------------------------------------------------


@transaction.atomic
def item_accept(
    *,
    committee: Committee,
    channel: str,
    title: str,
    text: str,
    kind: str = "",
    area: Area | None = None,
    category: str = "",
    source: Model | None = None,
    is_urgent: bool = False,
    actor: Any = None,
    actor_label: str = "",
) -> Item:
    """受理: a channel hands a matter to the loop. It waits in the dispatcher's queue."""
    spec = registry.get(channel)
    if kind and spec.kinds and kind not in spec.kinds:
        raise ServiceError("事项类型无效。")
    now = timezone.now()
    item = Item.objects.create(
        committee=committee,
        channel=channel,
        kind=kind,
        title=_clean_text(title, field="标题", limit=MAX_TITLE),
        text=_clean_text(text, field="内容", limit=MAX_TEXT),
        area=area,
        category=category,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
        is_urgent=is_urgent,
        accepted_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _log(item, item, "accept", actor, to=item.status, actor_label=actor_label)
    _after_commit_notify(_dispatchers(committee.pk), f"新事项待交办：{item.title}", spec.label, _item_url(item))
    return item


@transaction.atomic
def item_decline(*, item_id: int, actor: Any, reason: str) -> Item:
    """不予受理: only from the queue, with a reason."""
    item = _lock_item(item_id)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以作不予受理处理。")
    if item.status != Item.Status.PENDING:
        raise ConflictError("该事项已交办，不能再作不予受理处理。")
    reason = _clean_text(reason, field="不予受理的理由", limit=MAX_NOTE)
    before = item.status
    item.status = Item.Status.DECLINED
    item.closed_at = timezone.now()
    _save(item, "status", "closed_at")
    _log(item, item, "decline", actor, frm=before, to=item.status, reason=reason)
    _after_commit_event(item, "declined")
    return item


def _validate_units(item: Item, units: Sequence[Unit]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for u in units:
        if u is None:
            raise ServiceError("承办单位不存在。")
        if u.committee_id != item.committee_id or not u.is_active:
            raise ServiceError(f"承办单位「{u}」不可用。")
        seen[u.pk] = u
    return list(seen.values())


def _new_assignment(
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
    _set_deadlines(a, rule, now)
    a.save()
    return a


@transaction.atomic
def item_assign(
    *,
    item_id: int,
    actor: Any,
    mode: str,
    lead_units: Sequence[Unit],
    co_units: Sequence[Unit] = (),
    reason: str = "",
    category: str | None = None,
    expected_version: int | None = None,
) -> Item:
    """交办: send a queued item to units. 单办 one lead; 分办 several leads; 会办 one lead plus co-units."""
    item = _lock_item(item_id, expected_version)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以交办。")
    if item.status != Item.Status.PENDING:
        raise ConflictError(f"该事项当前为「{item.get_status_display()}」，不能再次交办。请刷新页面。")
    leads = _validate_units(item, lead_units)
    cos = [u for u in _validate_units(item, co_units) if u.pk not in {x.pk for x in leads}]
    if mode == Item.Mode.SINGLE and (len(leads) != 1 or cos):
        raise ServiceError("单办须且只能选择一个承办单位。")
    if mode == Item.Mode.SPLIT and (len(leads) < 2 or cos):
        raise ServiceError("分办须选择两个或以上承办单位。")
    if mode == Item.Mode.JOINT and (len(leads) != 1 or not cos):
        raise ServiceError("会办须选择一个主办单位和至少一个会办单位。")
    if mode not in Item.Mode.values:
        raise ServiceError("请选择交办方式。")
    now = timezone.now()
    rule = rule_for(item.channel, item.kind)
    busy = set(item.assignments.filter(status__in=LIVE_STATES).values_list("unit_id", flat=True))
    if busy & {u.pk for u in [*leads, *cos]}:
        raise ConflictError("所选单位已有该事项的有效交办。")
    created = [_new_assignment(item, u, Assignment.Role.LEAD, rule, actor, now) for u in leads]
    created += [_new_assignment(item, u, Assignment.Role.CO, rule, actor, now) for u in cos]
    before = item.status
    item.mode = mode
    item.assigned_at = now
    if category is not None:
        item.category = category[:50]
    item.save(update_fields=["mode", "assigned_at", "category"])
    _refresh_item(item, now)
    _log(
        item,
        item,
        "assign",
        actor,
        frm=before,
        to=item.status,
        reason=reason,
        data={"mode": mode, "lead": [u.name for u in leads], "co": [u.name for u in cos]},
    )
    _after_commit_notify(
        _unit_users(u.pk for u in [*leads, *cos]),
        f"新交办事项：{item.title}",
        f"请于 {timezone.localtime(created[0].sign_due_at):%Y-%m-%d} 前签收。",
        _item_url(item),
    )
    _after_commit_event(item, "assigned")
    return item


@transaction.atomic
def assignment_reassign(
    *, assignment_id: int, actor: Any, unit: Unit, reason: str, expected_version: int | None = None
) -> Assignment:
    """改派: the office moves an unreplied assignment to another unit (units may not pass it on themselves).

    A share of an item that other units still handle (分办) and that came back to the office — returned,
    or escalated up to the district — is passed on the same way; it keeps its status so the return or
    escalation still counts against the unit that handed it back.
    """
    item, a = _lock_assignment(assignment_id, expected_version)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以改派。")
    _require_state(a, (S.NEW, S.SIGNED, S.RETURN_REQUESTED, *HANDED_BACK), "改派")
    # One handed back before the item was last assigned anew has been dealt with by that assignment.
    superseded = item.assigned_at is not None and a.assigned_at < item.assigned_at
    if a.status in HANDED_BACK and (item.status == Item.Status.PENDING or a.successor_id is not None or superseded):
        raise ConflictError("该记录已处理（事项已重新交办或已改派），请刷新页面。")
    reason = _clean_text(reason, field="改派理由", limit=MAX_NOTE)
    (target,) = _validate_units(item, [unit])
    if target.pk == a.unit_id or item.assignments.filter(status__in=LIVE_STATES, unit=target).exists():
        raise ServiceError("该单位已在办理此事项。")
    now = timezone.now()
    before = a.status
    new = _new_assignment(item, target, a.role, rule_for(item.channel, item.kind), actor, now, a.round)
    if a.status not in HANDED_BACK:
        a.status = S.WITHDRAWN
    a.successor = new
    _save(a, "status", "successor")
    a.requests.filter(status=Request.Status.PENDING).update(
        status=Request.Status.REFUSED, decided_at=now, decision_note="已改派"
    )
    _refresh_item(item, now)
    _log(
        item,
        a,
        "reassign",
        actor,
        frm=before,
        to=a.status,
        reason=reason,
        data={"from": a.unit.name, "to": target.name},
    )
    _after_commit_notify(_unit_users([target.pk]), f"新交办事项：{item.title}", "改派给你单位办理。", _item_url(item))
    if before not in HANDED_BACK:
        # the unit losing the matter must stop working on it
        _after_commit_notify(_unit_users([a.unit_id]), f"事项已改派：{item.title}", reason, _item_url(item))
    return new


# --- unit actions ------------------------------------------------------------------------------


def _require_unit(actor: Any, a: Assignment) -> None:
    if not perms.can_act_for_unit(actor, a):
        raise PermissionDeniedError("只有承办单位的工作人员可以办理。")


@transaction.atomic
def assignment_sign(*, assignment_id: int, actor: Any, expected_version: int | None = None) -> Assignment:
    """签收."""
    item, a = _lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    _require_state(a, (S.NEW,), "签收")
    now = timezone.now()
    a.status, a.signed_at = S.SIGNED, now
    _save(a, "status", "signed_at")
    _refresh_item(item, now)
    _log(item, a, "sign", actor, frm=S.NEW, to=a.status)
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
    item, a = _lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    _require_state(a, (S.NEW, S.SIGNED), "申请退回")
    now = timezone.now()
    if now > a.objection_until:
        raise ServiceError(f"已超过申请退回的期限（{timezone.localtime(a.objection_until):%Y-%m-%d %H:%M}）。")
    reason = _clean_text(reason, field="退回理由", limit=MAX_NOTE)
    if suggested_unit is not None:
        (suggested_unit,) = _validate_units(item, [suggested_unit])
    req = Request.objects.create(
        assignment=a,
        kind=Request.Kind.RETURN,
        reason=reason,
        suggested_unit=suggested_unit,
        previous_status=a.status,
        created_by=actor,
    )
    before = a.status
    a.status = S.RETURN_REQUESTED
    _save(a, "status")
    _log(item, a, "request_return", actor, frm=before, to=a.status, reason=reason)
    _after_commit_notify(
        _dispatchers(item.committee_id), f"申请退回：{item.title}", f"{a.unit}：{reason}", _item_url(item)
    )
    return req


@transaction.atomic
def assignment_request_extension(*, assignment_id: int, actor: Any, until: dt.date, reason: str) -> Request:
    """延期申请: the new date may not pass the channel's latest extended deadline."""
    item, a = _lock_assignment(assignment_id)
    _require_unit(actor, a)
    _require_state(a, (S.NEW, S.SIGNED), "申请延期")
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise ServiceError("请选择延期后的日期。")
    reason = _clean_text(reason, field="延期理由", limit=MAX_NOTE)
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
    _after_commit_notify(
        _dispatchers(item.committee_id), f"申请延期：{item.title}", f"{a.unit}：{reason}", _item_url(item)
    )
    return req


@transaction.atomic
def request_decide(*, request_id: int, actor: Any, approve: bool, note: str = "") -> Request:
    """The office approves or refuses a return or an extension."""
    assignment_id = Request.objects.filter(pk=request_id).values_list("assignment_id", flat=True).first()
    if assignment_id is None:
        raise NotFoundError("未找到该申请。")
    item, a = _lock_assignment(assignment_id)
    req = Request.objects.select_for_update().get(pk=request_id)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以审批。")
    if req.status != Request.Status.PENDING:
        raise ConflictError("该申请已经处理过了。")
    if req.kind == Request.Kind.RETURN and a.status != S.RETURN_REQUESTED:
        raise ConflictError(f"该交办记录当前为「{a.get_status_display()}」，退回申请已不适用。请刷新页面。")
    if req.kind == Request.Kind.EXTENSION and a.status not in (S.NEW, S.SIGNED, S.RETURN_REQUESTED):
        # e.g. the unit replied meanwhile: extending a finished assignment would only corrupt its flags
        raise ConflictError(f"该交办记录当前为「{a.get_status_display()}」，无需再审批延期。请刷新页面。")
    now = timezone.now()
    req.status = Request.Status.APPROVED if approve else Request.Status.REFUSED
    req.decided_by, req.decided_at, req.decision_note = actor, now, (note or "").strip()[:MAX_NOTE]
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    before = a.status
    if req.kind == Request.Kind.RETURN:
        a.status = S.RETURNED if approve else (req.previous_status or S.SIGNED)
        _save(a, "status")
        if approve:
            item.returned_count += 1
            item.save(update_fields=["returned_count"])
            a.requests.filter(kind=Request.Kind.EXTENSION, status=Request.Status.PENDING).update(
                status=Request.Status.REFUSED, decided_by=actor, decided_at=now, decision_note="已同意退回"
            )
    elif approve and req.requested_until:
        a.extended_until = dt.datetime.combine(
            req.requested_until, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone()
        )
        a.is_overdue = a.extended_until < now
        _save(a, "extended_until", "is_overdue")
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
    _refresh_item(item, now)
    verdict = "同意" if approve else "不同意"
    _after_commit_notify(
        _unit_users([a.unit_id]),
        f"{verdict}{req.get_kind_display()}申请：{item.title}",
        req.decision_note,
        _item_url(item),
    )
    return req


@transaction.atomic
def assignment_record_contact(
    *, assignment_id: int, actor: Any, method: str, happened_at: dt.datetime, note: str = ""
) -> Contact:
    """办理沟通: a unit records a contact with the person who raised the matter."""
    item, a = _lock_assignment(assignment_id)
    _require_unit(actor, a)
    _require_state(a, (S.SIGNED,), "记录沟通")
    if method not in Contact.Method.values:
        raise ServiceError("请选择沟通方式。")
    if not isinstance(happened_at, dt.datetime) or timezone.is_naive(happened_at):
        raise ServiceError("请填写沟通时间。")
    if happened_at > timezone.now() + dt.timedelta(minutes=5):
        raise ServiceError("沟通时间不能晚于现在。")
    note = (note or "").strip()[:MAX_NOTE]
    # a double submit of the same record returns the first one
    same = a.contacts.filter(method=method, happened_at=happened_at, note=note, created_by=actor).first()
    if same is not None:
        return same
    c = Contact.objects.create(assignment=a, method=method, happened_at=happened_at, note=note, created_by=actor)
    if a.first_contact_at is None or happened_at < a.first_contact_at:
        a.first_contact_at = happened_at
        _save(a, "first_contact_at")
    _log(item, a, "contact", actor, data={"method": method})
    return c


@transaction.atomic
def co_opinion_send(*, assignment_id: int, actor: Any, body: str) -> CoOpinion:
    """会办意见: a co-unit sends its opinion to the lead unit."""
    item, a = _lock_assignment(assignment_id)
    _require_unit(actor, a)
    if a.role != Assignment.Role.CO:
        raise ServiceError("只有会办单位需要提交会办意见。")
    _require_state(a, (S.SIGNED,), "提交会办意见")
    body = _clean_text(body, field="会办意见", limit=MAX_TEXT)
    op = CoOpinion.objects.create(assignment=a, body=body, created_by=actor)
    now = timezone.now()
    a.status, a.replied_at = S.OPINION_SENT, now
    a.first_replied_at = a.first_replied_at or now
    a.is_overdue = False
    _save(a, "status", "replied_at", "first_replied_at", "is_overdue")
    _drop_pending_requests(a, now, "已提交会办意见")
    _log(item, a, "co_opinion", actor, frm=S.SIGNED, to=a.status)
    lead_units = item.assignments.filter(status__in=LIVE_STATES, role=Assignment.Role.LEAD).values_list(
        "unit_id", flat=True
    )
    _after_commit_notify(_unit_users(lead_units), f"会办意见已到：{item.title}", f"{a.unit}", _item_url(item))
    return op


@transaction.atomic
def assignment_reply(
    *,
    assignment_id: int,
    actor: Any,
    body: str,
    category: str,
    adopted_count: int = 0,
    measures: str = "",
    resolved: bool = False,
    expected_version: int | None = None,
) -> Reply:
    """答复: a lead unit replies with a category; co-units must have sent their opinions first."""
    item, a = _lock_assignment(assignment_id, expected_version)
    _require_unit(actor, a)
    if a.role != Assignment.Role.LEAD:
        raise ServiceError("会办单位请提交会办意见，由主办单位统一答复。")
    _require_state(a, (S.SIGNED,), "答复")
    spec = registry.get(item.channel)
    if category not in dict(spec.reply_categories):
        raise ServiceError("请选择答复类别。")
    body = _clean_text(body, field="答复内容", limit=MAX_TEXT)
    if not isinstance(adopted_count, int) or isinstance(adopted_count, bool) or not 0 <= adopted_count <= 100:
        raise ServiceError("采纳建议条数须在 0 到 100 之间。")
    rule = rule_for(item.channel, item.kind)
    if rule.contact_amount is not None and a.first_contact_at is None:
        raise ServiceError("答复前请先记录与提出人的沟通情况。")
    now = timezone.now()
    waiting = item.assignments.filter(
        Q(extended_until__gt=now) | Q(extended_until__isnull=True, reply_due_at__gt=now),
        role=Assignment.Role.CO,
        status__in=(S.NEW, S.SIGNED, S.RETURN_REQUESTED),
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
        measures=(measures or "").strip()[:MAX_TEXT],
        resolved=resolved,
        created_by=actor,
    )
    before = a.status
    a.replied_at = now
    a.first_replied_at = a.first_replied_at or now
    a.resolved = resolved
    a.is_overdue = False
    if rule.review_required:
        a.status = S.REPLIED
    else:
        reply.review = Reply.Review.PASSED
        reply.save(update_fields=["review"])
        a.status = S.AWAITING_RATING
        a.rating_due_at = add_period(now, rule.rating_days, TimeUnit.DAY).at
    _save(a, "status", "replied_at", "first_replied_at", "resolved", "is_overdue", "rating_due_at")
    _drop_pending_requests(a, now, "已答复")
    _refresh_item(item, now)
    _log(item, a, "reply", actor, frm=before, to=a.status, data={"category": category, "adopted": adopted_count})
    if rule.review_required:
        _after_commit_notify(_dispatchers(item.committee_id), f"答复待审核：{item.title}", f"{a.unit}", _item_url(item))
    else:
        _after_commit_event(item, "replied")
    return reply


@transaction.atomic
def reply_review(*, reply_id: int, actor: Any, passed: bool, category: str | None = None, note: str = "") -> Reply:
    """审核答复: 通过 (the office may change the category) or 驳回重办."""
    assignment_id = Reply.objects.filter(pk=reply_id).values_list("assignment_id", flat=True).first()
    if assignment_id is None:
        raise NotFoundError("未找到该答复。")
    item, a = _lock_assignment(assignment_id)
    reply = Reply.objects.select_for_update().get(pk=reply_id)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以审核答复。")
    if reply.review != Reply.Review.PENDING or a.status != S.REPLIED:
        raise ConflictError("该答复已经审核过了。")
    note = (note or "").strip()[:MAX_NOTE]
    if not passed and not note:
        raise ServiceError("驳回时请说明理由。")
    now = timezone.now()
    spec = registry.get(item.channel)
    old_category = reply.category
    if passed and category:
        if category not in dict(spec.reply_categories):
            raise ServiceError("答复类别无效。")
        reply.category = category
    reply.review = Reply.Review.PASSED if passed else Reply.Review.REJECTED
    reply.review_note, reply.reviewed_by, reply.reviewed_at = note, actor, now
    reply.save(update_fields=["category", "review", "review_note", "reviewed_by", "reviewed_at"])
    if passed:
        a.status = S.AWAITING_RATING
        a.rating_due_at = add_period(now, rule_for(item.channel, item.kind).rating_days, TimeUnit.DAY).at
    else:
        a.status = S.SIGNED
        a.replied_at = None
    _save(a, "status", "rating_due_at", "replied_at")
    _refresh_item(item, now)
    _log(
        item,
        a,
        "review_pass" if passed else "review_reject",
        actor,
        frm=S.REPLIED,
        to=a.status,
        reason=note,
        data={"category": reply.category, "was": old_category},
    )
    if passed:
        _after_commit_event(item, "replied")
    else:
        _after_commit_notify(_unit_users([a.unit_id]), f"答复被驳回重办：{item.title}", note, _item_url(item))
    return reply


def raters_for(item: Item) -> list[registry.Rater]:
    return registry.get(item.channel).raters(item)


@transaction.atomic
def assignment_rate(
    *, assignment_id: int, rater_key: str, value: str, comment: str = "", actor: Any = None, actor_label: str = ""
) -> Rating:
    """评价: each rater of the channel rates each lead reply; 不满意 sends it back for re-handling.

    A rater rates for themself; committee staff may record the rating of someone offline.
    When every rater is satisfied (满意 or 基本满意), the assignment is closed.
    """
    item, a = _lock_assignment(assignment_id)
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
    _require_state(a, (S.AWAITING_RATING,), "评价")
    if a.ratings.filter(round=a.round, rater_key=rater_key).exists():
        raise ConflictError("您已经评价过这份答复。")
    if a.rating_due_at is not None and timezone.now() > a.rating_due_at:
        # the periodic scan closes it as not rated; a late rating would race with that
        raise ConflictError(f"评价期限已于 {timezone.localtime(a.rating_due_at):%Y-%m-%d} 届满，该答复按未评价办结。")
    comment = (comment or "").strip()[:MAX_NOTE]
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
        _rehandle(item, a, actor, now, reason=comment, actor_label=label)
    else:
        done = set(a.ratings.filter(round=a.round).values_list("rater_key", flat=True))
        _log(item, a, "rate", actor, frm=a.status, to=a.status, actor_label=label, data={"value": value})
        if set(raters) <= done:
            a.status, a.closed_at = S.CLOSED, now
            _save(a, "status", "closed_at")
            _log(item, a, "close", actor, frm=S.AWAITING_RATING, to=a.status, actor_label=label)
    _refresh_item(item, now)
    return rating


def _rehandle(item: Item, a: Assignment, actor: Any, now: dt.datetime, *, reason: str, actor_label: str = "") -> None:
    """重办: the reply is set aside, the clock restarts and the unit handles the matter again."""
    before = a.status
    a.replies.filter(round=a.round).exclude(review=Reply.Review.REJECTED).update(review=Reply.Review.SUPERSEDED)
    a.round += 1
    a.rehandle_count += 1
    a.status = S.SIGNED
    a.replied_at = None
    a.rating_due_at = None
    _set_deadlines(a, rule_for(item.channel, item.kind), now)
    a.extended_until = None
    _save(
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
    _after_commit_notify(_unit_users([a.unit_id]), f"评价不满意，请重新办理：{item.title}", reason, _item_url(item))
    _after_commit_event(item, "rehandle")


# --- supervision and escalation ----------------------------------------------------------------


@transaction.atomic
def item_supervise(*, item_id: int, actor: Any, note: str, leader: Any = None) -> Supervision:
    """督办: a leader (or the office on a leader's behalf) supervises an item; the units are told."""
    item = _lock_item(item_id)
    if not perms.can_supervise(actor, item):
        raise PermissionDeniedError("只有区领导或政协机关可以督办。")
    if item.status in (Item.Status.CLOSED, Item.Status.DECLINED):
        raise ConflictError("该事项已办结，不能再督办。")
    note = _clean_text(note, field="督办意见", limit=MAX_NOTE)
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
        _save(item, "is_supervised")
    _log(item, sup, "supervise", actor, reason=note, data={"leader": str(leader) if leader else ""})
    # units still at work on it; one whose reply is done or closed has nothing left to speed up
    units = list(
        item.assignments.filter(status__in=(S.NEW, S.SIGNED, S.RETURN_REQUESTED)).values_list("unit_id", flat=True)
    )
    users = _unit_users(units) if units else _dispatchers(item.committee_id)
    _after_commit_notify(users, f"督办：{item.title}", note, _item_url(item))
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
def assignment_escalate(*, assignment_id: int, actor: Any, reason: str, auto: bool = False) -> Assignment | None:
    """上报: 村居 → 镇街 → 区. At the district level the matter returns to the dispatcher's queue (兜底)."""
    item, a = _lock_assignment(assignment_id)
    # only the system (no actor) escalates automatically; a person passing auto=True is checked like anyone
    auto = auto and actor is None
    if not auto and not perms.can_escalate(actor, a):
        raise PermissionDeniedError("只有承办单位或政协机关可以上报。")
    _require_state(a, (S.NEW, S.SIGNED), "上报")
    reason = _clean_text(reason, field="上报理由", limit=MAX_NOTE)
    now = timezone.now()
    target = _escalation_target(item, a)
    before = a.status
    a.status = S.ESCALATED
    new = None
    if target is not None and not item.assignments.filter(status__in=LIVE_STATES, unit=target).exists():
        new = _new_assignment(item, target, a.role, rule_for(item.channel, item.kind), actor, now, a.round)
        a.successor = new
        _after_commit_notify(_unit_users([target.pk]), f"上报事项：{item.title}", reason, _item_url(item))
    else:
        item.escalated_to_district = True
        item.save(update_fields=["escalated_to_district"])
        _after_commit_notify(_dispatchers(item.committee_id), f"上报至区级：{item.title}", reason, _item_url(item))
    _save(a, "status", "successor")
    _drop_pending_requests(a, now, "已上报")
    _refresh_item(item, now)
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


# --- periodic work -------------------------------------------------------------------------------


def scan_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Reminders before deadlines, overdue flags, auto-escalation and auto-closing of unrated replies.

    Idempotent: each reminder is logged once per assignment, kind and deadline, so running the scan
    again (or in two processes) sends nothing twice.
    """
    now = now or timezone.now()
    counts = {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    open_states = (S.NEW, S.SIGNED, S.RETURN_REQUESTED)
    rules: dict[tuple[str, str], DeadlineRule] = {}

    def rule(item: Item) -> DeadlineRule:
        key = (item.channel, item.kind)
        if key not in rules:
            rules[key] = rule_for(*key)
        return rules[key]

    for a in Assignment.objects.filter(status__in=open_states).select_related("item", "unit").iterator():
        r = rule(a.item)
        due = a.effective_due_at
        if due <= now:
            with transaction.atomic():
                item, locked = _lock_assignment(a.pk)
                if locked.status in open_states and locked.effective_due_at <= now and not locked.is_overdue:
                    locked.is_overdue = True
                    _save(locked, "is_overdue")
                    _refresh_item(item, now)
                    _log(item, locked, "overdue", None, actor_label="系统", frm=locked.status, to=locked.status)
                    counts["overdue"] += 1
                    if _remind_once(locked, ReminderLog.Kind.REPLY_OVERDUE, due):
                        users = _unit_users([locked.unit_id]) + _dispatchers(item.committee_id)
                        _after_commit_notify(
                            users, f"已超期：{item.title}", f"{locked.unit} 办理期限已过。", _item_url(item)
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
                    _after_commit_notify(
                        _unit_users([a.unit_id]),
                        f"{'会办意见' if is_co else ''}即将到期：{a.item.title}",
                        f"请于 {timezone.localtime(due):%Y-%m-%d %H:%M} 前{'提交会办意见' if is_co else '办理'}。",
                        _item_url(a.item),
                    )
        if a.status == S.NEW and a.sign_due_at <= now:
            with transaction.atomic():
                if _remind_once(a, ReminderLog.Kind.SIGN_OVERDUE, a.sign_due_at):
                    counts["reminded"] += 1
                    _after_commit_notify(
                        _unit_users([a.unit_id]), f"请尽快签收：{a.item.title}", "已超过签收时限。", _item_url(a.item)
                    )
    for a in Assignment.objects.filter(status=S.AWAITING_RATING, rating_due_at__lte=now).only("id").iterator():
        with transaction.atomic():
            item, locked = _lock_assignment(a.pk)
            if locked.status == S.AWAITING_RATING and locked.rating_due_at and locked.rating_due_at <= now:
                locked.status, locked.closed_at = S.CLOSED, now
                _save(locked, "status", "closed_at")
                _log(
                    item,
                    locked,
                    "close_unrated",
                    None,
                    actor_label="系统",
                    frm=S.AWAITING_RATING,
                    to=S.CLOSED,
                    reason="评价期限届满未评价，自动办结",
                )
                _refresh_item(item, now)
                counts["closed_unrated"] += 1
    return counts


def _remind_once(a: Assignment, kind: str, due: dt.datetime) -> bool:
    _, created = ReminderLog.objects.get_or_create(assignment=a, kind=kind, due_at=due)
    return created


def recount_deadlines(item_ids: Collection[int]) -> None:
    """Count the deadlines of these items' assignments again from their clocks: for records dated in the past.

    A deadline is counted when the clock starts, in the working days of that day's holiday table;
    records moved in time keep the deadlines counted on the day they were made. Counted again here:
    the sign-for, return, first-contact and reply deadlines from the clock's start, the rating
    deadline from the reply that asked for the rating (passed at review, or sent when the channel
    has no review). An approved extension is a date and stays. The items' due dates follow.
    """
    for item in Item.objects.filter(pk__in=list(item_ids)):
        rule = rule_for(item.channel, item.kind)
        for a in item.assignments.all():
            _set_deadlines(a, rule, a.clock_started_at)
            if a.rating_due_at is not None:
                reply = a.replies.filter(round=a.round, review=Reply.Review.PASSED).order_by("-id").first()
                if reply is not None:
                    asked = reply.reviewed_at or reply.created_at
                    a.rating_due_at = add_period(asked, rule.rating_days, TimeUnit.DAY).at
            a.save(
                update_fields=[
                    "sign_due_at",
                    "objection_until",
                    "contact_due_at",
                    "reply_due_at",
                    "deadline_uncertain",
                    "rating_due_at",
                ]
            )
        _refresh_item(item, timezone.now())


def recompute_open_deadlines() -> int:
    """After the holiday table changes, recompute the deadlines of every open assignment.

    Deadlines count from the clock's last start (assignment, or re-handling after an unsatisfied
    rating); an approved extension is a fixed date and stays. A deadline that moves past now
    clears the overdue flag, and a year that became known clears the 'uncertain' warning.
    """
    n = 0
    now = timezone.now()
    open_states = (S.NEW, S.SIGNED, S.RETURN_REQUESTED, S.REPLIED)
    for a in Assignment.objects.filter(status__in=open_states).only("id"):
        with transaction.atomic():
            item, locked = _lock_assignment(a.pk)
            if locked.status not in open_states:
                continue
            fields = ("sign_due_at", "objection_until", "reply_due_at", "contact_due_at", "deadline_uncertain")
            old = tuple(getattr(locked, f) for f in fields)
            _set_deadlines(locked, rule_for(item.channel, item.kind), locked.clock_started_at)
            new = tuple(getattr(locked, f) for f in fields)
            if new != old:
                if locked.is_overdue and locked.effective_due_at > now:
                    locked.is_overdue = False
                _save(locked, *fields, "is_overdue")
                _refresh_item(item, now)
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
