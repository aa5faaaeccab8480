"""Who may see and do what with proposals. Lists, pages, exports, rates and the API use these scopes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.handling import permissions as loop_perms
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import User

from .models import Proposal
from .transitions import PROPOSAL

Role = User.Role
# Offices whose staff may assign filed proposals to units (提案委 together with 两办). Configurable.
DEFAULT_ASSIGNER_OFFICES = ("proposals", "government")


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _admin(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role == Role.ADMIN)


def _same_committee(user: Any, committee_id: int | None) -> bool:
    return committee_id is None or user.is_superuser or user.committee_id == committee_id


def is_proposals_office(user: Any, committee_id: int | None = None) -> bool:
    """The proposals office (提案委) reviews, numbers, merges, publishes and chooses key proposals."""
    if not _active(user):
        return False
    ok = _admin(user) or (user.role == Role.OFFICE and user.office == User.Office.PROPOSALS)
    return ok and _same_committee(user, committee_id)


def assigner_offices() -> tuple[str, ...]:
    return tuple(getattr(settings, "XIESHANG_PROPOSAL_ASSIGNER_OFFICES", DEFAULT_ASSIGNER_OFFICES))


def can_assign(user: Any, committee_id: int | None = None) -> bool:
    """交办 and 改派: the configured offices (default the proposals office and the Party/government office)."""
    if not _active(user):
        return False
    ok = _admin(user) or (user.role == Role.OFFICE and user.office in assigner_offices())
    return ok and _same_committee(user, committee_id)


def is_committee_staff(user: Any) -> bool:
    return _active(user) and (user.role in (Role.OFFICE, Role.ADMIN) or user.is_superuser)


def member_of(user: Any):
    return getattr(user, "member", None) if _active(user) else None


def proposals_visible_to(user: Any) -> QuerySet[Proposal]:
    """Staff and leaders: the committee's proposals past drafting. Members: their own drafts and proposals
    and those they co-sign. Units: proposals in groups assigned to them."""
    qs = Proposal.objects.all()
    if not _active(user):
        return qs.none()
    drafts = (Proposal.Status.DRAFT, Proposal.Status.COSIGNING)
    if user.is_superuser:
        return qs.exclude(status__in=drafts)
    if user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER):
        return qs.filter(committee_id=user.committee_id).exclude(status__in=drafts)
    if user.role == Role.UNIT and user.unit_id:
        mine = Assignment.objects.filter(item_id=OuterRef("item_id"), unit_id=user.unit_id).exclude(
            status=Assignment.Status.WITHDRAWN
        )
        leads = qs.filter(Exists(mine)).values("pk")
        return qs.filter(Q(pk__in=leads) | Q(merged_into__in=leads), status=Proposal.Status.FILED)
    if user.role == Role.MEMBER:
        own = Q(created_by=user) | Q(proposers__user=user) | Q(proposers__member__user=user)
        return qs.filter(pk__in=Proposal.objects.filter(own).values("pk"))
    return qs.none()


def unit_lead_proposals(user: Any) -> QuerySet[Proposal]:
    """The group leads a unit is assigned: ``proposals_visible_to(user)`` without the merged originals,
    read through the unit's assignments instead of testing every proposal."""
    if not (_active(user) and user.role == Role.UNIT and user.unit_id):
        return Proposal.objects.none()
    items = Assignment.objects.filter(unit_id=user.unit_id).exclude(status=Assignment.Status.WITHDRAWN)
    return Proposal.objects.filter(
        item_id__in=items.values("item_id"), merged_into__isnull=True, status=Proposal.Status.FILED
    )


def get_proposal_for(user: Any, proposal_id: Any) -> Proposal:
    """Fetch-and-check: outside the user's scope is 'not found', never 'forbidden'."""
    try:
        return (
            proposals_visible_to(user)
            .select_related("committee", "term", "session", "merged_into")
            .get(pk=int(proposal_id))
        )
    except (Proposal.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该提案。") from None


def is_proposer(user: Any, proposal: Proposal) -> bool:
    if not _active(user):
        return False
    return proposal.proposers.filter(Q(user=user) | Q(member__user=user), declined_at__isnull=True).exists()


def is_drafter(user: Any, proposal: Proposal) -> bool:
    """The first proposer, or the staff member who entered the proposal on their behalf."""
    if not _active(user):
        return False
    if proposal.created_by_id == user.pk:
        return True
    return proposal.proposers.filter(Q(user=user) | Q(member__user=user), order=1).exists()


def can_edit(user: Any, proposal: Proposal) -> bool:
    """The drafter edits while drafting or after 退回修改 (the transition table's ``edit``)."""
    return PROPOSAL.can(proposal, "edit") and is_drafter(user, proposal)


def can_see_stats(user: Any) -> bool:
    return _active(user) and (user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER) or user.is_superuser)


def handling_visible_to(user: Any, item: Item) -> QuerySet[Assignment]:
    """The units' handling of a proposal (assignments, their replies and ratings) a user may read on
    the proposal's own pages.

    The replies are addressed to the proposers, so they, the committee and leaders read every unit's;
    a unit reads only its own, by the loop's rule (``handling.permissions.visible_assignments``), as
    on the item page. ``user=None`` is the committee's own documents (the compilation, exports).
    """
    everyone = Assignment.objects.filter(item_id=item.pk).exclude(status=Assignment.Status.WITHDRAWN)
    if user is not None and _active(user) and user.role == Role.UNIT:
        return loop_perms.visible_assignments(user, item)
    return everyone
