"""Points for an opinion report (configurable per committee in ``ScoreRule``) and the adoption rate.

Each figure is defined here once; pages, exports and the scorecard call these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Adoption, Instruction, OpinionReport, ScoreRule

DEFAULT_POINTS: dict[str, int] = {
    "adopt_own": 1,
    "adopt_city": 5,
    "adopt_province": 10,
    "adopt_national": 20,
    "adopt_party": 3,
    "adopt_government": 3,
    "adopt_city_party": 20,
    "adopt_city_government": 20,
    "instr_district": 5,
    "instr_city": 10,
    "instr_province": 20,
    "instr_central": 30,
}

LABELS: dict[str, str] = {
    **{
        f"adopt_{k}": f"被{v}采用"
        for k, v in {
            "own": "本级政协",
            "city": "市政协",
            "province": "省政协",
            "national": "全国政协",
            "party": "区委",
            "government": "区政府",
            "city_party": "市委",
            "city_government": "市政府",
        }.items()
    },
    **{
        f"instr_{k}": f"获{v}批示"
        for k, v in {
            "district": "区领导",
            "city": "市领导",
            "province": "省领导",
            "central": "中央领导",
        }.items()
    },
}


def points_table(committee_id: int) -> dict[str, int]:
    table = dict(DEFAULT_POINTS)
    table.update(dict(ScoreRule.objects.filter(committee_id=committee_id).values_list("key", "points")))
    return table


def scores(reports: Iterable[OpinionReport]) -> dict[int, int]:
    """Score of each report: the points of every adoption level plus every instruction. Two queries."""
    reports = list(reports)
    if not reports:
        return {}
    ids = [r.pk for r in reports]
    tables = {cid: points_table(cid) for cid in {r.committee_id for r in reports}}
    committee_of = {r.pk: r.committee_id for r in reports}
    total: dict[int, int] = defaultdict(int)
    for rid, level in Adoption.objects.filter(report_id__in=ids).values_list("report_id", "level"):
        total[rid] += tables[committee_of[rid]].get(f"adopt_{level}", 0)
    for rid, level in Instruction.objects.filter(report_id__in=ids).values_list("report_id", "level"):
        total[rid] += tables[committee_of[rid]].get(f"instr_{level}", 0)
    return {rid: total.get(rid, 0) for rid in ids}


def score(report: OpinionReport) -> int:
    return scores([report])[report.pk]


# 采用率 = adopted ÷ submitted. "Submitted" counts every report that reached the office except
# those sent back and waiting for the author; "adopted" counts those adopted at this level.
ADOPTED_STATES = (OpinionReport.Status.ADOPTED, OpinionReport.Status.RELEASED)
COUNTED_STATES = (
    OpinionReport.Status.SUBMITTED,
    OpinionReport.Status.ADOPTED,
    OpinionReport.Status.NOT_ADOPTED,
    OpinionReport.Status.RELEASED,
)


def adoption_counts(qs: QuerySet[OpinionReport]) -> tuple[int, int]:
    counted = qs.filter(status__in=COUNTED_STATES)
    return counted.filter(status__in=ADOPTED_STATES).count(), counted.count()


def rate(adopted: int, submitted: int) -> float | None:
    return round(adopted * 100 / submitted, 1) if submitted else None
