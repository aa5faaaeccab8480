"""Pages for members, the information office and leaders. Views parse, call one service, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.params import to_int, to_year
from xieshang.core.years import choose_year
from xieshang.documents.http import download

from . import forms, rules, scoring, selectors, services
from . import permissions as perms
from .bulletin import issue_docx as build_issue_docx
from .models import OpinionReport
from .transitions import ISSUE, REPORT


def _get_report(request: HttpRequest, pk: int) -> OpinionReport:
    try:
        return perms.get_report_for(request.user, pk)
    except NotFoundError:
        raise Http404("未找到该社情民意信息。") from None


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    office = perms.is_information_office(user)
    status = request.GET.get("status", "")
    choice = choose_year(request.GET.get("year"), selectors.years_with_records(user), allow_all=True)
    year = choice.year
    q = (request.GET.get("q") or "").strip()[:50]
    qs = selectors.reports_for(user, status=status, year=year, q=q)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "opinions/list.html",
        {
            "page": page,
            "scores": scoring.scores(page.object_list),
            "office": office,
            "can_submit": perms.can_submit(user),
            "statuses": OpinionReport.Status.choices,
            "status": status,
            "year": year or "",
            "choice": choice,
            "q": q,
        },
    )


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_submit(user):
        raise Http404
    office = perms.is_information_office(user)
    form_class = forms.OfficeSubmitForm if office else forms.SubmitForm
    kwargs = {"committee_id": user.committee_id} if office else {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            d = form.cleaned_data
            try:
                report, created = services.report_submit(
                    actor=user,
                    submission_token=d["submission_token"],
                    title=d["title"],
                    text=d["text"],
                    author_kind=d["author_kind"],
                    member=d.get("member"),
                    author_org=d["author_org"],
                    confirm_single=d["confirm_single"],
                )
            except ServiceError as e:
                form.add_error(None, e.message)
            else:
                if created:
                    messages.success(request, "已报送，信息科将进行编辑审核。")
                return redirect("opinions:detail", pk=report.pk)
    else:
        form = form_class(initial={"submission_token": uuid.uuid4()}, **kwargs)
    return render(request, "opinions/new.html", {"form": form, "max_chars": rules.MAX_CHARS, "office": office})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    office = perms.is_information_office(request.user, report.committee_id)
    ctx = {
        "report": report,
        "office": office,
        "is_author": perms.is_author(request.user, report),
        "chars": rules.char_count(report.text),
        "max_chars": rules.MAX_CHARS,
        # the moves the transition table allows now; each button shows only when its move is here
        "actions": set(REPORT.available(report)),
        **selectors.report_detail(report),
    }
    if office:
        ctx["adoption_form"] = forms.AdoptionForm(initial={"adopted_on": timezone.localdate()}, prefix="adoption")
        ctx["instruction_form"] = forms.InstructionForm(
            committee_id=report.committee_id,
            initial={"given_on": timezone.localdate(), "level": "district"},
            prefix="instruction",
        )
        ctx["transfer_form"] = forms.TransferForm(committee_id=report.committee_id, prefix="transfer")
        ctx["reason_form"] = forms.ReasonForm()
    return render(request, "opinions/detail.html", ctx)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    if not perms.is_information_office(request.user, report.committee_id):
        raise Http404
    if request.method == "POST":
        form = forms.EditForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_edit(
                    actor=request.user,
                    report_id=report.pk,
                    title=d["title"],
                    text=d["text"],
                    note=d["note"],
                    expected_version=d["version"],
                )
            except ServiceError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, "已保存修改，原稿和各次修改均已留存。")
                return redirect("opinions:detail", pk=report.pk)
    else:
        form = forms.EditForm(initial={"title": report.title, "text": report.text, "version": report.version})
    return render(request, "opinions/edit.html", {"form": form, "report": report, "max_chars": rules.MAX_CHARS})


@login_required
def report_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_report(request, pk)
    if not perms.is_author(request.user, report) or not REPORT.can(report, "resubmit"):
        raise Http404
    if request.method == "POST":
        form = forms.ResubmitForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_resubmit(
                    actor=request.user,
                    report_id=report.pk,
                    title=d["title"],
                    text=d["text"],
                    confirm_single=d["confirm_single"],
                )
            except ServiceError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, "已重新报送。")
                return redirect("opinions:detail", pk=report.pk)
    else:
        form = forms.ResubmitForm(initial={"title": report.title, "text": report.text})
    return render(request, "opinions/resubmit.html", {"form": form, "report": report, "max_chars": rules.MAX_CHARS})


@login_required
@require_POST
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    report = _get_report(request, pk)
    user, data = request.user, request.POST
    try:
        if action == "adopt":
            services.report_adopt(actor=user, report_id=report.pk, note=data.get("reason", ""))
            messages.success(request, "已采用，可编入《社情民意》。")
        elif action == "decline":
            services.report_decline(actor=user, report_id=report.pk, reason=data.get("reason", ""))
            messages.success(request, "已作不采用处理，并告知反映人。")
        elif action == "return":
            services.report_return(actor=user, report_id=report.pk, reason=data.get("reason", ""))
            messages.success(request, "已退回反映人修改。")
        elif action == "adoption":
            form = forms.AdoptionForm(data, prefix="adoption")
            if not form.is_valid():
                raise ServiceError("请选择采用单位并填写正确的采用日期。")
            services.report_record_adoption(actor=user, report_id=report.pk, **form.cleaned_data)
            messages.success(request, "已登记采用情况。")
        elif action == "instruction":
            form = forms.InstructionForm(data, committee_id=report.committee_id, prefix="instruction")
            if not form.is_valid():
                raise ServiceError("请填写批示领导、级别、日期和批示内容。")
            services.report_record_instruction(actor=user, report_id=report.pk, **form.cleaned_data)
            messages.success(request, "已登记领导批示，并反馈给反映人。")
        elif action == "transfer":
            form = forms.TransferForm(data, committee_id=report.committee_id, prefix="transfer")
            if not form.is_valid():
                raise ServiceError("请选择承办单位。")
            item = services.report_transfer(actor=user, report_id=report.pk, **form.cleaned_data)
            messages.success(request, f"已转办，办理编号 {item.reference}。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("opinions:detail", pk=report.pk)


@login_required
def issue_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    office = perms.is_information_office(user)
    if request.method == "POST":
        if not office:
            raise Http404
        try:
            issue = services.issue_create(
                actor=user,
                committee=user.committee,
                year=to_year(request.POST.get("year")),
                note=request.POST.get("note", ""),
            )
        except ServiceError as e:
            messages.error(request, e.message)
            return redirect("opinions:issues")
        messages.success(request, f"已新建{issue.label}。")
        return redirect("opinions:issue", pk=issue.pk)
    issues = perms.issues_visible_to(user)
    page = Paginator(issues.prefetch_related("reports"), 30).get_page(request.GET.get("page"))
    return render(
        request, "opinions/issues.html", {"page": page, "office": office, "this_year": timezone.localdate().year}
    )


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        issue = perms.get_issue_for(request.user, pk)
    except NotFoundError:
        raise Http404 from None
    office = perms.is_information_office(request.user, issue.committee_id)
    actions = set(ISSUE.available(issue)) if office else set()
    return render(
        request,
        "opinions/issue.html",
        {
            "issue": issue,
            "office": office,
            "actions": actions,
            "reports": selectors.issue_reports(issue),
            "candidates": selectors.adoptable_reports(issue)[:200] if "add_report" in actions else [],
            "releases": list(issue.releases.all()),
            "release_form": forms.ReleaseForm(),
        },
    )


@login_required
def issue_docx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        issue = perms.get_issue_for(request.user, pk)
    except NotFoundError:
        raise Http404 from None
    return download(build_issue_docx(issue), f"社情民意{issue.year}年第{issue.number}期.docx")


@login_required
@require_POST
def issue_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    try:
        issue = perms.get_issue_for(request.user, pk)
    except NotFoundError:
        raise Http404 from None
    user = request.user
    try:
        if action == "add":
            ids = [i for i in (to_int(v) for v in request.POST.getlist("report")) if i]
            if not ids:
                raise ServiceError("请勾选要编入本期的信息。")
            for rid in ids:
                services.issue_add_report(actor=user, issue_id=issue.pk, report_id=rid)
            messages.success(request, f"已编入 {len(ids)} 篇信息。")
        elif action == "remove":
            services.issue_remove_report(actor=user, issue_id=issue.pk, report_id=to_int(request.POST.get("report"), 0))
            messages.success(request, "已移出本期。")
        elif action == "release":
            form = forms.ReleaseForm(request.POST)
            if not form.is_valid():
                raise ServiceError("请选择报送对象。")
            services.issue_release(actor=user, issue_id=issue.pk, **form.cleaned_data)
            messages.success(request, f"{issue.label}已签发报送。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("opinions:issue", pk=issue.pk)


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    if not perms.is_information_office(request.user):
        raise Http404
    choice = choose_year(request.GET.get("year"), selectors.years_with_records(request.user))
    year = choice.year
    return render(
        request,
        "opinions/stats.html",
        {"year": year, "choice": choice, **selectors.adoption_stats(request.user, year)},
    )
