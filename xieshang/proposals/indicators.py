"""The scorecard figures of proposals, reusing the rates defined once in ``metrics`` (imported from ``ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.indicators import Indicator, Part, Tally, register, shared

from . import metrics
from .models import KeyProposal, Proposal, Suggestion

St = Proposal.Status


def _year(committee: Any, year: int) -> QuerySet[Proposal]:
    return Proposal.objects.filter(committee=committee, year=year)


@shared
def _scope(committee: Any, year: int) -> metrics.Scope:
    """The committee-year's scope, loaded once for all its figures while a scorecard is computed."""
    return metrics.load_scope(_year(committee, year))


def _metric(key: str) -> Any:
    """The figure of ``metrics.INDICATORS[key]`` for the committee's proposals of the year."""
    return lambda committee, year: metrics.BY_KEY[key](_scope(committee, year))


def _filed(committee: Any, year: int) -> QuerySet[Proposal]:
    return _year(committee, year).filter(status=St.FILED).order_by("number", "id")


def _leads(committee: Any, year: int) -> QuerySet[Proposal]:
    """The proposals that lead an assignment item after merging (the items behind the rates)."""
    return _filed(committee, year).filter(merged_into__isnull=True, item__isnull=False)


def _led_keys(committee: Any, year: int) -> QuerySet[KeyProposal]:
    return KeyProposal.objects.filter(
        proposal__committee=committee, proposal__year=year, leader__isnull=False
    ).select_related("proposal", "leader")


def _adopted(committee: Any, year: int) -> QuerySet[Suggestion]:
    """The adopted suggestions themselves (each links to its proposal)."""
    return metrics.adopted_suggestions(_year(committee, year))


def _hk(committee: Any, year: int) -> QuerySet[Proposal]:
    return _filed(committee, year).filter(proposers__order=1, proposers__member__is_hk_macao=True)


for key, metric, section, label, unit, definition, records, order in [
    (
        "proposals_filed",
        "filed",
        3,
        "提案立案",
        "件",
        "当年（提案年度）经审查立案的提案件数，含其后并案办理的提案。",
        _filed,
        40,
    ),
    (
        "proposals_assigned_after_merge",
        "items",
        3,
        "并案交办",
        "件",
        "立案提案并案后交付承办单位办理的件数（主案数）。",
        _leads,
        50,
    ),
    (
        "suggestions_adopted",
        "adopted",
        3,
        "建议被吸收采纳",
        "条",
        "当年提案所列建议中，被承办单位采纳的条数：按提案的每一条建议计，以通过审核的最后一轮主办答复"
        "勾选的“采纳的建议”为准，同一条建议被几个承办单位采纳只计一次。平台逐条记录采纳以前的答复只填了"
        "采纳条数，这些条数留在答复上备查，不计入。",
        _adopted,
        80,
    ),
    (
        "closure_rate",
        "closed_rate",
        3,
        "提案办结率",
        "%",
        "按期、按程序办结（答复经审核、每位提案人均已评价）的交办件 ÷ 交办件。",
        _leads,
        90,
    ),
    (
        "satisfaction_rate",
        "satisfaction",
        3,
        "提案满意率",
        "%",
        "（满意 + 基本满意）÷ 已评价，取每份答复最后一轮的评价。",
        _leads,
        95,
    ),
    ("hkmo_proposals", "hk_macao", 4, "港澳委员提案", "篇", "第一提案人为港澳委员的立案提案件数。", _hk, 80),
]:
    register(
        Indicator(
            key=key,
            section=section,
            label=label,
            unit=unit,
            definition=definition,
            compute=_metric(metric),
            records=records,
            order=order,
        )
    )

register(
    Indicator(
        key="key_proposals_led",
        section=3,
        label="区领导领衔督办提案",
        unit="件",
        definition="当年的重点提案中，由区党政领导领衔督办的件数。",
        compute=Tally(Part(_led_keys)),
        records=_led_keys,
        order=60,
    )
)
register(
    Indicator(
        key="leaders_leading_key_proposals",
        section=3,
        label="领衔督办的区领导",
        unit="位",
        definition="领衔督办当年重点提案的区党政领导人数（一人领衔多件计一位）。",
        compute=Tally(Part(_led_keys, distinct=("leader",))),
        records=_led_keys,
        order=70,
    )
)
