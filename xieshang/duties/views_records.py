"""The office's entry pages for the committee's own records: 制度, honours, 委员风采, media reports, speeches.

One list per kind and year, a form to add or correct a record, and a button to delete (撤销) one.
Each kind is described once here (its columns and fields) and writes through its services; the
views parse the form, call one service, and render.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xieshang.core.errors import ServiceError
from xieshang.core.params import to_int

from . import permissions as perms
from . import selectors, services
from .models import Honour, MediaReport, Meeting, MemberFeature, RulesDocument, Speech


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, date, number, select, member, members, url, meeting
    required: bool = True
    limit: int = 150
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    on_edit: bool = True  # False: fixed once entered (shown, not editable)


@dataclass(frozen=True)
class RecordKind:
    slug: str
    label: str  # what one record is called: 制度
    title: str  # the list's heading
    noun: str  # 该制度
    model: type[Model]
    listing: Callable[[Any, int], Any]
    columns: tuple[tuple[str, Callable[[Any], Any]], ...]
    fields: tuple[Field, ...]
    add: Callable[..., Any]
    delete_label: str = "删除"
    intro: str = ""
    initial: Callable[[Any], dict[str, Any]] = field(default=lambda obj: {})


def _members(obj: Any) -> str:
    return "、".join(m.name for m in obj.members.all()) or "—"


def _date_str(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


KINDS: dict[str, RecordKind] = {
    k.slug: k
    for k in [
        RecordKind(
            slug="rules",
            label="制度",
            title="制度建设",
            noun="该制度",
            model=RulesDocument,
            listing=selectors.rules_documents,
            columns=(
                ("通过日期", lambda o: _date_str(o.adopted_on)),
                ("制度名称", lambda o: o.title),
                ("审议通过", lambda o: o.adopted_by),
            ),
            fields=(
                Field("title", "制度名称"),
                Field("adopted_on", "通过日期", "date"),
                Field("adopted_by", "审议通过的会议", limit=50, help="如：主席会议、常委会议、党组会。"),
            ),
            add=lambda actor, committee, year, v: services.rules_document_add(
                actor=actor, committee=committee, year=year, **v
            ),
            intro="本会当年建立的制度，计入成绩单“建立制度”。",
        ),
        RecordKind(
            slug="honours",
            label="荣誉",
            title="优秀委员与荣誉",
            noun="该荣誉",
            model=Honour,
            listing=selectors.honours,
            columns=(
                ("委员", lambda o: o.member.name),
                ("荣誉", lambda o: o.title),
                ("类型", lambda o: o.get_kind_display()),
                ("评定日期", lambda o: _date_str(o.awarded_on)),
            ),
            fields=(
                Field("member", "委员", "member", on_edit=False),
                Field("kind", "荣誉类型", "select", choices=tuple(Honour.Kind.choices)),
                Field("title", "荣誉名称", required=False, limit=100, help="不填则与类型同名，如“优秀履职委员”。"),
                Field("awarded_on", "评定日期", "date", help="可在该年度内或次年。"),
            ),
            add=lambda actor, committee, year, v: services.honour_award(
                actor=actor, committee=committee, year=year, **v
            ),
            delete_label="撤销",
            intro="按年度登记的荣誉；“优秀履职委员”每位委员每年一次，计入成绩单“优秀委员”。",
        ),
        RecordKind(
            slug="features",
            label="委员风采",
            title="委员风采",
            noun="该期委员风采",
            model=MemberFeature,
            listing=lambda c, y: selectors.member_features(c, y).prefetch_related("members"),
            columns=(
                ("期数", lambda o: f"第{o.number}期"),
                ("标题", lambda o: o.title),
                ("刊出日期", lambda o: _date_str(o.published_on)),
                ("展示委员", _members),
            ),
            fields=(
                Field("number", "期数", "number"),
                Field("title", "标题"),
                Field("published_on", "刊出日期", "date"),
                Field("members", "展示的委员", "members", required=False, help="填写姓名，多人用顿号或逗号分隔。"),
            ),
            add=lambda actor, committee, year, v: services.feature_publish(
                actor=actor, committee=committee, year=year, **v
            ),
            intro="每期委员风采及所展示的委员，计入委员履职档案和成绩单“委员风采”。",
        ),
        RecordKind(
            slug="media",
            label="媒体报道",
            title="媒体报道",
            noun="该媒体报道",
            model=MediaReport,
            listing=lambda c, y: selectors.media_reports(c, y).prefetch_related("members"),
            columns=(
                ("刊发日期", lambda o: _date_str(o.published_on)),
                ("媒体", lambda o: o.outlet),
                ("标题", lambda o: o.title),
                ("报道的委员", _members),
            ),
            fields=(
                Field("title", "标题"),
                Field("outlet", "媒体", limit=60, help="如：佛山日报、禅城发布。"),
                Field("published_on", "刊发日期", "date"),
                Field("url", "链接", "url", required=False, limit=200),
                Field("members", "报道的委员", "members", required=False, help="填写姓名，多人用顿号或逗号分隔。"),
            ),
            add=lambda actor, committee, year, v: services.media_report_add(
                actor=actor, committee=committee, year=year, **v
            ),
            intro="媒体对本会工作的报道，计入成绩单“媒体报道”；报道到的委员计入其履职档案。",
        ),
        RecordKind(
            slug="speeches",
            label="发言",
            title="大会发言与会议发言",
            noun="该发言",
            model=Speech,
            listing=selectors.speeches,
            columns=(
                ("发言日期", lambda o: _date_str(o.given_on)),
                ("委员", lambda o: o.member.name),
                ("题目", lambda o: o.title),
                ("形式", lambda o: o.get_form_display()),
                ("会议", lambda o: o.meeting.title if o.meeting else "—"),
            ),
            fields=(
                Field("member", "委员", "member", on_edit=False),
                Field("title", "发言题目"),
                Field("form", "发言形式", "select", choices=tuple(Speech.Form.choices)),
                Field("given_on", "发言日期", "date"),
                Field("meeting", "会议", "meeting", required=False),
            ),
            add=lambda actor, committee, year, v: services.speech_add(actor=actor, committee=committee, year=year, **v),
            intro="委员在全体会议、常委会议等会议上的口头或书面发言，计入其履职档案。",
        ),
    ]
}

_SPLIT = re.compile(r"[、,，;；\s]+")


def _kind(slug: str) -> RecordKind:
    if slug not in KINDS:
        raise Http404("未找到该页面。")
    return KINDS[slug]


def _committee(request: HttpRequest) -> Any:
    user: Any = request.user
    if user.committee is None or not perms.can_keep_records(user, user.committee_id):
        raise Http404("未找到该页面。")
    return user.committee


def _year(value: Any) -> int:
    this = timezone.localdate().year
    year = to_int(value, default=None) if value not in (None, "") else None
    return year if year is not None and 2000 <= year <= this else this


def _years() -> list[int]:
    return list(range(timezone.localdate().year, 2015, -1))


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def _values(kind: RecordKind, post: Any, committee: Any, year: int, *, editing: bool) -> dict[str, Any]:
    """The form's fields as the service takes them; a name that is no member of the committee is refused."""
    out: dict[str, Any] = {}
    for f in kind.fields:
        if editing and not f.on_edit:
            continue
        raw = post.get(f.name, "")
        if f.kind == "date":
            out[f.name] = _day(raw)
        elif f.kind == "number":
            out[f.name] = to_int(raw, default=None) if raw.strip() else None
        elif f.kind in ("member", "members"):
            names = [n for n in _SPLIT.split(raw.strip()) if n]
            if f.kind == "member" and len(names) != 1:
                raise ServiceError(f"请填写一位{f.label}的姓名。")
            found, unknown = selectors.members_named(committee.pk, names)
            if unknown:
                raise ServiceError(f"{'、'.join(unknown)}不是本会委员，请检查姓名。")
            out[f.name] = found[0] if f.kind == "member" else found
        elif f.kind == "meeting":
            pk = to_int(raw, default=None) if raw.strip() else None
            out[f.name] = None if pk is None else Meeting.objects.filter(pk=pk, committee=committee).first()
            if pk is not None and out[f.name] is None:
                raise ServiceError("未找到所选会议。")
        else:
            out[f.name] = raw
    return out


