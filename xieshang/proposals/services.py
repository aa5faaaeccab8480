"""Every change to a proposal is one service here.

Each service locks the proposal row (``select_for_update``), checks the actor's permission
(``permissions.py``) and that the move is allowed from the current state (``ALLOWED``), saves with
``update_fields``, bumps ``version``, writes an audit row (thread ``proposal:<id>``) and queues
notifications with ``transaction.on_commit``. Handling after filing is the loop engine's
(``xieshang.handling.services``); the wrappers here add the proposal-specific checks.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xieshang.core import audit
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.notify import notify
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply
from xieshang.organisations.models import Leader, Member, Sector, Session, SpecialCommittee, Term, Unit, User

from . import permissions as perms
from .channel import CHANNEL
from .models import (
    Attachment,
    Category,
    KeyProposal,
    NotFiledGround,
    NumberCounter,
    Proposal,
    Proposer,
    PublishedReply,
    SupervisionActivity,
)
from .redaction import redact

St = Proposal.Status
PK = Proposal.ProposerKind

ALLOWED: dict[str, set[str]] = {
    St.DRAFT: {St.COSIGNING, St.SUBMITTED},
    St.RETURNED: {St.COSIGNING, St.SUBMITTED},
    St.COSIGNING: {St.SUBMITTED, St.DRAFT},
    St.SUBMITTED: {St.FILED, St.NOT_FILED, St.SUGGESTION, St.OPINION_CONSENT, St.RETURNED},
    St.OPINION_CONSENT: {St.OPINION, St.SUBMITTED},
    St.FILED: set(),
    St.NOT_FILED: set(),
    St.SUGGESTION: set(),
    St.OPINION: set(),
}
DRAFTING = (St.DRAFT, St.RETURNED, St.COSIGNING)

MAX_TITLE = 120
MAX_SECTION = 8000
MAX_NOTE = 2000
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
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A suggestion usually starts a line with 一、 / 1. / （1） / ① ...
_SUGGESTION_LINE = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[①-⑳])")

# Other channels (社情民意) register here to turn a consented proposal into their record.
_opinion_hooks: list[Callable[[Proposal], str]] = []


def register_opinion_conversion(hook: Callable[[Proposal], str]) -> None:
    """``hook(proposal) -> reference`` is called after commit when a proposer consents to 转社情民意."""
    if hook not in _opinion_hooks:
        _opinion_hooks.append(hook)


# --- helpers -------------------------------------------------------------------------------


def _clean(value: Any, field: str, limit: int, *, required: bool = False, min_len: int = 0) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    if required and not text:
        raise ServiceError(f"请填写{field}。")
    if text and len(text) < min_len:
        raise ServiceError(f"{field}太短，请至少写 {min_len} 个字。")
    if len(text) > limit:
        raise ServiceError(f"{field}不能超过 {limit} 字（现有 {len(text)} 字）。")
    return text


def count_suggestions(text: str) -> int:
    """Numbered lines count as suggestions; unnumbered text with content counts as one."""
    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    numbered = sum(1 for ln in lines if _SUGGESTION_LINE.match(ln))
    return numbered or (1 if lines else 0)


def _lock(proposal_id: Any, expected_version: int | None = None) -> Proposal:
    try:
        p = Proposal.objects.select_for_update().get(pk=int(proposal_id))
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该提案。") from None
    if expected_version is not None and p.version != expected_version:
        raise ConflictError("该提案刚刚已被他人处理，页面上的信息已过时。请刷新后再操作。")
    return p


def _move(p: Proposal, to: str, doing: str) -> str:
    if to not in ALLOWED.get(p.status, set()):
        raise ConflictError(f"该提案当前为「{p.get_status_display()}」，不能{doing}。请刷新页面查看最新状态。")
    before = p.status
    p.status = to
    return before


def _save(p: Proposal, *fields: str) -> None:
    p.version += 1
    p.save(update_fields=[*fields, "version"])


def _log(p: Proposal, action: str, actor: Any, *, frm: str = "", to: str = "", reason: str = "", data=None) -> None:
    audit.record(
        thread=f"proposal:{p.pk}",
        target=p,
        action=action,
        actor=actor,
        from_state=frm,
        to_state=to,
        reason=reason,
        data=data,
    )


def _url(p: Proposal) -> str:
    return f"/proposals/{p.pk}/"


def _proposer_users(p: Proposal) -> list[User]:
    users = []
    for pr in p.proposers.select_related("member__user", "user").filter(declined_at__isnull=True):
        u = pr.member.user if pr.member_id and pr.member.user_id else pr.user
        if u is not None:
            users.append(u)
    return users


def _office_users(committee_id: int) -> list[User]:
    return list(
        User.objects.filter(
            committee_id=committee_id, role=User.Role.OFFICE, office=User.Office.PROPOSALS, is_active=True
        )
    )


def _notify_later(users: Iterable[User], title: str, body: str, url: str) -> None:
    users = list(users)
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url))


def search_text_for(p: Proposal) -> str:
    """What Chinese search matches: case number, title, text, proposers and handling units."""
    parts = [p.number_label, p.title, p.situation, p.analysis, p.suggestions, p.organisation_name]
    parts += list(p.proposers.filter(declined_at__isnull=True).values_list("name", flat=True))
    item_id = p.group_lead.item_id if p.merged_into_id else p.item_id
    if item_id:
        parts += list(
            Assignment.objects.filter(item_id=item_id)
            .exclude(status=Assignment.Status.WITHDRAWN)
            .values_list("unit__name", flat=True)
        )
    return "\n".join(x for x in parts if x).lower()


def _refresh_search(p: Proposal) -> None:
    p.search_text = search_text_for(p)
    Proposal.objects.filter(pk=p.pk).update(search_text=p.search_text)


def current_term(committee) -> Term:
    term = Term.objects.filter(committee=committee, is_current=True).first()
    term = term or Term.objects.filter(committee=committee).order_by("-number").first()
    if term is None:
        raise ServiceError("尚未设置本届委员会的届次，请联系提案委。")
    return term


def session_for(term: Term, day: dt.date) -> tuple[Session | None, str]:
    """大会提案 when the day falls in a session's proposal window; otherwise 平时提案 of the latest session."""
    sessions = Session.objects.filter(term=term)
    plenary = sessions.filter(proposals_from__lte=day, proposals_until__gte=day).order_by("-opens_on").first()
    if plenary:
        return plenary, Proposal.Kind.PLENARY
    latest = sessions.filter(opens_on__lte=day).order_by("-opens_on").first()
    return latest or sessions.order_by("opens_on").first(), Proposal.Kind.REGULAR


