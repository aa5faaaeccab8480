"""Who may see and do what in member duties.

Committee staff (any office) and administrators organise meetings and keep the committee's own
records; whoever organised a meeting records its attendance (谁组织谁记录). Leave is decided by the
organiser, or for plenary and standing-committee meetings by the secretariat. A member sees and
prints their own duty file; staff and leaders of the committee see every member's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.organisations.models import Member, User

from .models import Meeting

Role = User.Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff_of(user: Any, committee_id: int | None) -> bool:
    """Committee staff or an administrator of this committee."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.role in (Role.OFFICE, Role.ADMIN) and user.committee_id == committee_id


def can_keep_records(user: Any, committee_id: int | None) -> bool:
    """The committee's own records (制度, honours, 委员风采, media reports, speeches) are kept by its
    office staff and administrators; they enter, correct and delete them."""
    return is_staff_of(user, committee_id)


def can_see_overview(user: Any) -> bool:
    """The office's view of every member's duties (below the minimum, excellent)."""
    return _active(user) and (user.is_superuser or user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER))


def can_record_attendance(user: Any, meeting: Meeting) -> bool:
    """谁组织谁记录: the organiser (or an administrator) records attendance."""
    if not _active(user):
        return False
    return (
        user.pk == meeting.organiser_id
        or user.is_superuser
        or (user.role == Role.ADMIN and user.committee_id == meeting.committee_id)
    )


def can_decide_leave(user: Any, meeting: Meeting) -> bool:
    """The organiser decides leave; for plenary and standing meetings the secretariat does."""
    if not _active(user):
        return False
    if user.is_superuser or (user.role == Role.ADMIN and user.committee_id == meeting.committee_id):
        return True
    if meeting.kind in (Meeting.Kind.PLENARY, Meeting.Kind.STANDING):
        return is_staff_of(user, meeting.committee_id) and user.office == User.Office.SECRETARIAT
    return user.pk == meeting.organiser_id


def can_request_leave(user: Any, member: Member) -> bool:
    """A member asks for themself; the office may enter a written request on a member's behalf."""
    if not _active(user):
        return False
    return member.user_id == user.pk or is_staff_of(user, member.committee_id)


def members_visible_to(user: Any) -> QuerySet[Member]:
    qs = Member.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER):
        return qs.filter(committee_id=user.committee_id)
    return qs.filter(user=user)


def get_member_for(user: Any, pk: Any) -> Member:
    try:
        return members_visible_to(user).select_related("committee", "term", "sector").get(pk=pk)
    except (Member.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该委员。") from None


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    qs = Meeting.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role == Role.UNIT:
        return qs.none()
    return qs.filter(committee_id=user.committee_id)


def get_meeting_for(user: Any, pk: Any) -> Meeting:
    try:
        return meetings_visible_to(user).select_related("organiser").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该会议或活动。") from None
