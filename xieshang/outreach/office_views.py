"""The committee office's set-up pages for outreach: stations and their members and duty days,
enterprises and their linked leadership members, enterprise visits and appeals, supervision groups
and their problems, volunteer teams with members and service records.

Each page parses the form and calls one service (which locks, checks permission, audits); a refused
action re-renders the page with the rule's message and status 400. Lists by year take ``?year=``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import forms, services
from . import permissions as perms
from .models import (
    Attendance,
    Enterprise,
    EnterpriseLink,
    Participant,
    Station,
    SupervisionGroup,
    Volunteer,
    VolunteerTeam,
)
from .pages import act, submit, years
from .pages import year as _year


def _office(request: HttpRequest) -> Any:
    user = request.user
    if not perms.is_office(user) or user.committee_id is None:
        raise PermissionDenied
    return user


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _to(name: str, *args: Any, year: int | None = None) -> str:
    return reverse(f"outreach:{name}", args=args) + (f"?year={year}" if year else "")


# --- the set-up home and stations ------------------------------------------------------------------


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    stations = (
        perms.stations_visible_to(user)
        .select_related("area", "host")
        .annotate(n_members=Count("members", distinct=True))
        .order_by("area__code", "id")
    )
    c = user.committee_id
    counts = {
        "enterprises": Enterprise.objects.filter(committee_id=c).count(),
        "groups": SupervisionGroup.objects.filter(committee_id=c).count(),
        "teams": VolunteerTeam.objects.filter(committee_id=c).count(),
    }
    return render(request, "outreach/office/setup.html", {"stations": stations, "counts": counts})


def _station_save(request: HttpRequest, station: Station | None) -> HttpResponse:
    user = _office(request)
    if request.method == "POST":
        form = forms.StationForm(request.POST, committee_id=user.committee_id)

        def call(d: dict[str, Any]) -> Station:
            common = {k: d[k] for k in ("name", "kind", "area", "host", "address", "phone", "reception", "duty_days")}
            common.update(actor=user, members=list(d["members"]), is_active=d["is_active"])
            if station is None:
                return services.station_create(committee=user.committee, **common)
            return services.station_update(station_id=station.pk, expected_version=d["version"], **common)

        done = submit(
            request, form, call, success=lambda s: f"已保存「{s.name}」。", then=lambda s: _to("station", s.pk)
        )
        if done is not None:
            return done
    elif station is None:
        form = forms.StationForm(committee_id=user.committee_id, initial={"duty_days": "10,20", "is_active": True})
    else:
        form = forms.StationForm(
            committee_id=user.committee_id,
            initial={
                "version": station.version,
                "name": station.name,
                "kind": station.kind,
                "area": station.area_id,
                "host": station.host_id,
                "members": [m.pk for m in station.members.all()],
                "duty_days": station.duty_days,
                "reception": station.reception,
                "address": station.address,
                "phone": station.phone,
                "is_active": station.is_active,
            },
        )
    return render(
        request,
        "outreach/office/station_form.html",
        {"form": form, "station": station},
        status=400 if form.is_bound else 200,
    )


@login_required
def station_new(request: HttpRequest) -> HttpResponse:
    return _station_save(request, None)


@login_required
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    station = perms.stations_visible_to(user).filter(pk=pk).first()
    if station is None:
        raise Http404
    return _station_save(request, station)


def _edit_page(request: HttpRequest, form: Any, call: Any, page: dict[str, Any], *, success: Any) -> HttpResponse:
    """An edit page: GET shows the form with the record's values; POST saves through one service and
    returns to the record's page (``page["back_url"]``); a refusal shows the form again (400)."""
    if form.is_bound:
        done = submit(request, form, call, success=success, then=lambda x: page["back_url"])
        if done is not None:
            return done
    status = 400 if form.is_bound else 200
    return render(request, "outreach/office/edit_form.html", {**page, "form": form}, status=status)


# --- enterprises, links, visits, appeals ---------------------------------------------------------------


def _enterprises_page(request: HttpRequest, user: Any, form: Any = None, status: int = 200) -> HttpResponse:
    year = _year(request)
    live = EnterpriseLink.objects.filter(ended_on__isnull=True).select_related("member")
    rows = (
        Enterprise.objects.filter(committee_id=user.committee_id)
        .select_related("area")
        .prefetch_related(Prefetch("links", queryset=live, to_attr="live_links"))
        .annotate(
            n_visits=Count("visits", filter=Q(visits__visited_on__year=year), distinct=True),
            n_appeals=Count("appeals", filter=Q(appeals__raised_on__year=year), distinct=True),
        )
        .order_by("id")
    )
    return render(
        request,
        "outreach/office/enterprises.html",
        {"rows": rows, "year": year, "years": years(year), "form": form or forms.EnterpriseForm()},
        status=status,
    )


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    if request.method != "POST":
        return _enterprises_page(request, user)
    form = forms.EnterpriseForm(request.POST)
    return submit(
        request,
        form,
        lambda d: services.enterprise_create(actor=user, committee=user.committee, **d),
        success=lambda e: f"已登记企业「{e.name}」。",
        then=lambda e: _to("office_enterprise", e.pk),
    ) or _enterprises_page(request, user, form, 400)


