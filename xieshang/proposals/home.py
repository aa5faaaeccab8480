"""The proposal channel's cards on the home page: each figure is the count of the list its link opens."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from xieshang.core.views import HomeCard

from . import permissions as perms
from . import selectors
from .models import Proposal

GROUP = "提案"


def member_cards(user: Any) -> list[HomeCard]:
    """A member's drafts to finish and the co-signing requests to answer."""
    if perms.member_of(user) is None:
        return []
    mine = reverse("proposals:mine")
    return [
        HomeCard("待确认的联名邀请", selectors.cosign_requests(user).count(), f"{mine}?show=cosign", GROUP, order=10),
        HomeCard(
            "草稿待完成",
            selectors.my_proposals(user, status=Proposal.Status.DRAFT).count(),
            f"{mine}?status={Proposal.Status.DRAFT}",
            GROUP,
            order=20,
        ),
    ]


def office_cards(user: Any) -> list[HomeCard]:
    """The proposals office: proposals submitted and waiting for its review (立案审查)."""
    if not perms.is_proposals_office(user):
        return []
    status = Proposal.Status.SUBMITTED
    count = selectors.proposal_list(user, status=status).count()
    return [HomeCard("待审查的提案", count, f"{reverse('proposals:review')}?status={status}", GROUP, order=10)]
