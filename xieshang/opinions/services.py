"""Every change to an opinion report or a bulletin issue is one service here.

Each service locks the row it changes, checks the actor's permission and the current state,
saves with ``update_fields``, bumps ``version``, writes a ``core.AuditEntry`` (thread
``opinion:<id>`` or ``bulletin:<id>``) and queues notifications with ``transaction.on_commit``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.notify import notify
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import Committee, Leader, Member, Unit, User

from . import permissions as perms
from . import rules
from .channel import CHANNEL
from .models import (
    Adoption,
    BulletinCounter,
    BulletinIssue,
    BulletinRelease,
    Instruction,
    OpinionReport,
    ReportVersion,
)
from .transitions import ISSUE, REPORT

S = OpinionReport.Status
MAX_NOTE = 2000
MAX_TEXT = 20000  # characters with spaces; the length rule (rules.MAX_CHARS) counts without them
MAX_INSTRUCTION = 5000
RECIPIENT_NAMES = {
    BulletinRelease.Recipient.PARTY: "中共佛山市禅城区委员会",
    BulletinRelease.Recipient.GOVERNMENT: "佛山市禅城区人民政府",
    BulletinRelease.Recipient.PARENT: "佛山市政协",
}


def _lock(report_id: Any, expected_version: int | None = None) -> OpinionReport:
    return writes.lock(OpinionReport, report_id, name="该社情民意信息", expected_version=expected_version)


def _lock_issue(issue_id: Any) -> BulletinIssue:
    return writes.lock(BulletinIssue, issue_id, name="该期《社情民意》")


def _require_office(actor: Any, report: OpinionReport, doing: str) -> None:
    if not perms.is_information_office(actor, report.committee_id):
        raise PermissionDeniedError(f"只有信息科（社情民意工作人员）可以{doing}。")


def _author_users(report: OpinionReport) -> list[User]:
    """The member who wrote it; the office user who entered it only when the author has no account."""
    member_user = report.member.user if report.member_id and report.member else None
    return [member_user or report.submitted_by]


def _notify_author(report: OpinionReport, title: str, body: str = "", key: str = "") -> None:
    users = _author_users(report)
    url = f"/opinions/reports/{report.pk}/"
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url, dedupe_key=key))


def _check_text(title: str, text: str, *, confirm_single: bool, author: bool) -> tuple[str, str]:
    """Length is a hard limit; the two-matter heuristic sends the report back unless the author confirmed."""
    title = clean_text(title, field="标题", limit=rules.MAX_TITLE, single_line=True)
    # The stated limit (rules.MAX_CHARS, counted without spaces) is checked first, so an over-long
    # text hears that limit, not the cap on raw characters; an empty or short text is refused by the
    # length rule below, with the count the author sees.
    if rules.char_count(text) > rules.MAX_CHARS:
        raise ServiceError(
            f"退回：正文 {rules.char_count(text)} 字，超过 {rules.MAX_CHARS} 字的篇幅限制。"
            "请精简后再报送（一事一报，简明扼要）。"
        )
    text = clean_text(text, field="正文", limit=MAX_TEXT, required=False)
    c = rules.check(title, text)
    if c.too_short:
        raise ServiceError(f"正文太短（{c.length} 字），请把情况和建议写清楚，至少 {rules.MIN_CHARS} 字。")
    if author and c.flagged_two_matters and not confirm_single:
        raise ServiceError(
            "退回：社情民意信息须一事一报。"
            + "；".join(c.matter_flags)
            + "。请拆分为多篇分别报送；如确属同一件事，请勾选「本篇只反映一件事」后再提交。"
        )
    return title, text


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    submission_token: uuid.UUID | str,
    title: str,
    text: str,
    author_kind: str = OpinionReport.AuthorKind.MEMBER,
    member: Member | None = None,
    author_org: str = "",
    confirm_single: bool = False,
    submitted_at: dt.datetime | None = None,
) -> tuple[OpinionReport, bool]:
    """报送: a member sends a report (or the office enters one received on paper).

    Refused with the reason when over the length limit or, unless the author confirms, when it
    looks like two matters. A repeated submit with the same token returns the first report.
    """
    try:
        token = uuid.UUID(str(submission_token))
    except ValueError:
        raise ServiceError("提交已失效，请刷新页面后重新提交。") from None
    existing = OpinionReport.objects.filter(submission_token=token).first()
    if existing:
        if existing.submitted_by_id != getattr(actor, "pk", None):
            raise ServiceError("提交已失效，请刷新页面后重新提交。")
        return existing, False
    if not perms.can_submit(actor):
        raise PermissionDeniedError("只有政协委员或信息科工作人员可以报送社情民意信息。")
    office = perms.is_information_office(actor)
    if author_kind not in OpinionReport.AuthorKind.values:
        raise ServiceError("请选择报送名义。")
    if not office:
        member = actor.member
    author_org = clean_text(author_org, field="名称", limit=100, required=False, single_line=True)
    if author_kind == OpinionReport.AuthorKind.MEMBER:
        if member is None:
            raise ServiceError("请选择反映人（委员）。")
        author_org = ""
    elif not author_org:
        raise ServiceError("以党派团体、专委会或联络组名义报送时，请填写名称。")
    committee_id = member.committee_id if member is not None else actor.committee_id
    if committee_id is None or (actor.committee_id and committee_id != actor.committee_id and not actor.is_superuser):
        raise ServiceError("反映人不属于本会。")
    title, text = _check_text(title, text, confirm_single=confirm_single, author=True)
    flagged = rules.check(title, text).flagged_two_matters
    now = submitted_at or timezone.now()
    try:
        with transaction.atomic():
            report = OpinionReport.objects.create(
                committee_id=committee_id,
                author_kind=author_kind,
                member=member,
                author_org=author_org,
                sector_name=(member.sector.name if member is not None and member.sector_id else ""),
                party=(member.party if member is not None else ""),
                is_hk_macao=bool(member is not None and member.is_hk_macao),
                submitted_by=actor,
                title=title,
                text=text,
                single_matter_confirmed=flagged and confirm_single,
                submission_token=token,
                submitted_at=now,
            )
    except IntegrityError:
        existing = OpinionReport.objects.filter(submission_token=token).first()
        if existing:
            return existing, False
        raise
    ReportVersion.objects.create(report=report, number=1, title=title, text=text, note="原稿", created_by=actor)
    audit.record(
        thread=report.thread,
        target=report,
        action="submit",
        actor=actor,
        to_state=report.status,
        data={"chars": rules.char_count(text), "confirmed": flagged},
    )
    return report, True


@transaction.atomic
def report_resubmit(
    *, actor: Any, report_id: int, title: str, text: str, confirm_single: bool = False
) -> OpinionReport:
    """The author revises a report that was sent back and sends it again; the revision is a new version."""
    report = _lock(report_id)
    if not perms.is_author(actor, report):
        raise NotFoundError("未找到该社情民意信息。")
    REPORT.check(report, "resubmit")
    title, text = _check_text(title, text, confirm_single=confirm_single, author=True)
    _new_version(report, actor, title, text, "作者修改后重新报送")
    before = REPORT.move(report, "resubmit")
    report.title, report.text, report.return_reason = title, text, ""
    report.single_matter_confirmed = rules.check(title, text).flagged_two_matters and confirm_single
    writes.save(report, "title", "text", "status", "return_reason", "single_matter_confirmed")
    audit.record(
        thread=report.thread, target=report, action="resubmit", actor=actor, from_state=before, to_state=report.status
    )
    return report


def _new_version(report: OpinionReport, actor: Any, title: str, text: str, note: str) -> ReportVersion:
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ReportVersion.objects.create(
        report=report, number=last + 1, title=title, text=text, note=note[:200], created_by=actor
    )


@transaction.atomic
def report_return(*, actor: Any, report_id: int, reason: str) -> OpinionReport:
    """退回: the office sends a report back to its author with the reason (e.g. two matters in one)."""
    report = _lock(report_id)
    _require_office(actor, report, "退回信息")
    REPORT.check(report, "return")
    reason = clean_text(reason, field="退回理由", limit=MAX_NOTE)
    before = REPORT.move(report, "return")
    report.return_reason = reason
    writes.save(report, "status", "return_reason")
    audit.record(
        thread=report.thread,
        target=report,
        action="return",
        actor=actor,
        from_state=before,
        to_state=report.status,
        reason=reason,
    )
    _notify_author(report, f"社情民意信息被退回修改：{report.title}", reason)
    return report


@transaction.atomic
def report_edit(
    *, actor: Any, report_id: int, title: str, text: str, note: str = "", expected_version: int | None = None
) -> OpinionReport:
    """编辑: the office edits the text before release; each edit is kept as a version beside the original."""
    report = _lock(report_id, expected_version)
    _require_office(actor, report, "编辑信息")
    REPORT.check(report, "edit")
    if report.issue_id:
        ISSUE.check(report.issue, "edit_report")
    title, text = _check_text(title, text, confirm_single=True, author=False)
    if title == report.title and text == report.text:
        raise ServiceError("内容没有改动。")
    note = clean_text(note, field="修改说明", limit=200, required=False)
    v = _new_version(report, actor, title, text, note or "编辑修改")
    report.title, report.text = title, text
    writes.save(report, "title", "text")
    audit.record(thread=report.thread, target=report, action="edit", actor=actor, data={"version": v.number})
    return report


@transaction.atomic
def report_adopt(*, actor: Any, report_id: int, note: str = "", on: dt.date | None = None) -> OpinionReport:
    """采用 at this committee's level; the report can then go into a bulletin issue."""
    report = _lock(report_id)
    _require_office(actor, report, "采用信息")
    REPORT.check(report, "adopt")
    day = on or timezone.localdate()
    if report.adoptions.filter(level=Adoption.Level.OWN).exists():
        raise ConflictError("该信息已被本级采用，不能重复采用。")
    note = clean_text(note, field="说明", limit=200, required=False)
    Adoption.objects.create(report=report, level=Adoption.Level.OWN, adopted_on=day, note=note, recorded_by=actor)
    before = REPORT.move(report, "adopt")
    report.decided_at, report.decision_note = timezone.now(), note
    writes.save(report, "status", "decided_at", "decision_note")
    audit.record(
        thread=report.thread,
        target=report,
        action="adopt",
        actor=actor,
        from_state=before,
        to_state=report.status,
        reason=note,
    )
    _notify_author(report, f"您的社情民意信息已被采用：{report.title}", key=f"opinion:{report.pk}:adopted")
    return report


