"""Pages of the closed loop: the dispatcher's queue, the unit's workbench, supervision, one item and
the unit statistics. Views parse input, call one selector or service and render; a refused action
re-renders the page with the rule's message and the user's input kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from xieshang.core.errors import ConflictError, NotFoundError, ServiceError
from xieshang.core.paging import counted_page

from . import assist, forms, metrics, registry, selectors, transitions, views_assist
from . import permissions as perms
from . import services as loop
from .models import Assignment, Item, Reply, Request
from .templatetags.loop_labels import LABELS, TAGS

PAGE_SIZE = 20


def _page(request: HttpRequest, qs: Any, count: int | None = None) -> Any:
    """One page of ``qs``; ``count``, when the page's header already counted the rows, spares a COUNT."""
    paginator = Paginator(qs, PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def _rows_page(
    request: HttpRequest, key: tuple[Any, ...], total: int, make_qs: Callable[[], Any], state: Any
) -> tuple[Page, list[Any]]:
    """The requested page (clamped as ``get_page`` does) of ``total`` rows, and its rows.

    The rows are loaded by slicing ``make_qs()`` only when this process has not loaded the same page
    since the last commit to the database (``selectors.while_unchanged``).
    """
    page = counted_page(request.GET.get("page"), total, PAGE_SIZE)
    start = (page.number - 1) * PAGE_SIZE
    rows = selectors.while_unchanged((*key, page.number), lambda: list(make_qs()[start : start + PAGE_SIZE]), state)
    page.object_list = rows
    return page, rows


_URL_HOLE = 8_642_097_531


def _url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for a whole list: reversed once, then filled in per row."""
    pattern = reverse(name, args=[_URL_HOLE]).replace(str(_URL_HOLE), "{}")
    return pattern.format


def _next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return None


def _require(check: bool) -> None:
    if not check:
        raise PermissionDenied("您没有访问此页面的权限。")


# --- lists ---------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """交办中心: items waiting for assignment, requests to decide, replies to review."""
    _require(perms.is_dispatcher(request.user))
    state = selectors.committed_state()
    tab = request.GET.get("tab", "items")
    if tab in ("requests", "replies"):
        # Their forms post: the body gets the request and its CSRF token (not the page's context
        # processors again, which the page itself runs).
        ctx = {**_queue_context(request, tab, state), "request": request, **csrf(request)}
        body = render_to_string("handling/_queue_body.html", ctx)
    else:
        # The 事项 tab posts nothing (its filters are a GET form): its whole body is a function of the
        # query string and the data, kept as long as the data.
        body = selectors.while_unchanged(
            ("queue_page", request.user.pk, request.GET.urlencode(), get_language()),
            lambda: render_to_string("handling/_queue_body.html", _queue_context(request, "items", state)),
            state,
        )
    return render(request, "handling/queue.html", {"body": body})


def _queue_context(request: HttpRequest, tab: str, state: Any) -> dict[str, Any]:
    areas = selectors.areas_for_filter()
    channels = [(c.key, c.label) for c in registry.all_channels()]
    data = request.GET.copy()
    # No status asked for (the page itself, the 事项 tab, the 待交办 figure): the pending queue.
    data.setdefault("status", "pending")
    filter_form = forms.QueueFilterForm(data, channels=channels, areas=areas)
    filters = selectors.QueueFilters()
    if filter_form.is_valid():
        d = filter_form.cleaned_data
        filters = selectors.QueueFilters(
            channel=d["channel"], status=d["status"], area_id=d["area"], overdue=d["overdue"], q=d["q"].strip()
        )
    counts = selectors.queue_counts(request.user, state)
    ctx: dict[str, Any] = {
        "tab": tab,
        "filter_form": filter_form,
        "filter_options": {name: _options(filter_form[name]) for name in ("status", "channel", "area")},
        "counts": counts,
    }
    if tab == "requests":
        ctx["page_obj"] = _page(request, selectors.pending_requests(request.user), counts["requests"])
    elif tab == "replies":
        page_obj = _page(request, selectors.replies_for_review(request.user), counts["replies"])
        ctx["page_obj"] = page_obj
        categories = {c.key: c.reply_categories for c in registry.all_channels()}
        for reply in page_obj:
            reply.category_choices = categories.get(reply.assignment.item.channel, [])
            reply.category_label = dict(reply.category_choices).get(reply.category, reply.category)
            # A reply never changes once sent: its check is worked out once per process and state.
            reply.flags = selectors.while_unchanged(
                ("reply_flags", reply.pk), lambda r=reply: assist.reply_flags(r.assignment.item, r.body), state
            )
    else:
        # The caller keeps this tab's whole body; its rows are read when the body is built.
        page_obj = _page(request, selectors.queue_items(request.user, filters), selectors.queue_total(filters, counts))
        ctx["page_obj"] = page_obj
        rows = _queue_rows(list(page_obj), dict(channels))
        ctx["rows_html"] = render_to_string("handling/_queue_rows.html", {"rows": rows})
    query = request.GET.copy()
    query.pop("page", None)
    ctx["query"] = query.urlencode()
    return ctx


def _options(bound: Any) -> str:
    """A select's options, chosen as Django's Select widget chooses them (the first option equal to
    the value), as escaped HTML without rendering a template per option."""
    value = bound.value()
    values = [str(v) if v is not None else "" for v in (value if isinstance(value, list | tuple) else [value])]
    out, chosen = [], False
    for key, label in bound.field.choices:
        selected = not chosen and str(key) in values
        chosen = chosen or selected
        out.append((str(key), " selected" if selected else "", str(label)))
    return format_html_join("", '<option value="{}"{}>{}</option>', out)


def _queue_rows(items: list[Item], channel_labels: dict[str, str]) -> list[dict[str, Any]]:
    """What each row of the queue shows, worked out here so the template only prints it."""
    details = selectors.source_details_for(items, reveal=True)
    item_url = _url_maker("handling:item")
    item_status = LABELS["item"]
    rows = []
    for item in items:
        pending = item.status == Item.Status.PENDING
        label = selectors.queue_label(item) if pending else item_status.get(item.status, item.status)
        tag = ("tag-amber" if label == "新受理" else "tag-red") if pending else TAGS.get(item.status, "")
        rows.append(
            {
                "url": item_url(item.pk),
                "reference": item.reference,
                "title": item.title,
                "urgent": item.is_urgent,
                "supervised": item.is_supervised,
                "overdue": item.is_overdue,
                "pending": pending,
                "channel": channel_labels.get(item.channel) or item.channel,
                "area": item.area.name if item.area_id else "",
                "source": [value for _label, value in details.get(item.pk, [])[:2]],
                "accepted": timezone.localtime(item.accepted_at).strftime("%Y-%m-%d %H:%M"),
                "label": label,
                "tag": tag,
            }
        )
    return rows


def _workbench_rows(assignments: list[Assignment], done: bool) -> tuple[list[dict[str, Any]], dt.datetime]:
    """What each row of the workbench shows, worked out here so the template only prints it, and
    until when that holds: the next midnight or the next deadline among the rows, whichever is first
    (days left and the overdue mark change only then)."""
    counter = selectors.WorkdayCounter()
    local_now = timezone.localtime(counter.now)
    until = (local_now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    item_url = _url_maker("handling:item")
    sign_url = _url_maker("handling:assignment_sign")
    roles, states = LABELS["role"], LABELS["assignment"]
    rows = []
    for a in assignments:
        if counter.now < a.due < until:
            until = a.due
        remaining = counter.remaining(a.due)
        if remaining.overdue:
            hint = "text-bad"
        elif remaining.days <= 2:
            hint = "text-warn"
        else:
            hint = "muted"
        item = a.item
        rows.append(
            {
                "pk": a.pk,
                "url": item_url(a.item_id),
                "sign_url": sign_url(a.pk) if a.status == Assignment.Status.NEW else "",
                "version": a.version,
                "title": item.title,
                "reference": item.reference,
                "area": item.area.name if item.area_id else "",
                "supervised": item.is_supervised,
                "urgent": item.is_urgent,
                "role": roles.get(a.role, a.role),
                "round": a.round if a.round > 1 else 0,
                "status": states.get(a.status, a.status),
                "tag": TAGS.get(a.status, ""),
                "overdue": a.is_overdue,
                "row_overdue": a.is_overdue or (remaining.overdue and not done),
                "pending_extension": a.pending_extension,
                "due": timezone.localtime(a.due).strftime("%Y-%m-%d"),
                "extended": a.extended_until is not None,
                "remaining": remaining.label,
                "hint": hint,
                "uncertain": a.deadline_uncertain,
            }
        )
    return rows, until


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """办理工作台: the unit's assignments, overdue first, then by the nearest deadline."""
    _require(perms.is_unit_staff(request.user))
    show = selectors.workbench_show(request.GET.get("show"))
    done = show in ("done", "awaiting")
    state = selectors.committed_state()
    counts = selectors.workbench_counts(request.user, state)
    key = ("workbench", request.user.pk, show)

    def make_qs() -> Any:
        return selectors.workbench_assignments(request.user, show=show)

    total = counts.get(show) if show != "done" else None
    if total is None:
        total = selectors.while_unchanged((*key, "total"), lambda: make_qs().count(), state)
    # The rows as loaded; what depends on the time of day (days left) is worked out per request.
    page_obj, assignments = _rows_page(request, key, total, make_qs, state)

    def rows_html() -> tuple[str, dt.datetime]:
        rows, until = _workbench_rows(assignments, done)
        return render_to_string("handling/_workbench_rows.html", {"rows": rows, "done": done, "show": show}), until

    html, _until = selectors.while_unchanged(
        (*key, "rows_html", page_obj.number, get_language()),
        rows_html,
        state,
        fresh=lambda kept: timezone.now() < kept[1],
    )
    return render(
        request,
        "handling/workbench.html",
        {
            "page_obj": page_obj,
            "rows_html": html,
            "done": done,
            "show": show,
            "counts": counts,
            # The rows carry the unit already; an empty page asks for it.
            "unit": assignments[0].unit if assignments else request.user.unit,
            "query": "" if show == "open" else f"show={show}",
            "next_url": request.get_full_path(),
        },
    )


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """督办事项: supervised and overdue items that are still open."""
    _require(perms.can_see_all_items(request.user))
    show = request.GET.get("show", "all")
    page_obj = _page(request, selectors.supervision_items(request.user, show=show))
    counter = selectors.WorkdayCounter()
    for item in page_obj:
        item.remaining = counter.remaining(item.due_at) if item.due_at else None
    return render(
        request,
        "handling/supervision.html",
        {"page_obj": page_obj, "show": show, "supervise_form": forms.SuperviseForm()},
    )


@login_required
def unit_metrics(request: HttpRequest) -> HttpResponse:
    """办理统计: every indicator per unit for a period, and the ranking by one of them."""
    _require(perms.can_see_all_items(request.user))
    choices = [(i.key, i.name) for i in metrics.INDICATORS]
    data = request.GET.copy()
    data.setdefault("period", "year")
    data.setdefault("year", str(timezone.localdate().year))
    data.setdefault("sort", "on_time_rate")
    channels = [(c.key, str(c.label)) for c in registry.all_channels()]
    form = forms.PeriodForm(data, indicators=choices, channels=channels)
    ctx: dict[str, Any] = {"form": form, "indicators": metrics.INDICATORS, "min_count": metrics.ranking_min_count()}
    if form.is_valid():
        start, end = form.cleaned_data["range"]
        indicator = metrics.BY_KEY.get(form.cleaned_data.get("sort") or "", metrics.BY_KEY["on_time_rate"])
        channel = form.cleaned_data.get("channel") or ""
        qs = metrics.period_assignments(request.user, start, end, channel)
        by_unit = metrics.compute_by_unit(qs)
        units = list(selectors.units_for_assignment(request.user.committee_id)) if request.user.committee_id else []
        ranked, small = metrics.rank_units(units, by_unit, indicator)
        ctx.update(
            indicator=indicator,
            period_label=form.cleaned_data["label"],
            channel_label=registry.channel_label(channel) if channel else "全部渠道",
            total=metrics.compute_all(qs),
            total_count=sum(d["count"] for d in by_unit.values()),
            ranked=ranked,
            small=small,
            chart={
                "title": f"{indicator.name}（{indicator.unit}）",
                "unit": indicator.unit,
                "names": [r.unit.name for r in ranked if r.figures[indicator.key].value is not None],
                "values": [
                    r.figures[indicator.key].value for r in ranked if r.figures[indicator.key].value is not None
                ],
            },
        )
    return render(request, "handling/metrics.html", ctx)


# --- one item ------------------------------------------------------------------------------


def _item_context(
    request: HttpRequest,
    item_id: int,
    bound: tuple[str, int, Any] | None = None,
    error: str = "",
    *,
    revealed: bool = False,
) -> dict[str, Any]:
    """The item page, with blank forms for the actions the user may take, or ``bound`` kept as typed."""
    try:
        page = selectors.item_page(request.user, item_id, revealed=revealed)
    except NotFoundError:
        raise Http404("未找到该事项。") from None
    item = page.item
    units = selectors.units_for_assignment(item.committee_id)
    counter = selectors.WorkdayCounter(page.now)
    kept_text = ""
    adoptable: list[tuple[int, str]] | None = None

    def pick(kind: str, obj_id: int, blank: Any) -> Any:
        if bound and bound[0] == kind and bound[1] == obj_id:
            return bound[2]
        return blank

    for a in page.assignments:
        # who may act comes from the permissions; which moves the state allows, from the transition table
        a.allowed = transitions.allowed_actions(a)
        acts = _allowed(page.actions[a.pk], a.allowed)
        version = {"version": a.version}
        a.forms = {}
        if acts.sign:
            a.forms["sign"] = forms.SignForm(initial=version)
        if acts.contact:
            a.forms["contact"] = pick("contact", a.pk, forms.ContactForm(prefix=f"c{a.pk}"))
        if acts.request_return:
            a.forms["return"] = pick("return", a.pk, forms.ReturnForm(prefix=f"r{a.pk}", initial=version, units=units))
        if acts.request_extension:
            a.forms["extend"] = pick("extend", a.pk, forms.ExtensionForm(prefix=f"e{a.pk}"))
        if acts.co_opinion:
            a.forms["opinion"] = pick("opinion", a.pk, forms.OpinionForm(prefix=f"o{a.pk}"))
        if acts.reply:
            if adoptable is None:
                adoptable = _adoptable(item)
            a.forms["reply"] = pick(
                "reply",
                a.pk,
                forms.ReplyForm(
                    prefix=f"p{a.pk}", initial=version, categories=page.reply_categories, adoptable=adoptable
                ),
            )
            a.reply_check_url = reverse("handling:reply_check", args=[a.pk])
            # 答复检查 as the unit types: hints only, the form stays submittable.
            a.forms["reply"].fields["body"].widget.attrs.update(
                {
                    "hx-post": a.reply_check_url,
                    "hx-trigger": "keyup changed delay:1500ms, change",
                    "hx-target": f"#reply-flags-{a.pk}",
                    "hx-swap": "innerHTML",
                }
            )
        if acts.escalate:
            a.forms["escalate"] = pick("escalate", a.pk, forms.EscalateForm(prefix=f"u{a.pk}"))
        if acts.reassign:
            a.forms["reassign"] = pick(
                "reassign", a.pk, forms.ReassignForm(prefix=f"g{a.pk}", initial=version, units=units)
            )
        a.remaining = counter.remaining(a.due) if a.is_live else None
        a.category_labels = dict(page.reply_categories)
    item_allowed = transitions.item_actions(item)
    page.can_assign = page.can_assign and "assign" in item_allowed
    page.can_decline = page.can_decline and "decline" in item_allowed
    page.can_supervise = page.can_supervise and "supervise" in item_allowed
    shown = {(kind, a.pk) for a in page.assignments for kind in a.forms}
    shown |= {("decide", r.pk) for r in page.pending_requests} | {("review", r.pk) for r in page.pending_replies}
    if page.can_assign:
        shown.add(("assign", item.pk))
    if page.can_decline:
        shown.add(("decline", item.pk))
    if page.can_supervise:
        shown.add(("supervise", item.pk))
    if bound and (bound[0], bound[1]) not in shown:
        # The action no longer fits the fresh state: show what the user typed so it is not lost.
        kept_text = "\n\n".join(
            str(v) for k, v in bound[2].data.items() if k.endswith(("body", "reason", "note", "measures")) and v
        )
    for r in page.pending_requests:
        r.form = pick("decide", r.pk, forms.DecideForm(prefix=f"d{r.pk}"))
    for r in page.pending_replies:
        r.form = pick("review", r.pk, forms.ReviewForm(prefix=f"v{r.pk}", categories=page.reply_categories))
        r.flags = assist.reply_flags(item, r.body)
    ctx: dict[str, Any] = {
        "page": page,
        "item": item,
        "channel_label": registry.channel_label(item.channel),
        "kind_label": _kind_label(item),
        "error": error,
        "kept_text": kept_text,
        "category_labels": dict(page.reply_categories),
        "item_actions": item_allowed,
    }
    if page.can_assign:
        ctx["assign_form"] = pick("assign", item.pk, forms.AssignForm(initial={"version": item.version}, units=units))
        # Rendered at once when the model and the index are in memory; otherwise loaded with htmx.
        ctx["assist_panel"] = views_assist.panel_if_ready(item, request.user)
    if page.can_decline:
        ctx["decline_form"] = pick("decline", item.pk, forms.DeclineForm(auto_id="decline_%s"))
    if page.can_supervise:
        ctx["supervise_form"] = pick("supervise", item.pk, forms.SuperviseForm())
    return ctx


def _allowed(acts: Any, allowed: frozenset[str]) -> Any:
    """The page's actions for an assignment, limited to the moves its transition table allows now."""
    return dataclasses.replace(
        acts, **{f.name: getattr(acts, f.name) and f.name in allowed for f in dataclasses.fields(acts)}
    )


def _kind_label(item: Item) -> str:
    try:
        return registry.get(item.channel).kinds.get(item.kind, item.kind)
    except LookupError:
        return item.kind


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    return render(request, "handling/item.html", _item_context(request, item_id))


@login_required
@require_POST
def item_contact_reveal(request: HttpRequest, item_id: int) -> HttpResponse:
    """显示完整号码: the unit holding the item reads the full number on this one answer (recorded);
    the page opened again shows it masked."""
    item = _item(request, item_id)
    try:
        loop.contact_reveal(item_id=item.pk, actor=request.user)
    except ServiceError as exc:
        if isinstance(exc, NotFoundError):
            raise Http404(exc.message) from None
        ctx = _item_context(request, item.pk, error=exc.message)
        return render(request, "handling/item.html", ctx, status=exc.status_code)
    return render(request, "handling/item.html", _item_context(request, item.pk, revealed=True))


def _refused(
    request: HttpRequest, item_id: int, kind: str, obj_id: int, form: Any, exc: ServiceError | None
) -> HttpResponse:
    """Answer a refused action: back to the list it came from, or the item page with the input kept."""
    message = exc.message if exc else _form_error(form)
    status = exc.status_code if exc else 400
    if isinstance(exc, NotFoundError):
        raise Http404(message)
    nxt = _next_url(request)
    if nxt:
        messages.error(request, message)
        return redirect(nxt)
    if isinstance(exc, ConflictError) and form is not None and "version" in form.fields:
        form = _with_fresh_version(form, kind, obj_id)
    ctx = _item_context(request, item_id, bound=(kind, obj_id, form), error=message)
    return render(request, "handling/item.html", ctx, status=status)


def _with_fresh_version(form: Any, kind: str, obj_id: int) -> Any:
    """Keep the typed text but carry the current version, so a deliberate resubmit goes through."""
    if kind in ("assign",):
        current = Item.objects.filter(pk=obj_id).values_list("version", flat=True).first()
    else:
        current = Assignment.objects.filter(pk=obj_id).values_list("version", flat=True).first()
    data: QueryDict = form.data.copy()
    data[form.add_prefix("version")] = str(current if current is not None else "")
    return form.__class__(data, **_form_kwargs(form))


def _form_kwargs(form: Any) -> dict[str, Any]:
    kw: dict[str, Any] = {"prefix": form.prefix}
    if isinstance(form, forms.ReplyForm):
        kw["categories"] = [c for c in form.fields["category"].choices if c[0]]
        kw["adoptable"] = form.adoptable
    if isinstance(form, forms.AssignForm | forms.ReturnForm):
        kw["units"] = form.fields["lead_units" if isinstance(form, forms.AssignForm) else "suggested_unit"].queryset
    if isinstance(form, forms.ReassignForm):
        kw["units"] = form.fields["unit"].queryset
    return kw


def _form_error(form: Any) -> str:
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "提交的内容有误，请检查后重试。"


def _done(request: HttpRequest, item_id: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(_next_url(request) or reverse("handling:item", args=[item_id]))


def _assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    try:
        return perms.get_assignment_for(request.user, assignment_id)
    except NotFoundError:
        raise Http404("未找到该交办记录。") from None


def _item(request: HttpRequest, item_id: int) -> Item:
    try:
        return perms.get_item_for(request.user, item_id)
    except NotFoundError:
        raise Http404("未找到该事项。") from None


def _version(form: Any) -> int | None:
    v = form.cleaned_data.get("version")
    return v if v is not None else None


# --- dispatcher actions ------------------------------------------------------------------------


@login_required
@require_POST
def item_assign(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    form = forms.AssignForm(request.POST, units=selectors.units_for_assignment(item.committee_id))
    if not form.is_valid():
        return _refused(request, item.pk, "assign", item.pk, form, None)
    d = form.cleaned_data
    try:
        loop.item_assign(
            item_id=item.pk,
            actor=request.user,
            mode=d["mode"],
            lead_units=list(d["lead_units"]),
            co_units=list(d["co_units"]),
            reason=d["reason"],
            expected_version=_version(form),
        )
    except ServiceError as exc:
        return _refused(request, item.pk, "assign", item.pk, form, exc)
    return _done(request, item.pk, "已交办。")


@login_required
@require_POST
def item_decline(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    form = forms.DeclineForm(request.POST, auto_id="decline_%s")
    if not form.is_valid():
        return _refused(request, item.pk, "decline", item.pk, form, None)
    try:
        loop.item_decline(item_id=item.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _refused(request, item.pk, "decline", item.pk, form, exc)
    return _done(request, item.pk, "已作不予受理处理。")


@login_required
@require_POST
def item_supervise(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    form = forms.SuperviseForm(request.POST)
    if not form.is_valid():
        return _refused(request, item.pk, "supervise", item.pk, form, None)
    try:
        loop.item_supervise(item_id=item.pk, actor=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        return _refused(request, item.pk, "supervise", item.pk, form, exc)
    return _done(request, item.pk, "督办意见已发送给承办单位。")


@login_required
@require_POST
def assignment_reassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    form = forms.ReassignForm(
        request.POST, prefix=f"g{a.pk}", units=selectors.units_for_assignment(a.item.committee_id)
    )
    if not form.is_valid():
        return _refused(request, a.item_id, "reassign", a.pk, form, None)
    try:
        loop.assignment_reassign(
            assignment_id=a.pk,
            actor=request.user,
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
            expected_version=_version(form),
        )
    except ServiceError as exc:
        return _refused(request, a.item_id, "reassign", a.pk, form, exc)
    return _done(request, a.item_id, f"已改派至{form.cleaned_data['unit'].name}。")


@login_required
@require_POST
def request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    req = (
        Request.objects.filter(pk=request_id, assignment__in=perms.assignments_visible_to(request.user))
        .select_related("assignment")
        .first()
    )
    if req is None:
        raise Http404("未找到该申请。")
    item_id = req.assignment.item_id
    form = forms.DecideForm(request.POST, prefix=f"d{req.pk}")
    if not form.is_valid():
        return _refused(request, item_id, "decide", req.pk, form, None)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        loop.request_decide(request_id=req.pk, actor=request.user, approve=approve, note=form.cleaned_data["note"])
    except ServiceError as exc:
        return _refused(request, item_id, "decide", req.pk, form, exc)
    verdict = "同意" if approve else "不同意"
    return _done(request, item_id, f"已{verdict}{req.get_kind_display()}申请。")


@login_required
@require_POST
def reply_review(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = (
        Reply.objects.filter(pk=reply_id, assignment__in=perms.assignments_visible_to(request.user))
        .select_related("assignment__item")
        .first()
    )
    if reply is None:
        raise Http404("未找到该答复。")
    item = reply.assignment.item
    categories = registry.get(item.channel).reply_categories
    form = forms.ReviewForm(request.POST, prefix=f"v{reply.pk}", categories=categories)
    if not form.is_valid():
        return _refused(request, item.pk, "review", reply.pk, form, None)
    passed = form.cleaned_data["decision"] == "pass"
    try:
        loop.reply_review(
            reply_id=reply.pk,
            actor=request.user,
            passed=passed,
            category=form.cleaned_data["category"] or None,
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        return _refused(request, item.pk, "review", reply.pk, form, exc)
    return _done(request, item.pk, "答复审核通过，已转评价。" if passed else "已驳回，承办单位将重新办理。")


# --- unit actions ----------------------------------------------------------------------------


def _unit_action(
    request: HttpRequest, a: Any, action: str, form: Any, call: Callable[[dict[str, Any]], object], success: str
) -> HttpResponse:
    """A unit's action on one assignment: validate the form, call the service, report the outcome.

    Invalid input or a refusal re-renders the item page with the typed text kept (``_refused``).
    """
    if not form.is_valid():
        return _refused(request, a.item_id, action, a.pk, form, None)
    try:
        call(form.cleaned_data)
    except ServiceError as exc:
        return _refused(request, a.item_id, action, a.pk, form, exc)
    return _done(request, a.item_id, success)


@login_required
@require_POST
def assignment_sign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    form = forms.SignForm(request.POST)
    return _unit_action(
        request,
        a,
        "sign",
        form,
        lambda d: loop.assignment_sign(assignment_id=a.pk, actor=request.user, expected_version=_version(form)),
        "已签收，请在办理期限内答复。",
    )


@login_required
@require_POST
def assignment_contact(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    return _unit_action(
        request,
        a,
        "contact",
        forms.ContactForm(request.POST, prefix=f"c{a.pk}"),
        lambda d: loop.assignment_record_contact(
            assignment_id=a.pk, actor=request.user, method=d["method"], happened_at=d["happened_at"], note=d["note"]
        ),
        "沟通情况已记录。",
    )


@login_required
@require_POST
def assignment_return(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    form = forms.ReturnForm(request.POST, prefix=f"r{a.pk}", units=selectors.units_for_assignment(a.item.committee_id))
    return _unit_action(
        request,
        a,
        "return",
        form,
        lambda d: loop.assignment_request_return(
            assignment_id=a.pk,
            actor=request.user,
            reason=d["reason"],
            suggested_unit=d["suggested_unit"],
            expected_version=_version(form),
        ),
        "退回申请已提交，请等待政协机关审批。",
    )


@login_required
@require_POST
def assignment_extend(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    return _unit_action(
        request,
        a,
        "extend",
        forms.ExtensionForm(request.POST, prefix=f"e{a.pk}"),
        lambda d: loop.assignment_request_extension(
            assignment_id=a.pk, actor=request.user, until=d["until"], reason=d["reason"]
        ),
        "延期申请已提交，请等待政协机关审批。",
    )


@login_required
@require_POST
def assignment_opinion(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    return _unit_action(
        request,
        a,
        "opinion",
        forms.OpinionForm(request.POST, prefix=f"o{a.pk}"),
        lambda d: loop.co_opinion_send(assignment_id=a.pk, actor=request.user, body=d["body"]),
        "会办意见已送主办单位。",
    )


def _adoptable(item: Item) -> list[tuple[int, str]] | None:
    """The item's suggestions a reply may adopt (checkboxes), or None where the reply states a number."""
    spec = registry.get(item.channel) if item.channel in {c.key for c in registry.all_channels()} else None
    return spec.adoptable(item) if spec is not None and spec.adoptable is not None else None


@login_required
@require_POST
def assignment_reply(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    categories = registry.get(a.item.channel).reply_categories
    adoptable = _adoptable(a.item)
    form = forms.ReplyForm(request.POST, prefix=f"p{a.pk}", categories=categories, adoptable=adoptable)
    return _unit_action(
        request,
        a,
        "reply",
        form,
        lambda d: loop.assignment_reply(
            assignment_id=a.pk,
            actor=request.user,
            body=d["body"],
            category=d["category"],
            adopted_count=d.get("adopted_count") or 0,
            adopted=d.get("adopted") if adoptable is not None else None,
            measures=d["measures"],
            resolved=d["resolved"],
            expected_version=_version(form),
        ),
        "答复已提交。",
    )


@login_required
@require_POST
def assignment_escalate(request: HttpRequest, assignment_id: int) -> HttpResponse:
    a = _assignment(request, assignment_id)
    form = forms.EscalateForm(request.POST, prefix=f"u{a.pk}")
    if not form.is_valid():
        return _refused(request, a.item_id, "escalate", a.pk, form, None)
    try:
        new = loop.assignment_escalate(assignment_id=a.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _refused(request, a.item_id, "escalate", a.pk, form, exc)
    text = f"已上报至{new.unit.name}。" if new is not None else "已上报至区级，由政协机关重新交办。"
    messages.success(request, text)
    if perms.items_visible_to(request.user).filter(pk=a.item_id).exists():
        return redirect(_next_url(request) or reverse("handling:item", args=[a.item_id]))
    return redirect("handling:workbench")
