"""Outreach reads: the records behind each count (one definition each), a station's figures by
period, and the host's and duty member's day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import DenseRank
from django.utils import timezone

from xieshang.handling import metrics
from xieshang.handling.models import Assignment, Item

from . import permissions as perms
from .models import (
    Appeal,
    Attendance,
    DutyShift,
    Enterprise,
    EnterpriseLink,
    OutreachVisit,
    Participant,
    Problem,
    Station,
    StationMessage,
    SupervisionGroup,
    SwapRequest,
    Visit,
    Volunteer,
)


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def solved_items() -> Q:
    """解决: the loop's own definition (handling.metrics 解决率's numerator): a lead assignment closed
    with a reply that said resolved. An item is solved when it has one."""
    rule = metrics.BY_KEY["resolve_rate"].numerator(timezone.now())
    return Q(Exists(Assignment.objects.filter(rule, item=OuterRef("item"))))


# --- the records behind each count -----------------------------------------------------------------


def station_visits(committee: Any, year: int) -> QuerySet[Visit]:
    return Visit.objects.filter(committee=committee, visited_on__year=year)


def station_people_served(committee: Any, year: int) -> int:
    return station_visits(committee, year).aggregate(n=Sum("people"))["n"] or 0


def station_suggestions(committee: Any, year: int) -> QuerySet[Visit]:
    return station_visits(committee, year).filter(kind=Visit.Kind.SUGGESTION)


def linked_enterprises(committee: Any, year: int) -> QuerySet[Enterprise]:
    start, end = _bounds(year)
    live = EnterpriseLink.objects.filter(enterprise=OuterRef("pk"), linked_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )
    return Enterprise.objects.filter(Exists(live), committee=committee)


def enterprise_visit_people(committee: Any, year: int) -> QuerySet[Participant]:
    return Participant.objects.filter(
        side=Participant.Side.MET,
        visit__committee=committee,
        visit__visited_on__year=year,
        visit__kind__in=(OutreachVisit.Kind.ENTERPRISE, OutreachVisit.Kind.TALENT),
    )


def enterprise_appeals(committee: Any, year: int) -> QuerySet[Appeal]:
    return Appeal.objects.filter(committee=committee, raised_on__year=year)


def enterprise_appeals_solved(committee: Any, year: int) -> QuerySet[Appeal]:
    return enterprise_appeals(committee, year).filter(solved_items())


def supervision_groups(committee: Any, year: int) -> QuerySet[SupervisionGroup]:
    start, end = _bounds(year)
    return SupervisionGroup.objects.filter(committee=committee, starts_on__lte=end, ends_on__gte=start)


def supervision_problems_solved(committee: Any, year: int) -> QuerySet[Problem]:
    return Problem.objects.filter(group__committee=committee, raised_on__year=year).filter(solved_items())


def volunteers(committee: Any, year: int) -> QuerySet[Volunteer]:
    start, end = _bounds(year)
    return Volunteer.objects.filter(team__committee=committee, joined_on__lte=end).exclude(left_on__lt=start)


def volunteer_service_times(committee: Any, year: int) -> QuerySet[Attendance]:
    return Attendance.objects.filter(record__team__committee=committee, record__served_on__year=year)


# --- a station's figures by period --------------------------------------------------------------------


@dataclass(frozen=True)
class StationFigures:
    people: int
    visits: int
    suggestions: int
    by_disposal: list[tuple[str, str, int]]  # (status, label, count)


def station_figures(station: Station, start: dt.date, end: dt.date) -> StationFigures:
    qs = Visit.objects.filter(station=station, visited_on__gte=start, visited_on__lte=end)
    row = qs.aggregate(
        people=Sum("people"),
        visits=Count("id"),
        suggestions=Count("id", filter=Q(kind=Visit.Kind.SUGGESTION)),
    )
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return StationFigures(
        people=row["people"] or 0,
        visits=row["visits"],
        suggestions=row["suggestions"],
        by_disposal=[(s, str(label), counts.get(s, 0)) for s, label in Visit.Status.choices],
    )


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """``year`` (this year), ``quarter``, ``month`` or a year number such as ``2022``."""
    if period.isdigit() and len(period) == 4:
        y = int(period)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年"
    if period == "month":
        start = today.replace(day=1)
        nxt = (start + dt.timedelta(days=32)).replace(day=1)
        return start, nxt - dt.timedelta(days=1), f"{today:%Y年%m月}"
    if period == "quarter":
        q = (today.month - 1) // 3
        start = dt.date(today.year, q * 3 + 1, 1)
        nxt = dt.date(today.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1), f"{today.year}年第{q + 1}季度"
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), f"{today.year}年"


# --- the host's and duty member's day -----------------------------------------------------------------


@dataclass
class Day:
    today: dt.date
    shifts: list[DutyShift]
    open_visits: list[Visit]
    waiting_outcome: list[Visit]
    feedback_owed: list[Visit]
    messages: list[StationMessage]
    next_shifts: list[DutyShift]
    swaps: list[SwapRequest]


def day_for(user: Any, today: dt.date | None = None) -> Day:
    today = today or timezone.localdate()
    stations = perms.stations_visible_to(user)
    visits = perms.visits_visible_to(user).select_related("station", "duty_member")
    shifts = DutyShift.objects.filter(station__in=stations).select_related("station", "member")
    member = perms.member_of(user)
    if member is not None and not perms.is_office(user) and user.role != perms.Role.HOST:
        shifts = shifts.filter(member=member)
    return Day(
        today=today,
        shifts=list(shifts.filter(on=today)),
        open_visits=list(visits.filter(status=Visit.Status.OPEN)[:50]),
        waiting_outcome=list(
            visits.filter(status=Visit.Status.REFERRED, outcome_at__isnull=True).select_related("item")[:50]
        ),
        feedback_owed=list(
            visits.filter(
                status__in=(Visit.Status.PROPOSAL, Visit.Status.OPINION, Visit.Status.REFERRED),
                feedback_on__isnull=True,
            ).exclude(status=Visit.Status.REFERRED, outcome_at__isnull=True)[:50]
        ),
        messages=list(
            StationMessage.objects.filter(station__in=stations, visit__isnull=True).select_related("station")[:20]
        ),
        next_shifts=list(shifts.filter(on__gt=today)[:6]),
        swaps=swaps_to_decide(user, stations),
    )


def swaps_to_decide(user: Any, stations: QuerySet[Station]) -> list[SwapRequest]:
    """Requests awaiting this user's answer: those asking them (a member), all of their stations' (host, office)."""
    pending = SwapRequest.objects.filter(status=SwapRequest.Status.PENDING, shift__station__in=stations)
    if not (perms.is_office(user) or user.role == perms.Role.HOST):
        member = perms.member_of(user)
        pending = pending.filter(to_member=member) if member is not None else pending.none()
    return list(pending.select_related("shift__station", "requested_by", "other_shift").order_by("shift__on")[:20])


def item_status(item: Item | None) -> str:
    return item.get_status_display() if item is not None else ""


# --- who raised each loop item (for the loop's staff pages) ----------------------------------------------


def _mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def visit_sources(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    """The visitor behind each station item; the full contact only where the page may reveal it."""
    out: dict[int, list[tuple[str, str]]] = {}
    rows = Visit.objects.filter(item_id__in=[i.pk for i in items]).select_related("station", "duty_member")
    for v in rows:
        assert v.item_id is not None
        out[v.item_id] = [
            ("联系站", v.station.name),
            ("来访人", v.visitor + (f"等{v.people}人" if v.people > 1 else "")),
            ("联系方式", v.contact if reveal else _mask(v.contact)),
            ("接待委员", v.duty_member.name),
            ("来访日期", f"{v.visited_on:%Y-%m-%d}"),
        ]
    return out


def appeal_sources(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    rows = Appeal.objects.filter(item_id__in=[i.pk for i in items]).select_related("enterprise")
    for a in rows:
        assert a.item_id is not None
        links = "、".join(a.enterprise.links.filter(ended_on__isnull=True).values_list("member__name", flat=True))
        out[a.item_id] = [("诉求企业", a.enterprise.name), ("挂点联系", links or "—")]
    return out


def problem_sources(items: list[Item], reveal: bool) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for p in Problem.objects.filter(item_id__in=[i.pk for i in items]).select_related("group__leader"):
        assert p.item_id is not None
        out[p.item_id] = [("督导组", p.group.name), ("组长", p.group.leader.name)]
    return out


# --- the public finder: a station's next duty days ---------------------------------------------------


@dataclass(frozen=True)
class DutyDay:
    """A day a station receives visitors: from the roster (with the members on duty), or from the
    station's duty days of the month when the roster does not reach that far (members not yet named)."""

    on: dt.date
    names: tuple[str, ...] = ()

    @property
    def planned(self) -> bool:
        return not self.names


