"""Disclosure (公开): a passed reply is published on the public portal with contact details masked
(``redaction.py``), and can be withdrawn with a reason that stays in the proposal's history."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, ServiceError
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Reply

from ..models import PublishedReply
from ..redaction import redact
from ..transitions import PROPOSAL
from .common import MAX_NOTE, lock, require_office, thread


@transaction.atomic
def reply_publish(
    *, actor: Any, proposal_id: int, reply_id: int, body: str | None = None, extra_redactions: str = ""
) -> PublishedReply:
    """公开答复: a passed reply is published with phone numbers, ID numbers and e-mail addresses masked,
    and any further words the office lists (one per line) masked too."""
    p = lock(proposal_id)
    require_office(actor, p)
    PROPOSAL.check(p, "publish")
    lead = p.group_lead
    reply = (
        Reply.objects.select_related("assignment__unit")
        .filter(pk=writes.as_id(reply_id), assignment__item_id=lead.item_id)
        .first()
    )
    if reply is None:
        raise NotFoundError("未找到该答复。")
    if reply.review != Reply.Review.PASSED:
        raise ServiceError("答复审核通过后才能公开。")
    if PublishedReply.objects.filter(reply=reply, withdrawn_at__isnull=True).exists():
        raise ConflictError("该答复已公开。")
    text = clean_text(body if body is not None else reply.body, field="公开文本", limit=loop.MAX_TEXT)
    words = [w for w in re.split(r"[\n,，、;；]", extra_redactions or "") if w.strip()]
    pub = PublishedReply.objects.create(
        proposal=lead,
        reply=reply,
        unit_name=reply.assignment.unit.name,
        title=f"关于{lead.number_label}「{lead.title}」的答复"[:200],
        body=redact(text, words),
        published_at=timezone.now(),
        published_by=actor,
    )
    audit.record(thread=thread(lead), target=lead, action="publish", actor=actor, data={"reply": reply.pk})
    return pub


@transaction.atomic
def reply_unpublish(*, actor: Any, publication_id: int, reason: str) -> PublishedReply:
    """撤销公开: the reply leaves the portal; the record stays, with when it was withdrawn, by whom and why
    (the proposal's history). It can be published again afterwards."""
    proposal_id = (
        PublishedReply.objects.filter(pk=writes.as_id(publication_id)).values_list("proposal_id", flat=True).first()
    )
    if proposal_id is None:
        raise NotFoundError("未找到该公开答复。")
    p = lock(proposal_id)
    require_office(actor, p)
    PROPOSAL.check(p, "unpublish")
    # Read again under the proposal's lock: of two submits at once, the second finds it withdrawn.
    pub = PublishedReply.objects.get(pk=publication_id)
    if pub.withdrawn_at is not None:
        raise ConflictError("该答复已撤销公开。")
    reason = clean_text(reason, field="撤销公开的理由", limit=MAX_NOTE)
    pub.withdrawn_at = timezone.now()
    pub.save(update_fields=["withdrawn_at"])
    audit.record(
        thread=thread(p),
        target=p,
        action="unpublish",
        actor=actor,
        reason=reason,
        data={"reply": pub.reply_id, "title": pub.title},
    )
    return pub