@transaction.atomic
def report_decline(*, actor: Any, report_id: int, reason: str) -> OpinionReport:
    """不予采用, with the reason shown to the author."""
    report = _lock(report_id)
    _require_office(actor, report, "作不采用处理")
    REPORT.check(report, "decline")
    reason = clean_text(reason, field="不采用的理由", limit=MAX_NOTE)
    before = REPORT.move(report, "decline")
    report.decided_at, report.decision_note = timezone.now(), reason
    writes.save(report, "status", "decided_at", "decision_note")
    audit.record(
        thread=report.thread,
        target=report,
        action="decline",
        actor=actor,
        from_state=before,
        to_state=report.status,
        reason=reason,
    )
    _notify_author(report, f"您的社情民意信息未被采用：{report.title}", reason)
    return report


# --- bulletin issues -------------------------------------------------------------------------------


def _next_number(committee_id: int, year: int) -> int:
    """Take the next issue number under a row lock, so two editors never get the same number."""
    try:
        with transaction.atomic():
            BulletinCounter.objects.get_or_create(committee_id=committee_id, year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction; the lock below waits for it
    counter = BulletinCounter.objects.select_for_update().get(committee_id=committee_id, year=year)
    used = BulletinIssue.objects.filter(committee_id=committee_id, year=year).order_by("-number").first()
    counter.last_number = max(counter.last_number, used.number if used else 0) + 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def issue_create(*, actor: Any, committee: Committee, year: int | None = None, note: str = "") -> BulletinIssue:
    """组刊: open a new issue with the next number of the year."""
    if not perms.is_information_office(actor, committee.pk):
        raise PermissionDeniedError("只有信息科工作人员可以编发《社情民意》。")
    year = year or timezone.localdate().year
    if year < 2000 or year > timezone.localdate().year + 1:
        raise ServiceError("年份无效。")
    number = _next_number(committee.pk, year)
    note = clean_text(note, field="编者按", limit=200, required=False)
    issue = BulletinIssue.objects.create(committee=committee, year=year, number=number, note=note, created_by=actor)
    audit.record(thread=f"bulletin:{issue.pk}", target=issue, action="create", actor=actor, to_state=issue.status)
    return issue


@transaction.atomic
def issue_add_report(*, actor: Any, issue_id: int, report_id: int) -> OpinionReport:
    """An adopted report goes into a draft issue; a report appears in one issue only."""
    issue = _lock_issue(issue_id)
    if not perms.is_information_office(actor, issue.committee_id):
        raise PermissionDeniedError("只有信息科工作人员可以编发《社情民意》。")
    ISSUE.check(issue, "add_report")
    report = _lock(report_id)
    if report.committee_id != issue.committee_id:
        raise NotFoundError("未找到该社情民意信息。")
    if report.issue_id == issue.pk:
        return report
    REPORT.check(report, "add_to_issue")
    if report.issue_id:
        raise ConflictError(f"该信息已编入{report.issue.label}。")
    report.issue = issue
    writes.save(report, "issue")
    audit.record(thread=report.thread, target=report, action="add_to_issue", actor=actor, data={"issue": issue.label})
    return report


@transaction.atomic
def issue_remove_report(*, actor: Any, issue_id: int, report_id: int) -> OpinionReport:
    issue = _lock_issue(issue_id)
    if not perms.is_information_office(actor, issue.committee_id):
        raise PermissionDeniedError("只有信息科工作人员可以编发《社情民意》。")
    ISSUE.check(issue, "remove_report")
    report = _lock(report_id)
    if report.issue_id != issue.pk:
        raise ConflictError("该信息不在本期。")
    REPORT.check(report, "remove_from_issue")
    report.issue = None
    writes.save(report, "issue")
    audit.record(
        thread=report.thread, target=report, action="remove_from_issue", actor=actor, data={"issue": issue.label}
    )
    return report


@transaction.atomic
def issue_release(
    *, actor: Any, issue_id: int, recipients: list[str], other_recipient: str = "", at: dt.datetime | None = None
) -> BulletinIssue:
    """签发: the issue goes to its recipients; its reports become released and their authors are told."""
    issue = _lock_issue(issue_id)
    if not perms.is_information_office(actor, issue.committee_id):
        raise PermissionDeniedError("只有信息科工作人员可以签发《社情民意》。")
    ISSUE.check(issue, "release")
    reports = list(OpinionReport.objects.select_for_update().filter(issue=issue).order_by("id"))
    if not reports:
        raise ServiceError("本期还没有编入任何信息，不能签发。")
    for report in reports:
        REPORT.check(report, "release")
    chosen = [r for r in dict.fromkeys(recipients or []) if r in BulletinRelease.Recipient.values]
    other_recipient = clean_text(other_recipient, field="其他报送单位", limit=100, required=False, single_line=True)
    if BulletinRelease.Recipient.OTHER in chosen and not other_recipient:
        raise ServiceError("请填写其他报送单位的名称。")
    if not chosen:
        raise ServiceError("请选择报送对象。")
    now = at or timezone.now()
    for key in chosen:
        name = other_recipient if key == BulletinRelease.Recipient.OTHER else RECIPIENT_NAMES[key]
        BulletinRelease.objects.create(issue=issue, recipient=key, recipient_name=name, sent_at=now, sent_by=actor)
    issue_before = ISSUE.move(issue, "release")
    issue.released_at, issue.released_by = now, actor
    writes.save(issue, "status", "released_at", "released_by")
    for report in reports:
        before = REPORT.move(report, "release")
        writes.save(report, "status")
        Adoption.objects.filter(report=report, level=Adoption.Level.OWN).update(issue_label=issue.label)
        audit.record(
            thread=report.thread,
            target=report,
            action="release",
            actor=actor,
            from_state=before,
            to_state=report.status,
            data={"issue": issue.label},
        )
        _notify_author(report, f"您的社情民意信息已编入{issue.label}签发报送：{report.title}")
    audit.record(
        thread=f"bulletin:{issue.pk}",
        target=issue,
        action="release",
        actor=actor,
        from_state=issue_before,
        to_state=issue.status,
        data={"recipients": chosen},
    )
    return issue


# --- what happens after release ------------------------------------------------------------------


@transaction.atomic
def report_record_adoption(
    *, actor: Any, report_id: int, level: str, adopted_on: dt.date, issue_label: str = "", note: str = ""
) -> Adoption:
    """A higher body or the Party committee/government adopted a released report; each level once."""
    report = _lock(report_id)
    _require_office(actor, report, "登记采用情况")
    if level not in Adoption.Level.values or level == Adoption.Level.OWN:
        raise ServiceError("请选择采用单位的级别。")
    REPORT.check(report, "record_adoption")
    if adopted_on is None or adopted_on > timezone.localdate():
        raise ServiceError("请填写正确的采用日期（不能晚于今天）。")
    label = Adoption.Level(level).label
    issue_label = clean_text(issue_label, field="刊物期号或文号", limit=100, required=False, single_line=True)
    note = clean_text(note, field="备注", limit=200, required=False)
    if report.adoptions.filter(level=level).exists():
        raise ConflictError(f"该信息已登记被{label}采用，同一级别不能重复登记。")
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                report=report,
                level=level,
                adopted_on=adopted_on,
                issue_label=issue_label,
                note=note,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ConflictError(f"该信息已登记被{label}采用，同一级别不能重复登记。") from None
    writes.save(report)
    audit.record(
        thread=report.thread,
        target=report,
        action="adopted_by",
        actor=actor,
        data={"level": level, "on": adopted_on.isoformat(), "issue": issue_label},
    )
    _notify_author(report, f"您的社情民意信息被{label}采用：{report.title}", key=f"opinion:{report.pk}:adopt:{level}")
    return adoption


@transaction.atomic
def report_record_instruction(
    *,
    actor: Any,
    report_id: int,
    level: str,
    given_on: dt.date,
    text: str,
    leader: Leader | None = None,
    leader_name: str = "",
    leader_title: str = "",
) -> Instruction:
    """批示: a leader's written instruction on a released report, fed back to the author at once."""
    report = _lock(report_id)
    _require_office(actor, report, "登记领导批示")
    REPORT.check(report, "record_instruction")
    if level not in Instruction.Level.values:
        raise ServiceError("请选择批示领导的级别。")
    if leader is not None:
        if leader.committee_id != report.committee_id:
            raise ServiceError("批示领导不存在。")
        leader_name, leader_title = leader.name, leader.title
    leader_name = clean_text(leader_name, field="批示领导姓名", limit=50, single_line=True)
    leader_title = clean_text(leader_title, field="领导职务", limit=100, required=False, single_line=True)
    if given_on is None or given_on > timezone.localdate():
        raise ServiceError("请填写正确的批示日期（不能晚于今天）。")
    text = clean_text(text, field="批示内容", limit=MAX_INSTRUCTION)
    instruction = Instruction.objects.create(
        report=report,
        leader=leader,
        leader_name=leader_name,
        leader_title=leader_title,
        level=level,
        given_on=given_on,
        text=text,
        recorded_by=actor,
    )
    writes.save(report)
    audit.record(
        thread=report.thread,
        target=report,
        action="instruction",
        actor=actor,
        data={"leader": leader_name, "level": level, "on": given_on.isoformat()},
    )
    _notify_author(
        report,
        f"{leader_title}{leader_name}对您的社情民意信息作出批示：{report.title}",
        text,
        key=f"opinion:{report.pk}:instruction:{instruction.pk}",
    )
    return instruction


@transaction.atomic
def report_transfer(*, actor: Any, report_id: int, unit: Unit | None, reason: str = "") -> Item:
    """转办: a released (or adopted) report goes to a department through the closed loop."""
    report = _lock(report_id)
    _require_office(actor, report, "转办")
    REPORT.check(report, "transfer")
    if report.item_id:
        raise ConflictError("该信息已经转办过了。")
    if unit is None or unit.committee_id != report.committee_id or not unit.is_active:
        raise ServiceError("请选择承办单位。")
    reason = clean_text(reason, field="转办说明", limit=500, required=False)
    committee = Committee.objects.get(pk=report.committee_id)
    item = loop.item_accept(
        committee=committee,
        channel=CHANNEL,
        title=report.title,
        text=report.text,
        source=report,
        actor=actor,
    )
    item = loop.item_assign(item_id=item.pk, actor=actor, mode=Item.Mode.SINGLE, lead_units=[unit], reason=reason)
    report.item = item
    writes.save(report, "item")
    audit.record(
        thread=report.thread,
        target=report,
        action="transfer",
        actor=actor,
        reason=reason,
        data={"unit": unit.name, "item": item.pk},
    )
    _notify_author(report, f"您的社情民意信息已转{unit.name}办理：{report.title}")
    return item


@transaction.atomic
def report_from_proposal(*, proposal: Any) -> OpinionReport:
    """转社情民意: a proposal whose first proposer consented becomes an opinion report for the office to edit.

    Called by the proposals channel after commit. Runs once per proposal: the submission token is
    derived from the proposal, so a repeated call returns the report already made. The proposal's
    three parts become the report's text; the one-matter rule was already applied to the proposal.
    """
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang:proposal:{proposal.pk}")
    existing = OpinionReport.objects.filter(submission_token=token).first()
    if existing:
        return existing
    first = proposal.proposers.select_related("member__sector", "user").order_by("order").first()
    member = first.member if first is not None else None
    actor = getattr(proposal, "reviewed_by", None) or proposal.created_by
    parts = [proposal.situation, proposal.analysis, proposal.suggestions]
    text = "\n\n".join(p.strip() for p in parts if p and p.strip())
    org = "" if member is not None else (proposal.organisation_name or "提案人")
    report = OpinionReport.objects.create(
        committee_id=proposal.committee_id,
        author_kind=OpinionReport.AuthorKind.MEMBER if member is not None else OpinionReport.AuthorKind.PARTY,
        member=member,
        author_org=org[:100],
        sector_name=(member.sector.name if member is not None and member.sector_id else ""),
        party=(member.party if member is not None else ""),
        is_hk_macao=bool(member is not None and member.is_hk_macao),
        submitted_by=actor,
        title=proposal.title[:100],
        text=text or proposal.title,
        single_matter_confirmed=True,
        submission_token=token,
        submitted_at=timezone.now(),
    )
    note = f"由提案转来（{proposal.number_label or '未编号提案'}）"
    ReportVersion.objects.create(
        report=report, number=1, title=report.title, text=report.text, note=note, created_by=actor
    )
    audit.record(
        thread=report.thread,
        target=report,
        action="from_proposal",
        actor=actor,
        to_state=report.status,
        reason=note,
        data={"proposal": proposal.pk},
    )
    return report


def _proposal_hook(proposal: Any) -> str:
    return f"社情民意 #{report_from_proposal(proposal=proposal).pk}"
