"""Writes of member duties: meetings, leave, attendance, the committee's own records, the points scheme.

Every service checks the actor (``permissions``), refuses bad input with a Chinese message and
changes nothing then, and writes an audit row. Times are the service's ``now`` (the demo runs
them under a travelling clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
    strangers = [m.name for m in out if m.committee_id != committee_id]
    if strangers:
        raise ServiceError(f"{'、'.join(strangers)}不是本会委员，不能登记。")
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
#
# Rules documents, honours, member features, media reports and speeches are kept by the committee's
# office staff (``permissions.can_keep_records``). Each is added, corrected (with the version the
# form showed, so a second office's change is not overwritten) and deleted by a service; every change
# writes an audit row, a deletion keeps what was deleted in the row's data. A page that enters records
# for one year passes ``year``: a date outside it is refused.


def _require_keeper(actor: Any, committee_id: int) -> None:
    if not perms.can_keep_records(actor, committee_id):
        raise PermissionDeniedError(ONLY_STAFF)


def _date_in(value: Any, what: str, year: int | None) -> dt.date:
    day = _date(value, what)
    if year is not None and day.year != year:
        raise ServiceError(f"{what}应在{year}年内（现为{day:%Y-%m-%d}）。")
    return day


def _number_of(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 10000:
        raise ServiceError(f"请填写{what}（正整数）。")
    return value


def _url(value: Any) -> str:
    url = clean_text(value, field="链接", limit=200, required=False, single_line=True)
    if url and not url.startswith(("https://", "http://")):
        raise ServiceError("链接应以 http:// 或 https:// 开头。")
    return url


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[str]]:
    """Set ``values`` on ``obj``; the fields that changed, as [before, after] for the audit row."""
    changed = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if before != value:
            changed[name] = [str(before), str(value)]
            setattr(obj, name, value)
    return changed


def _save_changes(obj: Any, changed: dict[str, Any], members_changed: bool = False) -> None:
    if changed:
        writes.save(obj, *changed)
    elif members_changed:
        writes.save(obj)


def _member_names(members: Iterable[Member]) -> list[str]:
    return [m.name for m in members]


def _delete(obj: Any, *, actor: Any, thread: str, action: str, data: dict[str, Any]) -> None:
    audit.record(thread=thread, target=obj, action=action, actor=actor, data=data)
    obj.delete()


@transaction.atomic
def rules_document_add(
    *,
    actor: Any,
    committee: Committee,
    title: str,
    adopted_on: dt.date,
    adopted_by: str = "主席会议",
    year: int | None = None,
) -> RulesDocument:
    """A rules document (制度) the committee established; the same title twice is refused."""
    _require_keeper(actor, committee.pk)
    title = clean_text(title, field="制度名称", limit=150, single_line=True)
    adopted_on = _date_in(adopted_on, "通过日期", year)
    adopted_by = clean_text(adopted_by, field="审议通过的会议", limit=50, single_line=True)
    if RulesDocument.objects.filter(committee=committee, title=title).exists():
        raise ConflictError(f"已有同名制度「{title}」。")
    doc = RulesDocument.objects.create(
        committee=committee,
        title=title,
        adopted_on=adopted_on,
        adopted_by=adopted_by,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"committee:{committee.pk}", target=doc, action="rules_document_add", actor=actor)
    return doc


def _honour_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or year < 2000 or year > timezone.localdate().year:
        raise ServiceError("请填写有效的年度。")
    return year


def _awarded_on(value: Any, year: int) -> dt.date:
    day = _date(value, "评定日期")
    if not year <= day.year <= year + 1:
        raise ServiceError(f"{year}年度的荣誉，评定日期应在{year}年1月1日至{year + 1}年12月31日之间。")
    return day


def _refuse_duplicate_honour(member: Member, kind: str, year: int, title: str, exclude: int | None = None) -> None:
    """优秀履职委员 once a member and year; another honour once a member, kind, year and title."""
    same = Honour.objects.filter(member=member, kind=kind, year=year).exclude(pk=exclude)
    if kind != Honour.Kind.EXCELLENT_MEMBER:
        same = same.filter(title=title)
    if same.exists():
        raise ConflictError(f"{member.name}已获评{year}年度{title}，不能重复登记。")


@transaction.atomic
def honour_award(
    *,
    actor: Any,
    member: Member,
    year: int,
    awarded_on: dt.date,
    kind: str = Honour.Kind.EXCELLENT_MEMBER,
    title: str = "",
    committee: Committee | None = None,
) -> Honour:
    """An honour for a member for a year (优秀履职委员 by default); the same honour twice is refused.

    ``committee``, when given, is the committee the page enters honours for: a member of another
    committee is refused.
    """
    _require_keeper(actor, committee.pk if committee is not None else member.committee_id)
    if committee is not None:
        _members_of(committee.pk, [member])
    kind = _choice(kind, Honour.Kind, "荣誉类型")
    title = clean_text(title or Honour.Kind(kind).label, field="荣誉名称", limit=100, single_line=True)
    year = _honour_year(year)
    awarded_on = _awarded_on(awarded_on, year)
    _refuse_duplicate_honour(member, kind, year, title)
    honour = Honour.objects.create(
        committee_id=member.committee_id,
        member=member,
        kind=kind,
        year=year,
        title=title,
        awarded_on=awarded_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"member:{member.pk}", target=honour, action="honour_award", actor=actor)
    return honour


@transaction.atomic
def feature_publish(
    *,
    actor: Any,
    committee: Committee,
    number: int,
    title: str,
    published_on: dt.date,
    members: Iterable[Member] = (),
    year: int | None = None,
) -> MemberFeature:
    """An issue of 委员风采; the same issue number twice in a year is refused."""
    _require_keeper(actor, committee.pk)
    number = _number_of(number, "期数")
    title = clean_text(title, field="标题", limit=150, single_line=True)
    published_on = _date_in(published_on, "刊出日期", year)
    people = _members_of(committee.pk, members)
    if MemberFeature.objects.filter(committee=committee, published_on__year=published_on.year, number=number).exists():
        raise ConflictError(f"{published_on.year}年第{number}期委员风采已经登记。")
    feature = MemberFeature.objects.create(
        committee=committee,
        number=number,
        title=title,
        published_on=published_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    feature.members.set(people)
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
    year: int | None = None,
) -> MediaReport:
    """A media report on the committee's work (媒体报道)."""
    _require_keeper(actor, committee.pk)
    title = clean_text(title, field="标题", limit=150, single_line=True)
    outlet = clean_text(outlet, field="媒体", limit=60, single_line=True)
    published_on = _date_in(published_on, "刊发日期", year)
    url = _url(url)
    people = _members_of(committee.pk, members)
    report = MediaReport.objects.create(
        committee=committee,
        title=title,
        outlet=outlet,
        published_on=published_on,
        url=url,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    report.members.set(people)
    audit.record(thread=f"committee:{committee.pk}", target=report, action="media_report_add", actor=actor)
    return report


def _speech_meeting(meeting: Meeting | None, committee_id: int) -> Meeting | None:
    if meeting is not None and meeting.committee_id != committee_id:
        raise ServiceError("所选会议不属于本级政协。")
    return meeting


@transaction.atomic
def speech_add(
    *,
    actor: Any,
    member: Member,
    title: str,
    form: str,
    given_on: dt.date,
    meeting: Meeting | None = None,
    committee: Committee | None = None,
    year: int | None = None,
) -> Speech:
    """A member's speech (大会发言, 常委会发言).

    ``committee``, when given, is the committee the page enters speeches for: a member of another
    committee is refused.
    """
    _require_keeper(actor, committee.pk if committee is not None else member.committee_id)
    if committee is not None:
        _members_of(committee.pk, [member])
    meeting = _speech_meeting(meeting, member.committee_id)
    title = clean_text(title, field="发言题目", limit=150, single_line=True)
    form = _choice(form, Speech.Form, "发言形式")
    given_on = _date_in(given_on, "发言日期", year)
    speech = Speech.objects.create(
        committee_id=member.committee_id,
        member=member,
        meeting=meeting,
        title=title,
        form=form,
        given_on=given_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    audit.record(thread=f"member:{member.pk}", target=speech, action="speech_add", actor=actor)
    return speech


# --- correcting or deleting any of the committee's own records ---------------------------------------
# One service each for 制度, honours, 委员风采, media reports and speeches; a kind brings what differs:
# how its typed values are checked (``corrected``) and what the audit row keeps of a deleted record.


def _rules_corrected(doc: RulesDocument, v: dict[str, Any]) -> tuple[dict[str, Any], list[Member] | None]:
    title = clean_text(v.get("title"), field="制度名称", limit=150, single_line=True)
    if RulesDocument.objects.filter(committee_id=doc.committee_id, title=title).exclude(pk=doc.pk).exists():
        raise ConflictError(f"已有同名制度「{title}」。")
    return {
        "title": title,
        "adopted_on": _date(v.get("adopted_on"), "通过日期"),
        "adopted_by": clean_text(v.get("adopted_by"), field="审议通过的会议", limit=50, single_line=True),
    }, None


def _honour_corrected(honour: Honour, v: dict[str, Any]) -> tuple[dict[str, Any], list[Member] | None]:
    """Kind, name, date or (given) year; the member stays: revoke and award again to change it."""
    kind = _choice(v.get("kind"), Honour.Kind, "荣誉类型")
    title = clean_text(v.get("title") or Honour.Kind(kind).label, field="荣誉名称", limit=100, single_line=True)
    year = honour.year if v.get("year") is None else _honour_year(v["year"])
    awarded_on = _awarded_on(v.get("awarded_on"), year)
    _refuse_duplicate_honour(honour.member, kind, year, title, exclude=honour.pk)
    return {"kind": kind, "year": year, "title": title, "awarded_on": awarded_on}, None


def _feature_corrected(feature: MemberFeature, v: dict[str, Any]) -> tuple[dict[str, Any], list[Member] | None]:
    number = _number_of(v.get("number"), "期数")
    published_on = _date(v.get("published_on"), "刊出日期")
    people = _members_of(feature.committee_id, v.get("members") or ())
    same = MemberFeature.objects.filter(
        committee_id=feature.committee_id, published_on__year=published_on.year, number=number
    )
    if same.exclude(pk=feature.pk).exists():
        raise ConflictError(f"{published_on.year}年第{number}期委员风采已经登记。")
    title = clean_text(v.get("title"), field="标题", limit=150, single_line=True)
    return {"number": number, "title": title, "published_on": published_on}, people


def _media_corrected(report: MediaReport, v: dict[str, Any]) -> tuple[dict[str, Any], list[Member] | None]:
    people = _members_of(report.committee_id, v.get("members") or ())
    return {
        "title": clean_text(v.get("title"), field="标题", limit=150, single_line=True),
        "outlet": clean_text(v.get("outlet"), field="媒体", limit=60, single_line=True),
        "published_on": _date(v.get("published_on"), "刊发日期"),
        "url": _url(v.get("url", "")),
    }, people


def _speech_corrected(speech: Speech, v: dict[str, Any]) -> tuple[dict[str, Any], list[Member] | None]:
    """Title, form, date or meeting (the member stays)."""
    return {
        "title": clean_text(v.get("title"), field="发言题目", limit=150, single_line=True),
        "form": _choice(v.get("form"), Speech.Form, "发言形式"),
        "given_on": _date(v.get("given_on"), "发言日期"),
        "meeting_id": getattr(_speech_meeting(v.get("meeting"), speech.committee_id), "pk", None),
    }, None


@dataclass(frozen=True)
class _RecordKind:
    model: type[Any]
    noun: str  # 该制度
    by_member: bool  # the audit thread: the member's (honours, speeches) or the committee's
    corrected: Callable[[Any, dict[str, Any]], tuple[dict[str, Any], list[Member] | None]]  # fields, members
    updated: str  # the audit actions
    deleted: str
    kept: Callable[[Any], dict[str, Any]]  # what the audit row keeps of a deleted record

    def lock(self, record_id: Any) -> Any:
        qs = self.model.objects.select_related("member") if self.by_member else self.model.objects.all()
        return writes.lock(qs, record_id, name=self.noun)

    def thread(self, obj: Any) -> str:
        return f"member:{obj.member_id}" if self.by_member else f"committee:{obj.committee_id}"


RECORD_KINDS: dict[str, _RecordKind] = {
    "rules": _RecordKind(
        RulesDocument,
        "该制度",
        False,
        _rules_corrected,
        "rules_document_update",
        "rules_document_delete",
        lambda o: {"title": o.title, "adopted_on": str(o.adopted_on), "adopted_by": o.adopted_by},
    ),
    "honours": _RecordKind(
        Honour,
        "该荣誉",
        True,
        _honour_corrected,
        "honour_update",
        "honour_revoke",
        lambda o: {"member": o.member.name, "kind": o.kind, "year": o.year, "title": o.title},
    ),
    "features": _RecordKind(
        MemberFeature,
        "该期委员风采",
        False,
        _feature_corrected,
        "feature_update",
        "feature_delete",
        lambda o: {
            "number": o.number,
            "title": o.title,
            "published_on": str(o.published_on),
            "members": _member_names(o.members.all()),
        },
    ),
    "media": _RecordKind(
        MediaReport,
        "该媒体报道",
        False,
        _media_corrected,
        "media_report_update",
        "media_report_delete",
        lambda o: {"title": o.title, "outlet": o.outlet, "published_on": str(o.published_on)},
    ),
    "speeches": _RecordKind(
        Speech,
        "该发言",
        True,
        _speech_corrected,
        "speech_update",
        "speech_delete",
        lambda o: {"member": o.member.name, "title": o.title, "given_on": str(o.given_on)},
    ),
}


@transaction.atomic
def record_update(
    *, actor: Any, kind: str, record_id: Any, values: dict[str, Any], expected_version: int | None = None
) -> Any:
    """Correct one of the committee's own records (制度, honour, 委员风采, media report, speech); the audit
    row keeps each changed field as [before, after] (the members featured by their names)."""
    spec = RECORD_KINDS[kind]
    obj = spec.lock(record_id)
    _require_keeper(actor, obj.committee_id)
    writes.check_version(obj, expected_version, name=spec.noun)
    fields, people = spec.corrected(obj, values)
    changed: dict[str, Any] = _changes(obj, fields)
    if people is not None and sorted(obj.members.values_list("pk", flat=True)) != sorted(m.pk for m in people):
        changed["members"] = [_member_names(obj.members.all()), _member_names(people)]
        obj.members.set(people)
    _save_changes(obj, {k: v for k, v in changed.items() if k != "members"}, "members" in changed)
    audit.record(thread=spec.thread(obj), target=obj, action=spec.updated, actor=actor, data=changed)
    return obj


@transaction.atomic
def record_delete(*, actor: Any, kind: str, record_id: Any, expected_version: int | None = None) -> None:
    """Delete (revoke) one of the committee's own records entered by mistake; the audit row keeps what it was."""
    spec = RECORD_KINDS[kind]
    obj = spec.lock(record_id)
    _require_keeper(actor, obj.committee_id)
    writes.check_version(obj, expected_version, name=spec.noun)
    _delete(obj, actor=actor, thread=spec.thread(obj), action=spec.deleted, data=spec.kept(obj))


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
