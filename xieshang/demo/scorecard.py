"""The figures of the demo year that come from outside the platform, entered by the office as it would:
with the source that provided them, a few days before the year-end scorecard is published."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xieshang.demo.timeline import at, on
from xieshang.organisations.models import Committee, User
from xieshang.scorecard import services
from xieshang.scorecard.models import ManualFigure

SOURCE = "区政务服务数据管理局《2022年“禅智慧”城市大脑建设运营情况报告》"
# key: (value, source)
FIGURES: dict[str, tuple[Decimal, str]] = {
    "city_brain_cost_reduction": (Decimal("60.2"), SOURCE),
    "city_brain_savings": (Decimal("1.3"), SOURCE),
    "village_window_reduction": (Decimal("44"), "区政务服务数据管理局《村居窗口业务数据审批压减情况统计》"),
}
ENTERED_ON = dt.date(2023, 1, 9)


def seed_manual_figures(committee: Committee, *, year: int = 2022) -> int:
    """Enter the year's outside figures the committee has not entered yet; returns how many were entered."""
    office = User.objects.filter(committee=committee, role=User.Role.OFFICE, is_active=True).order_by("id").first()
    if office is None:
        raise LookupError("demo committee has no office account; run seed_demo first")
    entered = 0
    for i, (key, (value, source)) in enumerate(FIGURES.items()):
        if ManualFigure.objects.filter(committee=committee, year=year, key=key).exists():
            continue
        with at(on(ENTERED_ON, 10, 5 * i)):
            services.manual_figure_set(
                actor=office, committee=committee, year=year, key=key, value=value, source=source
            )
        entered += 1
    return entered
