"""The scorecard pages: one committee-year as an infographic, the records behind each figure, manual figures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xieshang.core import indicators
from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.duties import permissions as duties_perms
from xieshang.organisations.models import Committee

from . import permissions as perms
from . import selectors, services


def _committee(request: HttpRequest) -> Committee:
    """The signed-in user's committee; an administrator may pick another with ``?committee=<slug>``."""
    user: Any = request.user
    wanted = request.GET.get("committee", "")
    if user.is_superuser and wanted:
        try:
            committee = selectors.resolve_committee(wanted)
        except NotFoundError as e:
            raise Http404(e.message) from None
    else:
        committee = user.committee or (Committee.objects.order_by("pk").first() if user.is_superuser else None)
    if committee is None or not perms.can_see(user, committee):
        raise Http404("未找到成绩单。")
    return committee


def _year(committee: Committee, year: Any) -> int:
    try:
        return selectors.check_year(committee, year)
    except ServiceError as e:
        raise Http404(e.message) from None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    committee = _committee(request)
    known = selectors.years(committee)
    wanted = request.GET.get("year", "")
    if wanted:
        year = _year(committee, wanted)
    else:
        last = timezone.localdate().year - 1  # the year-end scorecard of the last whole year
        year = last if last in known else (known[0] if known else 0)
    if not year:
        raise Http404("该政协尚无届次记录。")
    return redirect("scorecard:year", year=year)


def _chart(section: selectors.Section, year: int) -> dict[str, Any]:
    counts = [f for f in section.figures if f.indicator.unit != "%" and f.value is not None]
    rates = [f for f in section.figures if f.indicator.unit == "%" and f.value is not None]
    if not any(f.value or f.previous for f in counts):
        counts = []  # nothing recorded in either year: no empty chart
    return {
        "year": year,
        "labels": [f.indicator.label for f in counts],
        "units": [f.indicator.unit for f in counts],
        "now": [f.value for f in counts],
        "before": [f.previous for f in counts],
        "rates": [{"name": f.indicator.label, "value": f.value} for f in rates],
    }


def page_context(committee: Committee, year: int, user: Any, *, print_mode: bool = False) -> dict[str, Any]:
    """What the scorecard page shows; the exports render the same page (``export.py``)."""
    sections = selectors.scorecard(committee, year)
    return {
        "committee": committee,
        "year": year,
        "years": selectors.years(committee),
        "sections": [(s, _chart(s, year), f"chart-{s.number}", f"chart-{s.number}-data") for s in sections],
        "can_enter": perms.can_enter_figures(user, committee),
        "print_mode": print_mode,
    }


@login_required
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    committee = _committee(request)
    year = _year(committee, year)
    context = page_context(committee, year, request.user, print_mode=request.GET.get("print") == "1")
    return render(request, "scorecard/year.html", context)


@login_required
def export_file(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The scorecard as PNG or PDF, drawn by Chromium from this page (a few seconds; nothing is written)."""
    committee = _committee(request)
    year = _year(committee, year)
    if fmt not in ("png", "pdf"):
        raise Http404("没有这种导出格式。")
    from . import export

    try:
        body = export.render(committee, year, fmt)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("scorecard:year", year=year)
    response = HttpResponse(body, content_type="application/pdf" if fmt == "pdf" else "image/png")
    name = f"scorecard-{committee.slug or committee.pk}-{year}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def drill(request: HttpRequest, year: int, key: str) -> HttpResponse:
    committee = _committee(request)
    year = _year(committee, year)
    try:
        ind, rows = selectors.records(committee, year, key)
    except NotFoundError as e:
        raise Http404(e.message) from None
    assert ind.compute is not None
    value = ind.compute(committee, year)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    keeps_records = duties_perms.can_keep_records(request.user, committee.pk)
    return render(
        request,
        "scorecard/drill.html",
        {
            "committee": committee,
            "year": year,
            "indicator": ind,
            "value": selectors._plain(value),
            "page": page,
            "rows": [selectors.describe(r, record_pages=keeps_records) for r in page.object_list],
            "offset": page.start_index(),
        },
    )


@login_required
def manual(request: HttpRequest, year: int) -> HttpResponse:
    committee = _committee(request)
    year = _year(committee, year)
    if not perms.can_enter_figures(request.user, committee):
        raise Http404("未找到该页面。")
    manual_inds = [i for i in indicators.all_indicators() if i.manual]
    if request.method == "POST":
        key = request.POST.get("key", "")
        try:
            services.manual_figure_set(
                actor=request.user,
                committee=committee,
                year=year,
                key=key,
                value=request.POST.get("value", ""),
                source=request.POST.get("source", ""),
            )
        except (ServiceError, PermissionDeniedError) as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已录入「{indicators.get(key).label}」。")
        return redirect("scorecard:manual", year=year)
    entries = {m.key: m for m in selectors.ManualFigure.objects.filter(committee=committee, year=year)}
    return render(
        request,
        "scorecard/manual.html",
        {"committee": committee, "year": year, "rows": [(i, entries.get(i.key)) for i in manual_inds]},
    )
