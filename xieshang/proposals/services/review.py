"""Review (审查) by the proposals office: 立案 with a case number, 不予立案 on a statutory ground,
退回修改, 转意见建议, and 转社情民意 with the first proposer's consent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xieshang.core import audit, writes
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.handling import services as loop

from ..channel import CHANNEL
from ..models import Category, NotFiledGround, NumberCounter, Proposal
from ..transitions import PROPOSAL
from .common import (
    MAX_NOTE,
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

# Other channels (社情民意) register here to turn a consented proposal into their record.
_opinion_hooks: list[Callable[[Proposal], str]] = []


def register_opinion_conversion(hook: Callable[[Proposal], str]) -> None:
    """``hook(proposal) -> reference`` is called after commit when a proposer consents to 转社情民意."""
    if hook not in _opinion_hooks:
        _opinion_hooks.append(hook)


def _note(value: Any, field: str, *, required: bool = True) -> str:
    return clean_text(value, field=field, limit=MAX_NOTE, required=required)


def _draw_number(p: Proposal) -> int:
    """The next case number of the committee, term and session; the counter row is locked until commit,
    so concurrent filings queue and a rolled-back filing gives its number back (no gaps, no repeats)."""
    NumberCounter.objects.get_or_create(committee_id=p.committee_id, term_id=p.term_id, session_id=p.session_id)
    counter = NumberCounter.objects.select_for_update().get(
        committee_id=p.committee_id, term_id=p.term_id, session_id=p.session_id
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def number_label(p: Proposal, number: int) -> str:
    return f"{p.session}第{number:04d}号"


def file_number(p: Proposal, actor: Any, now: dt.datetime) -> None:
    """Give a proposal being filed (立案, or 并案 of a submitted one) its case number."""
    if p.session_id is None:
        raise ServiceError("该提案没有所属会议，不能编号。")
    n = _draw_number(p)
    p.number, p.number_label = n, number_label(p, n)
    p.reviewed_at, p.reviewed_by = now, actor


@transaction.atomic
def proposal_file(
    *, actor: Any, proposal_id: int, category: str | None = None, note: str = "", expected_version: int | None = None
) -> Proposal:
    """立案: a number per committee, term and session, never reused; the proposal enters the loop's queue."""
    p = lock(proposal_id, expected_version)
    require_office(actor, p)
    if category:
        if category not in Category.values:
            raise ServiceError("提案类别无效。")
        p.category = category
    before = PROPOSAL.move(p, "file")
    file_number(p, actor, timezone.now())
    p.review_note = _note(note, "审查意见", required=False)
    p.item = loop.item_accept(
        committee=p.committee,
        channel=CHANNEL,
        title=f"{p.title}"[: loop.MAX_TITLE],
        text=item_text(p),
        category=p.category,
        source=p,
        actor=actor,
    )
    writes.save(p, "status", "number", "number_label", "reviewed_at", "reviewed_by", "review_note", "item", "category")
    audit.record(
        thread=thread(p),
        target=p,
        action="file",
        actor=actor,
        from_state=before,
        to_state=p.status,
        reason=p.review_note,
        data={"number": p.number_label},
    )
    notify_later(
        proposer_users(p),
        format_lazy(_("Proposal filed: {title}"), title=p.title),
        format_lazy(_("Case number {number}"), number=p.number_label),
        url(p),
    )
    refresh_search(p)
    return p


@transaction.atomic
def proposal_not_file(*, actor: Any, proposal_id: int, ground: str, note: str) -> Proposal:
    """不予立案: with one of the statutory grounds and a note that the proposer receives."""
    p = lock(proposal_id)
    require_office(actor, p)
    if ground not in NotFiledGround.values:
        raise ServiceError("请选择不予立案的理由。")
    note = _note(note, "给提案人的说明")
    before = PROPOSAL.move(p, "not_file")
    p.not_filed_ground, p.review_note = ground, note
    p.reviewed_at, p.reviewed_by = timezone.now(), actor
    writes.save(p, "status", "not_filed_ground", "review_note", "reviewed_at", "reviewed_by")
    audit.record(
        thread=thread(p),
        target=p,
        action="not_file",
        actor=actor,
        from_state=before,
        to_state=p.status,
        reason=note,
        data={"ground": ground},
    )
    notify_later(
        proposer_users(p),
        format_lazy(_("Proposal not filed: {title}"), title=p.title),
        format_lazy(_("Reason: {reason}. {note}"), reason=NotFiledGround(ground).label, note=note),
        url(p),
    )
    return p


