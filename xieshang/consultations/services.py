"""Every change in consultation work is one service here.

Each service checks the actor's permission and the current state under a row lock, saves with
``update_fields``, writes a ``core.AuditEntry`` and queues notifications after commit.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.notify import notify
from xieshang.core.text import clean_text
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating
from xieshang.organisations.models import Committee, Member, Unit, User

from . import notices
from . import permissions as perms
from .channel import CHANNEL, FOLLOW_UP_RATER
from .models import Activity, Attachment, Participant, Plan, ResearchReport, SignInAttempt, Suggestion, Topic
from .transitions import ACTIVITY, ATTENDANCE, SUGGESTION, TOPIC

PHONE_RE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
SIGNIN_SALT = "consultations.signin"
SIGNIN_EARLY = dt.timedelta(minutes=60)
MAX_TEXT = 5000
A = Participant.Attendance


def _require_organiser(actor: Any, committee_id: int) -> None:
    if not perms.is_organiser(actor, committee_id):
        raise PermissionDeniedError("只有政协机关工作人员可以进行此项操作。")


def _token(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ServiceError("提交已失效，请刷新页面后重新提交。") from None


# --- topics and the plan ---------------------------------------------------------------------------


def _new_reference(now: dt.datetime) -> str:
    return f"YT{now:%Y}" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


def topic_propose(
    *,
    committee: Committee,
    submission_token: Any,
    title: str,
    description: str,
    actor: Any = None,
    proposer_name: str = "",
    proposer_phone: str = "",
    created_at: dt.datetime | None = None,
) -> tuple[Topic, bool]:
    """征集议题: from the public portal (no account, name and phone), a member, a department or the office.

    A repeated submit with the same token returns the first topic.
    """
    token = _token(submission_token)
    existing = Topic.objects.filter(submission_token=token).first()
    if existing:
        return existing, False
    title = clean_text(title, field="议题名称", limit=100, min_len=4, single_line=True)
    description = clean_text(description, field="议题说明", limit=MAX_TEXT, min_len=10)
    signed_in = bool(getattr(actor, "is_authenticated", False))
    if signed_in:
        if actor.committee_id != committee.pk and not actor.is_superuser:
            raise PermissionDeniedError("只能向本会提出议题。")
        source = {
            User.Role.MEMBER: Topic.Source.MEMBER,
            User.Role.UNIT: Topic.Source.UNIT,
        }.get(actor.role, Topic.Source.OFFICE if perms.is_organiser(actor) else None)
        if source is None:
            raise PermissionDeniedError("请通过公众服务页面提出议题。")
        name = actor.unit.name if source == Topic.Source.UNIT and actor.unit_id else actor.display_name
        if source == Topic.Source.OFFICE and proposer_name:
            name = clean_text(proposer_name, field="提出人", limit=100, single_line=True)
        phone = ""
    else:
        source = Topic.Source.PUBLIC
        name = clean_text(proposer_name, field="姓名或称呼", limit=50, single_line=True)
        phone = re.sub(r"\s", "", proposer_phone or "")
        if not PHONE_RE.match(phone):
            raise ServiceError("请填写正确的手机号码或固定电话（如 13800138000 或 0757-83000000）。")
    now = created_at or timezone.now()
    try:
        with transaction.atomic():
            topic = Topic.objects.create(
                committee=committee,
                title=title,
                description=description,
                source=source,
                proposer_name=name,
                proposer_phone=phone,
                proposer_user=actor if signed_in else None,
                reference=_new_reference(now),
                submission_token=token,
                created_at=now,
            )
            audit.record(
                thread=topic.thread,
                target=topic,
                action="propose",
                actor=actor if signed_in else None,
                to_state=topic.status,
                actor_label="" if signed_in else "群众（公众服务平台）",
            )
    except IntegrityError:
        existing = Topic.objects.filter(submission_token=token).first()
        if existing:
            return existing, False
        raise
    return topic, True


@transaction.atomic
def plan_ensure(*, actor: Any, committee: Committee, year: int, adopted_on: dt.date | None = None) -> Plan:
    _require_organiser(actor, committee.pk)
    if year < 2000 or year > timezone.localdate().year + 1:
        raise ServiceError("年份无效。")
    plan, created = Plan.objects.get_or_create(
        committee=committee, year=year, defaults={"title": f"{year}年度协商计划", "adopted_on": adopted_on}
    )
    if created:
        audit.record(thread=f"plan:{plan.pk}", target=plan, action="create", actor=actor)
    return plan


def _lock_topic(pk: Any) -> Topic:
    return writes.lock(Topic, pk, name="该协商议题")


@transaction.atomic
def topic_select(*, actor: Any, topic_id: int, year: int, lead: str = "", note: str = "") -> Topic:
    """主席会议确定: the topic goes into the year's consultation plan."""
    topic = _lock_topic(topic_id)
    _require_organiser(actor, topic.committee_id)
    TOPIC.check(topic, "select")
    lead = clean_text(lead, field="牵头单位", limit=100, required=False, single_line=True)
    note = clean_text(note, field="意见", limit=MAX_TEXT, required=False)
    plan = plan_ensure(actor=actor, committee=topic.committee, year=year)
    before = TOPIC.move(topic, "select")
    topic.plan, topic.lead, topic.decision_note = plan, lead, note
    writes.save(topic, "status", "plan", "lead", "decision_note")
    audit.record(
        thread=topic.thread,
        target=topic,
        action="select",
        actor=actor,
        from_state=before,
        to_state=topic.status,
        data={"year": year},
    )
    if topic.proposer_user_id:
        user = topic.proposer_user
        transaction.on_commit(
            lambda: notify(
                [user], title=f"您提出的议题已列入{plan.title}：{topic.title}", url=f"/consultations/topics/{topic.pk}/"
            )
        )
    return topic