# --- drafting ------------------------------------------------------------------------------

DRAFT_FIELDS = ("title", "situation", "analysis", "suggestions", "category", "suggested_units", "integrity")


def _apply_draft(p: Proposal, data: dict[str, Any]) -> None:
    p.title = _clean(data.get("title"), "提案标题", MAX_TITLE, required=True, min_len=4)
    p.situation = _clean(data.get("situation"), "情况", MAX_SECTION)
    p.analysis = _clean(data.get("analysis"), "分析", MAX_SECTION)
    p.suggestions = _clean(data.get("suggestions"), "建议", MAX_SECTION)
    category = data.get("category") or ""
    if category and category not in Category.values:
        raise ServiceError("提案类别无效。")
    p.category = category
    p.suggested_units = _clean(data.get("suggested_units"), "建议承办单位", 200)
    integrity = data.get("integrity") or ""
    if integrity and integrity not in Proposal.Integrity.values:
        raise ServiceError("诚信声明选项无效。")
    p.integrity = integrity
    p.declared = bool(data.get("declared"))
    given = data.get("suggestion_count")
    try:
        n = int(given) if given not in (None, "") else count_suggestions(p.suggestions)
    except (TypeError, ValueError):
        raise ServiceError("建议条数须为整数。") from None
    if not 0 <= n <= 50:
        raise ServiceError("建议条数须在 0 到 50 之间。")
    p.suggestion_count = n


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
        sc = SpecialCommittee.objects.filter(pk=data.get("special_committee_id") or 0, committee=p.committee).first()
        if sc is None:
            raise ServiceError("请选择专委会。")
        p.special_committee, p.organisation_name = sc, sc.name
    elif kind == PK.SECTOR:
        sector = Sector.objects.filter(pk=data.get("sector_id") or 0, committee=p.committee).first()
        name = _clean(data.get("organisation_name"), "界别或小组名称", 100)
        if sector is None and not name:
            raise ServiceError("请选择界别或填写小组名称。")
        p.sector, p.organisation_name = sector, name or f"{sector.name}界别"
    else:
        p.organisation_name = _clean(data.get("organisation_name"), "党派团体名称", 100, required=True)
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
    (代录入, marked as such). With ``token`` a repeated create returns the first draft."""
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
        _apply_draft(p, data)
        first = _set_proposer_kind(p, actor, data, member)
        p.save()
        first.proposal = p
        first.save()
        _log(p, "draft", actor, to=p.status)
    else:
        p = _lock(proposal_id)
        if not perms.can_edit(actor, p):
            raise PermissionDeniedError("只有第一提案人可以修改草稿。")
        before = p.status
        if p.status == St.COSIGNING:
            # Editing text that co-signers already confirmed takes it back to a draft: they confirm again.
            p.status = St.DRAFT
            p.proposers.filter(order__gt=1).update(confirmed_at=None)
        _apply_draft(p, data)
        _save(p, *DRAFT_FIELDS, "declared", "suggestion_count", "status")
        _log(p, "edit", actor, frm=before, to=p.status)
    _refresh_search(p)
    return p


@transaction.atomic
def proposal_set_cosigners(*, actor: Any, proposal_id: int, member_ids: Sequence[int]) -> Proposal:
    """联名: the first proposer names co-signers; each must confirm before the proposal is submitted."""
    p = _lock(proposal_id)
    if not perms.can_edit(actor, p):
        raise PermissionDeniedError("只有第一提案人可以设置联名人。")
    if p.proposer_kind not in (PK.MEMBER, PK.JOINT):
        raise ServiceError("只有委员提案可以联名。")
    first = p.proposers.get(order=1)
    wanted = list(dict.fromkeys(int(m) for m in member_ids if str(m).strip()))
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
    if p.status == St.COSIGNING:
        p.status = St.DRAFT
    _save(p, "proposer_kind", "status")
    _log(p, "cosigners", actor, frm=before, to=p.status, data={"members": [members[m].name for m in wanted]})
    _refresh_search(p)
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
    p = _lock(proposal_id)
    if not perms.can_edit(actor, p):
        raise PermissionDeniedError("只有第一提案人可以提交提案。")
    _check_complete(p)
    day = on if (on and perms.is_committee_staff(actor)) else timezone.localdate()
    session, kind = session_for(p.term, day)
    if session is None:
        raise ServiceError("尚未设置本届的会议，暂不能提交提案，请联系提案委。")
    p.session, p.kind, p.year = session, kind, session.opens_on.year if kind == Proposal.Kind.PLENARY else day.year
    waiting = pending_cosigners(p)
    if waiting and not perms.is_committee_staff(actor):
        to = St.COSIGNING
    else:
        if waiting:  # staff entering a paper proposal: the co-signers signed on paper
            p.proposers.filter(pk__in=[w.pk for w in waiting]).update(confirmed_at=timezone.now())
        to = St.SUBMITTED
    if p.status == to:
        return p
    before = _move(p, to, "提交")
    p.submitted_at = timezone.now() if to == St.SUBMITTED else None
    _save(p, "status", "session", "kind", "year", "submitted_at")
    _log(p, "submit", actor, frm=before, to=p.status, data={"kind": kind})
    if to == St.COSIGNING:
        users = [w.member.user for w in waiting if w.member_id and w.member.user_id]
        _notify_later(users, f"请确认联名：{p.title}", "确认后该提案方可提交审查。", _url(p))
    else:
        _notify_later(_office_users(p.committee_id), f"新提案待审查：{p.title}", p.get_kind_display(), _url(p))
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
    p = _lock(proposal_id)
    if p.status not in (St.COSIGNING, St.DRAFT, St.RETURNED):
        raise ConflictError("该提案已提交，联名已确定。")
    qs = p.proposers.filter(order__gt=1)
    if perms.is_committee_staff(actor) and member_id:
        pr = qs.filter(member_id=member_id).first()
    else:
        pr = qs.filter(member__user=actor).first() if getattr(actor, "is_authenticated", False) else None
    if pr is None:
        raise NotFoundError("未找到该提案。")
    if pr.confirmed_at or pr.declined_at:
        raise ConflictError("您已经确认过了。")
    now = timezone.now()
    if agree:
        pr.confirmed_at = now
    else:
        pr.declined_at = now
    pr.save(update_fields=["confirmed_at", "declined_at"])
    _log(p, "cosign" if agree else "cosign_decline", actor, data={"member": pr.name})
    first_users = [x.member.user for x in p.proposers.filter(order=1) if x.member_id and x.member.user_id]
    _notify_later(first_users, f"{pr.name}{'确认' if agree else '拒绝'}联名：{p.title}", "", _url(p))
    if not p.proposers.filter(order__gt=1, declined_at__isnull=True).exists():
        p.proposer_kind = PK.MEMBER
        _save(p, "proposer_kind")
    if p.status == St.COSIGNING and not pending_cosigners(p):
        before = _move(p, St.SUBMITTED, "提交")
        p.submitted_at = now
        _save(p, "status", "submitted_at")
        _log(p, "submit", actor, frm=before, to=p.status, reason="联名人均已确认")
        _notify_later(_office_users(p.committee_id), f"新提案待审查：{p.title}", p.get_kind_display(), _url(p))
    _refresh_search(p)
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
    p = _lock(proposal_id)
    if not perms.can_edit(actor, p):
        raise PermissionDeniedError("只有第一提案人可以上传附件。")
    if p.attachments.count() >= ATTACHMENT_MAX_COUNT:
        raise ServiceError(f"附件最多 {ATTACHMENT_MAX_COUNT} 个。")
    name = _clean(getattr(upload, "name", ""), "文件名", 200, required=True).replace("/", "_")
    head = upload.read(8)
    upload.seek(0)
    _check_attachment(name, upload.size, head)
    att = Attachment(proposal=p, name=name, size=upload.size, uploaded_by=actor)
    att.file.save(f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
    att.save()
    _log(p, "attach", actor, data={"name": name, "size": upload.size})
    return att


@transaction.atomic
def attachment_remove(*, actor: Any, attachment_id: int) -> None:
    att = Attachment.objects.filter(pk=attachment_id).first()
    if att is None:
        raise NotFoundError("未找到该附件。")
    p = _lock(att.proposal_id)
    if not perms.can_edit(actor, p):
        raise PermissionDeniedError("只有第一提案人可以删除附件。")
    _log(p, "detach", actor, data={"name": att.name})
    att.file.delete(save=False)
    att.delete()


# --- review (审查) ----------------------------------------------------------------------------


def _require_office(actor: Any, p: Proposal) -> None:
    if not perms.is_proposals_office(actor, p.committee_id):
        raise PermissionDeniedError("只有提案委工作人员可以审查提案。")


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


def _item_text(p: Proposal) -> str:
    return f"【情况】{p.situation}\n【分析】{p.analysis}\n【建议】{p.suggestions}"[: loop.MAX_TEXT]


def _file(p: Proposal, actor: Any, now: dt.datetime) -> None:
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
    p = _lock(proposal_id, expected_version)
    _require_office(actor, p)
    if category:
        if category not in Category.values:
            raise ServiceError("提案类别无效。")
        p.category = category
    before = _move(p, St.FILED, "立案")
    now = timezone.now()
    _file(p, actor, now)
    p.review_note = _clean(note, "审查意见", MAX_NOTE)
    p.item = loop.item_accept(
        committee=p.committee,
        channel=CHANNEL,
        title=f"{p.title}"[: loop.MAX_TITLE],
        text=_item_text(p),
        category=p.category,
        source=p,
        actor=actor,
    )
    p.handling = Proposal.Handling.PENDING
    _save(
        p,
        "status",
        "number",
        "number_label",
        "reviewed_at",
        "reviewed_by",
        "review_note",
        "item",
        "handling",
        "category",
    )
    _log(p, "file", actor, frm=before, to=p.status, reason=p.review_note, data={"number": p.number_label})
    _notify_later(_proposer_users(p), f"提案已立案：{p.title}", f"案号 {p.number_label}", _url(p))
    _refresh_search(p)
    return p


@transaction.atomic
def proposal_not_file(*, actor: Any, proposal_id: int, ground: str, note: str) -> Proposal:
    """不予立案: with one of the statutory grounds and a note that the proposer receives."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    if ground not in NotFiledGround.values:
        raise ServiceError("请选择不予立案的理由。")
    note = _clean(note, "给提案人的说明", MAX_NOTE, required=True)
    before = _move(p, St.NOT_FILED, "作不予立案处理")
    p.not_filed_ground, p.review_note = ground, note
    p.reviewed_at, p.reviewed_by = timezone.now(), actor
    _save(p, "status", "not_filed_ground", "review_note", "reviewed_at", "reviewed_by")
    _log(p, "not_file", actor, frm=before, to=p.status, reason=note, data={"ground": ground})
    reason = NotFiledGround(ground).label
    _notify_later(_proposer_users(p), f"提案不予立案：{p.title}", f"理由：{reason}。{note}", _url(p))
    return p


