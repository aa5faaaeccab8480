"""Reads of the scorecard: one committee-year's figures from the indicator registry, and the records behind each.

The scorecard defines no figure itself: every computed figure is ``compute(committee, year)`` of an
indicator registered by the app that holds its records, and every manual figure is the office's
``ManualFigure`` with its source. Apps that are not installed or have not registered yet simply
have no figure here; the page shows what is registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from xieshang.core import indicators
from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.indicators import Indicator
from xieshang.organisations.models import Committee

from .models import ManualFigure

SECTIONS: dict[int, tuple[str, str]] = {
    1: ("聚焦加强党的全面领导", "共同思想政治基础更加坚实"),
    2: ("聚焦中心大局", "协商议政平台作用更加彰显"),
    3: ("聚焦人民至上", "为民履职更接地气"),
    4: ("聚焦守正创新", "团结向心力更加增强"),
    5: ("聚焦固本强基", "政协履职更加有效"),
}


def resolve_committee(text: Any) -> Committee:
    """A committee by its slug (e.g. ``chancheng``) or its id; anything else is refused with a clear message."""
    value = str(text or "").strip()
    committee = Committee.objects.filter(~Q(slug=""), slug=value).first() if value else None
    if committee is None and value.isdigit() and len(value) < 12:
        committee = Committee.objects.filter(pk=int(value)).first()
    if committee is None:
        known = "、".join(Committee.objects.exclude(slug="").order_by("slug").values_list("slug", flat=True)[:20])
        raise NotFoundError(f"没有标识为「{value}」的政协委员会。" + (f"已有：{known}。" if known else ""))
    return committee


def years(committee: Committee) -> list[int]:
    """The years the committee has records for: from its first term's start to this year, newest first."""
    first = committee.terms.order_by("starts_on").values_list("starts_on", flat=True).first()
    if first is None:
        return []
    return list(range(timezone.localdate().year, first.year - 1, -1))


def check_year(committee: Committee, year: Any) -> int:
    text = str(year if year is not None else "").strip()
    number = int(text) if text.isdigit() and len(text) == 4 else None
    known = years(committee)
    if number is None or number not in known:
        span = f"{known[-1]}–{known[0]} 年" if known else "（尚无届次记录）"
        raise ServiceError(f"{committee.name}没有「{text}」年度的成绩单：可查询的年度为 {span}。")
    return number


