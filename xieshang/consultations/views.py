"""Pages for organisers, members, leaders and the public. Views parse, call one service, render."""

from __future__ import annotations

import io
import uuid

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.params import to_int, to_year
from xieshang.core.years import YearChoice, choose_year
from xieshang.organisations.models import Committee

from . import forms, metrics, notices, selectors, services
from . import permissions as perms
from .models import Activity, Participant, Plan, Topic
from .transitions import ACTIVITY, ATTENDANCE, SUGGESTION, TOPIC


def _or_404(fn, *args):
    try:
        return fn(*args)
    except NotFoundError:
        raise Http404 from None


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{e}"
        for k, errs in form.errors.items()
        for e in errs
    )


def _year(request: HttpRequest, *, allow_all: bool = False) -> YearChoice:
    data_years = selectors.years_with_records(request.user.committee_id)
    return choose_year(request.GET.get("year"), data_years, allow_all=allow_all)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.sees_all(user):
        return redirect("consultations:mine")
    choice = _year(request)
    year = choice.year
    status = request.GET.get("status", "")
    topics = selectors.topics_for(user, status=status, year=year)
    return render(
        request,
        "consultations/index.html",
        {
            "year": year,
            "choice": choice,
            "status": status,
            "statuses": Topic.Status.choices,
            "topics": topics,
            "figures": selectors.year_figures(user.committee_id, year) if user.committee_id else {},
            "organiser": perms.is_organiser(user),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    parts = Participant.objects.filter(user=user).select_related("activity").order_by("-activity__starts_at")
    topics = perms.topics_visible_to(user).filter(status__in=["selected", "concluded"])[:20]
    mine_topics = Topic.objects.filter(proposer_user=user)
    return render(
        request, "consultations/mine.html", {"parts": parts[:100], "topics": topics, "mine_topics": mine_topics}
    )


@login_required
def topic_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.committee_id is None:
        raise Http404
    form = forms.TopicForm(request.POST or None, initial={"submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            topic, _ = services.topic_propose(committee=user.committee, actor=user, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"议题已提交（编号 {topic.reference}），将提交主席会议研究。")
            return redirect("consultations:topic", pk=topic.pk)
    return render(request, "consultations/topic_new.html", {"form": form})


@login_required
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _or_404(perms.get_topic_for, request.user, pk)
    organiser = perms.is_organiser(request.user, topic.committee_id)
    return render(
        request,
        "consultations/topic.html",
        {
            "topic": topic,
            "organiser": organiser,
            "actions": set(TOPIC.available(topic)) if organiser else set(),
            "select_form": forms.SelectForm(),
            **selectors.topic_detail(topic, request.user),
        },
    )


@login_required
@require_POST
def topic_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    topic = _or_404(perms.get_topic_for, request.user, pk)
    user, data = request.user, request.POST
    try:
        if action == "select":
            form = forms.SelectForm(data)
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.topic_select(actor=user, topic_id=topic.pk, **form.cleaned_data)
            messages.success(request, "已列入年度协商计划。")
        elif action == "decline":
            services.topic_decline(actor=user, topic_id=topic.pk, note=data.get("note", ""))
            messages.success(request, "已作未列入处理。")
        elif action == "conclude":
            services.topic_conclude(actor=user, topic_id=topic.pk, outcome=data.get("outcome", ""))
            messages.success(request, "协商成果已发布。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("consultations:topic", pk=topic.pk)


@login_required
def plan_detail(request: HttpRequest, year: int) -> HttpResponse:
    user = request.user
    if not perms.sees_all(user) or to_year(year) is None:
        raise Http404
    plan = Plan.objects.filter(committee_id=user.committee_id, year=year).first()
    if request.method == "POST":
        if plan is None:
            raise Http404
        try:
            services.plan_publish(actor=user, plan_id=plan.pk, published=request.POST.get("publish") == "1")
            messages.success(request, "已更新公开状态。")
        except ServiceError as e:
            messages.error(request, e.message)
        return redirect("consultations:plan", year=year)
    topics = selectors.topics_for(user, year=year).filter(plan__year=year)
    conv = {t.pk: metrics.topic_conversion(t.pk) for t in topics}
    return render(
        request,
        "consultations/plan.html",
        {"plan": plan, "year": year, "topics": topics, "conv": conv, "organiser": perms.is_organiser(user)},
    )


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    kind = request.GET.get("kind", "")
    choice = _year(request, allow_all=True)
    year = choice.year
    qs = selectors.activities_for(user, kind=kind, year=year)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/activities.html",
        {
            "page": page,
            "kind": kind,
            "kinds": Activity.Kind.choices,
            "year": year or "",
            "choice": choice,
            "organiser": perms.is_organiser(user),
        },
    )


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.is_organiser(user) or user.committee_id is None:
        raise Http404
    initial = {"topic": to_int(request.GET.get("topic")), "kind": request.GET.get("kind", "meeting")}
    form = forms.ActivityForm(request.POST or None, committee_id=user.committee_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            confirmed = data.pop("confirm_schedule")
            activity = services.activity_create(
                actor=user, committee=user.committee, warn_if_late=not confirmed, **data
            )
        except services.ScheduleNeedsConfirmation as e:
            form.add_error(None, e.message)
            form.ask_to_confirm_schedule()
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "活动已安排，请添加参加人员。")
            return redirect("consultations:activity", pk=activity.pk)
    return render(request, "consultations/activity_new.html", {"form": form})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _or_404(perms.get_activity_for, request.user, pk)
    organiser = perms.is_organiser(request.user, activity.committee_id)
    me = perms.participation_of(request.user, activity)
    ctx = {
        "activity": activity,
        "organiser": organiser,
        "actions": set(ACTIVITY.available(activity)) if organiser else set(),
        "me": me,
        "now": timezone.now(),
        **selectors.activity_detail(activity),
    }
    # each participant's buttons are the attendance moves the table allows now
    for p in [*ctx["participants"], *([me] if me else [])]:
        p.moves = set(ATTENDANCE.available(p))
    if organiser:
        suggestions = list(selectors.suggestions_for(request.user, activity_id=activity.pk))
        for s in suggestions:
            s.can_send = SUGGESTION.can(s, "send")
        ctx.update(
            {
                "suggestions": suggestions,
                "units": selectors.suggestion_units(suggestions),
                "participant_form": forms.ParticipantForm(committee_id=activity.committee_id, prefix="invite"),
                "minutes_form": forms.MinutesForm(initial={"minutes": activity.minutes}, prefix="minutes"),
                "attachment_form": forms.AttachmentForm(prefix="attach"),
                "research_form": forms.ResearchReportForm(
                    initial={"completed_on": timezone.localdate()}, prefix="research"
                ),
                "suggestion_form": forms.SuggestionForm(initial={"submission_token": uuid.uuid4()}, prefix="suggest"),
                "unit_choices": forms.SendForm(committee_id=activity.committee_id).fields["unit"].queryset,
                "signin_url": request.build_absolute_uri(
                    reverse("consultations:signin", args=[services.signin_token(activity)])
                ),
                "notice_due": notices.notice_due(activity),
                "materials_due": notices.materials_due(activity),
                "minutes_due": notices.minutes_due(activity),
            }
        )
    return render(request, "consultations/activity.html", ctx)


@login_required
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _or_404(perms.get_activity_for, request.user, pk)
    if not perms.is_organiser(request.user, activity.committee_id):
        raise Http404
    url = request.build_absolute_uri(reverse("consultations:signin", args=[services.signin_token(activity)]))
    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buf = io.BytesIO()
    img.save(buf)
    response = HttpResponse(buf.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def activity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    activity = _or_404(perms.get_activity_for, request.user, pk)
    user, data = request.user, request.POST
    cid = activity.committee_id
    try:
        if action == "invite":
            form = forms.ParticipantForm(data, committee_id=cid, prefix="invite")
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.participant_add(actor=user, activity_id=activity.pk, **form.cleaned_data)
            messages.success(request, "已加入邀请名单。")
        elif action == "minutes":
            form = forms.MinutesForm(data, prefix="minutes")
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.activity_record_minutes(actor=user, activity_id=activity.pk, **form.cleaned_data)
            messages.success(request, "纪要已保存。")
        elif action == "attach":
            form = forms.AttachmentForm(data, request.FILES, prefix="attach")
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.attachment_add(actor=user, activity_id=activity.pk, **form.cleaned_data)
            messages.success(request, "附件已上传。")
        elif action == "research":
            form = forms.ResearchReportForm(data, request.FILES, prefix="research")
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.research_report_add(actor=user, activity_id=activity.pk, **form.cleaned_data)
            messages.success(request, "调研报告已提交。")
        elif action == "suggest":
            form = forms.SuggestionForm(data, prefix="suggest")
            if not form.is_valid():
                raise ServiceError(_errors(form))
            services.suggestion_record(actor=user, activity=activity, **form.cleaned_data)
            messages.success(request, "建议已记录。")
        elif action == "cancel":
            services.activity_cancel(actor=user, activity_id=activity.pk, reason=data.get("reason", ""))
            messages.success(request, "活动已取消，已通知参加人员。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect(reverse("consultations:activity", args=[activity.pk]) + f"#{action}")


@login_required
@require_POST
def participant_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    p = Participant.objects.filter(pk=pk).select_related("activity").first()
    if p is None:
        raise Http404
    activity = _or_404(perms.get_activity_for, request.user, p.activity_id)
    try:
        if action == "leave":
            services.participant_request_leave(
                actor=request.user, participant_id=p.pk, reason=request.POST.get("reason", "")
            )
            messages.success(request, "请假申请已提交。")
        elif action in ("approve", "refuse"):
            services.participant_decide_leave(actor=request.user, participant_id=p.pk, approve=action == "approve")
            messages.success(request, "已处理请假申请。")
        elif action in ("present", "absent"):
            services.participant_mark(actor=request.user, participant_id=p.pk, attendance=action)
            messages.success(request, "已记录出席情况。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    return redirect("consultations:activity", pk=activity.pk)


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.sees_all(user):
        raise Http404
    choice = _year(request)
    year = choice.year
    qs = selectors.suggestions_for(user).filter(created_at__year=year)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "consultations/suggestions.html",
        {
            "page": page,
            "year": year,
            "choice": choice,
            "units": selectors.suggestion_units(list(page.object_list)),
            "conversion": metrics.year_conversion(user.committee_id, year) if user.committee_id else {},
        },
    )


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.suggestions_for(request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    from xieshang.handling.models import Assignment, Reply

    replies = (
        list(
            Reply.objects.filter(assignment__item_id=s.item_id)
            .select_related("assignment__unit")
            .order_by("-created_at")
        )
        if s.item_id
        else []
    )
    awaiting = (
        s.item_id
        and Assignment.objects.filter(item_id=s.item_id, role="lead", status=Assignment.Status.AWAITING_RATING).exists()
    )
    return render(
        request,
        "consultations/suggestion.html",
        {
            "s": s,
            "replies": replies,
            "awaiting": awaiting,
            "organiser": perms.is_organiser(request.user),
            "actions": set(SUGGESTION.available(s)),
            "send_form": forms.SendForm(committee_id=s.committee_id),
            "rate_form": forms.RateForm(),
            "units": selectors.suggestion_units([s]),
        },
    )


@login_required
@require_POST
def suggestion_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    s = perms.suggestions_visible_to(request.user).filter(pk=pk).first()
    if s is None:
        raise Http404
    try:
        if action == "send":
            form = forms.SendForm(request.POST, committee_id=s.committee_id)
            if not form.is_valid():
                raise ServiceError("请选择承办单位。")
            item = services.suggestion_send(actor=request.user, suggestion_id=s.pk, unit=form.cleaned_data["unit"])
            messages.success(request, f"已交办（办理编号 {item.reference}）。")
        elif action == "rate":
            form = forms.RateForm(request.POST)
            if not form.is_valid():
                raise ServiceError("请选择评价。")
            services.suggestion_follow_up_rate(actor=request.user, suggestion_id=s.pk, **form.cleaned_data)
            messages.success(request, "回头看评价已记录。")
        else:
            raise Http404
    except ServiceError as e:
        messages.error(request, e.message)
    back = request.POST.get("next", "")
    if back.startswith("/consultations/") and "//" not in back:
        return redirect(back)
    return redirect("consultations:suggestion", pk=s.pk)


@login_required
def sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """The page a phone opens after scanning the QR code: confirm, then sign in."""
    try:
        data = services.read_signin_token(token)
    except NotFoundError as e:
        return render(request, "consultations/signin.html", {"error": e.message}, status=404)
    activity = Activity.objects.filter(pk=data["a"]).first()
    if activity is None:
        raise Http404
    ctx = {"activity": activity, "token": token}
    if request.method == "POST":
        try:
            p = services.activity_sign_in(token=token, actor=request.user)
        except ServiceError as e:
            ctx["error"] = e.message
            return render(request, "consultations/signin.html", ctx, status=e.status_code)
        ctx["done"] = p
    else:
        # said before the button, not after a click: an uninvited person, a closed or cancelled sign-in
        problem = services.signin_problem(activity, data, now=timezone.now(), user=request.user)
        me = perms.participation_of(request.user, activity)
        if me is not None and me.attendance == Participant.Attendance.PRESENT:
            ctx["done"] = me
        elif problem is not None:
            ctx["error"] = problem[1]
    return render(request, "consultations/signin.html", ctx)


# --- public pages (no login) ---------------------------------------------------------------------------


def _committee() -> Committee | None:
    return Committee.objects.filter(level=Committee.Level.DISTRICT).order_by("id").first()


def public_index(request: HttpRequest) -> HttpResponse:
    plan, topics = selectors.public_plan()
    concluded = perms.public_topics().filter(status=Topic.Status.CONCLUDED).order_by("-outcome_published_at")[:20]
    plans = perms.public_plans().order_by("-year")
    return render(
        request,
        "consultations/public_index.html",
        {"plan": plan, "topics": topics, "concluded": concluded, "plans": plans},
    )


def public_plan(request: HttpRequest, year: int) -> HttpResponse:
    if to_year(year) is None:
        raise Http404
    plan, topics = selectors.public_plan(year)
    if plan is None:
        raise Http404
    return render(request, "consultations/public_plan.html", {"plan": plan, "topics": topics})


def public_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = perms.public_topics().filter(pk=pk).first()
    if topic is None:
        raise Http404
    activities = topic.activities.exclude(status=Activity.Status.CANCELLED).order_by("starts_at")
    research = [r for a in activities for r in a.research_reports.filter(is_published=True)]
    return render(
        request,
        "consultations/public_topic.html",
        {
            "topic": topic,
            "activities": activities,
            "research": research,
            "conversion": metrics.topic_conversion(topic.pk),
        },
    )


def public_topic_new(request: HttpRequest) -> HttpResponse:
    committee = _committee()
    if committee is None:
        raise Http404
    form = forms.PublicTopicForm(request.POST or None, initial={"submission_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            topic, _ = services.topic_propose(committee=committee, actor=None, **form.cleaned_data)
        except ServiceError as e:
            form.add_error(None, e.message)
        else:
            return render(request, "consultations/public_topic_done.html", {"topic": topic})
    return render(request, "consultations/public_topic_new.html", {"form": form})
