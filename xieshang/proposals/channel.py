"""The proposal channel's deadlines, reply categories, raters and state hook, registered with the loop."""

from __future__ import annotations

from xieshang.handling import registry
from xieshang.handling.models import Item, Reply
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "proposal"

REPLY_CATEGORIES = [
    ("A", "A 已经解决或采纳"),
    ("B", "B 正在解决或列入计划解决"),
    ("C", "C 因条件限制留作参考"),
]


def _raters(item: Item) -> list[registry.Rater]:
    from .services import raters_for_item

    return raters_for_item(item)


def _on_event(item: Item, event: str) -> None:
    from .services import on_item_event

    on_item_event(item, event)


def _source_url(item: Item) -> str:
    from .models import Proposal

    pk = Proposal.objects.filter(item_id=item.pk).values_list("pk", flat=True).first()
    return f"/proposals/{pk}/" if pk else ""


def _adoptable(item: Item) -> list[tuple[int, str]]:
    from .selectors import adoptable

    return adoptable(item)


def _adopt(reply: Reply, suggestion_ids: list[int]) -> None:
    from .services import suggestions_adopt

    suggestions_adopt(reply, suggestion_ids)


def _adopted(reply_ids: list[int]) -> dict[int, set[int]]:
    from .selectors import adopted_by_reply

    return {r: {s.pk for s in picked} for r, picked in adopted_by_reply(reply_ids).items()}


def _authors(source_ids: list[int]) -> dict[int, str]:
    """A proposal's author is its first proposer: the member, or the submitting body."""
    from .models import Proposer

    rows = Proposer.objects.filter(proposal_id__in=source_ids, order=1).values_list("proposal_id", "member_id", "name")
    return {pid: f"member:{mid}" if mid else f"body:{name}" for pid, mid, name in rows}


def register() -> None:
    from .permissions import assigner_offices

    registry.register(
        registry.Channel(
            key=CHANNEL,
            label="提案",
            rules={
                "": registry.RuleDefaults(
                    name="提案",
                    reply=(3, TimeUnit.MONTH),
                    objection=(5, TimeUnit.WORKDAY),
                    contact=(15, TimeUnit.WORKDAY),
                    extension_max=(6, TimeUnit.MONTH),
                    opinion=(1, TimeUnit.MONTH),
                    review_required=True,
                    rating_days=30,
                )
            },
            reply_categories=REPLY_CATEGORIES,
            raters=_raters,
            on_event=_on_event,
            source_url=_source_url,
            dispatcher_offices=assigner_offices,
            authors=_authors,
            adoptable=_adoptable,
            adopt=_adopt,
            adopted=_adopted,
        )
    )
