"""Adopted suggestions and excellent proposals (优秀提案).

- ``suggestions_adopt``: the loop's reply service records, through the channel's ``adopt`` hook, which
  of the proposal group's suggestions a unit's reply adopts (checked against ``selectors.adoptable``
  before it is called).
- ``proposal_mark_excellent`` / ``proposal_unmark_excellent``: the proposals office marks a closed
  proposal excellent for a year, or takes the mark back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, ServiceError
from xieshang.core.params import to_year
from xieshang.core.text import clean_text
from xieshang.handling.models import Reply

from ..models import AdoptedSuggestion, ExcellentProposal, Proposal
from ..transitions import PROPOSAL
from .common import MAX_NOTE, lock, require_office, thread


def suggestions_adopt(reply: Reply, suggestion_ids: list[int]) -> None:
    """The suggestions a unit's reply adopts, one row each (the loop's ``assignment_reply`` has checked
    them against the item's suggestions, in its transaction and under the assignment's lock)."""
    AdoptedSuggestion.objects.bulk_create(
        [AdoptedSuggestion(reply=reply, suggestion_id=pk) for pk in suggestion_ids], ignore_conflicts=True
    )


@transaction.atomic
def proposal_mark_excellent(
    *, actor: Any, proposal_id: int, year: Any, note: str = "", expected_version: int | None = None
) -> ExcellentProposal:
    """优秀提案: the proposals office marks a filed proposal whose handling is closed (办结) as excellent for
    a year — the proposal's own year or a later one, not a year still to come. Audited on the
    proposal's thread; a second mark is refused."""
    p = lock(proposal_id, expected_version)
    require_office(actor, p)
    PROPOSAL.check(p, "excellent")
    if p.handling != Proposal.Handling.CLOSED:
        raise ServiceError("只有已办结的提案可以评为优秀提案。")
    chosen = to_year(year)
    if chosen is None:
        raise ServiceError("请填写评选年度（如 2022）。")
    this_year = timezone.localdate().year
    if p.year and chosen < p.year:
        raise ServiceError(f"评选年度不能早于提案年度（{p.year}）。")
    if chosen > this_year:
        raise ServiceError(f"评选年度不能晚于今年（{this_year}）。")
    if p.is_excellent or ExcellentProposal.objects.filter(proposal=p).exists():
        raise ConflictError("该提案已评为优秀提案。")
    mark = ExcellentProposal.objects.create(
        proposal=p,
        year=chosen,
        note=clean_text(note, field="说明", limit=MAX_NOTE, required=False),
        marked_by=actor,
        marked_at=timezone.now(),
    )
    p.is_excellent = True
    writes.save(p, "is_excellent")
    audit.record(thread=thread(p), target=p, action="excellent", actor=actor, data={"year": chosen})
    return mark


@transaction.atomic
def proposal_unmark_excellent(
    *, actor: Any, proposal_id: int, reason: str = "", expected_version: int | None = None
) -> Proposal:
    """撤销优秀提案: the proposals office takes the mark back; the audit row keeps the year it had."""
    p = lock(proposal_id, expected_version)
    require_office(actor, p)
    mark = ExcellentProposal.objects.filter(proposal=p).first()
    if mark is None or not p.is_excellent:
        raise ConflictError("该提案不是优秀提案。")
    reason = clean_text(reason, field="撤销理由", limit=MAX_NOTE, required=False)
    year = mark.year
    mark.delete()
    p.is_excellent = False
    writes.save(p, "is_excellent")
    audit.record(thread=thread(p), target=p, action="unexcellent", actor=actor, reason=reason, data={"year": year})
    return p