@transaction.atomic
def topic_decline(*, actor: Any, topic_id: int, note: str) -> Topic:
    topic = _lock_topic(topic_id)
    _require_organiser(actor, topic.committee_id)
    TOPIC.check(topic, "decline")
    note = clean_text(note, field="未列入的理由", limit=MAX_TEXT)
    before = TOPIC.move(topic, "decline")
    topic.decision_note = note
    writes.save(topic, "status", "decision_note")
    audit.record(
        thread=topic.thread,
        target=topic,
        action="decline",
        actor=actor,
        from_state=before,
        to_state=topic.status,
        reason=note,
    )
    return topic


@transaction.atomic
def topic_conclude(*, actor: Any, topic_id: int, outcome: str) -> Topic:
    """协商成果公开: the topic's outcome is written up and shown on the portal."""
    topic = _lock_topic(topic_id)
    _require_organiser(actor, topic.committee_id)
    TOPIC.check(topic, "conclude")
    outcome = clean_text(outcome, field="协商成果", limit=MAX_TEXT, min_len=10)
    before = TOPIC.move(topic, "conclude")
    topic.outcome, topic.outcome_published_at = outcome, timezone.now()
    writes.save(topic, "status", "outcome", "outcome_published_at")
    audit.record(
        thread=topic.thread, target=topic, action="conclude", actor=actor, from_state=before, to_state=topic.status
    )
    return topic


@transaction.atomic
def plan_publish(*, actor: Any, plan_id: int, published: bool = True) -> Plan:
    plan = writes.lock(Plan, plan_id, name="该协商计划")
    _require_organiser(actor, plan.committee_id)
    plan.is_published = published
    writes.save(plan, "is_published")
    audit.record(thread=f"plan:{plan.pk}", target=plan, action="publish" if published else "unpublish", actor=actor)
    return plan


# --- activities ---------------------------------------------------------------------------------------


class ScheduleNeedsConfirmation(ServiceError):
    """The activity starts in the past or its notice is already late: saved only once confirmed."""


