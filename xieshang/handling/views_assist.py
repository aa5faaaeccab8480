"""Pages and fragments of the smart assistance: the dispatcher's suggestion panel, 热点分析,
智能交办模型 and the reply check. Suggestions never block a decision: every fragment renders,
with "no suggestion" when insight has nothing to say or is not ready yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from xieshang.core.errors import NotFoundError
from xieshang.insight.models import RouterTraining

from . import assist, registry
from . import permissions as perms
from .models import Item

# The panel polls while the model or the index is being prepared, at most this many times.
MAX_POLLS = 15


def _require(check: bool) -> None:
    if not check:
        raise PermissionDenied("您没有访问此页面的权限。")


def _dispatcher_item(request: HttpRequest, item_id: int) -> Item:
    """The item, for a dispatcher of its committee; anyone else gets 'not found'."""
    try:
        item = perms.get_item_for(request.user, item_id)
    except NotFoundError:
        raise Http404("未找到该事项。") from None
    if not perms.is_dispatcher(request.user, item.committee_id):
        raise Http404("未找到该事项。")
    return item


def panel_context(item: Item, user: Any, *, wait: float) -> dict[str, Any] | None:
    """What the suggestion panel shows, or None when the model or the index is not ready within ``wait``."""
    if not assist.router.ready(wait=wait):
        return None
    similar = assist.same_matter_items(item, perms.items_visible_to(user), wait=wait)
    if similar is None:
        return None
    # Nothing is written here (a GET): 交办 settles the suggestion, recounted the same way then.
    suggestions = assist.suggest_units(item.committee_id, item.title, item.text, item.area_id)
    return {"item": item, "suggestions": suggestions, "similar": similar, "ready": True}


def panel_if_ready(item: Item, user: Any) -> dict[str, Any] | None:
    """The panel for the item page when it costs no wait; None means: load it with htmx."""
    if not assist.index_ready(item.committee_id):
        return None
    return panel_context(item, user, wait=0.0)


@login_required
@require_GET
def assist_panel(request: HttpRequest, item_id: int) -> HttpResponse:
    """智能交办建议 for one pending item (htmx fragment), time-boxed; polls while being prepared."""
    item = _dispatcher_item(request, item_id)
    if item.status != Item.Status.PENDING:
        return render(request, "handling/assist/_panel.html", {"item": item, "not_pending": True})
    ctx = panel_context(item, request.user, wait=assist.WAIT_SECONDS)
    if ctx is None:
        try:
            polls = int(request.GET.get("n", "0"))
        except ValueError:
            polls = 0
        ctx = {"item": item, "preparing": polls < MAX_POLLS, "next_poll": polls + 1}
    return render(request, "handling/assist/_panel.html", ctx)


# --- 热点分析 -----------------------------------------------------------------------------------------


class HotspotForm(forms.Form):
    start = forms.DateField(
        label="开始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写正确的开始日期。"},
    )
    end = forms.DateField(
        label="结束日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写正确的结束日期。"},
    )
    channel = forms.ChoiceField(label="来源", required=False)
    top = forms.TypedChoiceField(
        label="显示前",
        required=False,
        coerce=int,
        choices=[(5, "5 项"), (10, "10 项"), (20, "20 项"), (50, "50 项")],
        empty_value=10,
    )

    def __init__(self, *args: Any, channels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "全部来源"), *channels]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=90)
        if end < start:
            raise forms.ValidationError("结束日期不能早于开始日期。")
        if (end - start).days > 366 * 3:
            raise forms.ValidationError("统计周期最长 3 年。")
        data["start"], data["end"] = start, end
        data["top"] = data.get("top") or 10
        return data


@login_required
@require_GET
def hotspots(request: HttpRequest) -> HttpResponse:
    """热点分析: the hottest matters of a period, in the format of the 热点问题表."""
    _require(perms.can_see_all_items(request.user) and request.user.committee_id is not None)
    channels = [(c.key, c.label) for c in registry.all_channels()]
    data = request.GET.copy()
    today = timezone.localdate()
    # default period: the last 90 days, shown in the form so the user sees what was analysed
    data.setdefault("end", f"{today:%Y-%m-%d}")
    data.setdefault("start", f"{today - dt.timedelta(days=90):%Y-%m-%d}")
    data.setdefault("top", "10")
    form = HotspotForm(data, channels=channels)
    ctx: dict[str, Any] = {"form": form, "channel_labels": dict(channels)}
    if form.is_valid():
        d = form.cleaned_data
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(d["start"], dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(d["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        rows, n_items = assist.hotspot_rows(
            request.user.committee_id, start, end, channel=d["channel"] or "", top=d["top"]
        )
        ctx.update(rows=rows, n_items=n_items, period_label=f"{d['start']:%Y-%m-%d} 至 {d['end']:%Y-%m-%d}")
        ctx["too_many"] = n_items >= assist.HOTSPOT_MAX_ITEMS
    return render(request, "handling/assist/hotspots.html", ctx)


# --- 智能交办模型 -------------------------------------------------------------------------------------


@login_required
@require_GET
def model_page(request: HttpRequest) -> HttpResponse:
    """智能交办模型: the current model, its trainings with progress, the acceptance of suggestions."""
    _require(perms.is_dispatcher(request.user) and request.user.committee_id is not None)
    committee_id = request.user.committee_id
    plan = assist.training_plan(committee_id)
    return render(
        request,
        "handling/assist/model.html",
        {
            "info": assist.model_info(),
            "plan": plan,
            "min_history": assist.min_history(),
            "trainings": assist.trainings(),
            "running": assist.training_running(),
            "acceptance": assist.acceptance(committee_id),
        },
    )


@login_required
@require_POST
def model_train(request: HttpRequest) -> HttpResponse:
    """重新训练: enqueue a training (a second click while one runs shows that one)."""
    _require(perms.is_dispatcher(request.user) and request.user.committee_id is not None)
    run, started = assist.training_start(request.user.committee_id)
    if run is None:
        messages.error(request, "暂无可用的训练数据：本会交办记录不足两个承办单位，且服务器上没有平台预置数据。")
    elif started:
        messages.success(request, f"已开始重新训练（第 {run.pk} 次），进度见下方。")
    else:
        messages.info(request, f"第 {run.pk} 次训练正在进行，请等待其完成。")
    return redirect("handling:assist_model")


@login_required
@require_GET
def model_training(request: HttpRequest, training_id: int) -> HttpResponse:
    """One training's progress (htmx fragment, polled every 2 s until it is done or failed)."""
    _require(perms.is_dispatcher(request.user) and request.user.committee_id is not None)
    run = RouterTraining.objects.filter(pk=training_id).first()
    if run is None:
        raise Http404("未找到该训练记录。")
    return render(request, "handling/assist/_training.html", {"t": run})


# --- reply check ------------------------------------------------------------------------------------


@login_required
@require_POST
def reply_check(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """答复检查 (htmx fragment): flags of the reply being drafted; the reply stays submittable."""
    try:
        a = perms.get_assignment_for(request.user, assignment_id)
    except NotFoundError:
        raise Http404("未找到该交办记录。") from None
    if not (perms.can_act_for_unit(request.user, a) or perms.is_dispatcher(request.user, a.item.committee_id)):
        raise Http404("未找到该交办记录。")
    body = request.POST.get(f"p{a.pk}-body", request.POST.get("body", ""))[:20000]
    flags = assist.reply_flags(a.item, body)
    return render(request, "handling/assist/_reply_flags.html", {"flags": flags, "checked": bool(body.strip())})
