"""Drafting: a member (or staff on their behalf) writes a proposal, names co-signers, attaches files
and submits it; co-signers confirm before it reaches the proposals office."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Member, Sector, SpecialCommittee

from .. import permissions as perms
from ..models import Attachment, Category, Proposal, Proposer, Suggestion
from ..transitions import PROPOSAL
from .common import (
    MAX_SECTION,
    MAX_TITLE,
    PK,
    St,
    current_term,
    lock,
    notify_later,
    office_users,
    refresh_search,
    session_for,
    thread,
    url,
)

ATTACHMENT_TYPES = {
    "pdf": (b"%PDF",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK\x03\x04",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG",),
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_COUNT = 10
# A suggestion usually starts a line with 一、 / 1. / （1） / ① ...
_SUGGESTION_LINE = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[①-⑳])")

DRAFT_FIELDS = ("title", "situation", "analysis", "suggestions", "category", "suggested_units", "integrity")


MAX_SUGGESTIONS = 50


def split_suggestions(text: str, *, numbered_only: bool = False) -> list[str]:
    """The suggestions of a 建议 text, one item each, without their numbers.

    Numbered lines (一、 1. （1） ① …) each start a suggestion and the unnumbered lines after one
    continue it; lines before the first number (为此建议：) introduce them and are no suggestion.
    Text without numbers has one suggestion per line, or none with ``numbered_only`` (an imported
    text whose suggestions cannot be told apart)."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not any(_SUGGESTION_LINE.match(ln) for ln in lines):
        return [] if numbered_only else lines
    items: list[str] = []
    for ln in lines:
        m = _SUGGESTION_LINE.match(ln)
        if m:
            items.append(ln[m.end() :].strip() or ln)
        elif items:
            items[-1] = f"{items[-1]}\n{ln}"
    return items


def count_suggestions(text: str) -> int:
    """Numbered items count as suggestions; without numbers, each line with content is one."""
    return len(split_suggestions(text))


def set_suggestions(p: Proposal, items: list[str]) -> None:
    """Keep the proposal's suggestion records equal to ``items`` (numbered from 1), changing only what
    changed. Called inside the proposal's lock, while its text may still be edited."""
    existing = {s.number: s for s in p.suggestion_items.all()}
    for number, text in enumerate(items, start=1):
        row = existing.pop(number, None)
        if row is None:
            Suggestion.objects.create(proposal=p, number=number, text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])
    if existing:
        Suggestion.objects.filter(pk__in=[s.pk for s in existing.values()]).delete()


def _apply_draft(p: Proposal, data: dict[str, Any]) -> list[str]:
    p.title = clean_text(data.get("title"), field="提案标题", limit=MAX_TITLE, min_len=4, single_line=True)
    p.situation = clean_text(data.get("situation"), field="情况", limit=MAX_SECTION, required=False)
    p.analysis = clean_text(data.get("analysis"), field="分析", limit=MAX_SECTION, required=False)
    p.suggestions = clean_text(data.get("suggestions"), field="建议", limit=MAX_SECTION, required=False)
    category = data.get("category") or ""
    if category and category not in Category.values:
        raise ServiceError("提案类别无效。")
    p.category = category
    p.suggested_units = clean_text(
        data.get("suggested_units"), field="建议承办单位", limit=200, required=False, single_line=True
    )
    integrity = data.get("integrity") or ""
    if integrity and integrity not in Proposal.Integrity.values:
        raise ServiceError("诚信声明选项无效。")
    p.integrity = integrity
    p.declared = bool(data.get("declared"))
    items = split_suggestions(p.suggestions)
    if len(items) > MAX_SUGGESTIONS:
        raise ServiceError(f"建议最多 {MAX_SUGGESTIONS} 条，请合并相近的建议。")
    p.suggestion_count = len(items)
    return items


def _body_name(value: Any, field: str, *, required: bool) -> str:
    return clean_text(value, field=field, limit=100, required=required, single_line=True)


