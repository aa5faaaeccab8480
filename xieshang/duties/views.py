"""Pages of member duties. Views parse, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.params import to_year
from xieshang.documents import pdf
from xieshang.documents.http import download
from xieshang.organisations.models import Leader, Member

from . import permissions as perms
from . import selectors, services, views_records
from .models import Attendance, LeaveRequest, Meeting


def _or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFoundError as e:
        raise Http404(e.message) from None


def _year(value: Any) -> int:
    text = str(value or "")
    this = timezone.localdate().year
    return int(text) if text.isdigit() and 2000 <= int(text) <= this else this


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not perms.can_see_overview(user) or not user.committee_id:
        raise Http404("未找到该页面。")
    year = _year(request.GET.get("year") or timezone.localdate().year - 1)
    rows = selectors.overview(user.committee_id, year)
    show = request.GET.get("show", "")
    if show == "below":
        rows = [r for r in rows if r.points.shortfalls]
    elif show == "excellent":
        rows = [r for r in rows if r.points.excellent]
    elif show == "warned":
        rows = [r for r in rows if r.points.warnings]
    all_rows = selectors.overview(user.committee_id, year) if show else rows
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "duties/overview.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, 2015, -1)),
            "show": show,
            "page": page,
            "counts": {
                "all": len(all_rows),
                "below": sum(1 for r in all_rows if r.points.shortfalls),
                "excellent": sum(1 for r in all_rows if r.points.excellent),
                "warned": sum(1 for r in all_rows if r.points.warnings),
            },
            "scheme": selectors.scheme_for(user.committee_id),
            "can_keep": perms.can_keep_records(user, user.committee_id),
            "records": [(k.slug, k.title) for k in views_records.KINDS.values()],
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    member = Member.objects.filter(user=request.user).order_by("-term__starts_on").first()
    if member is None:
        raise Http404("您的账号没有关联委员档案。")
    return redirect("duties:file", pk=member.pk, year=_year(request.GET.get("year")))


@login_required
def mine_pdf(request: HttpRequest) -> HttpResponse:
    member = Member.objects.filter(user=request.user).order_by("-term__starts_on").first()
    if member is None:
        raise Http404("您的账号没有关联委员档案。")
    return redirect("duties:file_pdf", pk=member.pk, year=_year(request.GET.get("year")))


def _file_context(request: HttpRequest, member: Member, year: int, years: list[int], *, print_mode: bool) -> dict:
    return {
        "f": selectors.duty_file(member, year),
        "years": years,
        "print_mode": print_mode,
        "generated_at": timezone.localtime(),
    }


@login_required
def duty_file_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The duty file as an A4 PDF, drawn by Chromium from the file's page (a member only their own)."""
    member = _or_404(perms.get_member_for, request.user, pk)
    years = selectors.years_of(member)
    if year not in years:
        raise Http404("该委员本届没有这一年度的履职档案。")
    html = render_to_string(
        "duties/file.html", _file_context(request, member, year, years, print_mode=True), request=request
    )
    footer = (
        '<div style="width:100%;font-size:8px;color:#555;text-align:center;">'
        f'{escape(member.name)} · {year}年度履职档案 · 第 <span class="pageNumber"></span> /'
        ' <span class="totalPages"></span> 页</div>'
    )
    try:
        body = pdf.render(
            html,
            "pdf",
            width=900,
            pdf_options={
                "margin": {"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
                "display_header_footer": True,
                "header_template": "<span></span>",
                "footer_template": footer,
            },
        )
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("duties:file", pk=member.pk, year=year)
    return download(body, f"履职档案-{member.name}-{year}.pdf")


@login_required
def duty_file(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    member = _or_404(perms.get_member_for, request.user, pk)
    years = selectors.years_of(member)
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and int(wanted) in years and int(wanted) != year:
        return redirect("duties:file", pk=member.pk, year=int(wanted))
    if year not in years:
        raise Http404("该委员本届没有这一年度的履职档案。")
    context = _file_context(request, member, year, years, print_mode=request.GET.get("print") == "1")
    return render(request, "duties/file.html", context)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    qs = perms.meetings_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in Meeting.Kind.values:
        qs = qs.filter(kind=kind)
    year = request.GET.get("year", "")
    if to_year(year) is not None:
        qs = qs.filter(starts_at__year=int(year))
    page = Paginator(qs.select_related("organiser"), 50).get_page(request.GET.get("page"))
    user: Any = request.user
    return render(
        request,
        "duties/meetings.html",
        {
            "page": page,
            "kinds": Meeting.Kind.choices,
            "kind": kind,
            "year": year,
            "can_create": perms.is_staff_of(user, user.committee_id),
        },
    )


def _when(date: str, time: str) -> dt.datetime | None:
    try:
        naive = dt.datetime.fromisoformat(f"{date}T{time or '09:00'}")
    except ValueError:
        return None
    return timezone.make_aware(naive)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not perms.is_staff_of(user, user.committee_id) or user.committee is None:
        raise Http404("未找到该页面。")
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        starts = _when(request.POST.get("date", ""), request.POST.get("start", ""))
        ends = _when(request.POST.get("date", ""), request.POST.get("end", ""))
        try:
            if starts is None or ends is None:
                raise ServiceError("请填写有效的日期和时间。")
            meeting = services.meeting_create(
                actor=user,
                committee=user.committee,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                starts_at=starts,
                ends_at=ends,
                location=request.POST.get("location", ""),
            )
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, "已登记会议或活动；会后由您记录出席情况。")
            return redirect("duties:meeting", pk=meeting.pk)
    return render(request, "duties/meeting_new.html", {"kinds": Meeting.Kind.choices, "values": values})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _or_404(perms.get_meeting_for, request.user, pk)
    user: Any = request.user
    rows = list(meeting.attendances.select_related("member", "leader", "leave").order_by("status", "id"))
    leaves = list(meeting.leaves.select_related("member").order_by("-requested_at"))
    recorded = {a.member_id for a in rows if a.member_id}
    own = Member.objects.filter(user=user, committee_id=meeting.committee_id).first()
    can_record = perms.can_record_attendance(user, meeting)
    members = []
    if can_record:
        approved = {lv.member_id for lv in leaves if lv.status == LeaveRequest.Status.APPROVED}
        members = [
            (m, m.pk in approved)
            for m in Member.objects.filter(committee_id=meeting.committee_id).exclude(pk__in=recorded).order_by("id")
        ]
    counts = {label: sum(1 for a in rows if a.status == value) for value, label in Attendance.Status.choices}
    return render(
        request,
        "duties/meeting.html",
        {
            "meeting": meeting,
            "rows": rows,
            "counts": counts,
            "leaves": leaves,
            "can_record": can_record,
            "started": timezone.now() >= meeting.starts_at,
            "members": members,
            "leaders": Leader.objects.filter(committee_id=meeting.committee_id).exclude(
                pk__in=[a.leader_id for a in rows if a.leader_id]
            ),
            "can_decide": perms.can_decide_leave(user, meeting),
            "own": own if own and own.pk not in recorded else None,
            "leave_kinds": LeaveRequest.Kind.choices,
            "statuses": Attendance.Status.choices,
        },
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _or_404(perms.get_meeting_for, request.user, pk)
    ids = {int(k.removeprefix("m")): v for k, v in request.POST.items() if k.startswith("m") and k[1:].isdigit() and v}
    chosen = Member.objects.in_bulk(list(ids))
    leader_ids = [int(v) for v in request.POST.getlist("leader") if v.isdigit()]
    try:
        rows = services.attendance_record(
            actor=request.user,
            meeting_id=meeting.pk,
            members=[(chosen[i], status) for i, status in ids.items() if i in chosen],
            leaders=list(Leader.objects.filter(pk__in=leader_ids)),
        )
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已记录 {len(rows)} 人的出席情况。")
    return redirect("duties:meeting", pk=meeting.pk)


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _or_404(perms.get_meeting_for, request.user, pk)
    member = Member.objects.filter(user=request.user, committee_id=meeting.committee_id).first()
    if member is None:
        raise Http404("您的账号没有关联委员档案。")
    try:
        services.leave_request(
            actor=request.user,
            meeting_id=meeting.pk,
            member=member,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "请假申请已提交，等待审批。")
    return redirect("duties:meeting", pk=meeting.pk)


@login_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = LeaveRequest.objects.filter(pk=pk, meeting__in=perms.meetings_visible_to(request.user)).first()
    if leave is None:
        raise Http404("未找到该请假申请。")
    try:
        services.leave_decide(actor=request.user, leave_id=leave.pk, approve=request.POST.get("approve") == "1")
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已审批。")
    return redirect("duties:meeting", pk=leave.meeting_id)
