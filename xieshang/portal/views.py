"""The public site: no account. Citizens leave a message, follow it with a tracking code and rate the reply.

Reads go through ``messages.selectors``, writes through ``messages.services``. A tracking code that
was checked with its phone number is remembered in the session, so the tracking page and the
rating form do not carry the phone number in URLs.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xieshang.core import clients
from xieshang.core.errors import ServiceError
from xieshang.core.writes import as_id
from xieshang.handling import assist
from xieshang.messages import selectors, services
from xieshang.messages.forms import MessageForm, RateForm, TrackForm
from xieshang.messages.models import Message

RECEIPTS = "portal_receipts"
TRACKED = "portal_tracked"
# Failed look-ups per client address before the tracking form pauses (guessing codes is pointless).
TRACK_FAILURE_LIMIT = 10
TRACK_FAILURE_WINDOW = 15 * 60


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/index.html")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """留言: a one-time token makes a double submit return the first receipt."""
    if request.method == "GET":
        form = MessageForm(initial={"token": uuid.uuid4()})
        return render(request, "portal/submit.html", {"form": form})
    committee = selectors.public_committee()
    if committee is None:
        raise Http404("平台尚未开通留言。")
    form = MessageForm(request.POST)
    token = request.POST.get("token", "")
    existing = _message_by_token(token)
    if existing is not None:
        return _to_receipt(request, existing)
    if not form.is_valid():
        if form.has_error("hp_note"):  # filled in by a program, not a person
            fresh = MessageForm(initial={"token": uuid.uuid4()})
            return render(request, "portal/submit.html", {"form": fresh, "error": clients.HONEYPOT_REFUSED}, status=400)
        return render(request, "portal/submit.html", {"form": form}, status=400)
    d = form.cleaned_data
    refusal = clients.flood_refusal(request, form="portal", phone=d["phone"], text=d["text"])
    if refusal is not None:
        return render(request, "portal/submit.html", {"form": form, "error": refusal}, status=429)
    try:
        msg, created = services.message_submit(
            committee=committee,
            submission_token=d["token"],
            kind=d["kind"],
            title=d["title"],
            text=d["text"],
            name=d["name"],
            phone=d["phone"],
            area=d["area"],
            publish_consent=d["publish_consent"],
        )
    except ServiceError as exc:
        return render(request, "portal/submit.html", {"form": form, "error": exc.message}, status=400)
    if created:
        clients.flood_record(request, form="portal", phone=d["phone"], text=d["text"])
    return _to_receipt(request, msg)


@require_POST
def same_matter_hint(request: HttpRequest) -> HttpResponse:
    """ "已有 N 条相同事项正在办理" while a citizen writes (htmx). Other citizens' text is never shown;
    a title only when that citizen agreed to publication."""
    committee = selectors.public_committee()
    title = request.POST.get("title", "")[:200]
    text = request.POST.get("text", "")[:2000]
    ids = assist.open_same_matter(committee.pk, title, text) if committee is not None else []
    titles: list[str] = []
    if ids:
        consented = dict(Message.objects.filter(item_id__in=ids, publish_consent=True).values_list("item_id", "title"))
        titles = [consented[i] for i in ids if i in consented][:3]
    return render(request, "portal/_same_matter.html", {"count": len(ids), "titles": titles})


def _message_by_token(token: str) -> Message | None:
    try:
        return Message.objects.filter(submission_token=uuid.UUID(str(token))).first()
    except ValueError:
        return None


def _to_receipt(request: HttpRequest, msg: Message) -> HttpResponse:
    receipts = request.session.get(RECEIPTS, [])
    token = str(msg.submission_token)
    if token not in receipts:
        request.session[RECEIPTS] = [*receipts[-19:], token]
    return redirect("portal:receipt", token=token)


@require_GET
def receipt(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """回执: only in the browser that submitted the message (the token is in its session)."""
    if str(token) not in request.session.get(RECEIPTS, []):
        return render(request, "portal/receipt_gone.html", status=404)
    msg = Message.objects.filter(submission_token=token).first()
    if msg is None:
        return render(request, "portal/receipt_gone.html", status=404)
    return render(request, "portal/receipt.html", {"message": msg})


@require_GET
def communities(request: HttpRequest) -> HttpResponse:
    """The 村居 options of one 镇街, for the message form (htmx)."""
    street = as_id(request.GET.get("street"))
    rows = selectors.communities(street) if street is not None else []
    return render(request, "portal/_community_options.html", {"communities": rows})


def _client_key(request: HttpRequest) -> str:
    return f"portal-track-fail:{clients.client_ip(request)}"


def _too_many_failures(request: HttpRequest) -> bool:
    return clients.reached(_client_key(request), TRACK_FAILURE_LIMIT)


def _count_failure(request: HttpRequest) -> None:
    clients.count(_client_key(request), TRACK_FAILURE_WINDOW)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """查询: the code and the phone number together; a wrong one of either gives the same answer."""
    if request.method == "GET":
        form = TrackForm(initial={"code": request.GET.get("code", "")})
        return render(request, "portal/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": form}, status=400)
    if _too_many_failures(request):
        return render(
            request, "portal/track.html", {"form": form, "error": "查询次数过多，请 15 分钟后再试。"}, status=429
        )
    code, phone = form.cleaned_data["code"], form.cleaned_data["phone"]
    try:
        msg = services.message_for_tracking(code=code, phone=phone)
    except ServiceError as exc:
        _count_failure(request)
        return render(request, "portal/track.html", {"form": form, "error": exc.message}, status=exc.status_code)
    tracked = request.session.get(TRACKED, {})
    tracked[msg.tracking_code] = msg.phone
    request.session[TRACKED] = dict(list(tracked.items())[-10:])
    return redirect("portal:status", code=msg.tracking_code)


def _tracked(request: HttpRequest, code: str) -> tuple[Message | None, str | None, str]:
    phone = request.session.get(TRACKED, {}).get(code)
    if phone is None:
        return None, None, ""
    try:
        return services.message_for_tracking(code=code, phone=phone), phone, ""
    except ServiceError as exc:
        return None, phone, exc.message


@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    msg, _phone, error = _tracked(request, code)
    if msg is None:
        if error:
            return render(request, "portal/track.html", {"form": TrackForm(), "error": error}, status=410)
        return redirect(f"{_track_url()}?code={code}")
    return _render_status(request, msg)


def _track_url() -> str:
    return reverse("portal:track")


def _render_status(request: HttpRequest, msg: Message, form: RateForm | None = None, status_code: int = 200):
    view = selectors.tracking_view(msg)
    forms_by_assignment = {}
    for a in view.to_rate:
        bound = form if form is not None and form.data.get("assignment") == str(a.pk) else None
        forms_by_assignment[a.pk] = bound or RateForm(initial={"assignment": a.pk})
    for a in view.to_rate:
        a.rate_form = forms_by_assignment[a.pk]
    return render(
        request,
        "portal/status.html",
        {"view": view, "message": msg},
        status=status_code,
    )


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """评价: 满意 / 基本满意 / 不满意 (with a reason, which sends the matter back for re-handling)."""
    msg, phone, error = _tracked(request, code)
    if msg is None or phone is None:
        if error:
            return render(request, "portal/track.html", {"form": TrackForm(), "error": error}, status=410)
        return redirect(f"{_track_url()}?code={code}")
    form = RateForm(request.POST)
    if not form.is_valid():
        return _render_status(request, msg, form, 400)
    try:
        services.message_rate(
            code=code,
            phone=phone,
            assignment_id=form.cleaned_data["assignment"],
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _render_status(request, msg, form, exc.status_code)
    if form.cleaned_data["value"] == "unsatisfied":
        messages.success(request, "感谢您的评价。承办单位将根据您的意见重新办理。")
    else:
        messages.success(request, "感谢您的评价！")
    return redirect("portal:status", code=code)