def _initial(kind: RecordKind, obj: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in kind.fields:
        value = getattr(obj, f.name)
        if f.kind == "date":
            values[f.name] = _date_str(value)
        elif f.kind == "member":
            values[f.name] = value.name
        elif f.kind == "members":
            values[f.name] = "、".join(m.name for m in value.all())
        elif f.kind == "meeting":
            values[f.name] = str(value.pk) if value else ""
        else:
            values[f.name] = "" if value is None else str(value)
    return values


def _nav() -> list[tuple[str, str]]:
    return [(k.slug, k.title) for k in KINDS.values()]


@login_required
def listing(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    committee = _committee(request)
    year = _year(request.GET.get("year"))
    page = Paginator(spec.listing(committee, year), 50).get_page(request.GET.get("page"))
    rows = [(obj, [(h, fn(obj)) for h, fn in spec.columns]) for obj in page.object_list]
    return render(
        request,
        "duties/records.html",
        {
            "spec": spec,
            "year": year,
            "years": _years(),
            "page": page,
            "rows": rows,
            "headers": [h for h, _fn in spec.columns],
            "nav": _nav(),
        },
    )


def _form(request: HttpRequest, spec: RecordKind, committee: Any, year: int, obj: Any | None) -> HttpResponse:
    editing = obj is not None
    values: dict[str, Any] = _initial(spec, obj) if editing else {}
    if request.method == "POST":
        values.update(request.POST.dict())
    return render(
        request,
        "duties/record_form.html",
        {
            "spec": spec,
            "year": year,
            "obj": obj,
            "values": values,
            "fields": [(f, not editing or f.on_edit, str(values.get(f.name, "") or "")) for f in spec.fields],
            "names": selectors.member_names(committee.pk)
            if any(f.kind in ("member", "members") for f in spec.fields)
            else [],
            "meetings": selectors.speech_meetings(committee, year)
            if any(f.kind == "meeting" for f in spec.fields)
            else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _back(spec: RecordKind, year: int) -> str:
    return f"{reverse('duties:records', kwargs={'kind': spec.slug})}?year={year}"


@login_required
def record_new(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    committee = _committee(request)
    year = _year(request.POST.get("year") or request.GET.get("year"))
    if request.method == "POST":
        try:
            values = _values(spec, request.POST, committee, year, editing=False)
            spec.add(request.user, committee, year, values)
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已登记{spec.label}。")
            return redirect(_back(spec, year))
    return _form(request, spec, committee, year, None)


def _record(spec: RecordKind, committee: Any, pk: int) -> Any:
    obj = spec.model._default_manager.filter(pk=pk, committee=committee).first()  # type: ignore[misc]
    if obj is None:
        raise Http404(f"未找到{spec.noun.removeprefix('该')}。")
    return obj


def _year_of(obj: Any) -> int:
    if isinstance(obj, Honour):
        return obj.year
    day = next(getattr(obj, n) for n in ("adopted_on", "published_on", "given_on") if hasattr(obj, n))
    return int(day.year)


@login_required
def record_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    committee = _committee(request)
    obj = _record(spec, committee, pk)
    year = _year_of(obj)
    if request.method == "POST":
        try:
            values = _values(spec, request.POST, committee, year, editing=True)
            obj = services.record_update(
                actor=request.user,
                kind=spec.slug,
                record_id=obj.pk,
                values=values,
                expected_version=to_int(request.POST.get("version"), default=None),
            )
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, f"已修改{spec.label}。")
            return redirect(_back(spec, _year_of(obj)))
    return _form(request, spec, committee, year, obj)


@login_required
@require_POST
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    committee = _committee(request)
    obj = _record(spec, committee, pk)
    year = _year_of(obj)
    try:
        services.record_delete(
            actor=request.user,
            kind=spec.slug,
            record_id=obj.pk,
            expected_version=to_int(request.POST.get("version"), default=None),
        )
    except ServiceError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已{spec.delete_label}{spec.label}。")
    return redirect(_back(spec, year))
