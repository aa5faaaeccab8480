"""The scorecard figures of opinion reports, reusing ``selectors.year_figures`` (imported from ``ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.indicators import Indicator, register, shared

from . import scoring, selectors
from .models import Instruction, OpinionReport

# Loaded once for all the figures below while a scorecard is computed.
_year_figures = shared(selectors.year_figures)


def _figure(key: str) -> Any:
    return lambda committee, year: _year_figures(committee.pk, year)[key]


def _reports(committee: Any, year: int) -> QuerySet[OpinionReport]:
    return OpinionReport.objects.filter(
        committee=committee, submitted_at__year=year, status__in=scoring.COUNTED_STATES
    ).order_by("submitted_at", "id")


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
        compute=_figure("instructions"),
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
        compute=_figure("reports"),
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
        compute=_figure("hk_macao_reports"),
        records=lambda committee, year: _reports(committee, year).filter(is_hk_macao=True),
        order=90,
    )
)
