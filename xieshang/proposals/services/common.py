"""What the proposal services of every stage share: the row lock, who is told, the search text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.functional import Promise

from xieshang.core import writes
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.notify import notify
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment
from xieshang.organisations.models import Session, Term, User

from .. import permissions as perms
from ..models import Proposal

St = Proposal.Status
PK = Proposal.ProposerKind

MAX_TITLE = 120
MAX_SECTION = 8000
MAX_NOTE = 2000


def lock(proposal_id: Any, expected_version: int | None = None) -> Proposal:
    return writes.lock(Proposal, proposal_id, name="该提案", expected_version=expected_version)


def thread(p: Proposal) -> str:
    """The audit thread of a proposal: its history on the proposal page (``selectors.history``)."""
    return f"proposal:{p.pk}"


def url(p: Proposal) -> str:
    return f"/proposals/{p.pk}/"


def require_office(actor: Any, p: Proposal) -> None:
    if not perms.is_proposals_office(actor, p.committee_id):
        raise PermissionDeniedError("只有提案委工作人员可以审查提案。")


def proposer_users(p: Proposal) -> list[User]:
    users = []
    for pr in p.proposers.select_related("member__user", "user").filter(declined_at__isnull=True):
        u = pr.member.user if pr.member_id and pr.member.user_id else pr.user
        if u is not None:
            users.append(u)
    return users


def office_users(committee_id: int) -> list[User]:
    return list(
        User.objects.filter(
            committee_id=committee_id, role=User.Role.OFFICE, office=User.Office.PROPOSALS, is_active=True
        )
    )


def notify_now(users: Iterable[User], title: str | Promise, body: str | Promise, link: str) -> None:
    """Every proposal notice goes out here (``notify`` of this module is the one place to silence)."""
    notify(list(users), title=title, body=body, url=link)


def notify_later(users: Iterable[User], title: str | Promise, body: str | Promise, link: str) -> None:
    users = list(users)
    transaction.on_commit(lambda: notify_now(users, title, body, link))


def search_text_for(p: Proposal) -> str:
    """What Chinese search matches: case number, title, text, proposers and handling units."""
    parts = [p.number_label, p.title, p.situation, p.analysis, p.suggestions, p.organisation_name]
    parts += list(p.proposers.filter(declined_at__isnull=True).values_list("name", flat=True))
    item_id = p.group_lead.item_id if p.merged_into_id else p.item_id
    if item_id:
        parts += list(
            Assignment.objects.filter(item_id=item_id)
            .exclude(status=Assignment.Status.WITHDRAWN)
            .values_list("unit__name", flat=True)
        )
    return "\n".join(x for x in parts if x).lower()


def refresh_search(p: Proposal) -> None:
    p.search_text = search_text_for(p)
    Proposal.objects.filter(pk=p.pk).update(search_text=p.search_text)


def item_text(p: Proposal) -> str:
    return f"【情况】{p.situation}\n【分析】{p.analysis}\n【建议】{p.suggestions}"[: loop.MAX_TEXT]


def group_members(lead: Proposal) -> list[Proposal]:
    return [lead, *lead.merged.order_by("number", "id")]


def current_term(committee: Any) -> Term:
    term = Term.objects.filter(committee=committee, is_current=True).first()
    term = term or Term.objects.filter(committee=committee).order_by("-number").first()
    if term is None:
        raise ServiceError("尚未设置本届委员会的届次，请联系提案委。")
    return term


def session_for(term: Term, day: dt.date) -> tuple[Session | None, str]:
    """大会提案 when the day falls in a session's proposal window; otherwise 平时提案 of the latest session."""
    sessions = Session.objects.filter(term=term)
    plenary = sessions.filter(proposals_from__lte=day, proposals_until__gte=day).order_by("-opens_on").first()
    if plenary:
        return plenary, Proposal.Kind.PLENARY
    latest = sessions.filter(opens_on__lte=day).order_by("-opens_on").first()
    return latest or sessions.order_by("opens_on").first(), Proposal.Kind.REGULAR