def schedule_warnings(starts_at: dt.datetime, *, now: dt.datetime | None = None) -> list[str]:
    """What is late about an activity starting at ``starts_at``: its start, or the notice period."""
    now = now or timezone.now()
    if starts_at <= now:
        return [f"开始时间 {timezone.localtime(starts_at):%Y-%m-%d %H:%M} 已经过去"]
    due = notices.workdays_before(starts_at, notices.NOTICE_WORKDAYS)
    if due < now:
        return [
            f"按规定应在活动开始前 {notices.NOTICE_WORKDAYS} 个工作日（{timezone.localtime(due):%Y-%m-%d}）"
            "发出通知，现已来不及"
        ]
    return []


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    committee: Committee,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    topic: Topic | None = None,
    location: str = "",
    area: Area | None = None,
    organiser: str = "",
    agenda: str = "",
    warn_if_late: bool = False,
) -> Activity:
    """安排活动: sign-in opens an hour before the start and closes at the end.

    With ``warn_if_late`` (the organiser's form, until the organiser confirms), an activity that
    starts in the past (recording one already held) or too soon for the notice period is refused
    with :class:`ScheduleNeedsConfirmation` saying what is late.
    """
    _require_organiser(actor, committee.pk)
    if kind not in Activity.Kind.values:
        raise ServiceError("请选择活动类型。")
    if topic is not None and topic.committee_id != committee.pk:
        raise ServiceError("议题不存在。")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ServiceError("结束时间须晚于开始时间。")
    if ends_at - starts_at > dt.timedelta(days=14):
        raise ServiceError("一次活动不能超过 14 天，请分多次安排。")
    if kind in (Activity.Kind.MICRO, Activity.Kind.MICRO_INSPECTION) and area is None:
        raise ServiceError("微协商、微视察请选择所在村居。")
    late = schedule_warnings(starts_at) if warn_if_late else []
    if late:
        raise ScheduleNeedsConfirmation(
            "请注意：" + "；".join(late) + "。如确需按此时间安排（例如补录已举行的活动），"
            "请勾选「确认按此时间安排」后再保存。"
        )
    activity = Activity.objects.create(
        committee=committee,
        topic=topic,
        kind=kind,
        title=clean_text(title, field="活动名称", limit=150, min_len=4, single_line=True),
        starts_at=starts_at,
        ends_at=ends_at,
        location=clean_text(location, field="地点", limit=150, required=False, single_line=True),
        area=area,
        organiser=clean_text(organiser, field="组织单位", limit=100, required=False, single_line=True),
        agenda=clean_text(agenda, field="议程", limit=MAX_TEXT, required=False),
        signin_opens_at=starts_at - SIGNIN_EARLY,
        signin_closes_at=ends_at,
        created_by=actor,
    )
    audit.record(thread=activity.thread, target=activity, action="create", actor=actor, to_state=activity.status)
    return activity


def _lock_activity(pk: Any) -> Activity:
    return writes.lock(Activity, pk, name="该协商活动")


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    activity_id: int,
    kind: str,
    user: User | None = None,
    member: Member | None = None,
    name: str = "",
    organisation: str = "",
) -> Participant:
    """邀请: a member, leader or unit staff (with an account) or an outside expert or resident (without)."""
    activity = _lock_activity(activity_id)
    _require_organiser(actor, activity.committee_id)
    ACTIVITY.check(activity, "invite")
    if kind not in Participant.Kind.values:
        raise ServiceError("请选择参加人员类别。")
    if member is not None:
        if member.committee_id != activity.committee_id:
            raise ServiceError("委员不存在。")
        user = member.user
        name = member.name
        organisation = organisation or member.workplace
    if user is not None:
        if user.committee_id != activity.committee_id:
            raise ServiceError("人员不存在。")
        name = name or user.display_name
        if member is None:
            member = getattr(user, "member", None) if hasattr(user, "member") else None
    name = clean_text(name, field="姓名", limit=50, single_line=True)
    dup = activity.participants.filter(user=user).exists() if user else False
    dup = dup or (activity.participants.filter(member=member).exists() if member else False)
    if dup:
        raise ConflictError(f"{name}已在邀请名单中。")
    p = Participant.objects.create(
        activity=activity,
        kind=kind,
        user=user,
        member=member,
        name=name,
        organisation=clean_text(organisation, field="单位职务", limit=100, required=False, single_line=True),
    )
    audit.record(thread=activity.thread, target=p, action="invite", actor=actor, data={"name": name, "kind": kind})
    return p


