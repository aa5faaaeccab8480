"""The scorecard figures this app holds the records of (imported once from ``DutiesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from xieshang.core.indicators import Indicator, Part, Tally, register

from . import selectors as s
from .models import Meeting

K = Meeting.Kind


def _def(key: str, section: int, label: str, unit: str, definition: str, records: Any, order: int) -> None:
    register(
        Indicator(
            key=key,
            section=section,
            label=label,
            unit=unit,
            definition=definition,
            compute=Tally(Part(records)),
            records=records,
            order=order,
        )
    )


def _leader_records(committee: Any, year: int) -> list[Any]:
    return [
        *s.leader_attendances(committee, year),
        *s.leader_participations(committee, year).select_related("activity").order_by("activity__starts_at"),
    ]


_def(
    "study_sessions",
    1,
    "党组会、主席会、中心组学习",
    "期",
    "当年召开的党组会、主席会议和理论学习中心组学习会的期数（按会议开始日期计）。",
    lambda c, y: s.meetings(c, y, Meeting.STUDY_KINDS),
    10,
)
register(
    Indicator(
        key="leader_attendances",
        section=1,
        label="区党政领导参加政协重要会议和协商活动",
        unit="人次",
        definition="区党政主要领导、分管领导出席政协会议（由会议组织者登记出席）和协商活动（协商活动参加人员中记为出席的区领导）的人次。",
        compute=Tally(Part(s.leader_attendances), Part(s.leader_participations)),
        records=_leader_records,
        order=20,
    )
)
_def(
    "training_classes",
    5,
    "委员业务培训班",
    "期",
    "当年举办的政协委员业务培训班期数。",
    lambda c, y: s.meetings(c, y, [K.TRAINING_CLASS]),
    20,
)
_def(
    "topic_trainings",
    5,
    "专题培训",
    "期",
    "当年开展的专题培训期数（如“政务摄影技术”培训）。",
    lambda c, y: s.meetings(c, y, [K.TOPIC_TRAINING]),
    30,
)
_def(
    "training_person_times",
    5,
    "参加培训",
    "人次",
    "委员业务培训班和专题培训中由组织者记为出席的委员人次。",
    lambda c, y: s.attendances(c, y, Meeting.TRAINING_KINDS),
    40,
)
_def(
    "reading_events",
    4,
    "读书分享活动",
    "场次",
    "当年开展的政协荐书、悦读读书分享等读书活动场次。",
    lambda c, y: s.meetings(c, y, [K.READING]),
    50,
)
_def(
    "reading_person_times",
    4,
    "参加读书活动",
    "人次",
    "读书活动中由组织者记为出席的委员人次。",
    lambda c, y: s.attendances(c, y, [K.READING]),
    60,
)
_def(
    "rules_established",
    5,
    "建立健全制度",
    "项",
    "当年经主席会议或常委会议审议通过的制度文件项数（以通过日期计）。",
    s.rules_documents,
    10,
)
_def(
    "excellent_members",
    5,
    "优秀履职委员",
    "人次",
    "获评当年度优秀履职委员的人次（按评定年度计）。",
    s.excellent_members,
    50,
)
_def(
    "member_features",
    5,
    "优秀委员履职风采",
    "期",
    "当年刊出的《委员风采》期数。",
    s.member_features,
    60,
)
_def(
    "media_reports",
    5,
    "媒体报道政协做法",
    "篇次",
    "当年各级媒体报道本会工作和委员履职的篇次（以刊发日期计）。",
    s.media_reports,
    70,
)
_def(
    "judicial_supervision_member_times",
    3,
    "选派委员参与司法监督",
    "人次",
    "委员参加政协组织的司法监督活动（走访公安、法院、检察院等）并由组织者记为出席的人次。",
    lambda c, y: s.attendances(c, y, [K.JUDICIAL]),
    30,
)
