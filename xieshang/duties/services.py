"""Writes of member duties: meetings, leave, attendance, the committee's own records, the points scheme.

Every service checks the actor (``permissions``), refuses bad input with a Chinese message and
changes nothing then, and writes an audit row. Times are the service's ``now`` (the demo runs
them under a travelling clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, writes
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Committee, Leader, Member

from . import permissions as perms
from . import scheme as points_scheme
from .models import (
    LEAVE,
    Attendance,
    Honour,
    LeaveRequest,
    MediaReport,
    Meeting,
    MemberFeature,
    PointsScheme,
    RulesDocument,
    Speech,
)

ONLY_STAFF = "只有政协机关工作人员可以进行此项操作。"


def _require_staff(actor: Any, committee_id: int) -> None:
    if not perms.is_staff_of(actor, committee_id):
        raise PermissionDeniedError(ONLY_STAFF)


def _choice(value: Any, choices: Any, what: str) -> str:
    if value not in choices.values:
        raise ServiceError(f"请选择{what}。")
    return str(value)


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ServiceError(f"请填写有效的{what}。")
    if value.year < 2000 or value > timezone.localdate() + dt.timedelta(days=366):
        raise ServiceError(f"{what}不在有效范围内。")
    return value


def _members_of(committee_id: int, members: Iterable[Member]) -> list[Member]:
    out = list(members)
    if any(m.committee_id != committee_id for m in out):
        raise ServiceError("所选委员不属于本届政协。")
    return out


# --- meetings ------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    committee: Committee,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    location: str = "",
) -> Meeting:
    """A meeting or activity the committee organises; the actor is its organiser and records attendance."""
    _require_staff(actor, committee.pk)
    kind = _choice(kind, Meeting.Kind, "会议或活动类型")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ServiceError("请填写会议的开始和结束时间。")
    if ends_at <= starts_at:
        raise ServiceError("结束时间应晚于开始时间。")
    meeting = Meeting.objects.create(
        committee=committee,
        kind=kind,
        title=clean_text(title, field="会议名称", limit=150, single_line=True),
        starts_at=starts_at,
        ends_at=ends_at,
        location=clean_text(location, field="地点", limit=150, required=False, single_line=True),
        organiser=actor,
        created_at=timezone.now(),
    )
    audit.record(thread=meeting.thread, target=meeting, action="meeting_create", actor=actor, to_state=kind)
    return meeting


# --- leave ---------------------------------------------------------------------------------------


@transaction.atomic
def leave_request(*, actor: Any, meeting_id: Any, member: Member, kind: str, reason: str) -> LeaveRequest:
    """请假: asked for in writing before the meeting starts; after it has started it is refused."""
    meeting = writes.lock(Meeting, meeting_id, name="该会议")
    if member.committee_id != meeting.committee_id or not perms.can_request_leave(actor, member):
        raise NotFoundError("未找到该会议。")
    kind = _choice(kind, LeaveRequest.Kind, "请假类型")
    reason = clean_text(reason, field="请假事由", limit=200, min_len=2)
    now = timezone.now()
    if now >= meeting.starts_at:
        raise ServiceError("会议或活动已经开始，不能再请假：请假须在会前以书面形式提出。")
    if Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise ConflictError("出席情况已经记录，不能再请假。")
    if LeaveRequest.objects.filter(
        meeting=meeting, member=member, status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED]
    ).exists():
        raise ConflictError("已有待审批或已批准的请假申请，不能重复申请。")
    leave = LeaveRequest.objects.create(
        meeting=meeting, member=member, kind=kind, reason=reason, requested_by=actor, requested_at=now
    )
    audit.record(
        thread=meeting.thread, target=leave, action="leave_request", actor=actor, to_state=leave.status, reason=reason
    )
    return leave


@transaction.atomic
def leave_decide(*, actor: Any, leave_id: Any, approve: bool, expected_version: int | None = None) -> LeaveRequest:
    """The organiser (for plenary and standing meetings, the secretariat) approves or refuses leave."""
    leave = writes.lock(LeaveRequest.objects.select_related("meeting"), leave_id, name="该请假申请")
    if not perms.can_decide_leave(actor, leave.meeting):
        raise PermissionDeniedError("只有会议组织者（全会、常委会议由秘书处）可以审批请假。")
    writes.check_version(leave, expected_version, name="该请假申请")
    before = LEAVE.move(leave, "approve" if approve else "refuse")
    leave.decided_by, leave.decided_at = actor, timezone.now()
    writes.save(leave, "status", "decided_by", "decided_at")
    audit.record(
        thread=leave.meeting.thread,
        target=leave,
        action="leave_decide",
        actor=actor,
        from_state=before,
        to_state=leave.status,
    )
    return leave


# --- attendance ----------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: Any,
    meeting_id: Any,
    members: Iterable[tuple[Member, str]] = (),
    leaders: Iterable[Leader] = (),
) -> list[Attendance]:
    """谁组织谁记录: the organiser records each person's attendance once, after the meeting has started.

    ``members`` pairs a member with 出席 / 请假 / 无故缺席; 请假 needs an approved leave request.
    ``leaders`` are district leaders present. A person already recorded, or named twice, refuses
    the whole batch (nothing is written).
    """
    meeting = writes.lock(Meeting, meeting_id, name="该会议")
    if not perms.can_record_attendance(actor, meeting):
        raise PermissionDeniedError("出席情况由会议组织者记录（谁组织谁记录）。")
    now = timezone.now()
    if now < meeting.starts_at:
        raise ServiceError("会议尚未开始，不能记录出席情况。")
    pairs = list(members)
    leader_list = list(leaders)
    if not pairs and not leader_list:
        raise ServiceError("请至少记录一人的出席情况。")
    member_ids = [m.pk for m, _s in pairs]
    if len(set(member_ids)) != len(member_ids):
        raise ConflictError("同一委员在本次记录中出现了两次，出席情况只能记录一次。")
    if len({lead.pk for lead in leader_list}) != len(leader_list):
        raise ConflictError("同一领导在本次记录中出现了两次，出席情况只能记录一次。")
    _members_of(meeting.committee_id, [m for m, _s in pairs])
    if any(lead.committee_id != meeting.committee_id for lead in leader_list):
        raise ServiceError("所选领导不属于本级。")
    done = set(
        Attendance.objects.filter(meeting=meeting, member_id__in=member_ids).values_list("member__name", flat=True)
    )
    done |= set(
        Attendance.objects.filter(meeting=meeting, leader__in=leader_list).values_list("leader__name", flat=True)
    )
    if done:
        raise ConflictError(f"{'、'.join(sorted(done))}的出席情况已经记录，不能重复记录。")
    approved = {
        lv.member_id: lv
        for lv in LeaveRequest.objects.filter(
            meeting=meeting, member_id__in=member_ids, status=LeaveRequest.Status.APPROVED
        )
    }
    rows = []
    counts = dict.fromkeys(Attendance.Status.values, 0)
    for member, status in pairs:
        status = _choice(status, Attendance.Status, "出席情况")
        leave = approved.get(member.pk)
        if status == Attendance.Status.LEAVE and leave is None:
            raise ServiceError(f"{member.name}没有经批准的请假申请，不能记为请假。")
        counts[status] += 1
        rows.append(
            Attendance(
                meeting=meeting,
                member=member,
                status=status,
                leave=leave if status == Attendance.Status.LEAVE else None,
                recorded_by=actor,
                recorded_at=now,
            )
        )
    for lead in leader_list:
        rows.append(
            Attendance(
                meeting=meeting, leader=lead, status=Attendance.Status.PRESENT, recorded_by=actor, recorded_at=now
            )
        )
    Attendance.objects.bulk_create(rows)
    audit.record(
        thread=meeting.thread,
        target=meeting,
        action="attendance_record",
        actor=actor,
        data={**counts, "leaders": len(leader_list)},
    )
    return rows


# --- the committee's own records -----------------------------------------------------------------


@transaction.atomic
def rules_document_add(
    *, actor: Any, committee: Committee, title: str, adopted_on: dt.date, adopted_by: str = "主席会议"
) -> RulesDocument:
    """A rules document (制度) the committee established."""
    _require_staff(actor, committee.pk)
    title = clean_text(title, field="制度名称", limit=150, single_line=True)
    if RulesDocument.objects.filter(committee=committee, title=title).exists():
        raise ConflictError("已有同名制度。")
    doc = RulesDocument.objects.create(
        committee=committee,
        title=title,
        adopted_on=_date(adopted_on, "通过日期"),
        adopted_by=clean_text(adopted_by, field="审议通过的会议", limit=50, single_line=True),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"committee:{committee.pk}", target=doc, action="rules_document_add", actor=actor)
    return doc


@transaction.atomic
def honour_award(
    *,
    actor: Any,
    member: Member,
    year: int,
    awarded_on: dt.date,
    kind: str = Honour.Kind.EXCELLENT_MEMBER,
    title: str = "",
) -> Honour:
    """An honour for a member for a year (优秀履职委员 by default); the same honour twice is refused."""
    _require_staff(actor, member.committee_id)
    kind = _choice(kind, Honour.Kind, "荣誉类型")
    title = clean_text(title or Honour.Kind(kind).label, field="荣誉名称", limit=100, single_line=True)
    if not isinstance(year, int) or year < 2000 or year > timezone.localdate().year:
        raise ServiceError("请填写有效的年度。")
    if Honour.objects.filter(member=member, kind=kind, year=year, title=title).exists():
        raise ConflictError(f"{member.name}已获评{year}年度{title}。")
    honour = Honour.objects.create(
        committee_id=member.committee_id,
        member=member,
        kind=kind,
        year=year,
        title=title,
        awarded_on=_date(awarded_on, "评定日期"),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"member:{member.pk}", target=honour, action="honour_award", actor=actor)
    return honour


@transaction.atomic
def feature_publish(
    *, actor: Any, committee: Committee, number: int, title: str, published_on: dt.date, members: Iterable[Member] = ()
) -> MemberFeature:
    """An issue of 委员风采."""
    _require_staff(actor, committee.pk)
    if not isinstance(number, int) or number <= 0:
        raise ServiceError("请填写期数。")
    published_on = _date(published_on, "刊出日期")
    if MemberFeature.objects.filter(committee=committee, published_on__year=published_on.year, number=number).exists():
        raise ConflictError(f"{published_on.year}年第{number}期委员风采已经登记。")
    feature = MemberFeature.objects.create(
        committee=committee,
        number=number,
        title=clean_text(title, field="标题", limit=150, single_line=True),
        published_on=published_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    feature.members.set(_members_of(committee.pk, members))
    audit.record(thread=f"committee:{committee.pk}", target=feature, action="feature_publish", actor=actor)
    return feature


@transaction.atomic
def media_report_add(
    *,
    actor: Any,
    committee: Committee,
    title: str,
    outlet: str,
    published_on: dt.date,
    url: str = "",
    members: Iterable[Member] = (),
) -> MediaReport:
    """A media report on the committee's work (媒体报道)."""
    _require_staff(actor, committee.pk)
    url = clean_text(url, field="链接", limit=200, required=False, single_line=True)
    if url and not url.startswith(("https://", "http://")):
        raise ServiceError("链接应以 http:// 或 https:// 开头。")
    report = MediaReport.objects.create(
        committee=committee,
        title=clean_text(title, field="标题", limit=150, single_line=True),
        outlet=clean_text(outlet, field="媒体", limit=60, single_line=True),
        published_on=_date(published_on, "刊发日期"),
        url=url,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    report.members.set(_members_of(committee.pk, members))
    audit.record(thread=f"committee:{committee.pk}", target=report, action="media_report_add", actor=actor)
    return report


@transaction.atomic
def speech_add(
    *, actor: Any, member: Member, title: str, form: str, given_on: dt.date, meeting: Meeting | None = None
) -> Speech:
    """A member's speech (大会发言, 常委会发言)."""
    _require_staff(actor, member.committee_id)
    if meeting is not None and meeting.committee_id != member.committee_id:
        raise ServiceError("所选会议不属于本级政协。")
    speech = Speech.objects.create(
        committee_id=member.committee_id,
        member=member,
        meeting=meeting,
        title=clean_text(title, field="发言题目", limit=150, single_line=True),
        form=_choice(form, Speech.Form, "发言形式"),
        given_on=_date(given_on, "发言日期"),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"member:{member.pk}", target=speech, action="speech_add", actor=actor)
    return speech


# --- the points scheme ---------------------------------------------------------------------------


@transaction.atomic
def points_scheme_save(*, actor: Any, committee: Committee, weights: Any, name: str = "") -> PointsScheme:
    """The committee's points scheme; weights that do not parse are refused with the reason."""
    _require_staff(actor, committee.pk)
    if isinstance(weights, str):
        import json

        try:
            weights = json.loads(weights)
        except ValueError as exc:
            raise ServiceError(f"积分方案无法解析：不是有效的 JSON（{exc.args[0][:60]}）。") from None
    points_scheme.parse(weights)
    existing = PointsScheme.objects.select_for_update().filter(committee=committee).first()
    now = timezone.now()
    label = clean_text(name or "委员履职积分办法", field="方案名称", limit=100, single_line=True)
    if existing is None:
        obj = PointsScheme.objects.create(
            committee=committee, name=label, weights=weights, updated_by=actor, updated_at=now
        )
    else:
        obj = existing
        obj.name, obj.weights, obj.updated_by, obj.updated_at = label, weights, actor, now
        writes.save(obj, "name", "weights", "updated_by", "updated_at")
    audit.record(thread=f"committee:{committee.pk}", target=obj, action="points_scheme_save", actor=actor)
    return obj
