"""受理, 不予受理, 交办 and 改派: a matter enters the loop and the office sends it to units."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import writes
from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Committee, Unit

from .. import permissions as perms
from .. import registry
from ..models import LIVE_STATES, Assignment, Item, RouteDecision
from ..transitions import ASSIGNMENT, HANDED_BACK, ITEM, REQUEST
from ._common import (
    MAX_NOTE,
    MAX_TEXT,
    MAX_TITLE,
    _log,
    after_commit_event,
    after_commit_notify,
    dispatchers,
    item_url,
    lock_assignment,
    lock_item,
    new_assignment,
    refresh_item,
    require,
    rule_for,
    unit_users,
    validate_units,
)

log = logging.getLogger(__name__)

# A routing suggestion as shown to the dispatcher: (unit id, confidence), best first.
Suggestion = Sequence[tuple[int, float]]


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
    accepted_at: dt.datetime | None = None,
    importing: bool = False,
) -> Item:
    """受理: a channel hands a matter to the loop. It waits in the dispatcher's queue.

    ``accepted_at`` and ``importing`` (no notices) are for a past history (``history``).
    """
    spec = registry.get(channel)
    if kind and spec.kinds and kind not in spec.kinds:
        raise ServiceError("事项类型无效。")
    now = accepted_at or timezone.now()
    item = Item.objects.create(
        committee=committee,
        channel=channel,
        kind=kind,
        title=clean_text(title, field="标题", limit=MAX_TITLE),
        text=clean_text(text, field="内容", limit=MAX_TEXT),
        area=area,
        category=category,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=source.pk if source is not None else None,
        is_urgent=is_urgent,
        accepted_at=now,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _log(item, item, "accept", actor, to=item.status, actor_label=actor_label)
    if not importing:
        after_commit_notify(dispatchers(committee.pk), f"新事项待交办：{item.title}", spec.label, item_url(item))
    return item


@transaction.atomic
def item_decline(*, item_id: int, actor: Any, reason: str, expected_version: int | None = None) -> Item:
    """不予受理: only from the queue, with a reason."""
    item = lock_item(item_id, expected_version)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以作不予受理处理。")
    require(ITEM, item, "decline", "该事项已交办，不能再作不予受理处理。")
    reason = clean_text(reason, field="不予受理的理由", limit=MAX_NOTE)
    before = ITEM.move(item, "decline")
    item.closed_at = timezone.now()
    writes.save(item, "status", "closed_at")
    _log(item, item, "decline", actor, frm=before, to=item.status, reason=reason)
    after_commit_event(item, "declined")
    return item


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
    suggestion: Suggestion | None = None,
    at: dt.datetime | None = None,
    importing: bool = False,
) -> Item:
    """交办: send a queued item to units. 单办 one lead; 分办 several leads; 会办 one lead plus co-units.

    The routing suggestion the dispatcher had (``suggestion``; otherwise an open one kept earlier,
    otherwise the router's answer now when the model is in memory) is settled against the chosen
    lead units in the same transaction. ``at`` and ``importing`` are for a past history: no
    notices, no channel event, no routing record.
    """
    item = lock_item(item_id, expected_version)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以交办。")
    require(ITEM, item, "assign")
    leads = validate_units(item, lead_units)
    cos = [u for u in validate_units(item, co_units) if u.pk not in {x.pk for x in leads}]
    if mode == Item.Mode.SINGLE and (len(leads) != 1 or cos):
        raise ServiceError("单办须且只能选择一个承办单位。")
    if mode == Item.Mode.SPLIT and (len(leads) < 2 or cos):
        raise ServiceError("分办须选择两个或以上承办单位。")
    if mode == Item.Mode.JOINT and (len(leads) != 1 or not cos):
        raise ServiceError("会办须选择一个主办单位和至少一个会办单位。")
    if mode not in Item.Mode.values:
        raise ServiceError("请选择交办方式。")
    reason = clean_text(reason, field="交办意见", limit=MAX_NOTE, required=False)
    now = at or timezone.now()
    rule = rule_for(item.channel, item.kind)
    busy = set(item.assignments.filter(status__in=LIVE_STATES).values_list("unit_id", flat=True))
    if busy & {u.pk for u in [*leads, *cos]}:
        raise ConflictError("所选单位已有该事项的有效交办。")
    created = [new_assignment(item, u, Assignment.Role.LEAD, rule, actor, now) for u in leads]
    created += [new_assignment(item, u, Assignment.Role.CO, rule, actor, now) for u in cos]
    before = ITEM.move(item, "assign")
    item.mode = mode
    item.assigned_at = now
    if category is not None:
        item.category = category[:50]
    item.save(update_fields=["mode", "assigned_at", "category"])
    refresh_item(item, now)  # saves the state with the version
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
    if not importing:
        _settle_route(item, leads, actor, now, suggestion)
        after_commit_notify(
            unit_users(u.pk for u in [*leads, *cos]),
            f"新交办事项：{item.title}",
            f"请于 {timezone.localtime(created[0].sign_due_at):%Y-%m-%d} 前签收。",
            item_url(item),
        )
        after_commit_event(item, "assigned")
    return item


def _shown_suggestion(item: Item, suggestion: Suggestion | None) -> list[dict[str, Any]]:
    """The suggestion as stored: what the dispatcher was shown, checked against the committee's units.

    One that names a unit that is not an active unit of the committee (a stale or altered form) is
    dropped rather than refusing the assignment: a suggestion never blocks a decision.
    """
    if suggestion is None:
        from .. import assist

        if not assist.router.loaded():
            return []
        return [
            {"unit": s.unit.pk, "name": s.unit.name, "confidence": round(s.confidence, 4)}
            for s in assist.suggest_units(item.committee_id, item.title, item.text, item.area_id)
        ]
    rows = list(suggestion)[:10]
    ids = [writes.as_id(u) for u, _c in rows]
    units = Unit.objects.filter(committee_id=item.committee_id, is_active=True).in_bulk([i for i in ids if i])
    out = []
    for (_u, confidence), unit_id in zip(rows, ids, strict=True):
        unit = units.get(unit_id) if unit_id else None
        if unit is None or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
            log.warning("routing suggestion for item %s dropped: %r", item.pk, suggestion)
            return []
        out.append({"unit": unit.pk, "name": unit.name, "confidence": round(float(confidence), 4)})
    return out


def _settle_route(
    item: Item, leads: Sequence[Unit], actor: Any, now: dt.datetime, suggestion: Suggestion | None
) -> RouteDecision | None:
    """Record what was suggested for the item against the lead units chosen (采纳 when it names one)."""
    row = RouteDecision.objects.select_for_update().filter(item=item, decided_at__isnull=True).first()
    shown = _shown_suggestion(item, suggestion) if suggestion is not None or row is None else []
    if row is None and not shown:
        return None
    if row is None:
        row = RouteDecision(item=item)
    if shown:
        row.suggested_unit_id = shown[0]["unit"]
        row.confidence = shown[0]["confidence"]
        row.suggestions = shown
    chosen = [u.pk for u in leads]
    row.chosen_unit_id = chosen[0] if chosen else None
    row.accepted = row.suggested_unit_id is not None and row.suggested_unit_id in chosen
    row.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    row.decided_at = now
    row.save()
    return row


@transaction.atomic
def assignment_reassign(
    *, assignment_id: int, actor: Any, unit: Unit, reason: str, expected_version: int | None = None
) -> Assignment:
    """改派: the office moves an unreplied assignment to another unit (units may not pass it on themselves).

    A share of an item that other units still handle (分办) and that came back to the office — returned,
    or escalated up to the district — is passed on the same way; it keeps its status so the return or
    escalation still counts against the unit that handed it back.
    """
    item, a = lock_assignment(assignment_id, expected_version)
    if not perms.can_dispatch(actor, item):
        raise PermissionDeniedError("只有政协机关工作人员可以改派。")
    require(ASSIGNMENT, a, "reassign")
    # One handed back before the item was last assigned anew has been dealt with by that assignment.
    superseded = item.assigned_at is not None and a.assigned_at < item.assigned_at
    if a.status in HANDED_BACK and (item.status == Item.Status.PENDING or a.successor_id is not None or superseded):
        raise ConflictError("该记录已处理（事项已重新交办或已改派），请刷新页面。")
    reason = clean_text(reason, field="改派理由", limit=MAX_NOTE)
    (target,) = validate_units(item, [unit])
    if target.pk == a.unit_id or item.assignments.filter(status__in=LIVE_STATES, unit=target).exists():
        raise ServiceError("该单位已在办理此事项。")
    now = timezone.now()
    before = a.status
    new = new_assignment(item, target, a.role, rule_for(item.channel, item.kind), actor, now, a.round)
    if a.status not in HANDED_BACK:
        ASSIGNMENT.move(a, "withdraw")
    a.successor = new
    writes.save(a, "status", "successor")
    refuse = REQUEST.transitions["refuse"]
    a.requests.filter(status__in=refuse.sources).update(status=refuse.target, decided_at=now, decision_note="已改派")
    refresh_item(item, now)
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
    after_commit_notify(unit_users([target.pk]), f"新交办事项：{item.title}", "改派给你单位办理。", item_url(item))
    if before not in HANDED_BACK:
        # the unit losing the matter must stop working on it
        after_commit_notify(unit_users([a.unit_id]), f"事项已改派：{item.title}", reason, item_url(item))
    return new