def _month_days(duty_days: str, after: dt.date, n: int) -> list[dt.date]:
    """The next ``n`` dates after ``after`` that fall on the station's duty days of the month."""
    days = sorted({int(d) for d in duty_days.split(",") if d.strip().isdigit() and 1 <= int(d) <= 31})
    found: list[dt.date] = []
    y, m = after.year, after.month
    for _ in range(24):
        for d in days:
            try:
                on = dt.date(y, m, d)
            except ValueError:
                continue  # the 31st in a short month
            if on > after:
                found.append(on)
                if len(found) == n:
                    return found
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


def next_duty_days(stations: list[Station], n: int = 3) -> dict[int, list[DutyDay]]:
    """The next ``n`` days each station receives visitors, however far off, in one query for all.

    The roster's days come first with the members on duty; when it holds fewer than ``n`` days ahead,
    the station's duty days of the month after the roster's last day complete the list. A station with
    neither has no entry."""
    if not stations:
        return {}
    today = timezone.localdate()
    rank = Window(DenseRank(), partition_by=[F("station_id")], order_by=F("on").asc())
    rows = (
        DutyShift.objects.filter(station__in=stations, on__gte=today)
        .annotate(rank=rank)
        .filter(rank__lte=n)
        .order_by("station_id", "on", "id")
        .values_list("station_id", "on", "member__name")
    )
    per: dict[int, dict[dt.date, list[str]]] = {}
    for station_id, on, name in rows:
        per.setdefault(station_id, {}).setdefault(on, []).append(name)
    found: dict[int, list[DutyDay]] = {}
    for s in stations:
        days = [DutyDay(on, tuple(names)) for on, names in per.get(s.pk, {}).items()]
        if len(days) < n and s.duty_days:
            after = days[-1].on if days else today - dt.timedelta(days=1)
            days += [DutyDay(on) for on in _month_days(s.duty_days, after, n - len(days))]
        if days:
            found[s.pk] = days
    return found
