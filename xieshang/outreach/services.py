"""Outreach writes: stations and rosters, the visitor log and its disposals, enterprise linkage,
supervision groups and volunteers.

Every service checks permission (``permissions.py``), refuses bad input with a Chinese message and
changes nothing then, writes an audit row, and is idempotent where it creates a record from a form
(``submission_token``). Matters for a department go through the loop engine's public services
(``handling.services.item_accept``); a visit turned into a proposal draft or an opinion report is
created through the proposals' and opinions' own services, in the name of the member on duty.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core import audit
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.core.writes import as_id, lock, save
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply
from xieshang.organisations.models import Committee, Member, User

from . import permissions as perms
from .channel import ENTERPRISE, STATION, SUPERVISION
from .models import (
    DISPOSAL_MOVE,
    DISPOSALS_BY_KIND,
    SWAP,
    VISIT,
    Appeal,
    Attendance,
    DutyShift,
    Enterprise,
    EnterpriseLink,
    OutreachVisit,
    Participant,
    Problem,
    ServiceRecord,
    Station,
    StationMessage,
    SupervisionGroup,
    SwapRequest,
    Visit,
    Volunteer,
    VolunteerTeam,
)

MAX_TEXT = 2000
PHONE_RE = re.compile(r"^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
# A resident may leave this many messages for stations in a day, from one phone and from one address.
MESSAGES_PER_PHONE = getattr(settings, "XIESHANG_STATION_MESSAGES_PER_PHONE", 3)
MESSAGES_PER_ADDRESS = getattr(settings, "XIESHANG_STATION_MESSAGES_PER_ADDRESS", 10)


class OffDutyWarning(ServiceError):
    """The member named was not on the roster that day: the visit is logged only with a reason."""


def _token(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ServiceError("表单已失效，请刷新页面后重新提交。") from None


def _today() -> dt.date:
    return timezone.localdate()


def _log(thread: str, target: Model, action: str, actor: Any, **kw: Any) -> None:
    audit.record(thread=thread, target=target, action=action, actor=actor, **kw)


def _require_office(actor: Any, committee_id: int, doing: str) -> None:
    if not perms.is_office(actor, committee_id):
        raise PermissionDeniedError(f"只有政协机关工作人员可以{doing}。")


def _member(committee_id: int, member: Member | int | None, field: str = "委员") -> Member:
    pk = member.pk if isinstance(member, Member) else as_id(member)
    found = Member.objects.filter(pk=pk or 0, committee_id=committee_id).first()
    if found is None:
        raise ServiceError(f"请选择{field}。")
    return found


# --- stations and rosters ------------------------------------------------------------------------


@transaction.atomic
def station_create(
    *,
    actor: Any,
    committee: Committee,
    name: str,
    area: Area,
    kind: str = Station.Kind.STATION,
    host: User | None = None,
    address: str = "",
    phone: str = "",
    reception: str = "",
    members: Sequence[Member] = (),
    duty_days: Sequence[int] = (),
    is_active: bool = True,
) -> Station:
    """设站: the office sets up a station, point or studio on a 镇街 or 村居, with its host and members."""
    _require_office(actor, committee.pk, "设立联系站")
    fields = _station_fields(committee.pk, kind, area, host, address, phone, reception, duty_days)
    name = clean_text(name, field="名称", limit=100, single_line=True)
    if Station.objects.filter(committee=committee, name=name).exists():
        raise ServiceError(f"已有名为「{name}」的联系站。")
    for m in members:
        if m.committee_id != committee.pk:
            raise ServiceError(f"委员「{m}」不属于本会。")
    station = Station.objects.create(committee=committee, name=name, is_active=bool(is_active), **fields)
    station.members.set(members)
    _log(f"outreach.station:{station.pk}", station, "create", actor, data={"members": [m.pk for m in members]})
    return station


def parse_days(value: Any) -> list[int]:
    """每月值班日: "10,20" (or "10、20", "10 20") -> [10, 20]; anything else is refused."""
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        parts = [p for p in re.split(r"[,，、\s]+", str(value or "")) if p]
    try:
        days = sorted({int(p.removesuffix("日").removesuffix("号")) for p in parts})
    except ValueError:
        raise ServiceError("每月值班日请填写 1 到 31 之间的日期，用逗号分隔，如 10,20。") from None
    if any(not 1 <= d <= 31 for d in days):
        raise ServiceError("每月值班日请填写 1 到 31 之间的日期，用逗号分隔，如 10,20。")
    return days


def _station_fields(
    committee_id: int,
    kind: str,
    area: Area | None,
    host: User | None,
    address: str,
    phone: str,
    reception: str,
    duty_days: Sequence[int] | str,
) -> dict[str, Any]:
    if kind not in Station.Kind.values:
        raise ServiceError("请选择类型：联系站、联系点或委员工作室。")
    if area is None or area.level not in (Area.Level.STREET, Area.Level.COMMUNITY):
        raise ServiceError("联系站须设在镇街或村居。")
    if host is not None and (host.role != User.Role.HOST or host.committee_id != committee_id):
        raise ServiceError("站长须为本会的联系站站长账号。")
    days = parse_days(duty_days)
    reception = clean_text(reception, field="接待日", limit=100, required=False, single_line=True)
    if not reception and days:
        reception = "每月" + "、".join(f"{d}日" for d in days)
    return {
        "kind": kind,
        "area": area,
        "host": host,
        "address": clean_text(address, field="地址", limit=200, required=False, single_line=True),
        "phone": clean_text(phone, field="电话", limit=20, required=False, single_line=True),
        "reception": reception,
        "duty_days": ",".join(str(d) for d in days),
    }


@transaction.atomic
def station_update(
    *,
    actor: Any,
    station_id: Any,
    name: str,
    area: Area | None,
    kind: str,
    host: User | None = None,
    address: str = "",
    phone: str = "",
    reception: str = "",
    duty_days: Sequence[int] | str = (),
    members: Sequence[Member] = (),
    is_active: bool = True,
    expected_version: int | None = None,
) -> Station:
    """改站: the office changes a station's name, place, host, members, duty days and whether the public
    finder shows it. A member who still has duty days ahead at the station is not taken off it."""
    station = lock(Station, station_id, name="该联系站", expected_version=expected_version)
    _require_office(actor, station.committee_id, "修改联系站")
    fields = _station_fields(station.committee_id, kind, area, host, address, phone, reception, duty_days)
    name = clean_text(name, field="名称", limit=100, single_line=True)
    if Station.objects.filter(committee_id=station.committee_id, name=name).exclude(pk=station.pk).exists():
        raise ServiceError(f"已有名为「{name}」的联系站。")
    keep = {m.pk for m in members}
    for m in members:
        if m.committee_id != station.committee_id:
            raise ServiceError(f"委员「{m}」不属于本会。")
    ahead = (
        station.shifts.filter(on__gte=_today())
        .exclude(member_id__in=keep)
        .select_related("member")
        .order_by("on")
        .first()
    )
    if ahead is not None:
        raise ServiceError(f"{ahead.member.name}委员 {ahead.on:%Y年%m月%d日} 仍在本站值班，请先调班后再将其移出本站。")
    before = {f: str(getattr(station, f)) for f in ("name", "kind", "area_id", "host_id", "duty_days", "is_active")}
    station.name, station.is_active = name, bool(is_active)
    for k, v in fields.items():
        setattr(station, k, v)
    save(station, "name", "is_active", *fields)
    station.members.set(members)
    _log(
        f"outreach.station:{station.pk}",
        station,
        "update",
        actor,
        data={"before": before, "members": sorted(keep)},
    )
    return station


@transaction.atomic
def station_set_members(*, actor: Any, station_id: Any, member_ids: Sequence[Any]) -> Station:
    station = lock(Station, station_id, name="该联系站")
    _require_office(actor, station.committee_id, "调整联系站委员")
    members = [_member(station.committee_id, m) for m in member_ids]
    station.members.set(members)
    save(station)
    _log(f"outreach.station:{station.pk}", station, "members", actor, data={"members": [m.pk for m in members]})
    return station


def _check_free(member: Member, on: dt.date, *, except_ids: Sequence[int] = ()) -> None:
    other = DutyShift.objects.filter(member=member, on=on).exclude(pk__in=except_ids).select_related("station").first()
    if other is not None:
        raise ServiceError(
            f"{member.name}委员 {on:%Y年%m月%d日} 已安排在「{other.station.name}」值班，同一委员同一天只能在一处值班。"
        )


def _roster_member(station: Station, member: Member | int) -> Member:
    m = _member(station.committee_id, member)
    if not station.members.filter(pk=m.pk).exists():
        raise ServiceError(f"{m.name}委员不是「{station.name}」的进站委员，请先将其加入本站。")
    return m


@transaction.atomic
def shift_add(
    *, actor: Any, station_id: Any, on: dt.date, member: Member | int, note: str = "", past: bool = False
) -> DutyShift:
    """排班: one member on duty at the station that day; a member already on duty elsewhere that day is refused.

    A day already gone is refused, unless ``past`` (entering a roster that was kept on paper)."""
    station = lock(Station, station_id, name="该联系站")
    if not perms.can_manage_station(actor, station):
        raise PermissionDeniedError("只有站长或政协机关工作人员可以排班。")
    if not isinstance(on, dt.date):
        raise ServiceError("请填写值班日期。")
    if on < _today() and not past:
        raise ServiceError(f"{on:%Y年%m月%d日} 已经过去，只能为今天及以后排班。")
    m = _roster_member(station, member)
    _check_free(m, on)
    shift = DutyShift.objects.create(
        station=station, on=on, member=m, note=clean_text(note, field="备注", limit=200, required=False)
    )
    _log(f"outreach.station:{station.pk}", shift, "shift_add", actor, data={"on": on.isoformat(), "member": m.pk})
    return shift


@transaction.atomic
def shift_remove(*, actor: Any, shift_id: Any, expected_version: int | None = None) -> DutyShift:
    """撤班: the host or the office takes a shift off the roster, only one still ahead and not yet served
    (no visit logged by that member that day) and with no swap awaiting confirmation."""
    shift = lock(
        DutyShift.objects.select_related("station", "member"),
        shift_id,
        name="该班次",
        expected_version=expected_version,
    )
    if not perms.can_manage_station(actor, shift.station):
        raise PermissionDeniedError("只有站长或政协机关工作人员可以撤销班次。")
    if shift.on < _today():
        raise ServiceError("已过的班次是值班记录，不能撤销。")
    if Visit.objects.filter(station_id=shift.station_id, visited_on=shift.on, duty_member_id=shift.member_id).exists():
        raise ServiceError(f"{shift.member.name}委员当天已接待来访，该班次不能撤销。")
    if shift.swaps.filter(status=SwapRequest.Status.PENDING).exists():
        raise ServiceError("该班次有待确认的调班申请，请先确认、不同意或由申请人撤回后再撤销。")
    _log(
        f"outreach.station:{shift.station_id}",
        shift,
        "shift_remove",
        actor,
        data={"on": shift.on.isoformat(), "member": shift.member_id},
    )
    shift.delete()
    return shift


def reception_days(year: int, month: int, days: Sequence[int]) -> list[dt.date]:
    last = calendar.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in days if 1 <= d <= last]


@transaction.atomic
def roster_generate(
    *,
    actor: Any,
    station_id: Any,
    start: dt.date,
    months: int,
    days: Sequence[int] = (),
    members: Sequence[Member | int],
) -> list[DutyShift]:
    """排班表: reception on the given days of each month (e.g. the 10th and 20th), the members in turn.

    All or nothing: when any member would be on duty elsewhere the same day, nothing is created and
    the message names the first clash.
    """
    station = lock(Station, station_id, name="该联系站")
    if not perms.can_manage_station(actor, station):
        raise PermissionDeniedError("只有站长或政协机关工作人员可以排班。")
    days = list(days) or parse_days(station.duty_days) or [10, 20]
    if not members:
        raise ServiceError("请选择参加值班的委员。")
    if not 1 <= months <= 24:
        raise ServiceError("一次排班不超过 24 个月。")
    turn = [_roster_member(station, m) for m in members]
    dates: list[dt.date] = []
    y, mth = start.year, start.month
    for _ in range(months):
        dates += [d for d in reception_days(y, mth, days) if d >= start]
        y, mth = (y + 1, 1) if mth == 12 else (y, mth + 1)
    shifts = []
    for i, on in enumerate(dates):
        m = turn[i % len(turn)]
        if DutyShift.objects.filter(station=station, on=on, member=m).exists():
            continue
        _check_free(m, on)
        shifts.append(DutyShift.objects.create(station=station, on=on, member=m))
    _log(
        f"outreach.station:{station.pk}",
        station,
        "roster",
        actor,
        data={"from": start.isoformat(), "months": months, "days": list(days), "shifts": len(shifts)},
    )
    return shifts


@transaction.atomic
def shift_swap(
    *, actor: Any, shift_id: Any, other_shift_id: Any = None, member: Member | int | None = None, note: str = ""
) -> DutyShift:
    """调班: two shifts exchange their members, or a shift passes to another member of the station (替班)."""
    shift = lock(DutyShift.objects.select_related("station", "member"), shift_id, name="该班次")
    if not perms.can_manage_station(actor, shift.station):
        raise PermissionDeniedError("只有站长或政协机关工作人员可以调班。")
    return _swap_apply(actor, shift, other_shift_id, member, note)


def _swap_apply(actor: Any, shift: DutyShift, other_shift_id: Any, member: Member | int | None, note: str) -> DutyShift:
    note = clean_text(note, field="调班说明", limit=200, required=False)
    before = shift.member
    if other_shift_id is not None:
        other = lock(DutyShift.objects.select_related("member"), other_shift_id, name="对调的班次")
        if other.station_id != shift.station_id:
            raise ServiceError("只能与本站的班次对调。")
        if other.on == shift.on:
            raise ServiceError("同一天的两个班次无需对调。")
        _check_free(other.member, shift.on, except_ids=[shift.pk, other.pk])
        _check_free(shift.member, other.on, except_ids=[shift.pk, other.pk])
        shift.member, other.member = other.member, shift.member
        other.note = note or f"与{before.name}委员调班"
        save(other, "member", "note")
    else:
        if member is None:
            raise ServiceError("请选择替班委员或对调的班次。")
        new = _roster_member(shift.station, member)
        if new.pk == before.pk:
            raise ServiceError("替班委员与原值班委员相同。")
        _check_free(new, shift.on, except_ids=[shift.pk])
        shift.member = new
    shift.note = note or f"原由{before.name}委员值班，已调班"
    save(shift, "member", "note")
    _log(
        f"outreach.station:{shift.station_id}",
        shift,
        "shift_swap",
        actor,
        reason=shift.note,
        data={"from": before.pk, "to": shift.member_id},
    )
    return shift


@transaction.atomic
def swap_request(
    *, actor: Any, shift_id: Any, to_member: Member | int, other_shift_id: Any = None, note: str = ""
) -> SwapRequest:
    """申请调班: the member on duty asks another member of the station to take the day (替班), or to
    exchange it for one of that member's own days (对调). The roster changes only on confirmation.

    Only the member on duty asks; the day must be ahead; one request per shift awaits at a time; a
    member who is already on duty elsewhere that day cannot be asked. Side effect: the asked member
    and the host are notified after commit."""
    shift = lock(DutyShift.objects.select_related("station", "member__user"), shift_id, name="该班次")
    mine = perms.member_of(actor)
    if mine is None or mine.pk != shift.member_id:
        if not perms.stations_visible_to(actor).filter(pk=shift.station_id).exists():
            raise NotFoundError("未找到该班次。")
        raise PermissionDeniedError("只有当天值班的委员本人可以申请调班。")
    if shift.on < _today():
        raise ServiceError("已过的班次不能调班。")
    if shift.swaps.filter(status=SwapRequest.Status.PENDING).exists():
        raise ServiceError("该班次已有待确认的调班申请，请等待确认或先撤回。")
    to = _roster_member(shift.station, to_member)
    if to.pk == shift.member_id:
        raise ServiceError("请选择本站的其他委员。")
    other = None
    if other_shift_id is not None:
        other = DutyShift.objects.filter(pk=as_id(other_shift_id) or 0, station=shift.station, member=to).first()
        if other is None or other.on < _today():
            raise ServiceError(f"请选择{to.name}委员在本站今后的班次进行对调。")
        if other.on == shift.on:
            raise ServiceError("同一天的两个班次无需对调。")
        _check_free(shift.member, other.on, except_ids=[shift.pk, other.pk])
    _check_free(to, shift.on, except_ids=[shift.pk] + ([other.pk] if other else []))
    try:
        with transaction.atomic():
            req = SwapRequest.objects.create(
                shift=shift,
                requested_by=shift.member,
                to_member=to,
                other_shift=other,
                note=clean_text(note, field="调班原因", limit=200, required=False, single_line=True),
            )
    except IntegrityError:
        raise ConflictError("该班次已有待确认的调班申请。") from None
    _log(
        f"outreach.station:{shift.station_id}",
        req,
        "swap_request",
        actor,
        to_state=req.status,
        reason=req.note,
        data={"shift": shift.pk, "to": to.pk, "other": other.pk if other else None},
    )
    recipients = [u for u in (to.user, shift.station.host) if u is not None]
    text = f"{shift.member.name}委员申请将 {shift.on:%m月%d日} 在{shift.station.name}的值班" + (
        f"与您 {other.on:%m月%d日} 的值班对调。" if other else "交由您替班。"
    )
    transaction.on_commit(lambda: _notify(recipients, "调班申请待确认", text, shift.station_id))
    return req


def _notify(users: Sequence[User], title: str, body: str, station_id: int) -> None:
    from django.urls import reverse

    from xieshang.core.notify import notify

    notify(users, title=title, body=body, url=reverse("outreach:station", args=[station_id]))


def can_decide_swap(user: Any, req: SwapRequest) -> bool:
    """The asked member, the host or the office confirms or declines."""
    member = perms.member_of(user)
    return perms.can_manage_station(user, req.shift.station) or (member is not None and member.pk == req.to_member_id)


@transaction.atomic
def swap_decide(*, actor: Any, request_id: Any, accept: bool, expected_version: int | None = None) -> SwapRequest:
    """确认调班 / 不同意: the asked member, the host or the office decides; on confirmation the roster
    changes (the shift passes to the asked member, or the two shifts exchange their members)."""
    req = lock(
        SwapRequest.objects.select_related("shift__station", "to_member"),
        request_id,
        name="该调班申请",
        expected_version=expected_version,
    )
    if not can_decide_swap(actor, req):
        if not perms.stations_visible_to(actor).filter(pk=req.shift.station_id).exists():
            raise NotFoundError("未找到该调班申请。")
        raise PermissionDeniedError("只有被请求的委员、站长或政协机关工作人员可以确认调班。")
    before = SWAP.move(req, "accept" if accept else "decline")
    if accept:
        shift = lock(DutyShift.objects.select_related("station", "member"), req.shift_id, name="该班次")
        if shift.member_id != req.requested_by_id:
            raise ConflictError("该班次已另行调整，本申请不再适用。")
        if shift.on < _today():
            raise ServiceError("该班次日期已过，不能再调班。")
        note = f"{req.requested_by.name}委员申请，{req.to_member.name}委员" + ("对调" if req.other_shift_id else "替班")
        if req.other_shift_id is not None:
            _swap_apply(actor, shift, req.other_shift_id, None, note)
        else:
            _swap_apply(actor, shift, None, req.to_member, note)
    req.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    req.decided_at = timezone.now()
    save(req, "status", "decided_by", "decided_at")
    _log(
        f"outreach.station:{req.shift.station_id}",
        req,
        "swap_accept" if accept else "swap_decline",
        actor,
        from_state=before,
        to_state=req.status,
    )
    asker = req.requested_by.user
    if asker is not None:
        verdict = "已确认，值班表已更新" if accept else "未获同意"
        text = f"您 {req.shift.on:%m月%d日} 在{req.shift.station.name}的调班申请{verdict}。"
        transaction.on_commit(lambda: _notify([asker], "调班申请结果", text, req.shift.station_id))
    return req


@transaction.atomic
def swap_withdraw(*, actor: Any, request_id: Any) -> SwapRequest:
    """撤回: the member who asked withdraws a request still awaiting confirmation."""
    req = lock(SwapRequest.objects.select_related("shift"), request_id, name="该调班申请")
    mine = perms.member_of(actor)
    if mine is None or mine.pk != req.requested_by_id:
        raise NotFoundError("未找到该调班申请。")
    before = SWAP.move(req, "withdraw")
    req.decided_by, req.decided_at = actor, timezone.now()
    save(req, "status", "decided_by", "decided_at")
    _log(
        f"outreach.station:{req.shift.station_id}", req, "swap_withdraw", actor, from_state=before, to_state=req.status
    )
    return req


# --- the visitor log ---------------------------------------------------------------------------


def on_duty(station: Station, member: Member, on: dt.date) -> bool:
    return DutyShift.objects.filter(station=station, member=member, on=on).exists()


@transaction.atomic
def visit_log(
    *,
    actor: Any,
    station_id: Any,
    submission_token: Any,
    visited_on: dt.date,
    duty_member: Member | int,
    visitor: str,
    kind: str,
    matter: str,
    contact: str = "",
    people: int = 1,
    off_duty_reason: str = "",
    message_id: Any = None,
) -> tuple[Visit, bool]:
    """来访登记: the host or a member logs a visit. A member not on the roster that day is warned
    (:class:`OffDutyWarning`) and the visit is logged only with a reason. A repeated submit returns
    the first visit."""
    token = _token(submission_token)
    existing = Visit.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    station = lock(Station, station_id, name="该联系站")
    if not perms.can_log_visit(actor, station):
        raise NotFoundError("未找到该联系站。")
    if not isinstance(visited_on, dt.date) or visited_on > _today():
        raise ServiceError("来访日期不能晚于今天。")
    m = _member(station.committee_id, duty_member, "接待委员")
    if kind not in Visit.Kind.values:
        raise ServiceError("请选择来访事项类型：咨询、个人诉求或意见建议。")
    if isinstance(people, bool) or not isinstance(people, int) or not 1 <= people <= 200:
        raise ServiceError("来访人数须在 1 到 200 之间。")
    reason = clean_text(off_duty_reason, field="非值班接待原因", limit=200, required=False, single_line=True)
    if not on_duty(station, m, visited_on):
        if not reason:
            raise OffDutyWarning(
                f"{m.name}委员 {visited_on:%Y年%m月%d日} 不在本站值班表上。"
                "如确由其接待（如临时替班），请填写原因后再登记。"
            )
    else:
        reason = ""
    message = None
    if message_id is not None:
        message = StationMessage.objects.select_for_update().filter(pk=as_id(message_id) or 0, station=station).first()
        if message is None:
            raise NotFoundError("未找到该留言。")
        if message.visit_id is not None:
            raise ConflictError("该留言已登记为来访。")
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                committee_id=station.committee_id,
                station=station,
                visited_on=visited_on,
                duty_member=m,
                off_duty_reason=reason,
                visitor=clean_text(visitor, field="来访人", limit=50, single_line=True),
                contact=clean_text(contact, field="联系方式", limit=50, required=False, single_line=True),
                people=people,
                kind=kind,
                matter=clean_text(matter, field="反映事项", limit=MAX_TEXT, min_len=4),
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                submission_token=token,
            )
    except IntegrityError:
        existing = Visit.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
        raise
    if message is not None:
        message.visit = visit
        message.save(update_fields=["visit"])
    _log(
        f"outreach.visit:{visit.pk}",
        visit,
        "log",
        actor,
        to_state=visit.status,
        reason=reason,
        data={"station": station.pk, "off_duty": bool(reason)},
    )
    return visit, True


def _visit_title(visit: Visit, title: str) -> str:
    given = clean_text(title, field="标题", limit=100, required=False, single_line=True)
    return given or clean_text(visit.matter, field="反映事项", limit=MAX_TEXT, single_line=True)[:40]


@transaction.atomic
def visit_dispose(
    *,
    actor: Any,
    visit_id: Any,
    disposal: str,
    note: str = "",
    title: str = "",
    text: str = "",
    expected_version: int | None = None,
) -> Visit:
    """处置: answered on the spot (with the answer), turned into a proposal draft or an opinion report of
    the member on duty, or sent to a department through the loop (channel ``station``).

    Each disposal creates its target record and links it to the visit. A disposal the matter cannot
    take (a personal request or an enquiry as a proposal or an opinion report) is refused.
    """
    visit = lock(
        perms.visits_visible_to(actor).select_related("station", "duty_member__user"),
        visit_id,
        name="该来访登记",
        expected_version=expected_version,
    )
    if not perms.can_dispose(actor, visit):
        raise PermissionDeniedError("只有站长、当天值班委员或政协机关工作人员可以处置来访事项。")
    move = DISPOSAL_MOVE.get(disposal)
    if move is None:
        raise ServiceError("请选择处置方式。")
    if disposal not in DISPOSALS_BY_KIND[visit.kind]:
        raise ServiceError(
            f"「{visit.get_kind_display()}」类事项不能{VISIT.transitions[move].label}："
            "个人具体诉求和咨询不作为提案或社情民意信息，请当场答复或转部门办理。"
        )
    before = VISIT.move(visit, move)
    now = timezone.now()
    note = clean_text(note, field="处置说明", limit=MAX_TEXT, required=disposal == Visit.Status.ANSWERED)
    member = visit.duty_member
    fields = ["status", "disposal_note", "disposed_at", "disposed_by"]
    if disposal == Visit.Status.ANSWERED:
        visit.outcome, visit.outcome_at, visit.feedback_on = note, now, visit.visited_on
        fields += ["outcome", "outcome_at", "feedback_on"]
    elif disposal == Visit.Status.PROPOSAL:
        from xieshang.proposals import services as proposals

        if member.user is None:
            raise ServiceError(f"{member.name}委员未开通平台账号，不能生成提案草稿；请委员开通账号后再转。")
        body = clean_text(text, field="建议内容", limit=MAX_TEXT, required=False) or visit.matter
        visit.proposal = proposals.proposal_save_draft(
            actor=member.user,
            data={
                "title": _visit_title(visit, title),
                "situation": f"{visit.visited_on:%Y年%m月%d日}，群众到{visit.station.name}反映：{visit.matter}",
                "suggestions": body,
            },
        )
        fields.append("proposal")
    elif disposal == Visit.Status.OPINION:
        from xieshang.opinions import services as opinions

        if member.user is None:
            raise ServiceError(f"{member.name}委员未开通平台账号，不能以其名义报送社情民意信息。")
        report, _ = opinions.report_submit(
            actor=member.user,
            submission_token=uuid.uuid4(),
            title=_visit_title(visit, title),
            text=clean_text(text, field="社情民意信息正文", limit=MAX_TEXT),
            member=member,
            confirm_single=True,
        )
        visit.opinion_report = report
        fields.append("opinion_report")
    else:
        visit.item = loop.item_accept(
            committee=visit.station.committee,
            channel=STATION,
            title=_visit_title(visit, title),
            text=f"{visit.station.name}来访（{visit.visited_on:%Y-%m-%d}）：{visit.matter}",
            area=visit.station.area,
            source=visit,
            actor=actor,
        )
        fields.append("item")
    visit.disposal_note, visit.disposed_at = note, now
    visit.disposed_by = actor if getattr(actor, "is_authenticated", False) else None
    save(visit, *fields)
    _log(f"outreach.visit:{visit.pk}", visit, move, actor, from_state=before, to_state=visit.status, reason=note)
    return visit


def visit_loop_event(item: Item, event: str) -> None:
    """Called by the loop after commit: a department's reply becomes the visit's outcome to tell the visitor."""
    if event != "replied":
        return
    with transaction.atomic():
        visit = Visit.objects.select_for_update().filter(item_id=item.pk).first()
        if visit is None:
            return
        reply = (
            Reply.objects.filter(assignment__item_id=item.pk, assignment__role=Assignment.Role.LEAD)
            .exclude(review=Reply.Review.REJECTED)
            .order_by("-created_at", "-id")
            .select_related("assignment__unit")
            .first()
        )
        if reply is None:
            return
        visit.outcome = f"{reply.assignment.unit.name}答复：{reply.body}"
        visit.outcome_at = timezone.now()
        visit.feedback_on = None
        save(visit, "outcome", "outcome_at", "feedback_on")
        _log(f"outreach.visit:{visit.pk}", visit, "outcome", None, actor_label="系统", data={"reply": reply.pk})


def awaiting_rating(item: Item | None) -> Assignment | None:
    if item is None:
        return None
    return item.assignments.filter(role=Assignment.Role.LEAD, status=Assignment.Status.AWAITING_RATING).first()


@transaction.atomic
def visit_feedback(
    *,
    actor: Any,
    visit_id: Any,
    told_on: dt.date,
    note: str = "",
    rating: str = "",
    comment: str = "",
) -> Visit:
    """反馈: the host or duty member tells the visitor the outcome, on a day, and records their rating.

    A visit sent to a department has something to tell only once the department replied. The
    visitor's rating goes to the loop as the citizen's rating (不满意 sends it back for re-handling).
    """
    visit = lock(perms.visits_visible_to(actor).select_related("station", "item"), visit_id, name="该来访登记")
    if not perms.can_dispose(actor, visit):
        raise PermissionDeniedError("只有站长、当天值班委员或政协机关工作人员可以登记反馈。")
    VISIT.check(visit, "feedback")
    if visit.status == Visit.Status.REFERRED and not visit.outcome:
        raise ServiceError("承办单位尚未答复，暂无办理结果可反馈给来访群众。")
    if not isinstance(told_on, dt.date) or told_on > _today() or told_on < visit.visited_on:
        raise ServiceError("反馈日期须在来访日期之后、不晚于今天。")
    note = clean_text(note, field="反馈情况", limit=500, required=False)
    if rating:
        assignment = awaiting_rating(visit.item)
        if assignment is None:
            raise ServiceError("该事项当前没有待评价的答复。")
        label = getattr(actor, "display_name", "") or "站长"
        loop.assignment_rate(
            assignment_id=assignment.pk,
            rater_key="citizen",
            value=rating,
            comment=comment,
            actor=actor if perms.is_office(actor, visit.committee_id) else None,
            actor_label=f"来访群众（{label}代为录入）",
        )
    visit.feedback_on, visit.feedback_note = told_on, note
    save(visit, "feedback_on", "feedback_note")
    _log(
        f"outreach.visit:{visit.pk}",
        visit,
        "feedback",
        actor,
        reason=note,
        data={"told_on": told_on.isoformat(), "rating": rating},
    )
    return visit


def _key(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.encode()).hexdigest()[:32]


@transaction.atomic
def station_message_leave(
    *, station_id: Any, submission_token: Any, name: str, phone: str, text: str, address: str = ""
) -> tuple[StationMessage, bool]:
    """A resident leaves a message for a station on the portal. A repeated submit returns the first
    message; more than a few a day from one phone or one address are politely refused."""
    token = _token(submission_token)
    existing = StationMessage.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    station = Station.objects.filter(pk=as_id(station_id) or 0, is_active=True).first()
    if station is None:
        raise NotFoundError("未找到该联系站。")
    name = clean_text(name, field="姓名或称呼", limit=50, single_line=True)
    phone = re.sub(r"\s", "", str(phone or ""))
    if not PHONE_RE.fullmatch(phone):
        raise ServiceError("请填写正确的手机号码或固定电话（如 13800138000 或 0757-83000000）。")
    text = clean_text(text, field="留言内容", limit=1000, min_len=5)
    since = timezone.now() - dt.timedelta(days=1)
    phone_key = _key("tel", phone)
    recent = StationMessage.objects.filter(created_at__gte=since)
    if recent.filter(client_key=phone_key).count() >= MESSAGES_PER_PHONE:
        raise ServiceError(
            f"您今天已留言 {MESSAGES_PER_PHONE} 次，我们已收到，联系站会尽快与您联系。"
            "如有急事，请在接待日到站面谈或拨打联系站电话，谢谢您的理解。"
        )
    if address and recent.filter(address_key=_key("ip", address)).count() >= MESSAGES_PER_ADDRESS:
        raise ServiceError("此网络今天的留言次数已达上限，请明天再试，或在接待日到站面谈，谢谢您的理解。")
    try:
        with transaction.atomic():
            message = StationMessage.objects.create(
                station=station,
                name=name,
                phone=phone,
                text=text,
                client_key=phone_key,
                address_key=_key("ip", address) if address else "",
                submission_token=token,
            )
    except IntegrityError:
        existing = StationMessage.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
        raise
    _log(f"outreach.station:{station.pk}", message, "message", None, actor_label="群众")
    return message, True


# --- enterprise linkage (三走) ---------------------------------------------------------------------


@transaction.atomic
def enterprise_create(
    *,
    actor: Any,
    committee: Committee,
    name: str,
    area: Area | None = None,
    industry: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    _require_office(actor, committee.pk, "登记企业")
    fields = _enterprise_fields(committee.pk, None, name, area, industry, contact_name, contact_phone)
    enterprise = Enterprise.objects.create(committee=committee, **fields)
    _log(f"outreach.enterprise:{enterprise.pk}", enterprise, "create", actor)
    return enterprise


def _enterprise_fields(
    committee_id: int,
    pk: int | None,
    name: str,
    area: Area | None,
    industry: str,
    contact_name: str,
    contact_phone: str,
) -> dict[str, Any]:
    """An enterprise's typed fields, cleaned; a name another enterprise of the committee has is refused."""
    name = clean_text(name, field="企业名称", limit=100, single_line=True)
    if Enterprise.objects.filter(committee_id=committee_id, name=name).exclude(pk=pk).exists():
        raise ServiceError(f"已登记企业「{name}」。")
    if area is not None and area.level != Area.Level.STREET:
        raise ServiceError("所在地请选择镇街。")
    return {
        "name": name,
        "area": area,
        "industry": clean_text(industry, field="行业", limit=50, required=False, single_line=True),
        "contact_name": clean_text(contact_name, field="联系人", limit=50, required=False, single_line=True),
        "contact_phone": clean_text(contact_phone, field="联系电话", limit=20, required=False, single_line=True),
    }


