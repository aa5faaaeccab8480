"""Outreach pages: the host's and duty member's day, a station, the visitor log, the counts with
their records, and the public station finder. Views parse input, call one selector or service and
render; a refused action re-renders with the rule's message."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xieshang.areas.models import Area
from xieshang.core import clients, indicators
from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.params import to_int
from xieshang.core.writes import as_id
from xieshang.handling import registry
from xieshang.organisations.models import User

from . import forms, pages, selectors, services
from . import permissions as perms
from .indicators import KEYS
from .models import (
    Appeal,
    Attendance,
    DutyShift,
    Enterprise,
    Participant,
    Problem,
    Station,
    StationMessage,
    SupervisionGroup,
    SwapRequest,
    Visit,
    Volunteer,
)

SENT = "outreach_station_messages"


def _outreach_user(request: HttpRequest) -> Any:
    user = request.user
    if not (perms.is_office(user) or user.role in (User.Role.HOST, User.Role.LEADER) or perms.member_of(user)):
        raise PermissionDenied
    return user


def _overview_user(request: HttpRequest) -> Any:
    user = request.user
    if not (perms.is_office(user) or user.role == User.Role.LEADER):
        raise PermissionDenied
    return user


_year = pages.year


# --- the host's and duty member's day ----------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _outreach_user(request)
    day = selectors.day_for(user)
    stations = list(perms.stations_visible_to(user).select_related("area"))
    linked = perms.enterprises_visible_to(user).exists()
    return render(request, "outreach/home.html", {"day": day, "stations": stations, "linked": linked})


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _overview_user(request)
    year = _year(request)
    committee = user.committee
    figures = []
    for key in KEYS:
        ind = indicators.get(key)
        value = ind.compute(committee, year) if ind.compute and committee is not None else None
        figures.append({"ind": ind, "value": value})
    stations = perms.stations_visible_to(user).select_related("area", "host")
    return render(request, "outreach/overview.html", {"figures": figures, "year": year, "stations": stations})


@login_required
def count(request: HttpRequest, key: str) -> HttpResponse:
    """The records behind one count (drill-down)."""
    user = _overview_user(request)
    if key not in KEYS:
        raise Http404
    ind = indicators.get(key)
    year = _year(request)
    qs = ind.records(user.committee, year) if ind.records else None
    if qs is not None:
        related = _RELATED.get(qs.model)
        qs = (qs.select_related(*related) if related else qs).order_by("pk")
    page = Paginator(qs if qs is not None else [], 50).get_page(request.GET.get("page"))
    value = ind.compute(user.committee, year) if ind.compute else None
    office = perms.is_office(user)
    rows = [(str(r), _record_url(r, year) if office else None) for r in page.object_list]
    return render(
        request, "outreach/count.html", {"ind": ind, "year": year, "page": page, "value": value, "rows": rows}
    )


# What each count's record needs to name itself and its page without a query per row.
_RELATED: dict[Any, tuple[str, ...]] = {
    Attendance: ("record", "volunteer"),
    Participant: ("visit",),
}


def _record_url(r: Any, year: int) -> str | None:
    """The page of the record behind a count (drill-down), where there is one."""
    if isinstance(r, Visit):
        return reverse("outreach:visit", args=[r.pk])
    if isinstance(r, Appeal):
        return reverse("outreach:appeal", args=[r.pk])
    if isinstance(r, Problem):
        return reverse("outreach:group", args=[r.group_id])
    if isinstance(r, SupervisionGroup):
        return reverse("outreach:group", args=[r.pk])
    if isinstance(r, Enterprise):
        return reverse("outreach:office_enterprise", args=[r.pk]) + f"?year={year}"
    if isinstance(r, Participant) and r.visit.enterprise_id:
        return reverse("outreach:office_enterprise", args=[r.visit.enterprise_id]) + f"?year={year}"
    if isinstance(r, Volunteer):
        return reverse("outreach:office_team", args=[r.team_id]) + f"?year={year}"
    if isinstance(r, Attendance):
        return reverse("outreach:office_team", args=[r.record.team_id]) + f"?year={year}"
    return None


# --- a station ------------------------------------------------------------------------------------


def _station_context(request: HttpRequest, station: Station, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    period = request.GET.get("period", "year")
    start, end, label = selectors.period_bounds(period, today)
    members = list(station.members.all())
    shifts = list(station.shifts.filter(on__gte=today - dt.timedelta(days=31)).select_related("member")[:24])
    visits = perms.visits_visible_to(request.user).filter(station=station).select_related("station", "duty_member")[:30]
    manage = perms.can_manage_station(request.user, station)
    me = perms.member_of(request.user)
    swaps = list(
        SwapRequest.objects.filter(shift__station=station, status=SwapRequest.Status.PENDING).select_related(
            "shift", "requested_by", "to_member", "other_shift"
        )
    )
    for req in swaps:
        req.can_decide = manage or (me is not None and me.pk == req.to_member_id)
        req.mine = me is not None and me.pk == req.requested_by_id
    pending = {req.shift_id for req in swaps}
    mine_ahead = [
        s for s in shifts if me is not None and s.member_id == me.pk and s.on >= today and s.pk not in pending
    ]
    ctx = {
        "station": station,
        "figures": selectors.station_figures(station, start, end),
        "period": period,
        "period_label": label,
        "periods": [("month", "本月"), ("quarter", "本季度"), ("year", "本年"), (str(today.year - 1), "上一年")],
        "members": members,
        "shifts": shifts,
        "visits": visits,
        "manage": manage,
        "can_log": perms.can_log_visit(request.user, station),
        "today": today,
        "swaps": swaps,
        "mine_ahead": mine_ahead,
        "others": [m for m in members if me is None or m.pk != me.pk],
        "others_ahead": [s for s in shifts if s.on >= today and (me is None or s.member_id != me.pk)],
        "office": perms.is_office(request.user, station.committee_id),
    }
    if manage:
        ctx.setdefault(
            "roster_form",
            forms.RosterForm(members=members, initial={"start": today, "days": station.duty_days or "10,20"}),
        )
        ctx.setdefault("swap_form", forms.SwapForm())
        ctx.setdefault("shift_form", forms.ShiftForm(members=members, initial={"on": today}, auto_id="shift-%s"))
    ctx.update(extra)
    return ctx


def _station(request: HttpRequest, pk: int) -> Station:
    try:
        return perms.get_station(request.user, pk)
    except NotFoundError:
        raise Http404 from None


@login_required
def station(request: HttpRequest, pk: int) -> HttpResponse:
    s = _station(request, pk)
    return render(request, "outreach/station.html", _station_context(request, s))


@login_required
@require_POST
def station_roster(request: HttpRequest, pk: int) -> HttpResponse:
    s = _station(request, pk)
    form = forms.RosterForm(request.POST, members=list(s.members.all()))
    return pages.submit(
        request,
        form,
        lambda d: services.roster_generate(
            actor=request.user,
            station_id=s.pk,
            start=d["start"],
            months=d["months"],
            days=d["days"],
            members=d["members"],
        ),
        success=lambda made: f"已排班 {len(made)} 个班次。",
        then=lambda made: reverse("outreach:station", args=[s.pk]) + "#roster",
    ) or render(request, "outreach/station.html", _station_context(request, s, roster_form=form), status=400)


@login_required
@require_POST
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    """One shift added to the roster: a member of the station on a day from today on."""
    s = _station(request, pk)
    form = forms.ShiftForm(request.POST, members=list(s.members.all()), auto_id="shift-%s")
    return pages.submit(
        request,
        form,
        lambda d: services.shift_add(
            actor=request.user, station_id=s.pk, on=d["on"], member=d["member"], note=d["note"]
        ),
        success=lambda x: f"已安排{x.member.name}委员 {x.on:%Y年%m月%d日} 值班。",
        then=lambda x: reverse("outreach:station", args=[s.pk]) + "#roster",
    ) or render(request, "outreach/station.html", _station_context(request, s, shift_form=form), status=400)


@login_required
@require_POST
def shift_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """A shift ahead, not yet served, taken off the roster."""
    shift = DutyShift.objects.filter(pk=pk, station__in=perms.stations_visible_to(request.user)).first()
    if shift is None:
        raise Http404
    return pages.act(
        request,
        lambda: services.shift_remove(
            actor=request.user, shift_id=shift.pk, expected_version=to_int(request.POST.get("version"))
        ),
        success=lambda x: f"已撤销 {x.on:%Y年%m月%d日} 的班次。",
        then=reverse("outreach:station", args=[shift.station_id]) + "#roster",
    )


@login_required
@require_POST
def shift_swap(request: HttpRequest, pk: int) -> HttpResponse:
    s = _station(request, pk)
    shift = DutyShift.objects.filter(pk=as_id(request.POST.get("shift")) or 0, station=s).first()
    if shift is None:
        raise Http404
    return pages.act(
        request,
        lambda: services.shift_swap(
            actor=request.user,
            shift_id=shift.pk,
            other_shift_id=as_id(request.POST.get("other")),
            member=as_id(request.POST.get("member")),
            note=request.POST.get("note", ""),
        ),
        success=lambda x: "已调班。",
        then=reverse("outreach:station", args=[s.pk]),
    )


@login_required
@require_POST
def swap_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The member on duty asks another member of the station to take or exchange a day."""
    s = _station(request, pk)
    form = forms.SwapRequestForm(request.POST)
    form.fields["to_member"].choices = [(m.pk, m.name) for m in s.members.all()]
    form.fields["other_shift"].choices = [(x.pk, str(x.on)) for x in s.shifts.filter(on__gte=timezone.localdate())]
    if not form.is_valid():
        messages.error(request, "请选择请哪位委员替班或对调。")
        return redirect("outreach:station", pk=s.pk)
    d = form.cleaned_data
    shift = s.shifts.filter(pk=d["shift"]).first()
    if shift is None:
        raise Http404
    try:
        services.swap_request(
            actor=request.user,
            shift_id=shift.pk,
            to_member=d["to_member"],
            other_shift_id=d["other_shift"],
            note=d["note"],
        )
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "调班申请已提交，待对方委员或站长确认。")
    return redirect("outreach:station", pk=s.pk)