def _enterprise(user: Any, pk: int) -> Enterprise:
    e = Enterprise.objects.filter(pk=pk, committee_id=user.committee_id).select_related("area").first()
    if e is None:
        raise Http404
    return e


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    return _enterprise_page(request, user, _enterprise(user, pk))


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """改企业: name, place, industry, contact and the leadership members linked to it."""
    user = _office(request)
    e = _enterprise(user, pk)
    if request.method == "POST":
        form = forms.EnterpriseEditForm(request.POST, committee_id=user.committee_id)
    else:
        live = list(e.links.filter(ended_on__isnull=True).values_list("member_id", flat=True))
        initial = {f: getattr(e, f) for f in ("version", "name", "industry", "contact_name", "contact_phone")}
        form = forms.EnterpriseEditForm(
            committee_id=user.committee_id, initial={**initial, "area": e.area_id, "linked": live}
        )

    def call(d: dict[str, Any]) -> Enterprise:
        return services.enterprise_update(
            actor=user,
            enterprise_id=e.pk,
            expected_version=d["version"],
            linked=list(d["linked"]),
            **{k: d[k] for k in ("name", "area", "industry", "contact_name", "contact_phone")},
        )

    page = {
        "name": e.name,
        "kind": "企业信息",
        "list_url": _to("office_enterprises"),
        "list_label": "挂点联系企业",
        "back_url": _to("office_enterprise", e.pk),
    }
    return _edit_page(request, form, call, page, success=lambda x: f"已保存「{x.name}」。")


def _enterprise_page(request: HttpRequest, user: Any, e: Enterprise, status: int = 200, **bound: Any) -> HttpResponse:
    year = _year(request)
    today = timezone.localdate()
    c = user.committee_id
    visits = (
        e.visits.filter(visited_on__year=year)
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.order_by("side", "id")))
        .order_by("-visited_on", "-id")
    )
    ctx = {
        "e": e,
        "year": year,
        "years": years(year),
        "links": e.links.select_related("member").order_by("-linked_on"),
        "visits": visits,
        "appeals": e.appeals.filter(raised_on__year=year).select_related("item").order_by("-raised_on", "-id"),
        "link_form": bound.get("link_form")
        or forms.LinkForm(committee_id=c, initial={"linked_on": today}, auto_id="link-%s"),
        "visit_form": bound.get("visit_form")
        or forms.OutreachVisitForm(
            committee_id=c, initial={"visited_on": today, "kind": "enterprise"}, auto_id="visit-%s"
        ),
        "appeal_form": bound.get("appeal_form") or forms.AppealForm(initial={"raised_on": today}, auto_id="appeal-%s"),
        "today": today,
    }
    return render(request, "outreach/office/enterprise.html", ctx, status=status)


@login_required
@require_POST
def enterprise_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    e = _enterprise(user, pk)
    form = forms.LinkForm(request.POST, committee_id=user.committee_id, auto_id="link-%s")
    return submit(
        request,
        form,
        lambda d: services.enterprise_link(actor=user, enterprise_id=e.pk, member=d["member"], on=d["linked_on"]),
        success=lambda link: f"已安排{link.member.name}挂点联系。",
        then=lambda link: _to("office_enterprise", e.pk),
    ) or _enterprise_page(request, user, e, 400, link_form=form)


@login_required
@require_POST
def enterprise_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    link = EnterpriseLink.objects.filter(pk=pk, enterprise__committee_id=user.committee_id).first()
    if link is None:
        raise Http404
    return act(
        request,
        lambda: services.enterprise_unlink(actor=user, link_id=link.pk, on=timezone.localdate()),
        success=lambda x: "已结束挂点联系。",
        then=_to("office_enterprise", link.enterprise_id),
    )


