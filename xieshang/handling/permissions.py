"""Who may see and do what in the loop. Lists, pages, exports, metrics and the API use these scopes."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.organisations.models import User

from .models import LIVE_STATES, Assignment, Item

Role = User.Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_dispatcher(user: Any, committee_id: int | None = None) -> bool:
    """Committee staff and administrators assign, reassign and decide returns and extensions."""
    if not _active(user):
        return False
    if user.role not in (Role.OFFICE, Role.ADMIN) and not user.is_superuser:
        return False
    return committee_id is None or user.committee_id == committee_id or user.is_superuser


def can_dispatch(user: Any, item: Item) -> bool:
    """Assign, decline, reassign, decide requests and review replies of this item.

    Committee staff of the item's committee, limited to the offices the channel names (the proposals
    channel names the proposals office and the Party and government office); administrators always.
    """
    if not is_dispatcher(user, item.committee_id):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    from . import registry

    try:
        offices = registry.get(item.channel).offices()
    except LookupError:
        return True
    return not offices or user.office in offices


def is_leader(user: Any) -> bool:
    return _active(user) and user.role == Role.LEADER


def is_unit_staff(user: Any) -> bool:
    return _active(user) and user.role == Role.UNIT and user.unit_id is not None


def can_see_all_items(user: Any) -> bool:
    return is_dispatcher(user) or is_leader(user)


def items_visible_to(user: Any) -> QuerySet[Item]:
    """The items a user may see: the committee's for staff and leaders, assigned ones for a unit."""
    qs = Item.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if can_see_all_items(user):
        return qs.filter(committee_id=user.committee_id)
    if is_unit_staff(user):
        mine = Assignment.objects.filter(item=OuterRef("pk"), unit_id=user.unit_id).exclude(
            status=Assignment.Status.WITHDRAWN
        )
        return qs.filter(Exists(mine))
    return qs.none()


def assignments_visible_to(user: Any) -> QuerySet[Assignment]:
    qs = Assignment.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if can_see_all_items(user):
        return qs.filter(item__committee_id=user.committee_id)
    if is_unit_staff(user):
        return qs.filter(unit_id=user.unit_id).exclude(status=Assignment.Status.WITHDRAWN)
    return qs.none()


def get_item_for(user: Any, item_id: int) -> Item:
    """Fetch-and-check: an item outside the user's scope is 'not found', never 'forbidden'."""
    try:
        return items_visible_to(user).get(pk=item_id)
    except (Item.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该事项。") from None


def get_assignment_for(user: Any, assignment_id: int) -> Assignment:
    try:
        return assignments_visible_to(user).select_related("item", "unit").get(pk=assignment_id)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该交办记录。") from None


def can_act_for_unit(user: Any, assignment: Assignment) -> bool:
    return is_unit_staff(user) and user.unit_id == assignment.unit_id


def can_supervise(user: Any, item: Item) -> bool:
    return (is_leader(user) and user.committee_id == item.committee_id) or is_dispatcher(user, item.committee_id)


def can_escalate(user: Any, assignment: Assignment) -> bool:
    return can_act_for_unit(user, assignment) or is_dispatcher(user, assignment.item.committee_id)


def live(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return qs.filter(status__in=LIVE_STATES)