@login_required
@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    req = SwapRequest.objects.filter(pk=pk, shift__station__in=perms.stations_visible_to(request.user)).first()
    if req is None:
        raise Http404
    decision = request.POST.get("decision")
    try:
        if decision == "withdraw":
            services.swap_withdraw(actor=request.user, request_id=req.pk)
        elif decision in ("accept", "decline"):
            services.swap_decide(
                actor=request.user,
                request_id=req.pk,
                accept=decision == "accept",
                expected_version=to_int(request.POST.get("version")),
            )
        else:
            messages.error(request, "请选择确认或不同意。")
            return redirect("outreach:station", pk=req.shift.station_id)
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        done = {"accept": "已确认调班，值班表已更新。", "decline": "已回复不同意调班。", "withdraw": "已撤回调班申请。"}
        messages.success(request, done[decision])
    if request.POST.get("next") == "home":
        return redirect("outreach:home")
    return redirect("outreach:station", pk=req.shift.station_id)


# --- the visitor log --------------------------------------------------------------------------------


@login_required
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    s = _station(request, pk)
    if not perms.can_log_visit(request.user, s):
        raise Http404
    members = list(s.members.all())
    warned = False
    if request.method == "POST":
        form = forms.VisitForm(request.POST, members=members)
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit, _ = services.visit_log(
                    actor=request.user,
                    station_id=s.pk,
                    submission_token=d["token"],
                    visited_on=d["visited_on"],
                    duty_member=d["duty_member"],
                    visitor=d["visitor"],
                    contact=d["contact"],
                    people=d["people"],
                    kind=d["kind"],
                    matter=d["matter"],
                    off_duty_reason=d["off_duty_reason"],
                    message_id=d.get("message"),
                )
            except services.OffDutyWarning as exc:
                warned = True
                form.add_error("off_duty_reason", exc.message)
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "来访已登记。")
                return redirect("outreach:visit", pk=visit.pk)
    else:
        initial: dict[str, Any] = {"visited_on": timezone.localdate()}
        today = s.shifts.filter(on=timezone.localdate()).first()
        if today is not None:
            initial["duty_member"] = today.member_id
        msg = s.messages.filter(pk=as_id(request.GET.get("message")) or 0, visit__isnull=True).first()
        if msg is not None:
            initial.update(visitor=msg.name, contact=msg.phone, matter=msg.text, message=msg.pk)
        form = forms.VisitForm(initial=initial, members=members)
    return render(
        request,
        "outreach/visit_new.html",
        {"station": s, "form": form, "warned": warned},
        status=400 if request.method == "POST" else 200,
    )