@login_required
@require_POST
def enterprise_visit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    e = _enterprise(user, pk)
    form = forms.OutreachVisitForm(request.POST, committee_id=user.committee_id, auto_id="visit-%s")

    def call(d: dict[str, Any]) -> Any:
        return services.outreach_visit_log(
            actor=user,
            committee=user.committee,
            submission_token=d["token"],
            kind=d["kind"],
            visited_on=d["visited_on"],
            enterprise=e,
            topic=d["topic"],
            went=list(d["went"]),
            met=d["met"],
            notes=d["notes"],
        )

    return submit(
        request,
        form,
        call,
        success=lambda v: f"已登记走访，走访对象 {len(form.cleaned_data['met'])} 人次。",
        then=lambda v: _to("office_enterprise", e.pk),
    ) or _enterprise_page(request, user, e, 400, visit_form=form)


@login_required
@require_POST
def enterprise_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    e = _enterprise(user, pk)
    form = forms.AppealForm(request.POST, auto_id="appeal-%s")

    def call(d: dict[str, Any]) -> Any:
        return services.appeal_raise(
            actor=user,
            enterprise_id=e.pk,
            submission_token=d["token"],
            title=d["title"],
            text=d["text"],
            raised_on=d["raised_on"],
        )

    return submit(
        request,
        form,
        call,
        success=lambda a: "企业诉求已登记，进入办理闭环。",
        then=lambda a: _to("office_enterprise", e.pk),
    ) or _enterprise_page(request, user, e, 400, appeal_form=form)


