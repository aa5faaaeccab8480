"""The scorecard figures of consultation work, reusing ``selectors.year_figures`` and ``metrics`` (from ``ready``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.indicators import Indicator, register, shared

from . import metrics, selectors
from .models import Activity, Participant, ResearchReport, Suggestion

K = Activity.Kind


# Loaded once for all the figures below while a scorecard is computed.
_year_figures = shared(selectors.year_figures)


def _figure(key: str) -> Any:
    return lambda committee, year: _year_figures(committee.pk, year)[key]


def _activities(*kinds: str) -> Any:
    def records(committee: Any, year: int) -> QuerySet[Activity]:
        return (
            Activity.objects.filter(committee=committee, starts_at__year=year, kind__in=kinds)
            .exclude(status=Activity.Status.CANCELLED)
            .order_by("starts_at", "id")
        )

    return records


def _research(committee: Any, year: int) -> QuerySet[ResearchReport]:
    return ResearchReport.objects.filter(activity__committee=committee, completed_on__year=year).order_by(
        "completed_on", "id"
    )


def _suggestions(committee: Any, year: int) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(committee=committee, created_at__year=year).order_by("created_at", "id")


def _experts(committee: Any, year: int) -> QuerySet[Participant]:
    """Each invitation of an outside expert; the figure counts people (same name and organisation once)."""
    return (
        Participant.objects.filter(
            activity__committee=committee, activity__starts_at__year=year, kind=Participant.Kind.EXPERT
        )
        .exclude(activity__status=Activity.Status.CANCELLED)
        .select_related("activity")
        .order_by("name", "organisation", "id")
    )


for key, figure, label, unit, definition, records, order in [
    (
        "inspections",
        "inspections",
        "专项视察",
        "次",
        "当年开展的专项视察活动次数（不含已取消的）。",
        _activities(K.INSPECTION),
        10,
    ),
    (
        "research_reports",
        "research_reports",
        "专题调研报告",
        "篇",
        "当年完成的专题调研报告篇数（以完成日期计）。",
        _research,
        20,
    ),
    (
        "consultation_meetings",
        "meetings",
        "协商议政会议",
        "次",
        "当年召开的常委会、专委会专题协商会和提案督办协商会次数。",
        _activities(K.MEETING, K.SUPERVISION),
        30,
    ),
    (
        "suggestions_collected",
        "suggestions_collected",
        "收集意见建议",
        "条",
        "当年在协商活动和联系站点收集、逐条登记的协商建议条数。",
        _suggestions,
        40,
    ),
    (
        "suggestions_converted",
        "suggestions_converted",
        "转化为部门工作举措",
        "条",
        "主办单位通过审核的答复为“已采纳”或“已列入计划”并写明工作举措的协商建议条数（转化率的分子）。",
        lambda committee, year: _suggestions(committee, year).filter(metrics.converted_filter()),
        50,
    ),
    (
        "experts_invited",
        "experts",
        "邀请专家",
        "名",
        "当年受邀参加视察、调研、协商活动的外部专家人数（同名同单位计一人）。",
        _experts,
        60,
    ),
]:
    register(
        Indicator(
            key=key,
            section=2,
            label=label,
            unit=unit,
            definition=definition,
            compute=_figure(figure),
            records=records,
            order=order,
        )
    )

register(
    Indicator(
        key="micro_consultations",
        section=3,
        label="微视察、微协商",
        unit="次",
        definition="当年在村居开展的微视察、微协商次数。",
        compute=_figure("micro"),
        records=_activities(K.MICRO, K.MICRO_INSPECTION),
        order=20,
    )
)
