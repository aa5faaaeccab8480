"""Who may see and do what in consultation work.

Committee staff (any office) and administrators organise topics, activities and suggestions for
their committee; leaders see everything of their committee; a member sees the plan, the topics
in it and the activities they are invited to; units see suggestions through the loop. The
public sees only the published plan, selected topics and published outcomes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.organisations.models import User

from .models import Activity, Participant, Plan, Suggestion, Topic

Role = User.Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_organiser(user: Any, committee_id: int | None = None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role not in (Role.OFFICE, Role.ADMIN):
        return False
    return committee_id is None or user.committee_id == committee_id


def sees_all(user: Any) -> bool:
    return is_organiser(user) or (_active(user) and user.role == Role.LEADER)


def topics_visible_to(user: Any) -> QuerySet[Topic]:
    qs = Topic.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if sees_all(user):
        return qs.filter(committee_id=user.committee_id)
    mine = Q(proposer_user=user)
    if user.role == Role.MEMBER:
        mine |= Q(committee_id=user.committee_id, status__in=[Topic.Status.SELECTED, Topic.Status.CONCLUDED])
    return qs.filter(mine)


def get_topic_for(user: Any, pk: Any) -> Topic:
    try:
        return topics_visible_to(user).select_related("plan").get(pk=pk)
    except (Topic.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该协商议题。") from None


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    qs = Activity.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if sees_all(user):
        return qs.filter(committee_id=user.committee_id)
    return qs.filter(participants__user=user).distinct()


def get_activity_for(user: Any, pk: Any) -> Activity:
    try:
        return activities_visible_to(user).select_related("topic", "area").get(pk=pk)
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该协商活动。") from None


def suggestions_visible_to(user: Any) -> QuerySet[Suggestion]:
    qs = Suggestion.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if sees_all(user):
        return qs.filter(committee_id=user.committee_id)
    return qs.none()


def participation_of(user: Any, activity: Activity) -> Participant | None:
    if not _active(user):
        return None
    return activity.participants.filter(user=user).first()


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(is_published=True)


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(
        plan__is_published=True, status__in=[Topic.Status.SELECTED, Topic.Status.CONCLUDED]
    ).select_related("plan")