def _set_proposer_kind(p: Proposal, actor: Any, data: dict[str, Any], member: Member | None) -> Proposer:
    """The first proposer: the member themself, or a body (党派团体/专委会/界别) entered by staff or its contact."""
    kind = data.get("proposer_kind") or (PK.MEMBER if member else "")
    if kind not in PK.values:
        raise ServiceError("请选择提案人类型。")
    p.proposer_kind = kind
    p.sector = None
    p.special_committee = None
    if kind in (PK.MEMBER, PK.JOINT):
        if member is None:
            raise ServiceError("委员提案须由委员本人提出，或由工作人员代为录入并选择委员。")
        p.organisation_name = ""
        return Proposer(proposal=p, order=1, member=member, name=member.name, confirmed_at=timezone.now())
    if kind == PK.SPECIAL_COMMITTEE:
        special = SpecialCommittee.objects.filter(
            pk=writes.as_id(data.get("special_committee_id")), committee=p.committee
        ).first()
        if special is None:
            raise ServiceError("请选择专委会。")
        p.special_committee, p.organisation_name = special, special.name
    elif kind == PK.SECTOR:
        sector = Sector.objects.filter(pk=writes.as_id(data.get("sector_id")), committee=p.committee).first()
        name = _body_name(data.get("organisation_name"), "界别或小组名称", required=False)
        if sector is None and not name:
            raise ServiceError("请选择界别或填写小组名称。")
        p.sector, p.organisation_name = sector, name or f"{sector.name}界别"  # type: ignore[union-attr]
    else:
        p.organisation_name = _body_name(data.get("organisation_name"), "党派团体名称", required=True)
    return Proposer(proposal=p, order=1, user=actor, name=p.organisation_name, confirmed_at=timezone.now())


@transaction.atomic
def proposal_save_draft(
    *,
    actor: Any,
    data: dict[str, Any],
    proposal_id: int | None = None,
    token: Any = None,
    on_behalf_of: Member | None = None,
) -> Proposal:
    """Create or edit a draft (草稿). Members draft their own; staff may enter one on a member's or a body's behalf
    (代录入, marked as such). With ``token`` a repeated create returns the first draft.

    The 建议 text becomes the proposal's suggestion records (``split_suggestions``), renewed at each
    save while the draft is open; ``suggestion_count`` is their number."""
    if proposal_id is None:
        committee = getattr(actor, "committee", None)
        if not perms.is_committee_staff(actor) and perms.member_of(actor) is None:
            raise PermissionDeniedError("只有委员或政协机关工作人员可以起草提案。")
        if committee is None:
            raise ServiceError("您的账号未关联政协委员会。")
        if token:
            try:
                token = uuid.UUID(str(token))
            except ValueError:
                raise ServiceError("表单已失效，请刷新页面后重新提交。") from None
            existing = Proposal.objects.filter(client_token=token).first()
            if existing is not None:
                if existing.created_by_id != actor.pk:
                    raise ServiceError("表单已失效，请刷新页面后重新提交。")
                return existing
        member = perms.member_of(actor)
        if perms.is_committee_staff(actor):
            member = on_behalf_of
            if member is not None and member.committee_id != committee.pk:
                raise ServiceError("所选委员不属于本委员会。")
        p = Proposal(
            committee=committee,
            term=current_term(committee),
            created_by=actor,
            client_token=token or None,
            entered_by_staff=perms.is_committee_staff(actor),
        )
        items = _apply_draft(p, data)
        first = _set_proposer_kind(p, actor, data, member)
        p.save()
        first.proposal = p
        first.save()
        set_suggestions(p, items)
        audit.record(thread=thread(p), target=p, action="draft", actor=actor, to_state=p.status)
    else:
        p = lock(proposal_id)
        if not perms.is_drafter(actor, p):
            raise PermissionDeniedError("只有第一提案人可以修改草稿。")
        PROPOSAL.check(p, "edit")
        before = p.status
        if PROPOSAL.can(p, "reopen"):
            # Editing text that co-signers already confirmed takes it back to a draft: they confirm again.
            PROPOSAL.move(p, "reopen")
            p.proposers.filter(order__gt=1).update(confirmed_at=None)
        items = _apply_draft(p, data)
        writes.save(p, *DRAFT_FIELDS, "declared", "suggestion_count", "status")
        set_suggestions(p, items)
        audit.record(thread=thread(p), target=p, action="edit", actor=actor, from_state=before, to_state=p.status)
    refresh_search(p)
    return p


