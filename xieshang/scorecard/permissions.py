"""Who sees the scorecard and who enters its manual figures."""

from __future__ import annotations

from typing import Any

from xieshang.organisations.models import Committee, User

Role = User.Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_see(user: Any, committee: Committee) -> bool:
    """Staff, administrators and leaders of the committee (superusers: any committee)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.role in (Role.OFFICE, Role.ADMIN, Role.LEADER) and user.committee_id == committee.pk


def can_enter_figures(user: Any, committee: Committee) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.role in (Role.OFFICE, Role.ADMIN) and user.committee_id == committee.pk
