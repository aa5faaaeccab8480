"""The loop: a filed proposal (a merge group's lead) is handed to the loop engine (交办, 改派, 评价),
hears back from it (``on_item_event``), and may be chosen as a key proposal (重点提案) with
supervision activities (督办). The handling state itself is the item's (``Proposal.handling``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.handling.registry import Rater
from xieshang.organisations.models import Leader, Unit

from .. import permissions as perms
from ..channel import CHANNEL
from ..models import KeyProposal, Proposal, SupervisionActivity
from ..transitions import PROPOSAL
from .common import (
    MAX_NOTE,
    MAX_SECTION,
    group_members,
    lock,
    notify_now,
    proposer_users,
    refresh_search,
    require_office,
    thread,
    url,
)


def _lead_for_item(p: Proposal) -> Proposal:
    lead = p.group_lead
    PROPOSAL.check(lead, "assign")
    if lead.item_id is None:
        raise ConflictError("该提案尚未立案，不能交办。")
    return lead


def _unit_ids(values: Sequence[Any]) -> list[int]:
    ids = [writes.as_id(x) for x in values if str(x).strip()]
    if None in ids:
        raise ServiceError("承办单位不存在。")
    return [i for i in ids if i is not None]


@transaction.atomic
def proposal_assign(
    *,
    actor: Any,
    proposal_id: int,
    mode: str,
    lead_unit_ids: Sequence[int],
    co_unit_ids: Sequence[int] = (),
    note: str = "",
    expected_version: int | None = None,
) -> Item:
    """交办 (单办/分办/会办) by the proposals office or the Party/government office."""
    p = lock(proposal_id)
    if not perms.can_assign(actor, p.committee_id):
        raise PermissionDeniedError("只有提案委或两办工作人员可以交办提案。")
    lead = _lead_for_item(p)
    units = Unit.objects.filter(committee_id=p.committee_id)
    leads = list(units.filter(pk__in=_unit_ids(lead_unit_ids)))
    cos = list(units.filter(pk__in=_unit_ids(co_unit_ids)))
    if not leads:
        raise ServiceError("请选择承办单位。")
    item = loop.item_assign(
        item_id=lead.item_id,
        actor=actor,
        mode=mode,
        lead_units=leads,
        co_units=cos,
        reason=clean_text(note, field="交办说明", limit=MAX_NOTE, required=False),
        category=lead.category,
        expected_version=expected_version,
    )
    for member in group_members(lead):
        refresh_search(member)
    return item


@transaction.atomic
def proposal_reassign(*, actor: Any, assignment_id: int, unit_id: int, reason: str) -> Assignment:
    """改派: only the assigning offices move a proposal to another unit; units cannot pass it on."""
    a = Assignment.objects.select_related("item").filter(pk=writes.as_id(assignment_id), item__channel=CHANNEL).first()
    if a is None:
        raise NotFoundError("未找到该交办记录。")
    if not perms.can_assign(actor, a.item.committee_id):
        raise PermissionDeniedError("只有提案委或两办工作人员可以改派。")
    unit = Unit.objects.filter(pk=writes.as_id(unit_id), committee_id=a.item.committee_id).first()
    if unit is None:
        raise ServiceError("承办单位不存在。")
    new = loop.assignment_reassign(assignment_id=a.pk, actor=actor, unit=unit, reason=reason)
    lead = Proposal.objects.filter(item_id=a.item_id).first()
    if lead:
        for member in group_members(lead):
            refresh_search(member)
    return new


def raters_for_item(item: Item) -> list[Rater]:
    """Every proposer of every proposal in the item's merge group rates the reply."""
    lead = Proposal.objects.filter(item_id=item.pk).first()
    if lead is None:
        return []
    out: dict[str, Rater] = {}
    for p in group_members(lead):
        for pr in p.proposers.select_related("member__user", "user").filter(declined_at__isnull=True):
            if not pr.counts:
                continue
            user = pr.member.user if pr.member_id and pr.member.user_id else pr.user
            out.setdefault(pr.rater_key, Rater(key=pr.rater_key, label=pr.name, user=user))
    return list(out.values())


