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
from django.utils.translation import gettext as _

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
    on_duty = _("On duty")
    rows = [Row(s.on, on_duty, s.station.name + (f"（{s.note}）" if s.note else "")) for s in shifts]
    rows += [
        Row(
            v.visited_on,
            _("Received %(n)s visitors") % {"n": v.people},
            f"{v.station.name} · {v.get_kind_display()} · {v.get_status_display()}",
        )
        for v in visits
    ]
    rows.sort(key=lambda r: (r.on or dt.date.min, r.text != on_duty))
    return Section(
        key="station_duty",
        title=_("Liaison station duty"),
        rows=tuple(rows),
        figures=(
            (_("Liaison station duty"), len(shifts)),
            (_("Visitors received"), sum(v.people for v in visits)),
        ),
        empty=_("No duty at a liaison station or visitors received this year."),
        columns=(_("Date"), _("Matter"), _("Station and outcome")),
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
            + (_("(met %(n)s people)") % {"n": v.met} if v.met else ""),
        )
        for v in visits
    )
    return Section(
        key="visits",
        title=_("Visits to enterprises, professionals and the public"),
        rows=rows,
        figures=((_("Three-visits outings"), len(visits)),),
        empty=_("No three-visits outings this year."),
        columns=(_("Date"), _("Kind"), _("Whom and what about")),
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
            f"{g.name}（{_('group leader') if g.leader_id == member.pk else _('group member')}）",
            g.theme + (" · " + _("%(n)s problems raised this year") % {"n": g.raised} if g.raised else ""),
            until=g.ends_on,
        )
        for g in groups
    )
    return Section(
        key="supervision",
        title=_("Democratic supervision groups"),
        rows=rows,
        figures=((_("Supervision groups joined"), len(groups)),),
        empty=_("No democratic supervision group this year."),
        columns=(_("Period"), _("Supervision group"), _("Theme")),
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
        title=_("Volunteer service"),
        rows=rows,
        figures=((_("Volunteer service"), len(served)),),
        empty=_("No volunteer service this year."),
        columns=(_("Date"), _("Service"), _("Team and place")),
    )