def _lock_participant(pk: Any) -> tuple[Activity, Participant]:
    activity_id = Participant.objects.filter(pk=pk).values_list("activity_id", flat=True).first()
    if activity_id is None:
        raise NotFoundError("未找到该参加人员。")
    activity = _lock_activity(activity_id)
    return activity, writes.lock(Participant, pk, name="该参加人员")


@transaction.atomic
def participant_request_leave(*, actor: Any, participant_id: int, reason: str) -> Participant:
    """请假: the invited person asks in writing before the activity; the office decides."""
    activity, p = _lock_participant(participant_id)
    if p.user_id is None or p.user_id != getattr(actor, "pk", None):
        raise NotFoundError("未找到该参加人员。")
    if timezone.now() >= activity.starts_at:
        raise ServiceError("活动已开始，不能再请假。")
    ATTENDANCE.check(p, "request_leave")
    reason = clean_text(reason, field="请假事由", limit=200)
    before = ATTENDANCE.move(p, "request_leave")
    p.leave_reason = reason
    writes.save(p, "attendance", "leave_reason")
    audit.record(
        thread=activity.thread,
        target=p,
        action="leave_request",
        actor=actor,
        from_state=before,
        to_state=p.attendance,
        reason=reason,
    )
    organiser = activity.created_by
    if organiser is not None:
        transaction.on_commit(
            lambda: notify(
                [organiser],
                title=f"请假申请：{p.name}（{activity.title}）",
                body=p.leave_reason,
                url=f"/consultations/activities/{activity.pk}/",
            )
        )
    return p


@transaction.atomic
def participant_decide_leave(*, actor: Any, participant_id: int, approve: bool) -> Participant:
    activity, p = _lock_participant(participant_id)
    _require_organiser(actor, activity.committee_id)
    before = ATTENDANCE.move(p, "approve_leave" if approve else "refuse_leave")
    writes.save(p, "attendance")
    audit.record(
        thread=activity.thread,
        target=p,
        action="leave_approve" if approve else "leave_refuse",
        actor=actor,
        from_state=before,
        to_state=p.attendance,
    )
    if p.user_id:
        user = p.user
        transaction.on_commit(
            lambda: notify(
                [user],
                title=f"请假{'已批准' if approve else '未获批准'}：{activity.title}",
                url=f"/consultations/activities/{activity.pk}/",
            )
        )
    return p


# --- sign-in by QR code ------------------------------------------------------------------------------


def signin_token(activity: Activity) -> str:
    """The signed payload of an activity's QR code: the activity and its sign-in window."""
    return signing.dumps(
        {
            "a": activity.pk,
            "o": int(activity.signin_opens_at.timestamp()),
            "c": int(activity.signin_closes_at.timestamp()),
        },
        salt=SIGNIN_SALT,
        compress=True,
    )


def read_signin_token(token: str) -> dict[str, int]:
    try:
        data = signing.loads(token, salt=SIGNIN_SALT)
    except signing.BadSignature:
        raise NotFoundError("签到码无效，请扫描现场展示的二维码。") from None
    if not isinstance(data, dict) or not {"a", "o", "c"} <= set(data):
        raise NotFoundError("签到码无效，请扫描现场展示的二维码。")
    return data


NOT_INVITED = "您不在本次活动的邀请名单中，不能签到。如有疑问请联系活动组织人员。"


def signin_problem(
    activity: Activity, data: dict[str, int], *, now: dt.datetime, user: Any = None
) -> tuple[str, str] | None:
    """(reason, message) why this code cannot sign anyone in now, or, given ``user``, why not them.

    Read-only: the sign-in page asks it before showing the button, the service before signing in.
    """
    window = (int(activity.signin_opens_at.timestamp()), int(activity.signin_closes_at.timestamp()))
    if (data["o"], data["c"]) != window:
        return "code_outdated", "活动时间已调整，该签到码已失效，请扫描现场最新的二维码。"
    if not ACTIVITY.can(activity, "sign_in"):
        return "cancelled", "该活动已取消。"
    if now < activity.signin_opens_at:
        return "too_early", f"签到尚未开始，请于 {timezone.localtime(activity.signin_opens_at):%m-%d %H:%M} 后签到。"
    if now > activity.signin_closes_at:
        return "too_late", "签到已结束。如确有参加，请联系活动组织人员补登。"
    if user is not None and not Participant.objects.filter(activity=activity, user=user).exists():
        return "not_invited", NOT_INVITED
    return None