def _visit(request: HttpRequest, pk: int) -> Visit:
    try:
        return perms.get_visit(request.user, pk)
    except NotFoundError:
        raise Http404 from None


def _visit_page(request: HttpRequest, visit: Visit, status: int = 200, **extra: Any) -> HttpResponse:
    can = perms.can_dispose(request.user, visit)
    ctx: dict[str, Any] = {
        "visit": visit,
        "can": can,
        "awaiting": services.awaiting_rating(visit.item),
        "source_label": registry.channel_label("station"),
    }
    if can and visit.status == Visit.Status.OPEN:
        ctx["dispose_form"] = forms.DisposeForm(visit=visit)
    owed = visit.feedback_on is None or ctx["awaiting"] is not None
    if can and owed and visit.status not in (Visit.Status.OPEN, Visit.Status.ANSWERED):
        ctx["feedback_form"] = forms.FeedbackForm(initial={"told_on": timezone.localdate()})
    ctx.update(extra)
    return render(request, "outreach/visit.html", ctx, status=status)


@login_required
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    return _visit_page(request, _visit(request, pk))


@login_required
@require_POST
def visit_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    v = _visit(request, pk)
    form = forms.DisposeForm(request.POST, visit=v)
    return pages.submit(
        request,
        form,
        lambda d: services.visit_dispose(
            actor=request.user,
            visit_id=v.pk,
            disposal=d["disposal"],
            note=d["note"],
            title=d["title"],
            text=d["text"],
            expected_version=d["version"],
        ),
        success=lambda x: "已处置。",
        then=lambda x: reverse("outreach:visit", args=[v.pk]),
    ) or _visit_page(request, v, 400, dispose_form=form)


