"""Who may see and do what in outreach: checks (``can_*``) and scopes (``*_visible_to``).

- Committee staff (机关) and administrators see every station, visit, enterprise and group of their
  committee and may act on all of them.
- A station host sees only their own stations and every visit logged there.
- A member on a station's roster sees that station, and the visits of their own duty days only.
- A leadership member sees the enterprises linked to them and their appeals; a group leader their group.

Records outside a user's scope answer "not found" (:func:`get_station`, :func:`get_visit`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.core.writes import as_id
from xieshang.organisations.models import Member, User

from .models import Appeal, DutyShift, Enterprise, Station, SupervisionGroup, Visit

Role = User.Role


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_office(user: Any, committee_id: int | None = None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role not in (Role.OFFICE, Role.ADMIN):
        return False
    return committee_id is None or user.committee_id == committee_id


def member_of(user: Any) -> Member | None:
    if not _active(user):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def stations_visible_to(user: Any) -> QuerySet[Station]:
    qs = Station.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if is_office(user):
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.HOST:
        return qs.filter(host=user)
    member = member_of(user)
    if member is not None:
        return qs.filter(Q(members=member) | Q(shifts__member=member)).distinct()
    return qs.none()


def lands_on_desk(user: Any) -> bool:
    """A member on a station's list or roster lands on the station desk after signing in."""
    member = member_of(user)
    if member is None:
        return False
    return Station.objects.filter(Q(members=member) | Q(shifts__member=member), is_active=True).exists()


def _on_duty(user: Any) -> Exists:
    return Exists(DutyShift.objects.filter(station=OuterRef("station"), on=OuterRef("visited_on"), member__user=user))


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    qs = Visit.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if is_office(user):
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.HOST:
        return qs.filter(station__host=user)
    if member_of(user) is not None:
        return qs.filter(_on_duty(user))
    return qs.none()


def is_host(user: Any, station: Station) -> bool:
    return _active(user) and station.host_id == user.pk


def can_manage_station(user: Any, station: Station) -> bool:
    """Set up the station, its members and its roster: committee staff, and the host for the roster."""
    return is_office(user, station.committee_id) or is_host(user, station)


def can_log_visit(user: Any, station: Station) -> bool:
    """Log a visit: committee staff, the host, or a member on the station's roster or list."""
    if can_manage_station(user, station):
        return True
    member = member_of(user)
    if member is None:
        return False
    return station.members.filter(pk=member.pk).exists() or station.shifts.filter(member=member).exists()


def can_dispose(user: Any, visit: Visit) -> bool:
    """Dispose of a visit and record feedback: staff, the host, or a member on duty that day."""
    if is_office(user, visit.committee_id) or is_host(user, visit.station):
        return True
    return (
        member_of(user) is not None
        and DutyShift.objects.filter(station_id=visit.station_id, on=visit.visited_on, member__user=user).exists()
    )


def get_station(user: Any, pk: Any) -> Station:
    station = stations_visible_to(user).select_related("area", "host").filter(pk=as_id(pk) or 0).first()
    if station is None:
        raise NotFoundError("未找到该联系站。")
    return station


def get_visit(user: Any, pk: Any) -> Visit:
    visit = (
        visits_visible_to(user)
        .select_related("station", "duty_member", "proposal", "opinion_report", "item")
        .filter(pk=as_id(pk) or 0)
        .first()
    )
    if visit is None:
        raise NotFoundError("未找到该来访登记。")
    return visit


# --- enterprises and groups ------------------------------------------------------------------------


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.all()
    if not _active(user):
        return qs.none()
    if is_office(user):
        return qs if user.is_superuser else qs.filter(committee_id=user.committee_id)
    member = member_of(user)
    if member is not None:
        return qs.filter(links__member=member).distinct()
    return qs.none()


def appeals_visible_to(user: Any) -> QuerySet[Appeal]:
    return Appeal.objects.filter(enterprise__in=enterprises_visible_to(user))


def can_act_for_enterprise(user: Any, enterprise: Enterprise) -> bool:
    """Log a visit, raise an appeal, record the enterprise's rating: staff or a member linked to it."""
    if is_office(user, enterprise.committee_id):
        return True
    member = member_of(user)
    return member is not None and enterprise.links.filter(member=member, ended_on__isnull=True).exists()


def groups_visible_to(user: Any) -> QuerySet[SupervisionGroup]:
    qs = SupervisionGroup.objects.all()
    if not _active(user):
        return qs.none()
    if is_office(user):
        return qs if user.is_superuser else qs.filter(committee_id=user.committee_id)
    member = member_of(user)
    if member is not None:
        return qs.filter(Q(leader=member) | Q(members=member)).distinct()
    return qs.none()


def can_act_for_group(user: Any, group: SupervisionGroup) -> bool:
    if is_office(user, group.committee_id):
        return True
    member = member_of(user)
    return member is not None and (group.leader_id == member.pk or group.members.filter(pk=member.pk).exists())
