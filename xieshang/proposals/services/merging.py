"""Merging (并案): proposals about the same matter are handled as one group under a lead proposal;
the originals stay linked, and every proposer of the group receives the reply and rates it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, ServiceError
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import User

from ..channel import CHANNEL
from ..models import Proposal
from ..transitions import PROPOSAL
from .common import (
    MAX_NOTE,
    St,
    group_members,
    item_text,
    lock,
    notify_later,
    office_users,
    proposer_users,
    refresh_search,
    require_office,
    thread,
    url,
)
from .review import file_number


def _lock_pair(a_id: Any, b_id: Any) -> tuple[Proposal, Proposal]:
    """Lock two proposals in id order so that two merges never deadlock."""
    a, b = writes.as_id(a_id), writes.as_id(b_id)
    if a is None or b is None:
        return lock(a_id), lock(b_id)  # one of them is not an id: lock() says which is missing
    first, second = sorted([a, b])
    locked = {first: lock(first), second: lock(second)}
    return locked[a], locked[b]


def _group_users(lead: Proposal) -> list[User]:
    users: dict[int, User] = {}
    for p in group_members(lead):
        for u in proposer_users(p):
            users[u.pk] = u
    return list(users.values())


@transaction.atomic
def proposal_merge(*, actor: Any, proposal_id: int, lead_id: int, note: str = "") -> Proposal:
    """并案: join a proposal to a lead proposal's group. A submitted one is filed (numbered) at the same time;
    a filed one gives up its own unassigned item. The original is kept and linked; every proposer is told."""
    if writes.as_id(proposal_id) is not None and writes.as_id(proposal_id) == writes.as_id(lead_id):
        raise ServiceError("不能把提案并入它自己。")
    p, lead = _lock_pair(proposal_id, lead_id)
    require_office(actor, p)
    if lead.committee_id != p.committee_id or not lead.is_lead:
        raise ServiceError("主案须为本委员会已立案且未被并案的提案。")
    lead_item = Item.objects.select_for_update().get(pk=lead.item_id)
    if lead_item.status not in (Item.Status.PENDING, Item.Status.HANDLING):
        raise ConflictError("主案已答复或办结，不能再并入提案。")
    if p.merged.exists():
        raise ServiceError("该提案已是其他提案的主案，请先解除其下的并案。")
    PROPOSAL.check(p, "merge")
    if p.merged_into_id is not None:
        raise ConflictError("该提案已并入其他提案。")
    note = clean_text(note, field="并案说明", limit=MAX_NOTE, required=False)
    before = p.status
    if p.status == St.SUBMITTED:
        PROPOSAL.move(p, "file")
        file_number(p, actor, timezone.now())
    else:
        own = Item.objects.filter(pk=p.item_id).first()
        if own is not None and own.status != Item.Status.PENDING:
            raise ConflictError("该提案已交办，不能再并案。")
        if own is not None:
            loop.item_decline(item_id=own.pk, actor=actor, reason=f"并入{lead.number_label}办理")
        p.item = None
    p.merged_into = lead
    writes.save(p, "status", "number", "number_label", "reviewed_at", "reviewed_by", "merged_into", "item")
    data = {"lead": lead.number_label, "merged": p.number_label}
    audit.record(
        thread=thread(p),
        target=p,
        action="merge",
        actor=actor,
        from_state=before,
        to_state=p.status,
        reason=note,
        data=data,
    )
    audit.record(thread=thread(lead), target=lead, action="merge_lead", actor=actor, reason=note, data=data)
    notify_later(
        _group_users(lead) + office_users(p.committee_id),
        f"提案并案办理：{p.number_label} 并入 {lead.number_label}",
        f"「{p.title}」并入「{lead.title}」一并交办。每位提案人都会收到答复并评价。",
        url(lead),
    )
    refresh_search(p)
    return p


@transaction.atomic
def proposal_unmerge(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """解除并案: the proposal leaves the group and gets its own item in the assignment queue."""
    p = lock(proposal_id)
    if p.merged_into_id is None:
        raise ConflictError("该提案未并案。")
    p, lead = _lock_pair(p.pk, p.merged_into_id)
    require_office(actor, p)
    PROPOSAL.check(p, "unmerge")
    lead_item = Item.objects.get(pk=lead.item_id)
    if lead_item.status not in (Item.Status.PENDING, Item.Status.HANDLING):
        raise ConflictError("主案已答复或办结，不能再解除并案。")
    note = clean_text(note, field="解除并案的理由", limit=MAX_NOTE)
    users = _group_users(lead)
    p.merged_into = None
    p.item = loop.item_accept(
        committee=p.committee,
        channel=CHANNEL,
        title=p.title[: loop.MAX_TITLE],
        text=item_text(p),
        category=p.category,
        source=p,
        actor=actor,
    )
    writes.save(p, "merged_into", "item")
    data = {"lead": lead.number_label, "merged": p.number_label}
    audit.record(thread=thread(p), target=p, action="unmerge", actor=actor, reason=note, data=data)
    audit.record(thread=thread(lead), target=lead, action="unmerge_lead", actor=actor, reason=note, data=data)
    notify_later(
        users + office_users(p.committee_id),
        f"解除并案：{p.number_label} 不再随 {lead.number_label} 办理",
        note,
        url(p),
    )
    refresh_search(p)
    return p