def _refuse(activity: Activity, user: Any, reason: str, message: str) -> None:
    # Logged in its own transaction so the refusal is kept while the caller's work is rolled back.
    SignInAttempt.objects.create(activity=activity, user=user, ok=False, reason=reason)
    raise ServiceError(message)


def activity_sign_in(*, token: str, actor: Any, now: dt.datetime | None = None) -> Participant:
    """扫码签到: only an invited participant, only inside the activity's window; every attempt is logged."""
    data = read_signin_token(token)
    now = now or timezone.now()
    activity = Activity.objects.filter(pk=data["a"]).first()
    if activity is None:
        raise NotFoundError("签到码无效，请扫描现场展示的二维码。")
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError("请先登录再签到。")
    problem = signin_problem(activity, data, now=now)
    if problem:
        _refuse(activity, actor, *problem)
    with transaction.atomic():
        if activity.status == Activity.Status.PLANNED:
            # the activity before the participant, in the order every other service locks them
            activity = _lock_activity(activity.pk)
        p = Participant.objects.select_for_update().filter(activity=activity, user=actor).first()
        if p is None:
            transaction.set_rollback(True)
        elif p.attendance == A.PRESENT:
            return p
        else:
            before = ATTENDANCE.move(p, "sign_in")
            p.signed_in_at = now
            writes.save(p, "attendance", "signed_in_at")
            SignInAttempt.objects.create(activity=activity, user=actor, ok=True)
            audit.record(
                thread=activity.thread,
                target=p,
                action="sign_in",
                actor=actor,
                from_state=before,
                to_state=p.attendance,
            )
            _held(activity, actor)
            return p
    _refuse(activity, actor, "not_invited", NOT_INVITED)
    raise AssertionError("unreachable")


def _held(activity: Activity, actor: Any) -> None:
    """Someone is present, so the activity is being held: a planned one becomes 已举行 (locked by the caller)."""
    if not ACTIVITY.can(activity, "hold") or timezone.now() < activity.signin_opens_at:
        return
    before = ACTIVITY.move(activity, "hold")
    writes.save(activity, "status")
    audit.record(
        thread=activity.thread, target=activity, action="hold", actor=actor, from_state=before, to_state=activity.status
    )


@transaction.atomic
def participant_mark(*, actor: Any, participant_id: int, attendance: str) -> Participant:
    """谁组织谁记录: the organiser records attendance for those who did not scan (experts, residents)."""
    activity, p = _lock_participant(participant_id)
    _require_organiser(actor, activity.committee_id)
    move = {A.PRESENT: "mark_present", A.ABSENT: "mark_absent", A.INVITED: "mark_invited"}.get(attendance)
    if move is None:
        raise ServiceError("请选择出席情况。")
    before = ATTENDANCE.move(p, move)
    p.signed_in_at = p.signed_in_at or (timezone.now() if p.attendance == A.PRESENT else None)
    writes.save(p, "attendance", "signed_in_at")
    audit.record(
        thread=activity.thread, target=p, action="attendance", actor=actor, from_state=before, to_state=p.attendance
    )
    if p.attendance == A.PRESENT:
        _held(activity, actor)
    return p


