"""The committee office's set-up pages for outreach: stations and their members and duty days,
enterprises and their linked leadership members, enterprise visits and appeals, supervision groups
and their problems, volunteer teams with members and service records.

Each page parses the form and calls one service (which locks, checks permission, audits); a refused
action re-renders the page with the rule's message and status 400. Lists by year take ``?year=``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.params import to_year

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


def _office(request: HttpRequest) -> Any:
    user = request.user
    if not perms.is_office(user) or user.committee_id is None:
        raise PermissionDenied
    return user


def _year(request: HttpRequest) -> int:
    today = timezone.localdate()
    year = to_year(request.GET.get("year"), today.year)
    return year if 2000 <= year <= today.year + 1 else today.year


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this - 5, this + 1), year}, reverse=True)


def _run(form: Any, call: Callable[[], Any]) -> Any:
    """Call the service; its refusal becomes the form's message (None returned)."""
    try:
        return call()
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None


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
        if form.is_valid():
            d = form.cleaned_data
            common = {
                "actor": user,
                "name": d["name"],
                "kind": d["kind"],
                "area": d["area"],
                "host": d["host"],
                "members": list(d["members"]),
                "address": d["address"],
                "phone": d["phone"],
                "reception": d["reception"],
                "duty_days": d["duty_days"],
                "is_active": d["is_active"],
            }
            if station is None:
                done = _run(form, lambda: services.station_create(committee=user.committee, **common))
            else:
                done = _run(
                    form,
                    lambda: services.station_update(station_id=station.pk, expected_version=d["version"], **common),
                )
            if done is not None:
                messages.success(request, f"已保存「{done.name}」。")
                return redirect("outreach:station", pk=done.pk)
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
        {"rows": rows, "year": year, "years": _years(year), "form": form or forms.EnterpriseForm()},
        status=status,
    )


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    if request.method == "POST":
        form = forms.EnterpriseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            done = _run(form, lambda: services.enterprise_create(actor=user, committee=user.committee, **d))
            if done is not None:
                messages.success(request, f"已登记企业「{done.name}」。")
                return redirect("outreach:office_enterprise", pk=done.pk)
        return _enterprises_page(request, user, form, 400)
    return _enterprises_page(request, user)


def _enterprise(user: Any, pk: int) -> Enterprise:
    e = Enterprise.objects.filter(pk=pk, committee_id=user.committee_id).select_related("area").first()
    if e is None:
        raise Http404
    return e


@login_required
def enterprise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    return _enterprise_page(request, user, _enterprise(user, pk))


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
        "years": _years(year),
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
    if form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.enterprise_link(actor=user, enterprise_id=e.pk, member=d["member"], on=d["linked_on"]),
        )
        if done is not None:
            messages.success(request, f"已安排{done.member.name}挂点联系。")
            return redirect("outreach:office_enterprise", pk=e.pk)
    return _enterprise_page(request, user, e, 400, link_form=form)


@login_required
@require_POST
def enterprise_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    link = EnterpriseLink.objects.filter(pk=pk, enterprise__committee_id=user.committee_id).first()
    if link is None:
        raise Http404
    try:
        services.enterprise_unlink(actor=user, link_id=link.pk, on=timezone.localdate())
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已结束挂点联系。")
    return redirect("outreach:office_enterprise", pk=link.enterprise_id)


@login_required
@require_POST
def enterprise_visit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    e = _enterprise(user, pk)
    form = forms.OutreachVisitForm(request.POST, committee_id=user.committee_id, auto_id="visit-%s")
    if form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.outreach_visit_log(
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
            ),
        )
        if done is not None:
            messages.success(request, f"已登记走访，走访对象 {len(d['met'])} 人次。")
            return redirect("outreach:office_enterprise", pk=e.pk)
    return _enterprise_page(request, user, e, 400, visit_form=form)


@login_required
@require_POST
def enterprise_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    e = _enterprise(user, pk)
    form = forms.AppealForm(request.POST, auto_id="appeal-%s")
    if form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.appeal_raise(
                actor=user,
                enterprise_id=e.pk,
                submission_token=d["token"],
                title=d["title"],
                text=d["text"],
                raised_on=d["raised_on"],
            ),
        )
        if done is not None:
            messages.success(request, "企业诉求已登记，进入办理闭环。")
            return redirect("outreach:office_enterprise", pk=e.pk)
    return _enterprise_page(request, user, e, 400, appeal_form=form)


