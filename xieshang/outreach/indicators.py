"""The outreach counts of the year-end scorecard, each defined once (the records in ``selectors``)."""

from __future__ import annotations

from xieshang.core.indicators import Indicator, register

from . import selectors as s

# The outreach counts in the order the pages and the API show them.
KEYS = (
    "station_people_served",
    "station_suggestions",
    "linked_enterprises",
    "enterprise_visits",
    "enterprise_appeals",
    "enterprise_appeals_solved",
    "supervision_groups",
    "supervision_problems_solved",
    "volunteers",
    "volunteer_service_times",
)

# Section 1 (聚焦加强党的全面领导): 三走, 督导组, 志愿服务队. Section 4 (守正创新): 点站结合.
register(
    Indicator(
        key="linked_enterprises",
        section=1,
        label="领导班子成员挂点联系企业",
        unit="家",
        definition="当年内有区政协领导班子成员挂点联系（挂点期与当年有交集）的企业数，每家企业计一次。",
        compute=lambda c, y: s.linked_enterprises(c, y).count(),
        records=s.linked_enterprises,
        order=10,
    )
)
register(
    Indicator(
        key="enterprise_visits",
        section=1,
        label="走访企业、专业人才",
        unit="人次",
        definition="当年“走企业”“走专业人士”走访中会见的企业人员和专业人才人次，每次走访按会见人员逐人计。",
        compute=lambda c, y: s.enterprise_visit_people(c, y).count(),
        records=s.enterprise_visit_people,
        order=20,
    )
)
register(
    Indicator(
        key="enterprise_appeals",
        section=1,
        label="收集企业诉求",
        unit="条",
        definition="当年登记并转入办理闭环的企业诉求条数（以诉求日期计）。",
        compute=lambda c, y: s.enterprise_appeals(c, y).count(),
        records=s.enterprise_appeals,
        order=30,
    )
)
register(
    Indicator(
        key="enterprise_appeals_solved",
        section=1,
        label="企业诉求得到解决",
        unit="个",
        definition="当年登记的企业诉求中已解决的个数：主办单位答复为“已解决”且已办结（与办理闭环“解决率”口径相同）。",
        compute=lambda c, y: s.enterprise_appeals_solved(c, y).count(),
        records=s.enterprise_appeals_solved,
        order=40,
    )
)
register(
    Indicator(
        key="supervision_groups",
        section=1,
        label="领导班子成员牵头督导组",
        unit="个",
        definition="督导期与当年有交集的督导组个数，每组由一名区政协领导班子成员牵头。",
        compute=lambda c, y: s.supervision_groups(c, y).count(),
        records=s.supervision_groups,
        order=50,
    )
)
register(
    Indicator(
        key="supervision_problems_solved",
        section=1,
        label="督导组助推解决问题",
        unit="个",
        definition="督导组当年反映并转入办理闭环的问题中已解决的个数（主办单位答复“已解决”且已办结）。",
        compute=lambda c, y: s.supervision_problems_solved(c, y).count(),
        records=s.supervision_problems_solved,
        order=60,
    )
)
register(
    Indicator(
        key="volunteers",
        section=1,
        label="机关志愿服务队队员",
        unit="人",
        definition="当年在册的志愿服务队队员人数（入队不晚于当年年底、未在当年之前离队），每人计一次。",
        compute=lambda c, y: s.volunteers(c, y).count(),
        records=s.volunteers,
        order=70,
    )
)
register(
    Indicator(
        key="volunteer_service_times",
        section=1,
        label="志愿服务",
        unit="人次",
        definition="当年各次志愿服务的参加人次之和，每次服务按到岗队员逐人计。",
        compute=lambda c, y: s.volunteer_service_times(c, y).count(),
        records=s.volunteer_service_times,
        order=80,
    )
)
register(
    Indicator(
        key="station_people_served",
        section=4,
        label="依托点、站联系服务群众",
        unit="人次",
        definition="当年各政协工作联系站、联系点和委员工作室来访登记的来访人数之和（一次来访多人的按人数计）。",
        compute=s.station_people_served,
        records=s.station_visits,
        order=50,
    )
)
register(
    Indicator(
        key="station_suggestions",
        section=4,
        label="点、站收集意见建议",
        unit="条",
        definition="当年联系站（点）来访登记中事项类型为“意见建议”的条数，不论其后如何处置。",
        compute=lambda c, y: s.station_suggestions(c, y).count(),
        records=s.station_suggestions,
        order=60,
    )
)
