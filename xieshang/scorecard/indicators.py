"""The manual figures of the scorecard: typed in by the office per committee-year, with their source."""

from __future__ import annotations

from xieshang.core.indicators import Indicator, register

MANUAL = [
    Indicator(
        key="city_brain_cost_reduction",
        section=4,
        label="全区信息系统建设费用下降",
        unit="%",
        definition="“禅智慧”城市大脑赋能带动全区信息系统建设费用下降的比例；由政协机关按区政务服务数据管理部门提供的数据录入。",
        order=10,
    ),
    Indicator(
        key="city_brain_savings",
        section=4,
        label="节省信息系统建设费用",
        unit="亿元",
        definition="城市大脑赋能节省的信息系统建设费用；由政协机关按区政务服务数据管理部门提供的数据录入。",
        order=20,
    ),
    Indicator(
        key="village_window_reduction",
        section=4,
        label="压减村居窗口业务",
        unit="%",
        definition="通过数据审批压减村居窗口业务的比例；由政协机关按区政务服务数据管理部门提供的数据录入。",
        order=30,
    ),
]

for indicator in MANUAL:
    register(indicator)
