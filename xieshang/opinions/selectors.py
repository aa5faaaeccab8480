"""Reads for opinion reports and bulletin issues; every list starts from a permission scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from xieshang.core.audit import history

from . import permissions as perms
from . import scoring
from .models import Adoption, BulletinIssue, Instruction, OpinionReport

ACTION_LABELS = {
    "submit": "报送",
    "resubmit": "修改后重新报送",
    "return": "退回修改",
    "edit": "编辑修改",
    "adopt": "采用",
    "decline": "不予采用",
    "add_to_issue": "编入刊物",
    "remove_from_issue": "移出刊物",
    "release": "签发报送",
    "adopted_by": "登记上级采用",
    "instruction": "登记领导批示",
    "transfer": "转办",
    "from_proposal": "由提案转为社情民意信息",
    "create": "新建一期",
}


def years_with_records(user: Any) -> set[int]:
    """Years in which reports the user may see were submitted (what the year pickers offer)."""
    return {
        d.year for d in perms.reports_visible_to(user).filter(submitted_at__isnull=False).dates("submitted_at", "year")
    }


def reports_for(user: Any, *, status: str = "", year: int | None = None, q: str = "") -> QuerySet[OpinionReport]:
    qs = perms.reports_visible_to(user).select_related("member", "issue", "submitted_by")
    if status in OpinionReport.Status.values:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(submitted_at__year=year)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(author_org__icontains=q) | Q(member__name__icontains=q))
    return qs


def report_detail(report: OpinionReport) -> dict[str, Any]:
    return {
        "versions": list(report.versions.select_related("created_by")),
        "adoptions": list(report.adoptions.all()),
        "instructions": list(report.instructions.select_related("leader")),
        "history": [
            {
                "at": h.created_at,
                "who": h.actor_label,
                "what": ACTION_LABELS.get(h.action, h.action),
                "reason": h.reason,
            }
            for h in history(report.thread)
        ],
        "score": scoring.score(report),
        "item": report.item,
    }


def adoptable_reports(issue: BulletinIssue) -> QuerySet[OpinionReport]:
    return OpinionReport.objects.filter(
        committee_id=issue.committee_id, status=OpinionReport.Status.ADOPTED, issue__isnull=True
    ).select_related("member")


def issue_reports(issue: BulletinIssue) -> list[OpinionReport]:
    return list(issue.reports.select_related("member").order_by("id"))


def _author_key(r: dict[str, Any]) -> str:
    return r["member__name"] or r["author_org"] or "（未署名）"


TOP_AUTHORS = 30


def adoption_stats(user: Any, year: int | None = None) -> dict[str, Any]:
    """采用率 by author, sector and party, and the year's totals; the same scope as the lists."""
    qs = perms.reports_visible_to(user)
    if year:
        qs = qs.filter(submitted_at__year=year)
    adopted, submitted = scoring.adoption_counts(qs)
    counted = qs.filter(status__in=scoring.COUNTED_STATES)
    adopted_q = Q(status__in=scoring.ADOPTED_STATES)

    def grouped(*fields: str) -> list[dict[str, Any]]:
        rows = counted.values(*fields).annotate(submitted=Count("id"), adopted=Count("id", filter=adopted_q))
        return sorted(rows, key=lambda r: (-r["adopted"], -r["submitted"]))

    by_author = [
        {
            "name": _author_key(r),
            "submitted": r["submitted"],
            "adopted": r["adopted"],
            "rate": scoring.rate(r["adopted"], r["submitted"]),
        }
        for r in grouped("member__name", "author_org")
    ]
    by_sector = [
        {
            "name": r["sector_name"] or "（无界别/团体报送）",
            "submitted": r["submitted"],
            "adopted": r["adopted"],
            "rate": scoring.rate(r["adopted"], r["submitted"]),
        }
        for r in grouped("sector_name")
    ]
    by_party = [
        {
            "name": r["party"] or "（未填党派）",
            "submitted": r["submitted"],
            "adopted": r["adopted"],
            "rate": scoring.rate(r["adopted"], r["submitted"]),
        }
        for r in grouped("party")
    ]
    return {
        "submitted": submitted,
        "adopted": adopted,
        "rate": scoring.rate(adopted, submitted),
        "total": qs.count(),
        "hk_macao": qs.filter(is_hk_macao=True).count(),
        "instructions": Instruction.objects.filter(report__in=qs).count(),
        "upper_adoptions": Adoption.objects.filter(report__in=qs).exclude(level=Adoption.Level.OWN).count(),
        "issues": perms.issues_visible_to(user).filter(year=year).count() if year else None,
        "by_author": by_author[:TOP_AUTHORS],
        "authors": len(by_author),
        "by_sector": by_sector,
        "by_party": by_party,
    }


def year_figures(committee_id: int, year: int) -> dict[str, int]:
    """The scorecard's opinion-report figures for one committee and year, counted from records."""
    qs = OpinionReport.objects.filter(committee_id=committee_id, submitted_at__year=year)
    adopted, _ = scoring.adoption_counts(qs)
    return {
        "reports": qs.filter(status__in=scoring.COUNTED_STATES).count(),
        "adopted": adopted,
        "hk_macao_reports": qs.filter(is_hk_macao=True, status__in=scoring.COUNTED_STATES).count(),
        "instructions": Instruction.objects.filter(report__in=qs).count(),
        "issues": BulletinIssue.objects.filter(
            committee_id=committee_id, year=year, status=BulletinIssue.Status.RELEASED
        ).count(),
    }