@transaction.atomic
def activity_record_minutes(*, actor: Any, activity_id: int, minutes: str) -> Activity:
    """纪要: recorded after the activity; the activity is then held and the unscanned invitees are absent."""
    activity = _lock_activity(activity_id)
    _require_organiser(actor, activity.committee_id)
    ACTIVITY.check(activity, "record_minutes")
    if timezone.now() < activity.starts_at:
        raise ServiceError("活动尚未开始，不能记录纪要。")
    minutes = clean_text(minutes, field="会议纪要", limit=20000, min_len=10)
    first = activity.minutes_recorded_at is None
    before = ACTIVITY.move(activity, "record_minutes")
    activity.minutes = minutes
    activity.minutes_recorded_at = activity.minutes_recorded_at or timezone.now()
    writes.save(activity, "minutes", "minutes_recorded_at", "status")
    if first:
        close = ATTENDANCE.transitions["close"]
        activity.participants.filter(attendance__in=close.sources).update(attendance=close.target)
    audit.record(
        thread=activity.thread,
        target=activity,
        action="minutes",
        actor=actor,
        from_state=before,
        to_state=activity.status,
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor: Any, activity_id: int, reason: str) -> Activity:
    activity = _lock_activity(activity_id)
    _require_organiser(actor, activity.committee_id)
    ACTIVITY.check(activity, "cancel")
    reason = clean_text(reason, field="取消原因", limit=500)
    before = ACTIVITY.move(activity, "cancel")
    writes.save(activity, "status")
    audit.record(
        thread=activity.thread,
        target=activity,
        action="cancel",
        actor=actor,
        from_state=before,
        to_state=activity.status,
        reason=reason,
    )
    users = [p.user for p in activity.participants.select_related("user") if p.user_id]
    transaction.on_commit(
        lambda: notify(
            users, title=f"活动取消：{activity.title}", body=reason, url=f"/consultations/activities/{activity.pk}/"
        )
    )
    return activity


ALLOWED_UPLOADS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".jpg", ".jpeg", ".png", ".txt")
MAX_UPLOAD = 20 * 1024 * 1024


def _check_file(f: Any) -> None:
    name = (getattr(f, "name", "") or "").lower()
    if not name.endswith(ALLOWED_UPLOADS):
        raise ServiceError("只能上传 PDF、Word、Excel、PPT、图片或文本文件。")
    if getattr(f, "size", 0) > MAX_UPLOAD:
        raise ServiceError("文件不能超过 20MB。")


@transaction.atomic
def attachment_add(*, actor: Any, activity_id: int, kind: str, title: str, file: Any) -> Attachment:
    activity = _lock_activity(activity_id)
    _require_organiser(actor, activity.committee_id)
    if kind not in Attachment.Kind.values:
        raise ServiceError("请选择附件类别。")
    if file is None:
        raise ServiceError("请选择要上传的文件。")
    _check_file(file)
    att = Attachment.objects.create(
        activity=activity,
        kind=kind,
        title=clean_text(title, field="附件名称", limit=150, single_line=True),
        file=file,
        uploaded_by=actor,
    )
    audit.record(thread=activity.thread, target=att, action="attach", actor=actor, data={"title": att.title})
    return att


@transaction.atomic
def research_report_add(
    *, actor: Any, activity_id: int, title: str, summary: str, completed_on: dt.date, file: Any = None
) -> ResearchReport:
    """调研报告: the document a research activity ends in."""
    activity = _lock_activity(activity_id)
    _require_organiser(actor, activity.committee_id)
    if activity.kind != Activity.Kind.RESEARCH:
        raise ServiceError("只有专题调研活动可以提交调研报告。")
    title = clean_text(title, field="报告标题", limit=150, min_len=4, single_line=True)
    if activity.research_reports.filter(title=title).exists():
        raise ConflictError("该调研报告已经提交过了。")
    if completed_on is None or completed_on > timezone.localdate():
        raise ServiceError("请填写正确的完成日期。")
    if file is not None:
        _check_file(file)
    report = ResearchReport.objects.create(
        activity=activity,
        title=title,
        summary=clean_text(summary, field="报告摘要", limit=20000, min_len=10),
        completed_on=completed_on,
        file=file or "",
        created_by=actor,
    )
    audit.record(thread=activity.thread, target=report, action="research_report", actor=actor, data={"title": title})
    return report


# --- suggestions through the loop ----------------------------------------------------------------------


