"""The points scheme (履职积分方案): its default, how a stored scheme is read, and how points are counted.

The default follows DOMAIN §7: a 100-point scale — plenary attendance up to 50 (approved leave 30,
absent without leave 0, averaged over the year's plenary meetings), proposals up to 25 (10 for
submitting, +15 if filed; the first proposer of a joint proposal gets half, the co-signers share the
other half), activities 2 each up to 10, opinion reports 10 each and +5 if adopted, up to 15.
Grades: ≥90 优秀, 80–89 良好, 60–79 称职, <60 不称职. Yearly minimums: 3 activities, 1 proposal, 1
opinion report. Warnings: 3 plenary meetings missed without leave in a term, or a standing member
missing 3 standing-committee meetings in a year. Excellent: at least 90 points, every minimum met
and no warning.

A committee's scheme is stored as JSON (``PointsScheme.weights``, edited in the admin) with the
same keys; :func:`parse` reads it and refuses, with one Chinese message, anything it cannot use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from xieshang.core.errors import ServiceError

DEFAULT: dict[str, Any] = {
    "plenary": {"present": 50, "leave": 30, "absent": 0},
    "proposals": {"submitted": 10, "filed": 15, "first_of_joint": 0.5, "cap": 25},
    "activities": {"each": 2, "cap": 10},
    "opinions": {"each": 10, "adopted": 5, "cap": 15},
    "grades": [[90, "优秀"], [80, "良好"], [60, "称职"], [0, "不称职"]],
    "minimums": {"activities": 3, "proposals": 1, "opinions": 1},
    "warnings": {"plenary_absences_per_term": 3, "standing_absences_per_year": 3},
    "excellent": {"min_points": 90},
}

_SHAPE: dict[str, tuple[str, ...]] = {
    "plenary": ("present", "leave", "absent"),
    "proposals": ("submitted", "filed", "first_of_joint", "cap"),
    "activities": ("each", "cap"),
    "opinions": ("each", "adopted", "cap"),
    "minimums": ("activities", "proposals", "opinions"),
    "warnings": ("plenary_absences_per_term", "standing_absences_per_year"),
    "excellent": ("min_points",),
}
_NAMES = {
    "plenary": "全会出席",
    "proposals": "提案",
    "activities": "活动",
    "opinions": "社情民意",
    "minimums": "年度最低要求",
    "warnings": "缺席预警",
    "excellent": "优秀履职",
    "grades": "等次",
}


@dataclass(frozen=True)
class Scheme:
    plenary: dict[str, Decimal]
    proposals: dict[str, Decimal]
    activities: dict[str, Decimal]
    opinions: dict[str, Decimal]
    grades: list[tuple[Decimal, str]]
    minimums: dict[str, int]
    warnings: dict[str, int]
    excellent_min: Decimal

    def grade(self, points: Decimal) -> str:
        for floor, label in self.grades:
            if points >= floor:
                return label
        return self.grades[-1][1]


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ServiceError(f"积分方案无法解析：{where}应为数字。")
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ServiceError(f"积分方案无法解析：{where}应为数字（现为「{value}」）。") from None
    if not number.is_finite() or number < 0:
        raise ServiceError(f"积分方案无法解析：{where}应为不小于 0 的数字（现为「{value}」）。")
    return number


def parse(weights: Any) -> Scheme:
    """The scheme in ``weights`` (missing parts take the default), or ServiceError naming what is wrong."""
    if isinstance(weights, str):
        import json

        try:
            weights = json.loads(weights)
        except ValueError as exc:
            raise ServiceError(f"积分方案无法解析：不是有效的 JSON（{exc.args[0][:60]}）。") from None
    if not isinstance(weights, dict):
        raise ServiceError('积分方案无法解析：应为一个 JSON 对象，例如 {"activities": {"each": 2, "cap": 10}}。')
    unknown = sorted(set(weights) - set(_NAMES))
    if unknown:
        raise ServiceError(f"积分方案无法解析：不认识的项目「{'、'.join(unknown)}」。")
    parts: dict[str, dict[str, Decimal]] = {}
    for part, keys in _SHAPE.items():
        given = weights.get(part, DEFAULT[part])
        if not isinstance(given, dict):
            raise ServiceError(f"积分方案无法解析：「{_NAMES[part]}」（{part}）应为一个对象。")
        extra = sorted(set(given) - set(keys))
        if extra:
            raise ServiceError(f"积分方案无法解析：「{_NAMES[part]}」中不认识的项目「{'、'.join(extra)}」。")
        parts[part] = {k: _number(given.get(k, DEFAULT[part][k]), f"「{_NAMES[part]}」的 {k} ") for k in keys}
    if parts["proposals"]["first_of_joint"] > 1:
        raise ServiceError("积分方案无法解析：联名提案第一提案人所得比例（first_of_joint）应在 0 到 1 之间。")
    grades_in = weights.get("grades", DEFAULT["grades"])
    if not isinstance(grades_in, list) or not grades_in:
        raise ServiceError("积分方案无法解析：「等次」（grades）应为 [[分数线, 等次名称], …] 的列表。")
    grades: list[tuple[Decimal, str]] = []
    for row in grades_in:
        if not isinstance(row, list | tuple) or len(row) != 2 or not isinstance(row[1], str) or not row[1].strip():
            raise ServiceError("积分方案无法解析：「等次」的每一项应为 [分数线, 等次名称]。")
        grades.append((_number(row[0], "「等次」的分数线"), row[1].strip()))
    grades.sort(key=lambda g: g[0], reverse=True)
    if grades[-1][0] != 0:
        raise ServiceError("积分方案无法解析：「等次」中应有一项分数线为 0（最低一档）。")
    return Scheme(
        plenary=parts["plenary"],
        proposals=parts["proposals"],
        activities=parts["activities"],
        opinions=parts["opinions"],
        grades=grades,
        minimums={k: int(v) for k, v in parts["minimums"].items()},
        warnings={k: int(v) for k, v in parts["warnings"].items()},
        excellent_min=parts["excellent"]["min_points"],
    )


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Facts:
    """What the points are counted from, for one member and one year (built by ``selectors``)."""

    plenary: list[str] = field(default_factory=list)  # one attendance status per plenary meeting held
    # (proposal status is filed, number of member proposers, is this member the first proposer)
    proposals: list[tuple[bool, int, bool]] = field(default_factory=list)
    activities: int = 0  # meetings and consultation activities attended (plenaries not counted)
    opinions: list[bool] = field(default_factory=list)  # adopted or not, per report
    plenary_absences_in_term: int = 0
    standing_absences: int = 0
    is_standing: bool = False


@dataclass
class Points:
    plenary: Decimal
    proposals: Decimal
    activities: Decimal
    opinions: Decimal
    total: Decimal
    grade: str
    shortfalls: list[str]
    warnings: list[str]
    excellent: bool


def points(scheme: Scheme, facts: Facts) -> Points:
    p = scheme.plenary
    if facts.plenary:
        plenary = sum((p.get(s, Decimal(0)) for s in facts.plenary), Decimal(0)) / len(facts.plenary)
    else:
        plenary = p["present"]  # no plenary meeting held in the year: nothing was missed
    pr = scheme.proposals
    proposal_points = Decimal(0)
    for filed, proposers, first in facts.proposals:
        worth = pr["submitted"] + (pr["filed"] if filed else 0)
        if proposers <= 1:
            proposal_points += worth
        elif first:
            proposal_points += worth * pr["first_of_joint"]
        else:
            proposal_points += worth * (1 - pr["first_of_joint"]) / (proposers - 1)
    proposal_points = min(proposal_points, pr["cap"])
    activities = min(scheme.activities["each"] * facts.activities, scheme.activities["cap"])
    o = scheme.opinions
    opinions = min(sum((o["each"] + (o["adopted"] if a else 0) for a in facts.opinions), Decimal(0)), o["cap"])
    total = _q(plenary + proposal_points + activities + opinions)
    m = scheme.minimums
    shortfalls = []
    if facts.activities < m["activities"]:
        shortfalls.append(
            _("%(done)s activities, fewer than %(least)s") % {"done": facts.activities, "least": m["activities"]}
        )
    if len(facts.proposals) < m["proposals"]:
        shortfalls.append(
            _("%(done)s proposals, fewer than %(least)s") % {"done": len(facts.proposals), "least": m["proposals"]}
        )
    if len(facts.opinions) < m["opinions"]:
        shortfalls.append(
            _("%(done)s opinion reports, fewer than %(least)s") % {"done": len(facts.opinions), "least": m["opinions"]}
        )
    w = scheme.warnings
    warnings = []
    if w["plenary_absences_per_term"] and facts.plenary_absences_in_term >= w["plenary_absences_per_term"]:
        warnings.append(f"本届无故缺席全体会议 {facts.plenary_absences_in_term} 次")
    if (
        facts.is_standing
        and w["standing_absences_per_year"]
        and facts.standing_absences >= w["standing_absences_per_year"]
    ):
        warnings.append(f"本年度缺席常委会议 {facts.standing_absences} 次")
    return Points(
        plenary=_q(plenary),
        proposals=_q(proposal_points),
        activities=_q(activities),
        opinions=_q(opinions),
        total=total,
        grade=scheme.grade(total),
        shortfalls=shortfalls,
        warnings=warnings,
        excellent=total >= scheme.excellent_min and not shortfalls and not warnings,
    )