def proposal_rate(
    *, actor: Any, assignment_id: int, value: str, comment: str = "", rater_key: str | None = None
) -> Any:
    """评价: a proposer rates the lead unit's reply; staff may record the rating of a member who is offline."""
    a = Assignment.objects.select_related("item").filter(pk=writes.as_id(assignment_id), item__channel=CHANNEL).first()
    if a is None:
        raise NotFoundError("未找到该答复。")
    raters = {r.key: r for r in raters_for_item(a.item)}
    if rater_key is None:
        rater_key = f"user:{getattr(actor, 'pk', 0)}"
    if rater_key not in raters:
        raise PermissionDeniedError("只有该提案的提案人可以评价答复。")
    rater_user = raters[rater_key].user
    someone_else = rater_user is None or rater_user.pk != getattr(actor, "pk", None)
    # Only the proposals office records a rating a proposer gave offline (not the other assigner offices).
    if someone_else and not perms.is_proposals_office(actor, a.item.committee_id):
        raise PermissionDeniedError("只有该提案的提案人本人或提案委工作人员代为录入，才能评价答复。")
    return loop.assignment_rate(assignment_id=a.pk, rater_key=rater_key, value=value, comment=comment, actor=actor)


def on_item_event(item: Item, event: str) -> None:
    """What the loop's events mean for the group's proposers. Nothing is copied: each proposal of the
    group reads its handling state from the item (``Proposal.handling``)."""
    if event not in ("replied", "closed"):
        return
    lead = Proposal.objects.filter(item_id=item.pk).first()
    if lead is None:
        return
    if event == "replied":
        item.refresh_from_db(fields=["status"])
        if item.status == Item.Status.HANDLING:
            return  # another lead unit (分办) has not replied yet
        # Each proposer of the group is asked to rate, on their own proposal's page.
        for p in group_members(lead):
            notify_now(proposer_users(p), f"提案已答复，请评价：{p.title}", p.number_label, url(p))
    else:
        for p in group_members(lead):
            audit.record(thread=thread(p), target=p, action="closed", actor_label="系统", to_state="closed")


# --- key proposals (重点提案) and supervision (督办) -------------------------------------------------


@transaction.atomic
def key_proposal_set(
    *, actor: Any, proposal_id: int, decided_on: dt.date, leader_id: int | None = None, note: str = ""
) -> KeyProposal:
    """重点提案 chosen by the chair's council, each with a leading district leader (领衔督办)."""
    p = lock(proposal_id)
    require_office(actor, p)
    PROPOSAL.check(p, "key")
    if not p.is_lead:
        raise ServiceError("只有已立案的主案可以列为重点提案。")
    leader = None
    if leader_id:
        leader = Leader.objects.filter(pk=writes.as_id(leader_id), committee_id=p.committee_id).first()
        if leader is None:
            raise ServiceError("领衔督办领导不存在。")
    if KeyProposal.objects.filter(proposal=p).exists():
        raise ConflictError("该提案已是重点提案。")
    kp = KeyProposal.objects.create(
        proposal=p,
        leader=leader,
        decided_on=decided_on,
        note=clean_text(note, field="说明", limit=MAX_NOTE, required=False),
        created_by=actor,
    )
    p.is_key = True
    writes.save(p, "is_key")
    audit.record(thread=thread(p), target=p, action="key", actor=actor, data={"leader": str(leader) if leader else ""})
    item = Item.objects.get(pk=p.item_id)
    if item.status not in (Item.Status.CLOSED, Item.Status.DECLINED):
        text = f"列为重点提案（主席会议 {decided_on:%Y-%m-%d} 确定）" + (f"，由{leader}领衔督办" if leader else "")
        loop.item_supervise(item_id=item.pk, actor=actor, note=text, leader=leader)
    return kp


@transaction.atomic
def key_activity_record(
    *, actor: Any, key_id: int, kind: str, held_on: dt.date, note: str, place: str = "", participants: str = ""
) -> SupervisionActivity:
    """督办活动: 督办协商会, visits, inspections and research recorded against a key proposal."""
    kp = KeyProposal.objects.select_related("proposal").filter(pk=writes.as_id(key_id)).first()
    if kp is None:
        raise NotFoundError("未找到该重点提案。")
    p = lock(kp.proposal_id)
    require_office(actor, p)
    PROPOSAL.check(p, "key_activity")
    if kind not in SupervisionActivity.Kind.values:
        raise ServiceError("请选择督办活动类型。")
    if held_on > timezone.localdate() + dt.timedelta(days=366):
        raise ServiceError("活动日期无效。")
    act = SupervisionActivity.objects.create(
        key_proposal=kp,
        kind=kind,
        held_on=held_on,
        place=clean_text(place, field="地点", limit=100, required=False, single_line=True),
        participants=clean_text(participants, field="参加人员", limit=300, required=False),
        note=clean_text(note, field="活动情况", limit=MAX_SECTION),
        created_by=actor,
    )
    data = {"kind": kind, "held_on": held_on.isoformat()}
    audit.record(thread=thread(p), target=p, action="key_activity", actor=actor, data=data)
    return act
