"""Who may see and do what in the loop. Lists, pages, exports, metrics and the API use these scopes.

What a user may read ON an item is decided here too, once per question, and the item page's
selector, the API's serializers and any export call these functions rather than deciding again:

- committee staff, administrators and leaders of the item's committee see the whole item: every
  assignment with its replies, co-unit opinions, contacts, requests, ratings, and the whole history;
- a unit sees only what is assigned to it: its own assignments and what hangs on them (its replies,
  contacts, requests, ratings, its own co-unit opinion). The lead unit of a joint item (会办) also
  reads the co-units' opinions, which are addressed to it; a co-unit never sees another co-unit's
  opinion nor the lead's reply;
- the history a unit sees is the item's own entries and those of its assignments, naming only the
  units it may know of (its own, the lead for a co-unit, the co-units for the lead, where its
  assignment was passed on to);
- the person who raised the item: the full contact details only for dispatchers; everyone else
  sees them masked (the channel's ``source_details`` hook does the masking);
- members and citizens see nothing of the loop here: their channel shows them its own pages.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from xieshang.core import audit
from xieshang.core.errors import NotFoundError
from xieshang.core.models import AuditEntry
from xieshang.organisations.models import Unit, User

from .models import LIVE_STATES, Assignment, Contact, CoOpinion, Item, Rating, Reply, Request

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


# --- what a user may read on one item --------------------------------------------------------------


def sees_whole_item(user: Any, item: Item) -> bool:
    """Committee staff, administrators and leaders of the item's committee see every unit's work."""
    if not _active(user):
        return False
    return bool(user.is_superuser) or (can_see_all_items(user) and user.committee_id == item.committee_id)


def visible_assignments(user: Any, item: Item) -> QuerySet[Assignment]:
    """The assignments of an item a user may read: all for the committee, a unit its own."""
    return assignments_visible_to(user).filter(item_id=item.pk)


def leads_item(user: Any, item: Item) -> bool:
    """The user's unit is (still) the lead unit of the item."""
    if not is_unit_staff(user):
        return False
    return live(Assignment.objects.filter(item_id=item.pk, unit_id=user.unit_id, role=Assignment.Role.LEAD)).exists()


def opinions_addressed_to(user: Any, item: Item) -> QuerySet[CoOpinion]:
    """The co-unit opinions (会办意见) a user receives: they are addressed to the lead unit, which
    answers for the co-units too; the committee reads them all; anyone else receives none."""
    qs = CoOpinion.objects.filter(assignment__item_id=item.pk)
    if sees_whole_item(user, item) or leads_item(user, item):
        return qs
    return qs.none()


def visible_opinions(user: Any, item: Item) -> QuerySet[CoOpinion]:
    """The co-unit opinions a user may read: those addressed to it, and a co-unit its own."""
    own = CoOpinion.objects.filter(assignment__in=visible_assignments(user, item))
    return opinions_addressed_to(user, item) | own


def visible_replies(user: Any, item: Item) -> QuerySet[Reply]:
    """Replies: the committee sees all; a unit its own unit's."""
    return Reply.objects.filter(assignment__in=visible_assignments(user, item))


def visible_contacts(user: Any, item: Item) -> QuerySet[Contact]:
    return Contact.objects.filter(assignment__in=visible_assignments(user, item))


def visible_requests(user: Any, item: Item) -> QuerySet[Request]:
    return Request.objects.filter(assignment__in=visible_assignments(user, item))


def visible_ratings(user: Any, item: Item) -> QuerySet[Rating]:
    return Rating.objects.filter(assignment__in=visible_assignments(user, item))


def known_unit_ids(user: Any, item: Item) -> set[int] | None:
    """The units whose names a user may read on an item; None: every unit (the committee's view).

    A unit knows itself, where its own assignment was passed on to, the lead unit if it is a co-unit
    (it sends its opinion there) and the co-units if it leads (their opinions come to it)."""
    if sees_whole_item(user, item):
        return None
    if not is_unit_staff(user):
        return set()
    own = list(visible_assignments(user, item).values_list("role", "successor__unit_id"))
    known = {user.unit_id} | {succ for _, succ in own if succ}
    roles = {role for role, _ in own}
    others = live(Assignment.objects.filter(item_id=item.pk)).exclude(unit_id=user.unit_id)
    if Assignment.Role.CO in roles:
        known |= set(others.filter(role=Assignment.Role.LEAD).values_list("unit_id", flat=True))
    if Assignment.Role.LEAD in roles and leads_item(user, item):
        known |= set(others.filter(role=Assignment.Role.CO).values_list("unit_id", flat=True))
    return known


_UNIT_NAME_KEYS = ("lead", "co", "from", "to")


def visible_history(user: Any, item: Item) -> list[AuditEntry]:
    """The item's audit thread as the user may read it.

    The committee reads it whole. A unit reads the item's own entries (accepted, assigned, closed),
    supervision, and the entries of its own assignments; unit names it may not know are left out
    of what an entry carries (the units an item was assigned to, where it was passed on to)."""
    entries = list(audit.history(item.thread))
    known = known_unit_ids(user, item)
    if known is None:
        return entries
    if not known:
        return []
    own = {f"handling.assignment:{pk}" for pk in visible_assignments(user, item).values_list("pk", flat=True)}
    shared = {f"handling.item:{item.pk}"}
    names = set(Unit.objects.filter(pk__in=known).values_list("name", flat=True))
    out = []
    for e in entries:
        if not (e.target in own or e.target in shared or e.target.startswith("handling.supervision:")):
            continue
        if any(k in (e.data or {}) for k in _UNIT_NAME_KEYS):
            e = copy.copy(e)
            e.data = _only_names(e.data, names)
        out.append(e)
    return out


def _only_names(data: dict[str, Any], names: set[str]) -> dict[str, Any]:
    out = dict(data)
    for key in _UNIT_NAME_KEYS:
        value = out.get(key)
        if isinstance(value, list):
            out[key] = [n for n in value if n in names]
        elif isinstance(value, str) and value and value not in names and value != "区级":
            out.pop(key)
    return out


def may_see_contact(user: Any, item: Item) -> bool:
    """The full contact details of the person who raised the item, shown at once: dispatchers only
    (they call back and record ratings for people without an account); every unit and leader sees
    them masked."""
    return is_dispatcher(user, item.committee_id)


# A unit that holds the item may reveal the number while its assignment is in hand (signed for or
# not, up to the rating); a closed, returned, reassigned or withdrawn assignment no longer may.
REVEAL_STATES = ("new", "signed", "return_requested", "opinion_sent", "replied", "awaiting_rating")


def may_reveal_contact(user: Any, item: Item) -> bool:
    """显示完整号码: the staff of a unit with an assignment in hand on the item, one recorded reveal
    at a time (the unit must call the person before it replies); other units never."""
    if not is_unit_staff(user):
        return False
    return Assignment.objects.filter(item_id=item.pk, unit_id=user.unit_id, status__in=REVEAL_STATES).exists()
