"""Who may see and do what with opinion reports and bulletin issues.

The information office (office staff with ``office="information"``, administrators) runs the
whole flow for its committee; a member sees the reports they submitted; leaders see released
reports of their committee. Lists, pages, exports, statistics and the API use these scopes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xieshang.core.errors import NotFoundError
from xieshang.organisations.models import User

from .models import BulletinIssue, OpinionReport

Role = User.Role


def _active(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_information_office(user: Any, committee_id: int | None = None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    staff = user.role == Role.ADMIN or (user.role == Role.OFFICE and user.office == User.Office.INFORMATION)
    return staff and (committee_id is None or user.committee_id == committee_id)


def can_submit(user: Any) -> bool:
    """Members submit their own reports; the office also enters reports received on paper."""
    if not _active(user):
        return False
    if is_information_office(user):
        return True
    return user.role == Role.MEMBER and getattr(user, "member", None) is not None


def reports_visible_to(user: Any) -> QuerySet[OpinionReport]:
    qs = OpinionReport.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if is_information_office(user):
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.LEADER:
        return qs.filter(committee_id=user.committee_id, status=OpinionReport.Status.RELEASED)
    return qs.filter(Q(submitted_by=user) | Q(member__user=user))


def get_report_for(user: Any, report_id: Any) -> OpinionReport:
    try:
        return reports_visible_to(user).select_related("member", "issue", "submitted_by").get(pk=report_id)
    except (OpinionReport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该社情民意信息。") from None


def is_author(user: Any, report: OpinionReport) -> bool:
    if not _active(user):
        return False
    return report.submitted_by_id == user.pk or (report.member_id is not None and report.member.user_id == user.pk)


def issues_visible_to(user: Any) -> QuerySet[BulletinIssue]:
    qs = BulletinIssue.objects.all()
    if not _active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if is_information_office(user):
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.LEADER:
        return qs.filter(committee_id=user.committee_id, status=BulletinIssue.Status.RELEASED)
    return qs.none()


def get_issue_for(user: Any, issue_id: Any) -> BulletinIssue:
    try:
        return issues_visible_to(user).get(pk=issue_id)
    except (BulletinIssue.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("未找到该期《社情民意》。") from None