def _plain(value: Any) -> Any:
    """Decimal → int or float for JSON and charts."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass
class Figure:
    indicator: Indicator
    value: Any
    previous: Any = None
    manual: ManualFigure | None = None

    @property
    def source(self) -> str:
        return "manual" if self.indicator.manual else "computed"

    @property
    def drills(self) -> bool:
        return self.indicator.records is not None

    @property
    def change(self) -> Any:
        if self.value is None or self.previous is None:
            return None
        return _plain(Decimal(str(self.value)) - Decimal(str(self.previous)))


@dataclass
class Section:
    number: int
    title: str
    subtitle: str
    figures: list[Figure] = field(default_factory=list)


def _values(committee: Committee, years_: list[int], registered: list[Indicator]) -> dict[int, dict[str, Any]]:
    """Every figure of these years: the counts of all of them in one query, the other figures one by one."""
    out: dict[int, dict[str, Any]] = {y: {} for y in years_}
    counts = [(ind, y) for y in years_ for ind in registered if isinstance(ind.compute, indicators.Tally)]
    values = indicators.tally([(ind.compute, committee, y) for ind, y in counts])  # type: ignore[misc]
    for (ind, y), value in zip(counts, values, strict=True):
        out[y][ind.key] = _plain(value)
    for y in years_:
        for ind in registered:
            if ind.compute is not None and ind.key not in out[y]:
                out[y][ind.key] = _plain(ind.compute(committee, y))
    return out


def scorecard(committee: Committee, year: int, *, previous: bool = True) -> list[Section]:
    """The committee-year's figures by section, each with last year's beside it."""
    registered = indicators.all_indicators()
    wanted = [year, year - 1] if previous and year - 1 in years(committee) else [year]
    entries = ManualFigure.objects.filter(committee=committee, year__in=wanted).select_related("entered_by")
    manual_by_year: dict[int, dict[str, ManualFigure]] = {y: {} for y in wanted}
    for m in entries:
        manual_by_year[m.year][m.key] = m
    with indicators.sharing():
        computed = _values(committee, wanted, registered)
    for y in wanted:
        for ind in registered:
            if ind.manual and ind.key in manual_by_year[y]:
                computed[y][ind.key] = _plain(manual_by_year[y][ind.key].value)
    now, manual = computed[year], manual_by_year[year]
    before = computed.get(year - 1, {})
    sections = {n: Section(n, *SECTIONS.get(n, (f"第{n}部分", ""))) for n in sorted({i.section for i in registered})}
    for ind in registered:
        sections[ind.section].figures.append(Figure(ind, now.get(ind.key), before.get(ind.key), manual.get(ind.key)))
    return list(sections.values())


def as_json(committee: Committee, year: int) -> dict[str, Any]:
    return {
        "committee": committee.slug or str(committee.pk),
        "year": year,
        "indicators": [
            {
                "key": f.indicator.key,
                "label": f.indicator.label,
                "value": f.value,
                "unit": f.indicator.unit,
                "source": f.source,
                "section": f.indicator.section,
            }
            for s in scorecard(committee, year, previous=False)
            for f in s.figures
        ],
    }


# --- the records behind a figure -----------------------------------------------------------------


@dataclass
class RecordRow:
    title: str
    when: Any
    detail: str
    url: str


_DATE_FIELDS = (
    "starts_at",
    "submitted_at",
    "completed_on",
    "created_at",
    "given_on",
    "adopted_on",
    "awarded_on",
    "published_on",
    "decided_on",
)


def _url(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


# The committee's own records kept on the office's record pages (/duties/records/<kind>/…).
RECORD_PAGES = {
    "duties.RulesDocument": "rules",
    "duties.Honour": "honours",
    "duties.MemberFeature": "features",
    "duties.MediaReport": "media",
    "duties.Speech": "speeches",
}


def _record_page(label: str, pk: Any) -> str:
    try:
        return reverse("duties:record_edit", kwargs={"kind": RECORD_PAGES[label], "pk": pk})
    except NoReverseMatch:
        return ""


def describe(obj: Any, *, record_pages: bool = True) -> RecordRow:
    """One line of a drill-down list, for any record an indicator lists. ``record_pages``: whether the
    reader may open the office's record pages (those who keep the records), else those rows have no link."""
    label = obj._meta.label
    when = next((getattr(obj, f) for f in _DATE_FIELDS if getattr(obj, f, None)), None)
    if label == "proposals.Proposal":
        return RecordRow(
            f"{obj.number_label or '（未编号）'} {obj.title}",
            obj.submitted_at,
            obj.get_status_display(),
            _url("proposals:detail", obj.pk),
        )
    if label == "proposals.KeyProposal":
        p = obj.proposal
        return RecordRow(p.title, obj.decided_on, f"领衔督办：{obj.leader}", _url("proposals:detail", p.pk))
    if label == "opinions.OpinionReport":
        return RecordRow(obj.title, obj.submitted_at, obj.get_status_display(), _url("opinions:detail", obj.pk))
    if label == "opinions.Instruction":
        return RecordRow(
            obj.report.title,
            obj.given_on,
            f"{obj.leader_title}{obj.leader_name} 批示",
            _url("opinions:detail", obj.report_id),
        )
    if label == "consultations.Activity":
        return RecordRow(obj.title, obj.starts_at, obj.get_kind_display(), _url("consultations:activity", obj.pk))
    if label == "consultations.ResearchReport":
        return RecordRow(obj.title, obj.completed_on, "专题调研报告", _url("consultations:activity", obj.activity_id))
    if label == "consultations.Suggestion":
        return RecordRow(obj.title, obj.created_at, obj.raised_by, _url("consultations:suggestion", obj.pk))
    if label == "consultations.Participant":
        a = obj.activity
        return RecordRow(
            f"{obj.name}（{obj.organisation or obj.get_kind_display()}）",
            a.starts_at,
            a.title,
            _url("consultations:activity", a.pk),
        )
    if label == "duties.Meeting":
        return RecordRow(obj.title, obj.starts_at, obj.get_kind_display(), _url("duties:meeting", obj.pk))
    if label == "duties.Attendance":
        person = obj.member or obj.leader
        return RecordRow(str(person), obj.meeting.starts_at, obj.meeting.title, _url("duties:meeting", obj.meeting_id))
    if label in RECORD_PAGES:
        url = _record_page(label, obj.pk) if record_pages else ""
        if label == "duties.Honour":
            return RecordRow(obj.member.name, obj.awarded_on, obj.title, url)
        if label == "duties.MediaReport":
            return RecordRow(obj.title, obj.published_on, obj.outlet, url)
        if label == "duties.RulesDocument":
            return RecordRow(obj.title, obj.adopted_on, f"{obj.adopted_by}审议通过", url)
        if label == "duties.MemberFeature":
            return RecordRow(f"第{obj.number}期 {obj.title}", obj.published_on, "委员风采", url)
        return RecordRow(obj.title, obj.given_on, obj.get_form_display(), url)  # duties.Speech
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return RecordRow(str(obj), when, "", url)


def records(committee: Committee, year: int, key: str) -> tuple[Indicator, Any]:
    try:
        ind = indicators.get(key)
    except KeyError:
        raise NotFoundError("没有这项指标。") from None
    if ind.records is None:
        raise NotFoundError(f"「{ind.label}」是录入的数据，没有对应的记录清单。")
    return ind, ind.records(committee, year)


def as_local(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value