# --- supervision groups ------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    year = _year(request)
    form = forms.GroupForm(_posted(request), committee_id=user.committee_id)
    if form.is_bound:
        done = submit(
            request,
            form,
            lambda d: services.group_create(
                actor=user, committee=user.committee, **{**d, "members": list(d["members"])}
            ),
            success=lambda g: f"已组建「{g.name}」。",
            then=lambda g: _to("group", g.pk),
        )
        if done is not None:
            return done
    groups = (
        SupervisionGroup.objects.filter(
            committee_id=user.committee_id, starts_on__year__lte=year, ends_on__year__gte=year
        )
        .select_related("leader")
        .annotate(
            n_members=Count("members", distinct=True),
            n_problems=Count("problems", filter=Q(problems__raised_on__year=year), distinct=True),
        )
        .order_by("starts_on", "id")
    )
    return render(
        request,
        "outreach/office/groups.html",
        {"groups": groups, "year": year, "years": years(year), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """改督导组: name, theme, leader, members and period."""
    user = _office(request)
    g = SupervisionGroup.objects.filter(pk=pk, committee_id=user.committee_id).first()
    if g is None:
        raise Http404
    if request.method == "POST":
        form = forms.GroupEditForm(request.POST, committee_id=user.committee_id)
    else:
        initial = {f: getattr(g, f) for f in ("version", "name", "theme", "starts_on", "ends_on")}
        members = [m.pk for m in g.members.all()]
        form = forms.GroupEditForm(
            committee_id=user.committee_id, initial={**initial, "leader": g.leader_id, "members": members}
        )

    def call(d: dict[str, Any]) -> SupervisionGroup:
        fields = {k: d[k] for k in ("name", "theme", "leader", "starts_on", "ends_on")}
        return services.group_update(
            actor=user, group_id=g.pk, expected_version=d["version"], members=list(d["members"]), **fields
        )

    page = {
        "name": g.name,
        "kind": "督导组",
        "list_url": _to("office_groups"),
        "list_label": "民主监督小组",
        "back_url": _to("group", g.pk),
    }
    return _edit_page(request, form, call, page, success=lambda x: f"已保存「{x.name}」。")


@login_required
@require_POST
def problem_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem the group raises, by the office or a member of the group; it enters the loop."""
    group = perms.groups_visible_to(request.user).filter(pk=pk).first()
    if group is None:
        raise Http404
    form = forms.ProblemForm(request.POST)

    def call(d: dict[str, Any]) -> Any:
        return services.problem_raise(
            actor=request.user,
            group_id=group.pk,
            submission_token=d["token"],
            title=d["title"],
            text=d["text"],
            raised_on=d["raised_on"],
        )

    done = submit(
        request, form, call, success=lambda p: "问题已登记，进入办理闭环。", then=lambda p: _to("group", group.pk)
    )
    if done is not None:
        return done
    from .views import group_page

    return group_page(request, group, form, 400)


# --- volunteer teams -------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    year = _year(request)
    form = forms.TeamForm(_posted(request), initial={"founded_on": timezone.localdate()})
    if form.is_bound:
        done = submit(
            request,
            form,
            lambda d: services.team_create(actor=user, committee=user.committee, **d),
            success=lambda t: f"已组建「{t.name}」。",
            then=lambda t: _to("office_team", t.pk),
        )
        if done is not None:
            return done
    times = (
        Attendance.objects.filter(record__team=OuterRef("pk"), record__served_on__year=year)
        .values("record__team")
        .annotate(n=Count("id"))
        .values("n")
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = Q(volunteers__joined_on__lte=end) & ~Q(volunteers__left_on__lt=start)
    teams = (
        VolunteerTeam.objects.filter(committee_id=user.committee_id)
        .annotate(n_volunteers=Count("volunteers", filter=in_year, distinct=True), n_times=Coalesce(Subquery(times), 0))
        .order_by("id")
    )
    return render(
        request,
        "outreach/office/teams.html",
        {"teams": teams, "year": year, "years": years(year), "form": form},
        status=400 if form.is_bound else 200,
    )


def _team(user: Any, pk: int) -> VolunteerTeam:
    t = VolunteerTeam.objects.filter(pk=pk, committee_id=user.committee_id).first()
    if t is None:
        raise Http404
    return t


def _team_page(request: HttpRequest, team: VolunteerTeam, status: int = 200, **bound: Any) -> HttpResponse:
    year = _year(request)
    today = timezone.localdate()
    volunteers = list(team.volunteers.order_by("left_on", "id"))
    records = team.records.filter(served_on__year=year).annotate(n=Count("attendance")).order_by("-served_on", "-id")
    current = [v for v in volunteers if v.left_on is None]
    leaving = bound.get("leave_form")
    ctx = {
        "team": team,
        "year": year,
        "years": years(year),
        "volunteers": volunteers,
        "current": current,
        "records": records,
        "times": sum(r.n for r in records),
        "leave_form": leaving,
        "leaving": bound.get("leaving"),
        "today": today,
        "volunteer_form": bound.get("volunteer_form")
        or forms.VolunteerForm(initial={"joined_on": today}, auto_id="volunteer-%s"),
        "service_form": bound.get("service_form")
        or forms.ServiceForm(volunteers=current, initial={"served_on": today}, auto_id="service-%s"),
    }
    return render(request, "outreach/office/team.html", ctx, status=status)


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    return _team_page(request, _team(user, pk))


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """改服务队: name and founding date."""
    user = _office(request)
    t = _team(user, pk)
    if request.method == "POST":
        form = forms.TeamEditForm(request.POST)
    else:
        form = forms.TeamEditForm(initial={"version": t.version, "name": t.name, "founded_on": t.founded_on})
    page = {
        "name": t.name,
        "kind": "志愿服务队",
        "list_url": _to("office_teams"),
        "list_label": "志愿服务队",
        "back_url": _to("office_team", t.pk),
    }
    return _edit_page(
        request,
        form,
        lambda d: services.team_update(
            actor=user, team_id=t.pk, expected_version=d["version"], name=d["name"], founded_on=d["founded_on"]
        ),
        page,
        success=lambda x: f"已保存「{x.name}」。",
    )


@login_required
@require_POST
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    t = _team(user, pk)
    form = forms.VolunteerForm(request.POST, auto_id="volunteer-%s")
    return submit(
        request,
        form,
        lambda d: services.volunteer_add(actor=user, team_id=t.pk, **d),
        success=lambda v: f"已登记志愿者{v.name}。",
        then=lambda v: _to("office_team", t.pk),
    ) or _team_page(request, t, 400, volunteer_form=form)


@login_required
@require_POST
def volunteer_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """离队: the day a volunteer left the team."""
    user = _office(request)
    v = Volunteer.objects.filter(pk=pk, team__committee_id=user.committee_id).select_related("team").first()
    if v is None:
        raise Http404
    form = forms.LeaveForm(request.POST, auto_id=f"leave-{v.pk}-%s")
    return submit(
        request,
        form,
        lambda d: services.volunteer_leave(
            actor=user, volunteer_id=v.pk, left_on=d["left_on"], expected_version=d["version"]
        ),
        success=lambda x: f"已登记{x.name}于 {x.left_on:%Y年%m月%d日} 离队。",
        then=lambda x: _to("office_team", x.team_id) + "#volunteers",
    ) or _team_page(request, v.team, 400, leave_form=form, leaving=v.pk)


@login_required
@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    t = _team(user, pk)
    form = forms.ServiceForm(request.POST, volunteers=list(Volunteer.objects.filter(team=t)), auto_id="service-%s")

    def call(d: dict[str, Any]) -> Any:
        return services.service_record(
            actor=user,
            team_id=t.pk,
            submission_token=d["token"],
            served_on=d["served_on"],
            activity=d["activity"],
            place=d["place"],
            volunteer_ids=d["volunteers"],
        )

    return submit(
        request,
        form,
        call,
        success=lambda r: f"已登记志愿服务，{len(form.cleaned_data['volunteers'])} 人次。",
        then=lambda r: _to("office_team", t.pk),
    ) or _team_page(request, t, 400, service_form=form)