@transaction.atomic
def proposal_set_cosigners(*, actor: Any, proposal_id: int, member_ids: Sequence[int]) -> Proposal:
    """联名: the first proposer names co-signers; each must confirm before the proposal is submitted."""
    p = lock(proposal_id)
    if not perms.is_drafter(actor, p):
        raise PermissionDeniedError("只有第一提案人可以设置联名人。")
    PROPOSAL.check(p, "edit")
    if p.proposer_kind not in (PK.MEMBER, PK.JOINT):
        raise ServiceError("只有委员提案可以联名。")
    first = p.proposers.get(order=1)
    ids = [writes.as_id(m) for m in member_ids if str(m).strip()]
    if None in ids:
        raise ServiceError("联名人须为本委员会委员。")
    wanted = list(dict.fromkeys(i for i in ids if i is not None))
    members = {m.pk: m for m in Member.objects.filter(pk__in=wanted, committee_id=p.committee_id)}
    if len(members) != len(wanted):
        raise ServiceError("联名人须为本委员会委员。")
    if first.member_id in members:
        raise ServiceError("第一提案人不能同时是联名人。")
    keep = set(members)
    p.proposers.filter(order__gt=1).exclude(member_id__in=keep).delete()
    existing = set(p.proposers.filter(order__gt=1).values_list("member_id", flat=True))
    order = (p.proposers.order_by("-order").values_list("order", flat=True).first() or 1) + 1
    for mid in wanted:
        if mid not in existing:
            Proposer.objects.create(proposal=p, order=order, member=members[mid], name=members[mid].name)
            order += 1
    p.proposer_kind = PK.JOINT if wanted else PK.MEMBER
    before = p.status
    if PROPOSAL.can(p, "reopen"):
        PROPOSAL.move(p, "reopen")
    writes.save(p, "proposer_kind", "status")
    audit.record(
        thread=thread(p),
        target=p,
        action="cosigners",
        actor=actor,
        from_state=before,
        to_state=p.status,
        data={"members": [members[m].name for m in wanted]},
    )
    refresh_search(p)
    return p


def pending_cosigners(p: Proposal) -> list[Proposer]:
    return list(p.proposers.filter(order__gt=1, confirmed_at__isnull=True, declined_at__isnull=True))


def _check_complete(p: Proposal) -> None:
    missing = [
        name for name, value in (("情况", p.situation), ("分析", p.analysis), ("建议", p.suggestions)) if not value
    ]
    if missing:
        raise ServiceError(f"提案须有情况、有分析、有建议，请填写：{'、'.join(missing)}。")
    if p.suggestion_count < 1:
        raise ServiceError("请至少提出一条具体建议。")
    if not p.integrity or not p.declared:
        raise ServiceError("请选择诚信声明并确认所述内容真实。")


@transaction.atomic
def proposal_submit(*, actor: Any, proposal_id: int, on: dt.date | None = None) -> Proposal:
    """提交: complete drafts go to the proposals office; a joint proposal first waits for every co-signer.

    The session window decides 大会提案 or 平时提案. Staff entering a paper proposal may give the day it
    was handed in (``on``)."""
    p = lock(proposal_id)
    if not perms.is_drafter(actor, p):
        raise PermissionDeniedError("只有第一提案人可以提交提案。")
    PROPOSAL.check(p, "submit")
    _check_complete(p)
    day = on if (on and perms.is_committee_staff(actor)) else timezone.localdate()
    session, kind = session_for(p.term, day)
    if session is None:
        raise ServiceError("尚未设置本届的会议，暂不能提交提案，请联系提案委。")
    p.session, p.kind, p.year = session, kind, session.opens_on.year if kind == Proposal.Kind.PLENARY else day.year
    waiting = pending_cosigners(p)
    if waiting and not perms.is_committee_staff(actor):
        move = "await_cosigners"
    else:
        if waiting:  # staff entering a paper proposal: the co-signers signed on paper
            p.proposers.filter(pk__in=[w.pk for w in waiting]).update(confirmed_at=timezone.now())
        move = "submit"
    if p.status == St.COSIGNING and move == "await_cosigners":
        return p
    before = PROPOSAL.move(p, move)
    p.submitted_at = timezone.now() if p.status == St.SUBMITTED else None
    writes.save(p, "status", "session", "kind", "year", "submitted_at")
    audit.record(
        thread=thread(p),
        target=p,
        action="submit",
        actor=actor,
        from_state=before,
        to_state=p.status,
        data={"kind": kind},
    )
    if p.status == St.COSIGNING:
        users = [w.member.user for w in waiting if w.member_id and w.member.user_id]
        notify_later(
            users,
            format_lazy(_("Please confirm co-signing: {title}"), title=p.title),
            _("Once confirmed, the proposal can go to review."),
            url(p),
        )
    else:
        notify_later(office_users(p.committee_id), f"新提案待审查：{p.title}", _kind_label(p), url(p))
    return p


def cosign_status_message(p: Proposal) -> str:
    """Why a joint proposal is not yet submitted."""
    waiting = pending_cosigners(p)
    if p.status != St.COSIGNING or not waiting:
        return ""
    names = "、".join(w.name for w in waiting)
    return f"尚有 {len(waiting)} 位联名人未确认（{names}），全部确认后提案才正式提交审查；在此之前仍为草稿。"


