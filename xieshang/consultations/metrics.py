"""转化率: suggestions turned into department measures. Defined once; every page and the scorecard use it.

A suggestion counts as turned into a department measure (转化为部门工作举措) when the lead unit's
reply for it records the measure: a reply of the current round that passed review (or needed
none), whose category is 已采纳 or 已列入计划, and whose ``measures`` text is not empty. A reply
set aside by re-handling (不满意 at the 回头看) no longer counts.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from xieshang.handling.models import Assignment, Reply

from .models import Suggestion

MEASURE_CATEGORIES = ("adopted", "planned")


def measure_replies() -> QuerySet[Reply]:
    return Reply.objects.filter(
        assignment__role=Assignment.Role.LEAD,
        review=Reply.Review.PASSED,
        category__in=MEASURE_CATEGORIES,
    ).exclude(measures="")


def converted_filter() -> Q:
    return Q(Exists(measure_replies().filter(assignment__item_id=OuterRef("item_id"))))


def with_conversion(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    return qs.annotate(converted=Exists(measure_replies().filter(assignment__item_id=OuterRef("item_id"))))


def conversion(qs: QuerySet[Suggestion]) -> dict[str, object]:
    collected = qs.count()
    converted = qs.filter(converted_filter()).count()
    return {
        "collected": collected,
        "sent": qs.filter(item__isnull=False).count(),
        "converted": converted,
        "rate": round(converted * 100 / collected, 1) if collected else None,
    }


def year_conversion(committee_id: int, year: int) -> dict[str, object]:
    return conversion(Suggestion.objects.filter(committee_id=committee_id, created_at__year=year))


def topic_conversion(topic_id: int) -> dict[str, object]:
    return conversion(Suggestion.objects.filter(topic_id=topic_id))