@transaction.atomic
def proposal_return(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """退回修改: the first proposer edits and submits again."""
    p = lock(proposal_id)
    require_office(actor, p)
    note = _note(note, "修改意见")
    before = PROPOSAL.move(p, "return")
    p.review_note = note
    writes.save(p, "status", "review_note")
    audit.record(
        thread=thread(p), target=p, action="return", actor=actor, from_state=before, to_state=p.status, reason=note
    )
    notify_later(
        proposer_users(p), format_lazy(_("Proposal returned for revision: {title}"), title=p.title), note, url(p)
    )
    return p


@transaction.atomic
def proposal_to_suggestion(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """转意见建议: not a proposal, forwarded as a member's suggestion."""
    p = lock(proposal_id)
    require_office(actor, p)
    note = _note(note, "说明")
    before = PROPOSAL.move(p, "to_suggestion")
    p.review_note, p.reviewed_at, p.reviewed_by = note, timezone.now(), actor
    writes.save(p, "status", "review_note", "reviewed_at", "reviewed_by")
    audit.record(
        thread=thread(p),
        target=p,
        action="to_suggestion",
        actor=actor,
        from_state=before,
        to_state=p.status,
        reason=note,
    )
    notify_later(
        proposer_users(p), format_lazy(_("Proposal turned into a suggestion: {title}"), title=p.title), note, url(p)
    )
    return p


@transaction.atomic
def proposal_propose_opinion(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """拟转社情民意: asks the first proposer's consent; nothing is converted without it."""
    p = lock(proposal_id)
    require_office(actor, p)
    note = _note(note, "说明")
    before = PROPOSAL.move(p, "propose_opinion")
    p.review_note, p.opinion_consent = note, None
    writes.save(p, "status", "review_note", "opinion_consent")
    audit.record(
        thread=thread(p),
        target=p,
        action="propose_opinion",
        actor=actor,
        from_state=before,
        to_state=p.status,
        reason=note,
    )
    notify_later(
        proposer_users(p),
        format_lazy(_("Please confirm whether the proposal may become an opinion report: {title}"), title=p.title),
        note,
        url(p),
    )
    return p


@transaction.atomic
def proposal_opinion_consent(*, actor: Any, proposal_id: int, agree: bool) -> Proposal:
    """The first proposer agrees (转社情民意) or refuses (back to the office's review queue)."""
    p = lock(proposal_id)
    if not p.proposers.filter(Q(member__user=actor) | Q(user=actor), order=1).exists():
        raise PermissionDeniedError("只有第一提案人可以决定是否同意转为社情民意信息。")
    before = PROPOSAL.move(p, "opinion_agree" if agree else "opinion_refuse")
    p.opinion_consent = agree
    writes.save(p, "status", "opinion_consent")
    action = "opinion_consent" if agree else "opinion_refuse"
    audit.record(thread=thread(p), target=p, action=action, actor=actor, from_state=before, to_state=p.status)
    notify_later(
        office_users(p.committee_id),
        f"提案人{'同意' if agree else '不同意'}转为社情民意信息：{p.title}",
        "" if agree else "已回到待审查队列。",
        url(p),
    )
    if agree:
        pid = p.pk
        transaction.on_commit(lambda: _run_opinion_hooks(pid))
    return p


def _run_opinion_hooks(proposal_id: int) -> None:
    p = Proposal.objects.get(pk=proposal_id)
    for hook in list(_opinion_hooks):
        ref = hook(p)
        if ref:
            Proposal.objects.filter(pk=p.pk).update(opinion_ref=str(ref)[:40])