@login_required
@require_POST
def visit_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    v = _visit(request, pk)
    form = forms.FeedbackForm(request.POST)
    return pages.submit(
        request,
        form,
        lambda d: services.visit_feedback(
            actor=request.user,
            visit_id=v.pk,
            told_on=d["told_on"],
            note=d["note"],
            rating=d["rating"],
            comment=d["comment"],
        ),
        success=lambda x: "已登记反馈。",
        then=lambda x: reverse("outreach:visit", args=[v.pk]),
    ) or _visit_page(request, v, 400, feedback_form=form)


# --- enterprise linkage --------------------------------------------------------------------------------


@login_required
def enterprises(request: HttpRequest) -> HttpResponse:
    """三走: the enterprises a leadership member is linked to (all of them for the office), with appeals."""
    user = _outreach_user(request)
    rows = perms.enterprises_visible_to(user).prefetch_related("links__member").order_by("id")
    appeals = perms.appeals_visible_to(user).select_related("enterprise", "item").order_by("-raised_on", "-id")[:100]
    waiting = {a.pk for a in appeals if services.awaiting_rating(a.item) is not None}
    return render(
        request,
        "outreach/enterprises.html",
        {"rows": rows, "appeals": appeals, "waiting": waiting, "rate_form": forms.AppealRateForm()},
    )


