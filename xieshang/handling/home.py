"""The loop's cards on the home page: each figure is the count of the list its link opens."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from xieshang.core.views import HomeCard

from . import permissions as perms
from . import selectors

GROUP = "办理"


def unit_cards(user: Any) -> list[HomeCard]:
    """办理工作台: the same sets as the workbench's own cards (``selectors.WORKBENCH_SHOWS``)."""
    if not perms.is_unit_staff(user):
        return []
    counts = selectors.workbench_counts(user)
    url = reverse("handling:workbench")
    return [
        HomeCard("待签收", counts["new"], f"{url}?show=new", GROUP, order=10),
        HomeCard("办理中", counts["working"], f"{url}?show=working", GROUP, order=11),
        HomeCard("已超期（在办）", counts["overdue"], f"{url}?show=overdue", GROUP, tone="bad", order=12),
        HomeCard("已答复待审核或评价", counts["awaiting"], f"{url}?show=awaiting", GROUP, order=40),
    ]


def office_cards(user: Any) -> list[HomeCard]:
    """交办中心: what waits for the dispatcher, the counts of its three tabs."""
    if not perms.is_dispatcher(user):
        return []
    counts = selectors.queue_counts(user)
    url = reverse("handling:queue")
    return [
        HomeCard("待交办", counts["pending"], f"{url}?tab=items", GROUP, order=10),
        HomeCard("待审批申请（退回、延期）", counts["requests"], f"{url}?tab=requests", GROUP, order=11),
        HomeCard("待审核答复", counts["replies"], f"{url}?tab=replies", GROUP, order=12),
    ]


def leader_cards(user: Any) -> list[HomeCard]:
    """督办事项: open items the leader's committee supervises, and open items past their deadline."""
    if not perms.is_leader(user):
        return []
    url = reverse("handling:supervision")
    counts = selectors.count_many(
        supervised=selectors.supervision_items(user, show="supervised"),
        overdue=selectors.supervision_items(user, show="overdue"),
    )
    return [
        HomeCard("督办中的事项", counts["supervised"], f"{url}?show=supervised", GROUP, order=10),
        HomeCard("已超期未办结", counts["overdue"], f"{url}?show=overdue", GROUP, tone="bad", order=11),
    ]