@transaction.atomic
def proposal_cosign(*, actor: Any, proposal_id: int, agree: bool, member_id: int | None = None) -> Proposal:
    """A co-signer confirms (or declines) being named; staff may record it for a member who is offline.

    When nobody is left to answer, the proposal is submitted to the office."""
    p = lock(proposal_id)
    qs = p.proposers.filter(order__gt=1)
    if perms.is_committee_staff(actor) and member_id:
        pr = qs.filter(member_id=member_id).first()
    else:
        pr = qs.filter(member__user=actor).first() if getattr(actor, "is_authenticated", False) else None
    if pr is None:
        raise NotFoundError("未找到该提案。")
    PROPOSAL.check(p, "cosign")
    if pr.confirmed_at or pr.declined_at:
        raise ConflictError("您已经确认过了。")
    now = timezone.now()
    if agree:
        pr.confirmed_at = now
    else:
        pr.declined_at = now
    pr.save(update_fields=["confirmed_at", "declined_at"])
    action = "cosign" if agree else "cosign_decline"
    audit.record(thread=thread(p), target=p, action=action, actor=actor, data={"member": pr.name})
    first_users = [x.member.user for x in p.proposers.filter(order=1) if x.member_id and x.member.user_id]
    notify_later(first_users, f"{pr.name}{'确认' if agree else '拒绝'}联名：{p.title}", "", url(p))
    if not p.proposers.filter(order__gt=1, declined_at__isnull=True).exists():
        p.proposer_kind = PK.MEMBER
        writes.save(p, "proposer_kind")
    if p.status == St.COSIGNING and not pending_cosigners(p):
        before = PROPOSAL.move(p, "submit")
        p.submitted_at = now
        writes.save(p, "status", "submitted_at")
        audit.record(
            thread=thread(p),
            target=p,
            action="submit",
            actor=actor,
            from_state=before,
            to_state=p.status,
            reason="联名人均已确认",
        )
        notify_later(office_users(p.committee_id), f"新提案待审查：{p.title}", _kind_label(p), url(p))
    refresh_search(p)
    return p


def _check_attachment(name: str, size: int, head: bytes) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ServiceError("附件只能是 PDF、Word（doc/docx）或图片（jpg/png）。")
    if size > ATTACHMENT_MAX_BYTES:
        raise ServiceError(f"附件「{name}」超过 10 MB。")
    if size == 0 or not any(head.startswith(sig) for sig in ATTACHMENT_TYPES[ext]):
        raise ServiceError(f"附件「{name}」的内容与文件类型不符。")
    return ext


@transaction.atomic
def attachment_add(*, actor: Any, proposal_id: int, upload: Any) -> Attachment:
    """附件: pdf/doc/docx/jpg/png, at most 10 MB each and 10 in all, while the proposal can be edited."""
    p = lock(proposal_id)
    if not perms.is_drafter(actor, p):
        raise PermissionDeniedError("只有第一提案人可以上传附件。")
    PROPOSAL.check(p, "edit")
    if p.attachments.count() >= ATTACHMENT_MAX_COUNT:
        raise ServiceError(f"附件最多 {ATTACHMENT_MAX_COUNT} 个。")
    name = clean_text(getattr(upload, "name", ""), field="文件名", limit=200, single_line=True).replace("/", "_")
    head = upload.read(8)
    upload.seek(0)
    _check_attachment(name, upload.size, head)
    att = Attachment(proposal=p, name=name, size=upload.size, uploaded_by=actor)
    att.file.save(f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
    att.save()
    audit.record(thread=thread(p), target=p, action="attach", actor=actor, data={"name": name, "size": upload.size})
    return att


@transaction.atomic
def attachment_remove(*, actor: Any, attachment_id: int) -> None:
    att = Attachment.objects.filter(pk=writes.as_id(attachment_id)).first()
    if att is None:
        raise NotFoundError("未找到该附件。")
    p = lock(att.proposal_id)
    if not perms.is_drafter(actor, p):
        raise PermissionDeniedError("只有第一提案人可以删除附件。")
    PROPOSAL.check(p, "edit")
    audit.record(thread=thread(p), target=p, action="detach", actor=actor, data={"name": att.name})
    att.file.delete(save=False)
    att.delete()


def _kind_label(p: Proposal) -> Any:
    """大会提案 / 平时提案, written in each recipient's language (not the submitter's)."""
    return Proposal.Kind(p.kind).label if p.kind else ""