@transaction.atomic
def enterprise_update(
    *,
    actor: Any,
    enterprise_id: Any,
    name: str,
    area: Area | None = None,
    industry: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    linked: Sequence[Member] | None = None,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Enterprise:
    """改企业: the office corrects an enterprise's name, place, industry and contact, and who is linked to it.

    ``linked`` is the leadership members linked from now on: a new one is linked from ``on`` (today),
    one left out has their link ended that day. ``None`` leaves the links as they are."""
    enterprise = lock(Enterprise, enterprise_id, name="该企业", expected_version=expected_version)
    _require_office(actor, enterprise.committee_id, "修改企业信息")
    fields = _enterprise_fields(
        enterprise.committee_id, enterprise.pk, name, area, industry, contact_name, contact_phone
    )
    day = on or _today()
    added: list[int] = []
    ended: list[int] = []
    if linked is not None:
        wanted = {_member(enterprise.committee_id, m, "挂点联系的政协领导班子成员").pk: m for m in linked}
        live = list(enterprise.links.select_for_update().filter(ended_on__isnull=True).select_related("member"))
        for link in live:
            if link.member_id in wanted:
                continue
            if day < link.linked_on:
                raise ServiceError(
                    f"{link.member.name}的挂点联系自 {link.linked_on:%Y年%m月%d日} 开始，结束日期不能早于开始日期。"
                )
            link.ended_on = day
            link.save(update_fields=["ended_on"])
            ended.append(link.member_id)
        have = {link.member_id for link in live}
        for pk in wanted:
            if pk not in have:
                EnterpriseLink.objects.create(enterprise=enterprise, member_id=pk, linked_on=day)
                added.append(pk)
    before = {k: str(getattr(enterprise, "area_id" if k == "area" else k)) for k in fields}
    for k, v in fields.items():
        setattr(enterprise, k, v)
    save(enterprise, *fields)
    _log(
        f"outreach.enterprise:{enterprise.pk}",
        enterprise,
        "update",
        actor,
        data={"before": before, "linked": added, "ended": ended, "on": day.isoformat()},
    )
    return enterprise


@transaction.atomic
def enterprise_link(*, actor: Any, enterprise_id: Any, member: Member | int, on: dt.date) -> EnterpriseLink:
    """挂点联系: a leadership member takes an enterprise on from a day."""
    enterprise = lock(Enterprise, enterprise_id, name="该企业")
    _require_office(actor, enterprise.committee_id, "安排挂点联系")
    m = _member(enterprise.committee_id, member, "挂点联系的政协领导班子成员")
    if enterprise.links.filter(member=m, ended_on__isnull=True).exists():
        raise ServiceError(f"{m.name}已挂点联系「{enterprise.name}」。")
    link = EnterpriseLink.objects.create(enterprise=enterprise, member=m, linked_on=on)
    _log(f"outreach.enterprise:{enterprise.pk}", link, "link", actor, data={"member": m.pk, "on": on.isoformat()})
    return link


@transaction.atomic
def enterprise_unlink(*, actor: Any, link_id: Any, on: dt.date) -> EnterpriseLink:
    link = lock(EnterpriseLink.objects.select_related("enterprise"), link_id, name="该挂点联系")
    _require_office(actor, link.enterprise.committee_id, "结束挂点联系")
    if link.ended_on is not None:
        raise ConflictError("该挂点联系已经结束。")
    if on < link.linked_on:
        raise ServiceError("结束日期不能早于开始日期。")
    link.ended_on = on
    link.save(update_fields=["ended_on"])
    _log(f"outreach.enterprise:{link.enterprise_id}", link, "unlink", actor, data={"on": on.isoformat()})
    return link


def linked_on(enterprise: Enterprise, day: dt.date) -> bool:
    return enterprise.links.filter(linked_on__lte=day).exclude(ended_on__lt=day).exists()


@transaction.atomic
def outreach_visit_log(
    *,
    actor: Any,
    committee: Committee,
    submission_token: Any,
    visited_on: dt.date,
    topic: str,
    went: Sequence[Member],
    met: Sequence[tuple[str, str]],
    kind: str = OutreachVisit.Kind.ENTERPRISE,
    enterprise: Enterprise | None = None,
    notes: str = "",
) -> tuple[OutreachVisit, bool]:
    """走访登记: who went (members) and whom they met (name, post); each person met is one person-time."""
    token = _token(submission_token)
    existing = OutreachVisit.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    if kind not in OutreachVisit.Kind.values:
        raise ServiceError("请选择走访类型：走企业、走专业人士或走群众。")
    if kind == OutreachVisit.Kind.ENTERPRISE and enterprise is None:
        raise ServiceError("走企业请选择走访的企业。")
    if enterprise is not None and enterprise.committee_id != committee.pk:
        raise ServiceError("企业不属于本会。")
    member = perms.member_of(actor)
    allowed = perms.is_office(actor, committee.pk) or (member is not None and member.pk in {m.pk for m in went})
    if not allowed:
        raise PermissionDeniedError("只有参加走访的委员或政协机关工作人员可以登记走访。")
    if not isinstance(visited_on, dt.date) or visited_on > _today():
        raise ServiceError("走访日期不能晚于今天。")
    if not went:
        raise ServiceError("请填写参加走访的人员。")
    if not met:
        raise ServiceError("请填写走访对象（会见的企业人员或专业人士）。")
    for m in went:
        if m.committee_id != committee.pk:
            raise ServiceError(f"委员「{m}」不属于本会。")
    cleaned = [
        (
            clean_text(n, field="走访对象姓名", limit=50, single_line=True),
            clean_text(t, field="走访对象职务", limit=100, required=False, single_line=True),
        )
        for n, t in met
    ]
    visit = OutreachVisit.objects.create(
        committee=committee,
        kind=kind,
        visited_on=visited_on,
        enterprise=enterprise,
        topic=clean_text(topic, field="走访主题", limit=200, single_line=True),
        notes=clean_text(notes, field="走访情况", limit=MAX_TEXT, required=False),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        submission_token=token,
    )
    Participant.objects.bulk_create(
        [Participant(visit=visit, side=Participant.Side.OURS, name=m.name, member=m) for m in went]
        + [Participant(visit=visit, side=Participant.Side.MET, name=n, title=t) for n, t in cleaned]
    )
    _log(f"outreach.linkage:{visit.pk}", visit, "log", actor, data={"went": len(went), "met": len(cleaned)})
    return visit, True


@transaction.atomic
def appeal_raise(
    *,
    actor: Any,
    enterprise_id: Any,
    submission_token: Any,
    title: str,
    text: str,
    raised_on: dt.date | None = None,
    visit: OutreachVisit | None = None,
) -> tuple[Appeal, bool]:
    """企业诉求: recorded by staff or the linked member and handed to the loop (channel ``enterprise``).

    An enterprise that no leadership member is linked to on that day is refused.
    """
    token = _token(submission_token)
    existing = Appeal.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    enterprise = lock(Enterprise, enterprise_id, name="该企业")
    if not perms.can_act_for_enterprise(actor, enterprise):
        raise PermissionDeniedError("只有挂点联系该企业的政协领导班子成员或政协机关工作人员可以登记企业诉求。")
    day = raised_on or _today()
    if day > _today():
        raise ServiceError("诉求日期不能晚于今天。")
    if not linked_on(enterprise, day):
        raise ServiceError(
            f"「{enterprise.name}」在 {day:%Y年%m月%d日} 未挂点联系任何政协领导班子成员，"
            "不能作为企业诉求登记。请先安排挂点联系，或作为群众留言提交。"
        )
    appeal = Appeal.objects.create(
        committee_id=enterprise.committee_id,
        enterprise=enterprise,
        visit=visit,
        title=clean_text(title, field="诉求标题", limit=100, min_len=4, single_line=True),
        text=clean_text(text, field="诉求内容", limit=MAX_TEXT, min_len=10),
        raised_on=day,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        submission_token=token,
    )
    appeal.item = loop.item_accept(
        committee=Committee.objects.get(pk=enterprise.committee_id),
        channel=ENTERPRISE,
        title=appeal.title,
        text=f"{enterprise.name}：{appeal.text}",
        area=enterprise.area,
        source=appeal,
        actor=actor,
    )
    appeal.save(update_fields=["item"])
    _log(f"outreach.enterprise:{enterprise.pk}", appeal, "appeal", actor)
    return appeal, True


def appeal_rate(*, actor: Any, appeal_id: Any, value: str, comment: str = "") -> Any:
    """The enterprise's rating of the reply, recorded by the linked member or the office."""
    appeal = (
        perms.appeals_visible_to(actor).select_related("enterprise", "item").filter(pk=as_id(appeal_id) or 0).first()
    )
    if appeal is None:
        raise NotFoundError("未找到该企业诉求。")
    if not perms.can_act_for_enterprise(actor, appeal.enterprise):
        raise PermissionDeniedError("只有挂点联系该企业的政协领导班子成员或政协机关工作人员可以录入企业评价。")
    assignment = awaiting_rating(appeal.item)
    if assignment is None:
        raise ServiceError("该诉求当前没有待评价的答复。")
    return loop.assignment_rate(
        assignment_id=assignment.pk,
        rater_key="citizen",
        value=value,
        comment=comment,
        actor=actor if perms.is_office(actor, appeal.committee_id) else None,
        actor_label=f"{appeal.enterprise.name}（{getattr(actor, 'display_name', '')}代为录入）",
    )


# --- supervision groups and volunteers ------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    actor: Any,
    committee: Committee,
    name: str,
    theme: str,
    leader: Member,
    starts_on: dt.date,
    ends_on: dt.date,
    members: Sequence[Member] = (),
) -> SupervisionGroup:
    """督导组: led by a leadership member, with members, a theme and a period."""
    _require_office(actor, committee.pk, "组建督导组")
    if leader.committee_id != committee.pk or any(m.committee_id != committee.pk for m in members):
        raise ServiceError("督导组成员须为本会委员。")
    if ends_on < starts_on:
        raise ServiceError("督导期结束日期不能早于开始日期。")
    name = clean_text(name, field="督导组名称", limit=100, single_line=True)
    if SupervisionGroup.objects.filter(committee=committee, name=name).exists():
        raise ServiceError(f"已有名为「{name}」的督导组。")
    group = SupervisionGroup.objects.create(
        committee=committee,
        name=name,
        theme=clean_text(theme, field="督导主题", limit=200, single_line=True),
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    group.members.set(members)
    _log(f"outreach.group:{group.pk}", group, "create", actor)
    return group


@transaction.atomic
def group_update(
    *,
    actor: Any,
    group_id: Any,
    name: str,
    theme: str,
    leader: Member,
    starts_on: dt.date,
    ends_on: dt.date,
    members: Sequence[Member] = (),
    expected_version: int | None = None,
) -> SupervisionGroup:
    """改督导组: the office changes the group's name, theme, leader, members and period. The period
    must still hold every problem the group has raised."""
    group = lock(SupervisionGroup, group_id, name="该督导组", expected_version=expected_version)
    _require_office(actor, group.committee_id, "修改督导组")
    c = group.committee_id
    if leader is None or leader.committee_id != c or any(m.committee_id != c for m in members):
        raise ServiceError("督导组成员须为本会委员。")
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise ServiceError("请填写督导期。")
    if ends_on < starts_on:
        raise ServiceError("督导期结束日期不能早于开始日期。")
    outside = group.problems.exclude(raised_on__range=(starts_on, ends_on)).order_by("raised_on").first()
    if outside is not None:
        raise ServiceError(
            f"本组已有问题「{outside.title}」于 {outside.raised_on:%Y年%m月%d日} 登记，督导期须包含该日期。"
        )
    name = clean_text(name, field="督导组名称", limit=100, single_line=True)
    if SupervisionGroup.objects.filter(committee_id=c, name=name).exclude(pk=group.pk).exists():
        raise ServiceError(f"已有名为「{name}」的督导组。")
    before = {k: str(getattr(group, k)) for k in ("name", "theme", "leader_id", "starts_on", "ends_on")}
    group.name = name
    group.theme = clean_text(theme, field="督导主题", limit=200, single_line=True)
    group.leader, group.starts_on, group.ends_on = leader, starts_on, ends_on
    save(group, "name", "theme", "leader", "starts_on", "ends_on")
    group.members.set(members)
    _log(
        f"outreach.group:{group.pk}",
        group,
        "update",
        actor,
        data={"before": before, "members": sorted(m.pk for m in members)},
    )
    return group


@transaction.atomic
def problem_raise(
    *,
    actor: Any,
    group_id: Any,
    submission_token: Any,
    title: str,
    text: str,
    raised_on: dt.date | None = None,
    area: Area | None = None,
) -> tuple[Problem, bool]:
    """督导发现问题: raised within the group's period and handed to the loop (channel ``supervision``)."""
    token = _token(submission_token)
    existing = Problem.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    group = lock(SupervisionGroup, group_id, name="该督导组")
    if not perms.can_act_for_group(actor, group):
        raise PermissionDeniedError("只有督导组成员或政协机关工作人员可以登记督导问题。")
    day = raised_on or _today()
    if not group.starts_on <= day <= group.ends_on or day > _today():
        raise ServiceError(f"问题须在督导期内（{group.starts_on:%Y-%m-%d} 至 {group.ends_on:%Y-%m-%d}）登记。")
    problem = Problem.objects.create(
        group=group,
        title=clean_text(title, field="问题标题", limit=100, min_len=4, single_line=True),
        text=clean_text(text, field="问题描述", limit=MAX_TEXT, min_len=10),
        raised_on=day,
        area=area,
        submission_token=token,
    )
    problem.item = loop.item_accept(
        committee=Committee.objects.get(pk=group.committee_id),
        channel=SUPERVISION,
        title=problem.title,
        text=f"{group.name}：{problem.text}",
        area=area,
        source=problem,
        actor=actor,
    )
    problem.save(update_fields=["item"])
    _log(f"outreach.group:{group.pk}", problem, "problem", actor)
    return problem, True


@transaction.atomic
def team_create(*, actor: Any, committee: Committee, name: str, founded_on: dt.date) -> VolunteerTeam:
    _require_office(actor, committee.pk, "组建志愿服务队")
    name = clean_text(name, field="服务队名称", limit=100, single_line=True)
    if VolunteerTeam.objects.filter(committee=committee, name=name).exists():
        raise ServiceError(f"已有名为「{name}」的志愿服务队。")
    team = VolunteerTeam.objects.create(committee=committee, name=name, founded_on=founded_on)
    _log(f"outreach.team:{team.pk}", team, "create", actor)
    return team


@transaction.atomic
def team_update(
    *, actor: Any, team_id: Any, name: str, founded_on: dt.date, expected_version: int | None = None
) -> VolunteerTeam:
    """改服务队: the office corrects the team's name and founding date (not after its first service)."""
    team = lock(VolunteerTeam, team_id, name="该志愿服务队", expected_version=expected_version)
    _require_office(actor, team.committee_id, "修改志愿服务队")
    name = clean_text(name, field="服务队名称", limit=100, single_line=True)
    if VolunteerTeam.objects.filter(committee_id=team.committee_id, name=name).exclude(pk=team.pk).exists():
        raise ServiceError(f"已有名为「{name}」的志愿服务队。")
    if not isinstance(founded_on, dt.date) or founded_on > _today():
        raise ServiceError("成立日期不能晚于今天。")
    first = team.records.order_by("served_on").first()
    if first is not None and founded_on > first.served_on:
        raise ServiceError(f"本队 {first.served_on:%Y年%m月%d日} 已有服务记录，成立日期不能晚于该日。")
    before = {"name": team.name, "founded_on": str(team.founded_on)}
    team.name, team.founded_on = name, founded_on
    save(team, "name", "founded_on")
    _log(f"outreach.team:{team.pk}", team, "update", actor, data={"before": before})
    return team


@transaction.atomic
def volunteer_leave(
    *, actor: Any, volunteer_id: Any, left_on: dt.date, expected_version: int | None = None
) -> Volunteer:
    """离队: the office records the day a volunteer left the team. Services after that day are refused
    from then on, and the yearly count of volunteers follows the period in the team."""
    volunteer = lock(
        Volunteer.objects.select_related("team"), volunteer_id, name="该志愿者", expected_version=expected_version
    )
    _require_office(actor, volunteer.team.committee_id, "登记志愿者离队")
    if volunteer.left_on is not None:
        raise ConflictError(f"{volunteer.name}已于 {volunteer.left_on:%Y年%m月%d日} 离队。")
    if not isinstance(left_on, dt.date) or left_on > _today():
        raise ServiceError("离队日期不能晚于今天。")
    if left_on < volunteer.joined_on:
        raise ServiceError(f"离队日期不能早于入队日期（{volunteer.joined_on:%Y年%m月%d日}）。")
    later = (
        ServiceRecord.objects.filter(attendance__volunteer=volunteer, served_on__gt=left_on)
        .order_by("served_on")
        .first()
    )
    if later is not None:
        raise ServiceError(
            f"{volunteer.name} {later.served_on:%Y年%m月%d日} 还参加了「{later.activity}」，离队日期不能早于该日。"
        )
    volunteer.left_on = left_on
    save(volunteer, "left_on")
    _log(f"outreach.team:{volunteer.team_id}", volunteer, "leave", actor, data={"left_on": left_on.isoformat()})
    return volunteer


@transaction.atomic
def volunteer_add(*, actor: Any, team_id: Any, name: str, joined_on: dt.date, user: User | None = None) -> Volunteer:
    team = lock(VolunteerTeam, team_id, name="该志愿服务队")
    _require_office(actor, team.committee_id, "登记志愿者")
    name = clean_text(name, field="志愿者姓名", limit=50, single_line=True)
    if team.volunteers.filter(name=name).exists():
        raise ServiceError(f"「{name}」已是本队队员。")
    volunteer = Volunteer.objects.create(team=team, name=name, joined_on=joined_on, user=user)
    _log(f"outreach.team:{team.pk}", volunteer, "join", actor)
    return volunteer


@transaction.atomic
def service_record(
    *,
    actor: Any,
    team_id: Any,
    submission_token: Any,
    served_on: dt.date,
    activity: str,
    volunteer_ids: Sequence[int],
    place: str = "",
) -> tuple[ServiceRecord, bool]:
    """志愿服务记录: each volunteer present is one person-time; volunteers must be on the team that day."""
    token = _token(submission_token)
    existing = ServiceRecord.objects.filter(submission_token=token).first()
    if existing is not None:
        return existing, False
    team = lock(VolunteerTeam, team_id, name="该志愿服务队")
    _require_office(actor, team.committee_id, "登记志愿服务")
    if served_on > _today():
        raise ServiceError("服务日期不能晚于今天。")
    ids = {as_id(v) for v in volunteer_ids} - {None}
    chosen = list(team.volunteers.filter(pk__in=ids))
    gone = next((v for v in chosen if v.left_on is not None and v.left_on < served_on), None)
    if gone is not None:
        raise ServiceError(f"{gone.name}已于 {gone.left_on:%Y年%m月%d日} 离队，不能登记其离队后的服务。")
    present = [v for v in chosen if v.joined_on <= served_on]
    if not present or len(present) != len(ids):
        raise ServiceError("请选择当天在队的志愿者。")
    record = ServiceRecord.objects.create(
        team=team,
        served_on=served_on,
        activity=clean_text(activity, field="服务内容", limit=200, single_line=True),
        place=clean_text(place, field="服务地点", limit=100, required=False, single_line=True),
        submission_token=token,
    )
    Attendance.objects.bulk_create([Attendance(record=record, volunteer=v) for v in present])
    _log(f"outreach.team:{team.pk}", record, "service", actor, data={"people": len(present)})
    return record, True