# --- supervision groups ------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    year = _year(request)
    form = forms.GroupForm(committee_id=user.committee_id)
    status = 200
    if request.method == "POST":
        form = forms.GroupForm(request.POST, committee_id=user.committee_id)
        if form.is_valid():
            d = form.cleaned_data
            done = _run(
                form,
                lambda: services.group_create(
                    actor=user, committee=user.committee, **{**d, "members": list(d["members"])}
                ),
            )
            if done is not None:
                messages.success(request, f"已组建「{done.name}」。")
                return redirect("outreach:group", pk=done.pk)
        status = 400
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
        {"groups": groups, "year": year, "years": _years(year), "form": form},
        status=status,
    )


@login_required
@require_POST
def problem_raise(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem the group raises, by the office or a member of the group; it enters the loop."""
    group = perms.groups_visible_to(request.user).filter(pk=pk).first()
    if group is None:
        raise Http404
    form = forms.ProblemForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.problem_raise(
                actor=request.user,
                group_id=group.pk,
                submission_token=d["token"],
                title=d["title"],
                text=d["text"],
                raised_on=d["raised_on"],
            ),
        )
        if done is not None:
            messages.success(request, "问题已登记，进入办理闭环。")
            return redirect("outreach:group", pk=group.pk)
    from .views import group_page

    return group_page(request, group, form, 400)


# --- volunteer teams -------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    user = _office(request)
    year = _year(request)
    form = forms.TeamForm(initial={"founded_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        form = forms.TeamForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            done = _run(form, lambda: services.team_create(actor=user, committee=user.committee, **d))
            if done is not None:
                messages.success(request, f"已组建「{done.name}」。")
                return redirect("outreach:office_team", pk=done.pk)
        status = 400
    times = (
        Attendance.objects.filter(record__team=OuterRef("pk"), record__served_on__year=year)
        .values("record__team")
        .annotate(n=Count("id"))
        .values("n")
    )
    teams = (
        VolunteerTeam.objects.filter(committee_id=user.committee_id)
        .annotate(n_volunteers=Count("volunteers", distinct=True), n_times=Coalesce(Subquery(times), 0))
        .order_by("id")
    )
    return render(
        request,
        "outreach/office/teams.html",
        {"teams": teams, "year": year, "years": _years(year), "form": form},
        status=status,
    )


def _team(user: Any, pk: int) -> VolunteerTeam:
    t = VolunteerTeam.objects.filter(pk=pk, committee_id=user.committee_id).first()
    if t is None:
        raise Http404
    return t


def _team_page(request: HttpRequest, team: VolunteerTeam, status: int = 200, **bound: Any) -> HttpResponse:
    year = _year(request)
    today = timezone.localdate()
    volunteers = list(team.volunteers.order_by("id"))
    records = team.records.filter(served_on__year=year).annotate(n=Count("attendance")).order_by("-served_on", "-id")
    current = [v for v in volunteers if v.left_on is None]
    ctx = {
        "team": team,
        "year": year,
        "years": _years(year),
        "volunteers": volunteers,
        "records": records,
        "times": sum(r.n for r in records),
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
@require_POST
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    t = _team(user, pk)
    form = forms.VolunteerForm(request.POST, auto_id="volunteer-%s")
    if form.is_valid():
        d = form.cleaned_data
        done = _run(form, lambda: services.volunteer_add(actor=user, team_id=t.pk, **d))
        if done is not None:
            messages.success(request, f"已登记志愿者{done.name}。")
            return redirect("outreach:office_team", pk=t.pk)
    return _team_page(request, t, 400, volunteer_form=form)


@login_required
@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _office(request)
    t = _team(user, pk)
    form = forms.ServiceForm(request.POST, volunteers=list(Volunteer.objects.filter(team=t)), auto_id="service-%s")
    if form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.service_record(
                actor=user,
                team_id=t.pk,
                submission_token=d["token"],
                served_on=d["served_on"],
                activity=d["activity"],
                place=d["place"],
                volunteer_ids=d["volunteers"],
            ),
        )
        if done is not None:
            messages.success(request, f"已登记志愿服务，{len(d['volunteers'])} 人次。")
            return redirect("outreach:office_team", pk=t.pk)
    return _team_page(request, t, 400, service_form=form)
