"""A member's outreach records for their duty file (履职档案), as plain data.

Registered with ``core.duty_records`` in ``OutreachConfig.ready()``; the duty file (``duties``, a
sibling that does not import this app) reads the sections through that registry. Four sections:
liaison-station duty (shifts served, visitors received), the 三走 visits the member went on,
supervision groups the member led or served in, and volunteer service (through the member's
account, as volunteers are people with or without one). Five queries, whatever the year holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from xieshang.core.duty_records import Row, Section

from .models import Attendance, DutyShift, OutreachVisit, Participant, SupervisionGroup, Visit


def member_duty_sections(member: Any, year: int) -> list[Section]:
    return [_station(member, year), _visits(member, year), _supervision(member, year), _volunteering(member, year)]


def _station(member: Any, year: int) -> Section:
    shifts = list(DutyShift.objects.filter(member=member, on__year=year).select_related("station").order_by("on", "id"))
    visits = list(
        Visit.objects.filter(duty_member=member, visited_on__year=year)
        .select_related("station")
        .order_by("visited_on", "id")
    )
    rows = [Row(s.on, "值班", s.station.name + (f"（{s.note}）" if s.note else "")) for s in shifts]
    rows += [
        Row(
            v.visited_on,
            f"接待来访 {v.people} 人",
            f"{v.station.name} · {v.get_kind_display()} · {v.get_status_display()}",
        )
        for v in visits
    ]
    rows.sort(key=lambda r: (r.on or dt.date.min, r.text != "值班"))
    return Section(
        key="station_duty",
        title="联系站值班",
        rows=tuple(rows),
        figures=(
            ("联系站值班", len(shifts)),
            ("接待来访群众", sum(v.people for v in visits)),
        ),
        empty="本年度没有在联系站值班、接待来访的记录。",
        columns=("日期", "事项", "联系站与情况"),
    )


def _visits(member: Any, year: int) -> Section:
    visits = list(
        OutreachVisit.objects.filter(
            visited_on__year=year,
            pk__in=Participant.objects.filter(side=Participant.Side.OURS, member=member).values("visit_id"),
        )
        .select_related("enterprise")
        .annotate(met=Count("participants", filter=Q(participants__side=Participant.Side.MET)))
        .order_by("visited_on", "id")
    )
    rows = tuple(
        Row(
            v.visited_on,
            str(v.get_kind_display()),
            (f"{v.enterprise.name}：" if v.enterprise and v.enterprise.name not in v.topic else "")
            + v.topic
            + (f"（走访 {v.met} 人）" if v.met else ""),
        )
        for v in visits
    )
    return Section(
        key="visits",
        title="走企业、走专业人士、走群众",
        rows=rows,
        figures=(("三走走访", len(visits)),),
        empty="本年度没有参加三走走访的记录。",
        columns=("日期", "类型", "走访对象与主题"),
    )


def _supervision(member: Any, year: int) -> Section:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    groups = list(
        SupervisionGroup.objects.filter(Q(leader=member) | Q(members=member), starts_on__lte=end, ends_on__gte=start)
        .annotate(raised=Count("problems", filter=Q(problems__raised_on__year=year), distinct=True))
        .order_by("starts_on", "id")
        .distinct()
    )
    rows = tuple(
        Row(
            g.starts_on,
            f"{g.name}（{'组长' if g.leader_id == member.pk else '成员'}）",
            g.theme + (f" · 当年提出问题 {g.raised} 个" if g.raised else ""),
            until=g.ends_on,
        )
        for g in groups
    )
    return Section(
        key="supervision",
        title="民主监督小组",
        rows=rows,
        figures=(("参加督导组", len(groups)),),
        empty="本年度没有参加民主监督小组的记录。",
        columns=("期间", "督导组", "主题"),
    )


def _volunteering(member: Any, year: int) -> Section:
    served = (
        list(
            Attendance.objects.filter(volunteer__user_id=member.user_id, record__served_on__year=year)
            .select_related("record__team")
            .order_by("record__served_on", "id")
        )
        if member.user_id
        else []
    )
    rows = tuple(
        Row(
            a.record.served_on,
            a.record.activity,
            a.record.team.name + (f" · {a.record.place}" if a.record.place else ""),
        )
        for a in served
    )
    return Section(
        key="volunteering",
        title="志愿服务",
        rows=rows,
        figures=(("志愿服务", len(served)),),
        empty="本年度没有志愿服务记录。",
        columns=("日期", "服务", "队伍与地点"),
    )
