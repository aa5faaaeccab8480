"""Reads for consultation work; lists start from a permission scope, figures from ``metrics``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from xieshang.core.audit import history

from . import metrics
from . import permissions as perms
from .models import Activity, Participant, Plan, ResearchReport, Suggestion, Topic

ACTION_LABELS = {
    "propose": "提出议题",
    "select": "列入年度协商计划",
    "decline": "未列入计划",
    "conclude": "发布协商成果",
    "create": "安排活动",
    "invite": "邀请参加",
    "leave_request": "请假",
    "leave_approve": "准假",
    "leave_refuse": "不准假",
    "sign_in": "扫码签到",
    "hold": "记为已举行（已有人签到）",
    "attendance": "登记出席",
    "minutes": "记录纪要",
    "cancel": "取消活动",
    "attach": "上传附件",
    "research_report": "提交调研报告",
    "publish": "发布年度协商计划",
    "unpublish": "撤回年度协商计划",
    "record": "收集建议",
    "send": "交承办单位办理",
}


def labelled_history(thread: str) -> list[dict[str, Any]]:
    return [
        {"at": h.created_at, "who": h.actor_label, "what": ACTION_LABELS.get(h.action, h.action), "reason": h.reason}
        for h in history(thread)
    ]


def years_with_records(committee_id: int | None) -> set[int]:
    """Years holding a plan, a topic or an activity of the committee (what the year pickers offer)."""
    if not committee_id:
        return set()
    years = set(Plan.objects.filter(committee_id=committee_id).values_list("year", flat=True))
    topics = Topic.objects.filter(committee_id=committee_id).dates("created_at", "year")
    activities = Activity.objects.filter(committee_id=committee_id).dates("starts_at", "year")
    return years | {d.year for d in topics} | {d.year for d in activities}


def topics_for(user: Any, *, status: str = "", year: int | None = None) -> QuerySet[Topic]:
    qs = perms.topics_visible_to(user).select_related("plan")
    if status in Topic.Status.values:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(Q(plan__year=year) | Q(plan__isnull=True, created_at__year=year))
    return qs.annotate(
        n_activities=Count("activities", distinct=True), n_suggestions=Count("suggestions", distinct=True)
    )


def activities_for(user: Any, *, kind: str = "", year: int | None = None, topic_id: int | None = None):
    qs = perms.activities_visible_to(user).select_related("topic", "area")
    if kind in Activity.Kind.values:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(starts_at__year=year)
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    return qs.annotate(n_participants=Count("participants")).order_by("-starts_at", "-id")


def suggestions_for(user: Any, *, topic_id: int | None = None, activity_id: int | None = None):
    qs = perms.suggestions_visible_to(user).select_related("topic", "activity", "item")
    if topic_id:
        qs = qs.filter(topic_id=topic_id)
    if activity_id:
        qs = qs.filter(activity_id=activity_id)
    return metrics.with_conversion(qs)


def suggestion_units(suggestions: list[Suggestion]) -> dict[int, str]:
    from xieshang.handling.models import Assignment

    item_ids = [s.item_id for s in suggestions if s.item_id]
    rows = (
        Assignment.objects.filter(item_id__in=item_ids, role=Assignment.Role.LEAD)
        .exclude(status__in=["withdrawn", "returned", "escalated"])
        .values_list("item_id", "unit__name")
    )
    return dict(rows)


def topic_detail(topic: Topic, user: Any) -> dict[str, Any]:
    suggestions = list(suggestions_for(user, topic_id=topic.pk)) if perms.sees_all(user) else []
    return {
        "activities": list(activities_for(user, topic_id=topic.pk).order_by("starts_at")),
        "suggestions": suggestions,
        "units": suggestion_units(suggestions),
        "conversion": metrics.topic_conversion(topic.pk),
        "history": labelled_history(topic.thread) if perms.sees_all(user) else [],
    }


def activity_detail(activity: Activity) -> dict[str, Any]:
    participants = list(activity.participants.select_related("user", "member"))
    counts = dict.fromkeys(Participant.Attendance.values, 0)
    for p in participants:
        counts[p.attendance] += 1
    return {
        "participants": participants,
        "attendance_counts": counts,
        "attachments": list(activity.attachments.all()),
        "research_reports": list(activity.research_reports.all()),
        "history": labelled_history(activity.thread),
    }


def year_figures(committee_id: int, year: int) -> dict[str, Any]:
    """The scorecard's consultation figures for one committee and year, counted from records."""
    held = Activity.objects.filter(committee_id=committee_id, starts_at__year=year).exclude(
        status=Activity.Status.CANCELLED
    )
    by_kind = dict(held.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    K = Activity.Kind
    return {
        "inspections": by_kind.get(K.INSPECTION, 0),
        "research_reports": ResearchReport.objects.filter(
            activity__committee_id=committee_id, completed_on__year=year
        ).count(),
        "meetings": by_kind.get(K.MEETING, 0) + by_kind.get(K.SUPERVISION, 0),
        "micro": by_kind.get(K.MICRO, 0) + by_kind.get(K.MICRO_INSPECTION, 0),
        "follow_ups": by_kind.get(K.FOLLOW_UP, 0),
        "experts": Participant.objects.filter(activity__in=held, kind=Participant.Kind.EXPERT)
        .values("name", "organisation")
        .distinct()
        .count(),
        **{f"suggestions_{k}": v for k, v in metrics.year_conversion(committee_id, year).items()},
    }


def public_plan(year: int | None = None) -> tuple[Plan | None, list[Topic]]:
    plans = perms.public_plans()
    plan = plans.filter(year=year).first() if year else plans.order_by("-year").first()
    if plan is None:
        return None, []
    return plan, list(perms.public_topics().filter(plan=plan))
