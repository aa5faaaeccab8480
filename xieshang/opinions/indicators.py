"""The scorecard figures of opinion reports: each counts the records its drill-down lists (imported from ``ready``).

The definitions are those of ``selectors.year_figures`` (the opinion statistics page).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.indicators import Indicator, Part, Tally, register

from . import scoring
from .models import Instruction, OpinionReport


def _reports(committee: Any, year: int) -> QuerySet[OpinionReport]:
    return OpinionReport.objects.filter(
        committee=committee, submitted_at__year=year, status__in=scoring.COUNTED_STATES
    ).order_by("submitted_at", "id")


def _hk_macao_reports(committee: Any, year: int) -> QuerySet[OpinionReport]:
    return _reports(committee, year).filter(is_hk_macao=True)


def _instructions(committee: Any, year: int) -> QuerySet[Instruction]:
    return Instruction.objects.filter(report__committee=committee, report__submitted_at__year=year).select_related(
        "report"
    )


register(
    Indicator(
        key="leader_instructions",
        section=1,
        label="区领导批示",
        unit="篇次",
        definition="当年报送的社情民意信息获党政领导批示的篇次（一篇获两位领导批示计两篇次）。"
        "调研报告的批示尚无记录类型，暂未计入。",
        compute=Tally(Part(_instructions)),
        records=_instructions,
        order=30,
    )
)
register(
    Indicator(
        key="opinion_reports",
        section=3,
        label="编报社情民意信息",
        unit="篇",
        definition="当年报送并进入编辑流程的社情民意信息篇数（不含退回修改中的）。",
        compute=Tally(Part(_reports)),
        records=_reports,
        order=10,
    )
)
register(
    Indicator(
        key="hkmo_opinion_reports",
        section=4,
        label="港澳委员社情民意信息",
        unit="篇",
        definition="港澳委员当年报送并进入编辑流程的社情民意信息篇数。",
        compute=Tally(Part(_hk_macao_reports)),
        records=_hk_macao_reports,
        order=90,
    )
)
