"""Reads over committees, terms, units, members and leaders."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Committee, Leader, Member, Session, Term, Unit, User


def current_term(committee: Committee | int) -> Term | None:
    committee_id = committee if isinstance(committee, int) else committee.pk
    return Term.objects.filter(committee_id=committee_id, is_current=True).first()


def current_session(committee: Committee | int) -> Session | None:
    """The latest plenary session of the current term, or None if it has none yet."""
    term = current_term(committee)
    if term is None:
        return None
    return term.sessions.order_by("-number").first()


def units_of(committee: Committee | int, *, kind: str | None = None, active_only: bool = True) -> QuerySet[Unit]:
    """Handling units of a committee, departments first, for pickers and filters."""
    committee_id = committee if isinstance(committee, int) else committee.pk
    qs = Unit.objects.filter(committee_id=committee_id)
    if kind:
        qs = qs.filter(kind=kind)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("area").order_by("kind", "id")


def members_of(committee: Committee | int, *, term: Term | None = None) -> QuerySet[Member]:
    """Members of a term (the current one by default)."""
    committee_id = committee if isinstance(committee, int) else committee.pk
    term = term or current_term(committee_id)
    qs = Member.objects.filter(committee_id=committee_id)
    if term is None:
        return qs.none()
    return qs.filter(term=term).select_related("sector", "user").order_by("id")


def leaders_of(committee: Committee | int) -> QuerySet[Leader]:
    committee_id = committee if isinstance(committee, int) else committee.pk
    return Leader.objects.filter(committee_id=committee_id).select_related("user").order_by("id")


def staff_of(unit: Unit | int) -> QuerySet[User]:
    unit_id = unit if isinstance(unit, int) else unit.pk
    return User.objects.filter(unit_id=unit_id, role=User.Role.UNIT, is_active=True).order_by("id")


def member_for_user(user: User) -> Member | None:
    """The member record of a signed-in member in the current term, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("term", "sector").order_by("-term__number").first()