@transaction.atomic
def proposal_return(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """退回修改: the first proposer edits and submits again."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    note = _clean(note, "修改意见", MAX_NOTE, required=True)
    before = _move(p, St.RETURNED, "退回修改")
    p.review_note = note
    _save(p, "status", "review_note")
    _log(p, "return", actor, frm=before, to=p.status, reason=note)
    _notify_later(_proposer_users(p), f"提案退回修改：{p.title}", note, _url(p))
    return p


@transaction.atomic
def proposal_to_suggestion(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """转意见建议: not a proposal, forwarded as a member's suggestion."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    note = _clean(note, "说明", MAX_NOTE, required=True)
    before = _move(p, St.SUGGESTION, "转为意见建议")
    p.review_note, p.reviewed_at, p.reviewed_by = note, timezone.now(), actor
    _save(p, "status", "review_note", "reviewed_at", "reviewed_by")
    _log(p, "to_suggestion", actor, frm=before, to=p.status, reason=note)
    _notify_later(_proposer_users(p), f"提案转为意见建议：{p.title}", note, _url(p))
    return p


@transaction.atomic
def proposal_propose_opinion(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """拟转社情民意: asks the first proposer's consent; nothing is converted without it."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    note = _clean(note, "说明", MAX_NOTE, required=True)
    before = _move(p, St.OPINION_CONSENT, "转为社情民意")
    p.review_note, p.opinion_consent = note, None
    _save(p, "status", "review_note", "opinion_consent")
    _log(p, "propose_opinion", actor, frm=before, to=p.status, reason=note)
    _notify_later(_proposer_users(p), f"请确认是否同意转为社情民意信息：{p.title}", note, _url(p))
    return p


@transaction.atomic
def proposal_opinion_consent(*, actor: Any, proposal_id: int, agree: bool) -> Proposal:
    """The first proposer agrees (转社情民意) or refuses (back to the office's review queue)."""
    p = _lock(proposal_id)
    if not p.proposers.filter(Q(member__user=actor) | Q(user=actor), order=1).exists():
        raise PermissionDeniedError("只有第一提案人可以决定是否同意转为社情民意信息。")
    before = _move(p, St.OPINION if agree else St.SUBMITTED, "确认")
    p.opinion_consent = agree
    _save(p, "status", "opinion_consent")
    _log(p, "opinion_consent" if agree else "opinion_refuse", actor, frm=before, to=p.status)
    _notify_later(
        _office_users(p.committee_id),
        f"提案人{'同意' if agree else '不同意'}转为社情民意信息：{p.title}",
        "" if agree else "已回到待审查队列。",
        _url(p),
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


# --- merging (并案) ---------------------------------------------------------------------------


def _lock_pair(a_id: int, b_id: int) -> tuple[Proposal, Proposal]:
    """Lock two proposals in id order so that two merges never deadlock."""
    first, second = sorted([int(a_id), int(b_id)])
    locked = {first: _lock(first), second: _lock(second)}
    return locked[int(a_id)], locked[int(b_id)]


def group_members(lead: Proposal) -> list[Proposal]:
    return [lead, *lead.merged.order_by("number", "id")]


def _group_users(lead: Proposal) -> list[User]:
    users: dict[int, User] = {}
    for p in group_members(lead):
        for u in _proposer_users(p):
            users[u.pk] = u
    return list(users.values())


@transaction.atomic
def proposal_merge(*, actor: Any, proposal_id: int, lead_id: int, note: str = "") -> Proposal:
    """并案: join a proposal to a lead proposal's group. A submitted one is filed (numbered) at the same time;
    a filed one gives up its own unassigned item. The original is kept and linked; every proposer is told."""
    if int(proposal_id) == int(lead_id):
        raise ServiceError("不能把提案并入它自己。")
    p, lead = _lock_pair(proposal_id, lead_id)
    _require_office(actor, p)
    if lead.committee_id != p.committee_id or not lead.is_lead:
        raise ServiceError("主案须为本委员会已立案且未被并案的提案。")
    lead_item = Item.objects.select_for_update().get(pk=lead.item_id)
    if lead_item.status not in (Item.Status.PENDING, Item.Status.HANDLING):
        raise ConflictError("主案已答复或办结，不能再并入提案。")
    if p.merged.exists():
        raise ServiceError("该提案已是其他提案的主案，请先解除其下的并案。")
    now = timezone.now()
    before = p.status
    if p.status == St.SUBMITTED:
        _move(p, St.FILED, "并案")
        _file(p, actor, now)
    elif p.status == St.FILED and p.merged_into_id is None:
        own = Item.objects.filter(pk=p.item_id).first()
        if own is not None and own.status != Item.Status.PENDING:
            raise ConflictError("该提案已交办，不能再并案。")
        if own is not None:
            loop.item_decline(item_id=own.pk, actor=actor, reason=f"并入{lead.number_label}办理")
        p.item = None
    else:
        raise ConflictError(f"该提案当前为「{p.get_status_display()}」，不能并案。")
    note = _clean(note, "并案说明", MAX_NOTE)
    p.merged_into = lead
    p.handling = lead.handling
    _save(p, "status", "number", "number_label", "reviewed_at", "reviewed_by", "merged_into", "item", "handling")
    data = {"lead": lead.number_label, "merged": p.number_label}
    _log(p, "merge", actor, frm=before, to=p.status, reason=note, data=data)
    _log(lead, "merge_lead", actor, reason=note, data=data)
    _notify_later(
        _group_users(lead) + _office_users(p.committee_id),
        f"提案并案办理：{p.number_label} 并入 {lead.number_label}",
        f"「{p.title}」并入「{lead.title}」一并交办。每位提案人都会收到答复并评价。",
        _url(lead),
    )
    _refresh_search(p)
    return p


@transaction.atomic
def proposal_unmerge(*, actor: Any, proposal_id: int, note: str) -> Proposal:
    """解除并案: the proposal leaves the group and gets its own item in the assignment queue."""
    p = _lock(proposal_id)
    if p.merged_into_id is None:
        raise ConflictError("该提案未并案。")
    p, lead = _lock_pair(p.pk, p.merged_into_id)
    _require_office(actor, p)
    lead_item = Item.objects.get(pk=lead.item_id)
    if lead_item.status not in (Item.Status.PENDING, Item.Status.HANDLING):
        raise ConflictError("主案已答复或办结，不能再解除并案。")
    note = _clean(note, "解除并案的理由", MAX_NOTE, required=True)
    users = _group_users(lead)
    p.merged_into = None
    p.item = loop.item_accept(
        committee=p.committee,
        channel=CHANNEL,
        title=p.title[: loop.MAX_TITLE],
        text=_item_text(p),
        category=p.category,
        source=p,
        actor=actor,
    )
    p.handling = Proposal.Handling.PENDING
    _save(p, "merged_into", "item", "handling")
    data = {"lead": lead.number_label, "merged": p.number_label}
    _log(p, "unmerge", actor, reason=note, data=data)
    _log(lead, "unmerge_lead", actor, reason=note, data=data)
    _notify_later(
        users + _office_users(p.committee_id),
        f"解除并案：{p.number_label} 不再随 {lead.number_label} 办理",
        note,
        _url(p),
    )
    _refresh_search(p)
    return p


# --- assignment and handling (the loop) ---------------------------------------------------------


def _lead_for_item(p: Proposal) -> Proposal:
    lead = p.group_lead
    if lead.status != St.FILED or lead.item_id is None:
        raise ConflictError("该提案尚未立案，不能交办。")
    return lead


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
    p = _lock(proposal_id)
    if not perms.can_assign(actor, p.committee_id):
        raise PermissionDeniedError("只有提案委或两办工作人员可以交办提案。")
    lead = _lead_for_item(p)
    units = Unit.objects.filter(committee_id=p.committee_id)
    leads = list(units.filter(pk__in=[int(x) for x in lead_unit_ids if str(x).strip()]))
    cos = list(units.filter(pk__in=[int(x) for x in co_unit_ids if str(x).strip()]))
    if not leads:
        raise ServiceError("请选择承办单位。")
    item = loop.item_assign(
        item_id=lead.item_id,
        actor=actor,
        mode=mode,
        lead_units=leads,
        co_units=cos,
        reason=_clean(note, "交办说明", MAX_NOTE),
        category=lead.category,
        expected_version=expected_version,
    )
    for member in group_members(lead):
        _refresh_search(member)
    return item


@transaction.atomic
def proposal_reassign(*, actor: Any, assignment_id: int, unit_id: int, reason: str) -> Assignment:
    """改派: only the assigning offices move a proposal to another unit; units cannot pass it on."""
    a = Assignment.objects.select_related("item").filter(pk=assignment_id, item__channel=CHANNEL).first()
    if a is None:
        raise NotFoundError("未找到该交办记录。")
    if not perms.can_assign(actor, a.item.committee_id):
        raise PermissionDeniedError("只有提案委或两办工作人员可以改派。")
    unit = Unit.objects.filter(pk=unit_id, committee_id=a.item.committee_id).first()
    if unit is None:
        raise ServiceError("承办单位不存在。")
    new = loop.assignment_reassign(assignment_id=a.pk, actor=actor, unit=unit, reason=reason)
    lead = Proposal.objects.filter(item_id=a.item_id).first()
    if lead:
        for member in group_members(lead):
            _refresh_search(member)
    return new


def raters_for_item(item: Item):
    """Every proposer of every proposal in the item's merge group rates the reply."""
    from xieshang.handling.registry import Rater

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
    a = Assignment.objects.select_related("item").filter(pk=assignment_id, item__channel=CHANNEL).first()
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
    """Mirror the loop's state on every proposal of the group (the originals stay linked)."""
    mapping = {
        "assigned": Proposal.Handling.HANDLING,
        "rehandle": Proposal.Handling.HANDLING,
        "replied": Proposal.Handling.REPLIED,
        "closed": Proposal.Handling.CLOSED,
    }
    state = mapping.get(event)
    if state is None:
        return
    lead = Proposal.objects.filter(item_id=item.pk).first()
    if lead is None:
        return
    if event == "replied":
        item.refresh_from_db(fields=["status"])
        if item.status == Item.Status.HANDLING:
            return  # another lead unit (分办) has not replied yet
    Proposal.objects.filter(Q(pk=lead.pk) | Q(merged_into=lead)).update(handling=state)
    if event == "replied":
        # Each proposer of the group is asked to rate, on their own proposal's page.
        for p in group_members(lead):
            notify(_proposer_users(p), title=f"提案已答复，请评价：{p.title}", body=p.number_label, url=_url(p))
    if event == "closed":
        for p in group_members(lead):
            audit.record(thread=f"proposal:{p.pk}", target=p, action="closed", actor_label="系统", to_state="closed")


# --- key proposals (重点提案) ---------------------------------------------------------------------


@transaction.atomic
def key_proposal_set(
    *, actor: Any, proposal_id: int, decided_on: dt.date, leader_id: int | None = None, note: str = ""
) -> KeyProposal:
    """重点提案 chosen by the chair's council, each with a leading district leader (领衔督办)."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    if not p.is_lead:
        raise ServiceError("只有已立案的主案可以列为重点提案。")
    leader = None
    if leader_id:
        leader = Leader.objects.filter(pk=leader_id, committee_id=p.committee_id).first()
        if leader is None:
            raise ServiceError("领衔督办领导不存在。")
    if KeyProposal.objects.filter(proposal=p).exists():
        raise ConflictError("该提案已是重点提案。")
    kp = KeyProposal.objects.create(
        proposal=p, leader=leader, decided_on=decided_on, note=_clean(note, "说明", MAX_NOTE), created_by=actor
    )
    p.is_key = True
    _save(p, "is_key")
    _log(p, "key", actor, data={"leader": str(leader) if leader else ""})
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
    kp = KeyProposal.objects.select_related("proposal").filter(pk=key_id).first()
    if kp is None:
        raise NotFoundError("未找到该重点提案。")
    p = _lock(kp.proposal_id)
    _require_office(actor, p)
    if kind not in SupervisionActivity.Kind.values:
        raise ServiceError("请选择督办活动类型。")
    if held_on > timezone.localdate() + dt.timedelta(days=366):
        raise ServiceError("活动日期无效。")
    act = SupervisionActivity.objects.create(
        key_proposal=kp,
        kind=kind,
        held_on=held_on,
        place=_clean(place, "地点", 100),
        participants=_clean(participants, "参加人员", 300),
        note=_clean(note, "活动情况", MAX_SECTION, required=True),
        created_by=actor,
    )
    _log(p, "key_activity", actor, data={"kind": kind, "held_on": held_on.isoformat()})
    return act


# --- disclosure (公开) ---------------------------------------------------------------------------


@transaction.atomic
def reply_publish(
    *, actor: Any, proposal_id: int, reply_id: int, body: str | None = None, extra_redactions: str = ""
) -> PublishedReply:
    """公开答复: a passed reply is published with phone numbers, ID numbers and e-mail addresses masked,
    and any further words the office lists (one per line) masked too."""
    p = _lock(proposal_id)
    _require_office(actor, p)
    lead = p.group_lead
    reply = (
        Reply.objects.select_related("assignment__unit").filter(pk=reply_id, assignment__item_id=lead.item_id).first()
    )
    if reply is None:
        raise NotFoundError("未找到该答复。")
    if reply.review != Reply.Review.PASSED:
        raise ServiceError("答复审核通过后才能公开。")
    if PublishedReply.objects.filter(reply=reply, withdrawn_at__isnull=True).exists():
        raise ConflictError("该答复已公开。")
    text = _clean(body if body is not None else reply.body, "公开文本", loop.MAX_TEXT, required=True)
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
    _log(lead, "publish", actor, data={"reply": reply.pk})
    return pub


@transaction.atomic
def reply_unpublish(*, actor: Any, publication_id: int, reason: str) -> PublishedReply:
    """撤销公开: the reply leaves the portal; the record stays, with when it was withdrawn, by whom and why
    (the proposal's history). It can be published again afterwards."""
    proposal_id = PublishedReply.objects.filter(pk=publication_id).values_list("proposal_id", flat=True).first()
    if proposal_id is None:
        raise NotFoundError("未找到该公开答复。")
    p = _lock(proposal_id)
    _require_office(actor, p)
    # Read again under the proposal's lock: of two submits at once, the second finds it withdrawn.
    pub = PublishedReply.objects.get(pk=publication_id)
    if pub.withdrawn_at is not None:
        raise ConflictError("该答复已撤销公开。")
    reason = _clean(reason, "撤销公开的理由", MAX_NOTE, required=True)
    pub.withdrawn_at = timezone.now()
    pub.save(update_fields=["withdrawn_at"])
    _log(p, "unpublish", actor, reason=reason, data={"reply": pub.reply_id, "title": pub.title})
    return pub
