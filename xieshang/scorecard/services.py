"""Writes of the scorecard: the office enters a manual figure for a committee-year, with its source."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from xieshang.core import audit, indicators, writes
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.text import clean_text
from xieshang.organisations.models import Committee

from . import permissions as perms
from . import selectors
from .models import ManualFigure


def _value(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw).strip().rstrip("%").replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(f"数值「{raw}」无法识别，请填写数字，例如 60.2。") from None
    if not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ServiceError("数值超出范围。")
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def manual_figure_set(
    *,
    actor: Any,
    committee: Committee,
    year: Any,
    key: str,
    value: Any,
    source: str,
    expected_version: int | None = None,
) -> ManualFigure:
    """A figure from outside the platform (e.g. the city-brain savings): its source is required; audited."""
    if not perms.can_enter_figures(actor, committee):
        raise PermissionDeniedError("只有本级政协机关工作人员可以录入成绩单数据。")
    try:
        indicator = indicators.get(key)
    except KeyError:
        raise ServiceError("没有这项指标。") from None
    if not indicator.manual:
        raise ServiceError(f"「{indicator.label}」由平台记录自动统计，不能手工录入。")
    year = selectors.check_year(committee, year)
    number = _value(value)
    source = clean_text(source, field="数据来源", limit=200, required=False, single_line=True)
    if not source:
        raise ServiceError(f"请填写「{indicator.label}」的数据来源（提供数据的单位或文件），没有来源的数据不能录入。")
    now = timezone.now()
    existing = ManualFigure.objects.select_for_update().filter(committee=committee, year=year, key=key).first()
    before = ""
    if existing is None:
        figure = ManualFigure.objects.create(
            committee=committee, year=year, key=key, value=number, source=source, entered_by=actor, entered_at=now
        )
    else:
        figure = existing
        writes.check_version(figure, expected_version, name="该数据")
        before = str(figure.value)
        figure.value, figure.source, figure.entered_by, figure.entered_at = number, source, actor, now
        writes.save(figure, "value", "source", "entered_by", "entered_at")
    audit.record(
        thread=f"scorecard:{committee.pk}:{year}",
        target=figure,
        action="manual_figure_set",
        actor=actor,
        from_state=before,
        to_state=str(number),
        reason=source,
        data={"key": key},
    )
    return figure