@login_required
@require_POST
def appeal_rate(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.AppealRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择企业的评价。")
        return redirect("outreach:enterprises")
    d = form.cleaned_data
    return pages.act(
        request,
        lambda: services.appeal_rate(actor=request.user, appeal_id=pk, value=d["value"], comment=d["comment"]),
        success=lambda x: "已录入企业评价。",
        then=reverse("outreach:enterprises"),
    )


# --- appeals and groups (the loop's links back to their source) ----------------------------------------


@login_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    a = perms.appeals_visible_to(request.user).select_related("enterprise", "item").filter(pk=pk).first()
    if a is None:
        raise Http404
    return render(request, "outreach/appeal.html", {"appeal": a, "links": a.enterprise.links.select_related("member")})


@login_required
def group(request: HttpRequest, pk: int) -> HttpResponse:
    g = perms.groups_visible_to(request.user).filter(pk=pk).first()
    if g is None:
        raise Http404
    return group_page(request, g)


def group_page(request: HttpRequest, g: SupervisionGroup, form: Any = None, status: int = 200) -> HttpResponse:
    g = SupervisionGroup.objects.select_related("leader").prefetch_related("members").get(pk=g.pk)
    problems = g.problems.select_related("item").order_by("-raised_on", "-id")
    can = perms.can_act_for_group(request.user, g)
    if can and form is None:
        form = forms.ProblemForm(initial={"raised_on": min(timezone.localdate(), g.ends_on)})
    return render(
        request,
        "outreach/group.html",
        {"group": g, "problems": problems, "form": form if can else None, "office": perms.is_office(request.user)},
        status=status,
    )


# --- public: find a station, leave a message ---------------------------------------------------------


def public_stations(request: HttpRequest) -> HttpResponse:
    """找联系站: by 镇街, then 村居; readable without JavaScript (a plain GET form)."""
    streets = Area.objects.filter(level=Area.Level.STREET, pk__in=_station_streets()).order_by("code")
    street = streets.filter(pk=as_id(request.GET.get("street")) or 0).first()
    communities = []
    community = None
    stations = Station.objects.none()
    if street is not None:
        communities = list(Area.objects.filter(parent=street).order_by("code"))
        community = next((c for c in communities if c.pk == as_id(request.GET.get("community"))), None)
        stations = Station.objects.filter(is_active=True).filter(area__in=[street, *communities])
        if community is not None:
            # the community's own points first, then the street's station
            stations = stations.filter(area__in=[street, community])
    found = list(stations.select_related("area").order_by("-area__level", "name"))
    duty = selectors.next_duty_days(found)
    rows = [(s, duty.get(s.pk, [])) for s in found]
    return render(
        request,
        "outreach/public_stations.html",
        {"streets": streets, "street": street, "communities": communities, "community": community, "rows": rows},
    )


def _station_streets() -> list[int]:
    ids = set()
    for area in Area.objects.filter(pk__in=Station.objects.filter(is_active=True).values("area")):
        ids.add(area.pk if area.level == Area.Level.STREET else area.parent_id)
    return [i for i in ids if i]


def public_station(request: HttpRequest, pk: int) -> HttpResponse:
    s = Station.objects.filter(pk=pk, is_active=True).select_related("area").first()
    if s is None:
        raise Http404
    form = forms.MessageForm()
    if request.method == "POST":
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                msg, _ = services.station_message_leave(
                    station_id=s.pk,
                    submission_token=d["token"],
                    name=d["name"],
                    phone=d["phone"],
                    text=d["text"],
                    address=clients.client_ip(request),
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                sent = request.session.get(SENT, [])
                token = str(msg.submission_token)
                if token not in sent:
                    request.session[SENT] = [*sent[-19:], token]
                return redirect("outreach:public_sent", token=token)
    return render(
        request,
        "outreach/public_station.html",
        {
            "station": s,
            "duty": selectors.next_duty_days([s], 6).get(s.pk, []),
            "members": s.members.all(),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def public_sent(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    if str(token) not in request.session.get(SENT, []):
        raise Http404
    msg = StationMessage.objects.select_related("station").filter(submission_token=token).first()
    if msg is None:
        raise Http404
    return render(
        request,
        "outreach/public_sent.html",
        {"msg": msg, "duty": selectors.next_duty_days([msg.station], 2).get(msg.station_id, [])},
    )
