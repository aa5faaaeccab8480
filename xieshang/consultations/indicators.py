"""The scorecard figures of consultation work: each counts the records its drill-down lists (imported from ``ready``).

The definitions are those of ``selectors.year_figures`` (the consultation pages) and ``metrics`` (转化率).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from xieshang.core.indicators import Indicator, Part, Tally, register

from . import metrics
from .models import Activity, Participant, ResearchReport, Suggestion

K = Activity.Kind


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


def _converted(committee: Any, year: int) -> QuerySet[Suggestion]:
    return _suggestions(committee, year).filter(metrics.converted_filter())


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


for key, tally, label, unit, definition, records, order in [
    (
        "inspections",
        Tally(Part(_activities(K.INSPECTION))),
        "专项视察",
        "次",
        "当年开展的专项视察活动次数（不含已取消的）。",
        _activities(K.INSPECTION),
        10,
    ),
    (
        "research_reports",
        Tally(Part(_research)),
        "专题调研报告",
        "篇",
        "当年完成的专题调研报告篇数（以完成日期计）。",
        _research,
        20,
    ),
    (
        "consultation_meetings",
        Tally(Part(_activities(K.MEETING, K.SUPERVISION))),
        "协商议政会议",
        "次",
        "当年召开的常委会、专委会专题协商会和提案督办协商会次数。",
        _activities(K.MEETING, K.SUPERVISION),
        30,
    ),
    (
        "suggestions_collected",
        Tally(Part(_suggestions)),
        "收集意见建议",
        "条",
        "当年在协商活动和联系站点收集、逐条登记的协商建议条数。",
        _suggestions,
        40,
    ),
    (
        "suggestions_converted",
        Tally(Part(_converted)),
        "转化为部门工作举措",
        "条",
        "主办单位通过审核的答复为“已采纳”或“已列入计划”并写明工作举措的协商建议条数（转化率的分子）。",
        _converted,
        50,
    ),
    (
        "experts_invited",
        Tally(Part(_experts, distinct=("name", "organisation"))),
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
            compute=tally,
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
        compute=Tally(Part(_activities(K.MICRO, K.MICRO_INSPECTION))),
        records=_activities(K.MICRO, K.MICRO_INSPECTION),
        order=20,
    )
)