def suggestion_record(
    *,
    actor: Any,
    submission_token: Any,
    title: str,
    text: str,
    activity: Activity | None = None,
    topic: Topic | None = None,
    raised_by: str = "",
    source: str = Suggestion.Source.ACTIVITY,
    source_label: str = "",
    created_at: dt.datetime | None = None,
) -> tuple[Suggestion, bool]:
    """收集建议: one suggestion, linked to its activity and topic (or to a liaison station)."""
    token = _token(submission_token)
    existing = Suggestion.objects.filter(submission_token=token).first()
    if existing:
        return existing, False
    if activity is not None:
        topic = topic or activity.topic
        committee_id = activity.committee_id
    elif topic is not None:
        committee_id = topic.committee_id
    else:
        committee_id = getattr(actor, "committee_id", None)
    if committee_id is None:
        raise ServiceError("请选择建议所属的议题或活动。")
    _require_organiser(actor, committee_id)
    if topic is not None and topic.committee_id != committee_id:
        raise ServiceError("议题不存在。")
    if source not in Suggestion.Source.values:
        raise ServiceError("建议来源无效。")
    title = clean_text(title, field="建议标题", limit=150, min_len=4, single_line=True)
    text = clean_text(text, field="建议内容", limit=MAX_TEXT, min_len=10)
    source_label = clean_text(source_label, field="来源说明", limit=100, required=False, single_line=True)
    raised_by = clean_text(raised_by, field="提出人", limit=100, required=False, single_line=True)
    try:
        with transaction.atomic():
            s = Suggestion.objects.create(
                committee_id=committee_id,
                topic=topic,
                activity=activity,
                source=source,
                source_label=source_label,
                title=title,
                text=text,
                raised_by=raised_by,
                submission_token=token,
                created_by=actor,
                created_at=created_at or timezone.now(),
            )
            audit.record(thread=f"suggestion:{s.pk}", target=s, action="record", actor=actor)
    except IntegrityError:
        existing = Suggestion.objects.filter(submission_token=token).first()
        if existing:
            return existing, False
        raise
    return s, True


@transaction.atomic
def suggestion_send(*, actor: Any, suggestion_id: int, unit: Unit | None, note: str = "") -> Item:
    """交办: the suggestion enters the loop (受理) and goes to its unit (单办) at once."""
    s = writes.lock(Suggestion, suggestion_id, name="该建议")
    _require_organiser(actor, s.committee_id)
    SUGGESTION.check(s, "send")
    if unit is None or unit.committee_id != s.committee_id or not unit.is_active:
        raise ServiceError("请选择承办单位。")
    note = clean_text(note, field="交办说明", limit=500, required=False)
    item = loop.item_accept(
        committee=Committee.objects.get(pk=s.committee_id),
        channel=CHANNEL,
        title=s.title,
        text=s.text,
        category=(s.topic.title[:50] if s.topic_id else ""),
        source=s,
        actor=actor,
    )
    item = loop.item_assign(item_id=item.pk, actor=actor, mode=Item.Mode.SINGLE, lead_units=[unit], reason=note)
    s.item = item
    writes.save(s, "item")
    audit.record(
        thread=f"suggestion:{s.pk}", target=s, action="send", actor=actor, data={"unit": unit.name, "item": item.pk}
    )
    return item


def suggestion_follow_up_rate(
    *, actor: Any, suggestion_id: int, value: str, comment: str = "", activity: Activity | None = None
) -> Rating:
    """回头看: the office records the follow-up rating of the unit's measure; 不满意 sends it back."""
    s = Suggestion.objects.filter(pk=suggestion_id).first()
    if s is None or s.item_id is None:
        raise NotFoundError("该建议尚未交办。")
    _require_organiser(actor, s.committee_id)
    a = Assignment.objects.filter(
        item_id=s.item_id, role=Assignment.Role.LEAD, status=Assignment.Status.AWAITING_RATING
    ).first()
    if a is None:
        raise ConflictError("承办单位尚未答复，或该答复已经评价过了。")
    if activity is not None:
        comment = f"{activity.title}：{comment}".strip("：")
    return loop.assignment_rate(
        assignment_id=a.pk, rater_key=FOLLOW_UP_RATER, value=value, comment=comment, actor=actor
    )
