"""The demo year's member duties: meetings with attendance and leave, study and training, the committee's own work.

``seed_duties(committee, year=2022)`` makes each record one by one through ``xieshang.duties.services``
under a travelling clock (every service runs at the moment the step happened), so that the duties
indicators of the year equal the seed's figures: 92 study sessions, 13 leader attendances, 2
training classes and 6 topic trainings with 725 person-times, 6 reading events with 158
person-times, 84 member-times of judicial supervision, 10 rules documents, 58 excellent members,
10 member features and 145 media reports. The members with accounts come first in every roll, so
their duty files are complete. A second run finds the year's meetings and adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import time_machine
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from xieshang.duties import services
from xieshang.duties.models import Attendance, LeaveRequest, Meeting
from xieshang.organisations.models import Committee, Leader, Member, User

K = Meeting.Kind
PRESENT, LEAVE, ABSENT = Attendance.Status.PRESENT, Attendance.Status.LEAVE, Attendance.Status.ABSENT

FIGURES = {
    "study_sessions": 92,
    "leader_attendances": 13,
    "training_classes": 2,
    "topic_trainings": 6,
    "training_person_times": 725,
    "reading_events": 6,
    "reading_person_times": 158,
    "judicial_supervision_member_times": 84,
    "rules_established": 10,
    "excellent_members": 58,
    "member_features": 10,
    "media_reports": 145,
}

# 2022's public holidays (国务院办公厅通知), besides weekends; the make-up working Saturdays are left out.
HOLIDAYS = {
    *(dt.date(2022, 1, d) for d in (1, 2, 3)),
    *(dt.date(2022, 1, 31) + dt.timedelta(days=i) for i in range(7)),
    *(dt.date(2022, 4, d) for d in (3, 4, 5)),
    *(dt.date(2022, 4, 30) + dt.timedelta(days=i) for i in range(5)),
    *(dt.date(2022, 6, d) for d in (3, 4, 5)),
    *(dt.date(2022, 9, d) for d in (10, 11, 12)),
    *(dt.date(2022, 10, d) for d in range(1, 8)),
}

STUDY_TOPICS = [
    "学习习近平新时代中国特色社会主义思想",
    "传达学习全国两会精神",
    "学习习近平总书记关于加强和改进人民政协工作的重要思想",
    "传达学习中央政协工作会议精神",
    "学习《中国共产党政治协商工作条例》",
    "传达学习省第十三次党代会精神",
    "学习习近平总书记在庆祝中国共产主义青年团成立100周年大会上的重要讲话",
    "学习《习近平谈治国理政》第四卷",
    "传达学习市第十三次党代会精神",
    "学习习近平总书记关于统一战线工作的重要论述",
    "学习习近平总书记关于疫情防控的重要指示精神",
    "学习《中国共产党统一战线工作条例》",
]
AFTER_CONGRESS = [
    "学习贯彻党的二十大精神",
    "传达学习党的二十大报告",
    "学习党的二十大通过的《中国共产党章程（修正案）》",
    "学习领会党的二十大关于全过程人民民主的重要论述",
]
CONGRESS_OPENED = dt.date(2022, 10, 16)

TRAINING_CLASSES = [
    (dt.date(2022, 3, 22), "第五届区政协委员履职能力提升培训班（第一期）", "区委党校"),
    (dt.date(2022, 9, 20), "第五届区政协委员履职能力提升培训班（第二期）", "区委党校"),
]
TOPIC_TRAININGS = [
    (dt.date(2022, 4, 19), "“政务摄影技术”专题培训"),
    (dt.date(2022, 5, 17), "提案撰写专题培训"),
    (dt.date(2022, 6, 14), "社情民意信息撰写专题培训"),
    (dt.date(2022, 7, 12), "“数字政协”平台应用专题培训"),
    (dt.date(2022, 8, 16), "《中华人民共和国民法典》专题讲座"),
    (dt.date(2022, 11, 15), "学习贯彻党的二十大精神专题培训"),
]
# 450 at the two classes (most of the new term's members), 275 at the six topic trainings
TRAINING_SIZES = [232, 218, 48, 45, 44, 46, 47, 45]

READING = [
    (dt.date(2022, 3, 30), "“政协荐书”读书分享会：《习近平谈治国理政》第四卷"),
    (dt.date(2022, 4, 23), "“世界读书日”悦读分享会：《岭南文化》"),
    (dt.date(2022, 6, 29), "“悦读”读书分享会：《“最佛山”打卡点》"),
    (dt.date(2022, 8, 24), "“悦读”读书分享会：《简话佛山中医药》"),
    (dt.date(2022, 10, 26), "“书香政协”读书分享会：党的二十大报告"),
    (dt.date(2022, 12, 14), "“政协荐书”读书分享会：《中国式现代化》"),
]
READING_SIZES = [30, 26, 28, 24, 25, 25]

JUDICIAL = [
    (dt.date(2022, 3, 10), "走访调研“智慧公安”建设（区公安分局指挥中心）"),
    (dt.date(2022, 4, 21), "参与“阳光法院”庭审观摩和司法公开评议"),
    (dt.date(2022, 5, 26), "走访调研区检察院“灯塔工程”建设"),
    (dt.date(2022, 7, 7), "参与区法院执行工作监督评议"),
    (dt.date(2022, 8, 30), "参与区检察院公开听证"),
    (dt.date(2022, 10, 27), "走访调研“智慧公安”派出所建设"),
    (dt.date(2022, 12, 8), "参与区法院“阳光法院”建设成效评议"),
]
JUDICIAL_SIZE = 12

STANDING = [
    (dt.date(2022, 3, 16), "第二次"),
    (dt.date(2022, 6, 22), "第三次"),
    (dt.date(2022, 8, 17), "第四次"),
    (dt.date(2022, 10, 19), "第五次"),
    (dt.date(2022, 12, 21), "第六次"),
]
PLENARY = [
    (dt.datetime(2022, 1, 17, 9, 0), "政协第五届禅城区委员会第二次会议开幕大会"),
    (dt.datetime(2022, 1, 19, 15, 0), "政协第五届禅城区委员会第二次会议闭幕大会"),
]

RULES = [
    (dt.date(2022, 2, 24), "禅城区政协委员履职管理办法", "常委会议"),
    (dt.date(2022, 2, 24), "禅城区政协委员荣誉奖励办法", "常委会议"),
    (dt.date(2022, 3, 9), "禅城区政协党组“第一议题”学习制度", "党组会"),
    (dt.date(2022, 3, 16), "禅城区政协年度协商计划制定办法", "常委会议"),
    (dt.date(2022, 4, 13), "禅城区政协工作联系站管理办法", "主席会议"),
    (dt.date(2022, 5, 18), "禅城区政协提案办理协商督办办法", "主席会议"),
    (dt.date(2022, 6, 22), "禅城区政协社情民意信息工作办法", "常委会议"),
    (dt.date(2022, 7, 20), "禅城区政协委员学习培训制度", "主席会议"),
    (dt.date(2022, 8, 17), "禅城区政协专门委员会工作规则", "常委会议"),
    (dt.date(2022, 11, 16), "禅城区政协机关跟进服务委员工作办法", "主席会议"),
]

OUTLETS = ["佛山日报", "珠江时报", "禅城发布", "南方+", "佛山电视台", "人民政协网", "广东政协", "学习强国"]
MEDIA_SUBJECTS = [
    "“有事禅商量”协商平台助推“六最”禅城建设",
    "区政协委员视察岭南文脉之城建设",
    "区政协召开专题协商会聚焦数字经济发展",
    "政协委员走进软件园开展问题协商",
    "区政协组织委员开展“六最”禅城专项视察",
    "政协委员建言生活污水处理提质增效",
    "“委员看禅城”走进高铁新城",
    "区政协“微协商”助推河涌治理",
    "政协委员参与司法监督走访“阳光法院”",
    "区政协“书香政协”读书分享会举行",
    "区政协开展委员履职培训",
    "港澳委员座谈交流共话湾区发展",
    "区政协领导挂点联系企业解难题",
    "区政协志愿服务队投身疫情防控",
    "“数字政协”全面建成启用",
    "区政协学习贯彻党的二十大精神",
    "政协委员捐赠抗疫物资",
    "区政协召开提案督办协商会",
    "政协委员调研长者饭堂运营",
    "区政协协商推动“禅乡渔歌”农业公园建设",
]
FEATURE_TITLES = [
    "扎根基层 为民建言",
    "深耕教育 守护成长",
    "抗疫一线的政协身影",
    "以科技创新助推制造业转型",
    "守护岭南文脉的政协委员",
    "港澳委员的湾区情怀",
    "医者仁心 履职为民",
    "乡村振兴路上的委员力量",
    "数字经济的建言者",
    "法治禅城的守护者",
]
SPEECHES = [
    "关于加快打造“最佛山”文化经济的建议",
    "推动制造业数字化转型 助力禅城高质量发展",
    "关于优化营商环境的几点建议",
    "擦亮岭南文脉之城名片",
    "关于推进城市更新与产业升级协同发展的建议",
    "办好人民满意的教育",
    "完善基层医疗卫生服务体系",
    "推动“一老一小”服务提质增效",
    "加快推进东平河水轴线建设",
    "以数字化推动社会治理现代化",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _working(day: dt.date, *, back: bool = False) -> dt.date:
    step = dt.timedelta(days=-1 if back else 1)
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += step
    return day


def _spread(year: int, n: int) -> list[dt.date]:
    """``n`` working days spread evenly over the year (a working day may carry two meetings)."""
    first, last = dt.date(year, 1, 5), dt.date(year, 12, 29)
    span = (last - first).days
    return [_working(first + dt.timedelta(days=int(i * span / n))) for i in range(n)]


class _Seeder:
    def __init__(self, committee: Committee, year: int) -> None:
        self.committee = committee
        self.year = year
        self.office = self._staff(User.Role.OFFICE) or self._staff(User.Role.ADMIN)
        if self.office is None:
            raise ValueError(f"{committee.name}没有政协机关工作人员账号，不能生成履职记录。")
        # plenary and standing-committee leave is decided by the secretariat (or an administrator)
        self.secretariat = User.objects.filter(
            committee=committee, role=User.Role.OFFICE, office=User.Office.SECRETARIAT
        ).order_by("pk").first() or self._staff(User.Role.ADMIN)
        members = Member.objects.filter(committee=committee).filter(
            Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=dt.date(year, 1, 1)),
            term__starts_on__lte=dt.date(year, 12, 31),
        )
        # members with accounts first: their duty files are the complete ones people open
        self.members = sorted(members, key=lambda m: (m.user_id is None, m.pk))
        self.standing = [m for m in self.members if m.is_standing]
        # the chair's council (主席会议成员) sit at every study session: the standing members with accounts
        # and the first standing members, seven in all
        self.council = (self.standing + [m for m in self.members if not m.is_standing])[:7]
        self.leaders = [
            ld for ld in Leader.objects.filter(committee=committee).order_by("pk") if "政协" not in ld.title
        ]
        self.made: dict[str, int] = {}

    def _staff(self, role: str) -> User | None:
        return User.objects.filter(committee=self.committee, role=role, is_active=True).order_by("pk").first()

    def d(self, day: dt.date) -> dt.date:
        """A day of the 2022 calendar above, in the year being made."""
        return day.replace(year=self.year)

    def add(self, what: str, n: int = 1) -> None:
        self.made[what] = self.made.get(what, 0) + n

    @staticmethod
    def clock(moment: dt.datetime) -> Any:
        return time_machine.travel(moment, tick=False)

    def roll(self, offset: int, n: int) -> list[Member]:
        """``n`` members from ``offset`` on (wrapping): each meeting draws a different part of the committee."""
        count = len(self.members)
        if n > count:
            raise ValueError(f"需要 {n} 名委员，本届只有 {count} 名。")
        return [self.members[(offset + i) % count] for i in range(n)]

    # --- one meeting, its leave and its attendance -------------------------------------------------

    def meeting(
        self,
        kind: str,
        title: str,
        starts: dt.datetime,
        hours: float,
        *,
        present: Sequence[Member],
        on_leave: Sequence[Member] = (),
        absent: Sequence[Member] = (),
        leaders: Sequence[Leader] = (),
        location: str = "区政协会议室",
    ) -> Meeting:
        with self.clock(starts - dt.timedelta(days=7, hours=2)):
            m = services.meeting_create(
                actor=self.office,
                committee=self.committee,
                kind=kind,
                title=title,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=hours),
                location=location,
            )
        self.add("meetings")
        approver = self.secretariat if kind in (K.PLENARY, K.STANDING) else self.office
        if approver is None:  # nobody may approve plenary leave: those members attend
            present, on_leave = [*present, *on_leave], ()
        for j, member in enumerate(on_leave):
            asked = starts - dt.timedelta(days=2, hours=1, minutes=-j)
            with self.clock(asked):
                leave = services.leave_request(
                    actor=member.user if member.user_id else self.office,
                    meeting_id=m.pk,
                    member=member,
                    kind=LeaveRequest.Kind.values[(member.pk + j) % len(LeaveRequest.Kind.values)],
                    reason=["区人大会议期间公务冲突", "出差在外", "身体不适", "单位重要会议", "家中有事"][j % 5],
                )
            with self.clock(asked + dt.timedelta(hours=3)):
                services.leave_decide(actor=approver, leave_id=leave.pk, approve=True)
            self.add("leave requests")
        with self.clock(starts + dt.timedelta(hours=hours, minutes=20)):
            rows = services.attendance_record(
                actor=self.office,
                meeting_id=m.pk,
                members=[(x, PRESENT) for x in present]
                + [(x, LEAVE) for x in on_leave]
                + [(x, ABSENT) for x in absent],
                leaders=leaders,
            )
        self.add("attendance", len(rows))
        return m

    def sized(
        self, kind: str, title: str, starts: dt.datetime, hours: float, size: int, offset: int, **kw: Any
    ) -> Meeting:
        """A meeting with ``size`` members present, two on approved leave and one absent without leave."""
        roll = self.roll(offset, size + 3) if size + 3 <= len(self.members) else self.roll(offset, size)
        return self.meeting(
            kind,
            title,
            starts,
            hours,
            present=roll[:size],
            on_leave=roll[size : size + 2],
            absent=roll[size + 2 :],
            **kw,
        )

    def leaders_from(self, start: int, n: int) -> list[Leader]:
        if len(self.leaders) < n:
            raise ValueError(f"需要 {n} 位区党政领导，只有 {len(self.leaders)} 位。")
        return [self.leaders[(start + i) % len(self.leaders)] for i in range(n)]

    # --- the year --------------------------------------------------------------------------------------

    def plenary(self) -> None:
        # leader attendances: 3 at the opening, 2 at the closing (and 5 standing, 1 chair's council,
        # 1 study session, 1 training class below): 13 in all
        for k, (starts, title) in enumerate(PLENARY):
            when = timezone.make_aware(starts.replace(year=self.year))
            others = [m for m in self.members[2:] if not m.is_standing]
            on_leave = others[3 + k * 7 : 3 + k * 7 + 6]
            absent = [] if k == 0 else others[60:61]
            present = [m for m in self.members if m not in on_leave and m not in absent]
            self.meeting(
                K.PLENARY,
                title,
                when,
                2.5,
                present=present,
                on_leave=on_leave,
                absent=absent,
                leaders=self.leaders_from(0, 3 if k == 0 else 2),
                location="禅城区会议中心",
            )
            if k == 1:
                for j, text in enumerate(SPEECHES):
                    member = self.members[j * 7 % len(self.members)]
                    with self.clock(when + dt.timedelta(hours=3, minutes=j)):
                        services.speech_add(
                            actor=self.office,
                            member=member,
                            title=text,
                            form="oral" if j < 4 else "written",
                            given_on=when.date(),
                        )
                    self.add("speeches")

    def standing_meetings(self) -> None:
        for k, (day, nth) in enumerate(STANDING):
            roll = self.standing or self.council
            on_leave = roll[k + 1 : k + 2] if len(roll) > 3 else []
            self.meeting(
                K.STANDING,
                f"政协第五届禅城区委员会常务委员会{nth}会议",
                _at(_working(self.d(day)), 9, 30),
                3,
                present=[m for m in roll if m not in on_leave],
                on_leave=on_leave,
                leaders=self.leaders_from(3 + k, 1),
            )

    def study_sessions(self) -> None:
        kinds = [K.PARTY_GROUP, K.CHAIR, K.STUDY_GROUP, K.PARTY_GROUP, K.CHAIR]
        seen = {K.PARTY_GROUP: 0, K.CHAIR: 0, K.STUDY_GROUP: 0}
        names = {K.PARTY_GROUP: "党组会", K.CHAIR: "主席会议", K.STUDY_GROUP: "理论学习中心组学习会"}
        leader_chair, leader_study = False, False
        for i, day in enumerate(_spread(self.year, FIGURES["study_sessions"])):
            kind = kinds[i % len(kinds)]
            seen[kind] += 1
            topics = AFTER_CONGRESS if day >= self.d(CONGRESS_OPENED) else STUDY_TOPICS
            topic = topics[i % len(topics)]
            title = f"{self.year}年第{seen[kind]}次{names[kind]}：{topic}"
            leaders: list[Leader] = []
            if kind == K.CHAIR and not leader_chair and day.month == 4:
                leaders, leader_chair = self.leaders_from(1, 1), True
            if kind == K.STUDY_GROUP and not leader_study and day >= self.d(CONGRESS_OPENED):
                leaders, leader_study = self.leaders_from(0, 1), True
            council = self.council
            on_leave = council[-1:] if i % 9 == 4 else []
            self.meeting(
                kind,
                title,
                _at(day, 15 if i % 2 else 9, 0),
                2,
                present=[m for m in council if m not in on_leave],
                on_leave=on_leave,
                leaders=leaders,
            )
        if not (leader_chair and leader_study):
            raise ValueError("study sessions: the leaders' attendances were not placed")

    def trainings(self) -> None:
        sizes = iter(TRAINING_SIZES)
        for k, (day, title, place) in enumerate(TRAINING_CLASSES):
            self.sized(
                K.TRAINING_CLASS,
                title,
                _at(self.d(day), 9),
                7,
                next(sizes),
                k * 120,
                leaders=self.leaders_from(0, 1) if k == 0 else (),
                location=place,
            )
        for k, (day, title) in enumerate(TOPIC_TRAININGS):
            self.sized(K.TOPIC_TRAINING, title, _at(self.d(day), 14, 30), 2.5, next(sizes), 40 + k * 37)

    def reading(self) -> None:
        for k, ((day, title), size) in enumerate(zip(READING, READING_SIZES, strict=True)):
            self.sized(K.READING, title, _at(self.d(day), 15), 2, size, k * 29, location="区政协“书香政协”阅读室")

    def judicial(self) -> None:
        for k, (day, title) in enumerate(JUDICIAL):
            self.sized(K.JUDICIAL, title, _at(self.d(day), 9, 30), 3, JUDICIAL_SIZE, 11 + k * 17, location="")

    def rules(self) -> None:
        for adopted, title, body in RULES:
            day = self.d(adopted)
            with self.clock(_at(day, 17)):
                services.rules_document_add(
                    actor=self.office, committee=self.committee, title=title, adopted_on=day, adopted_by=body
                )
            self.add("rules documents")

    def honours(self) -> list[Member]:
        """优秀履职委员: the 58 members who attended most of the year's meetings (ties: the earlier registered)."""
        attended = dict(
            Attendance.objects.filter(member__in=self.members, meeting__starts_at__year=self.year, status=PRESENT)
            .values("member")
            .annotate(n=Count("id"))
            .values_list("member", "n")
        )
        best = sorted(self.members, key=lambda m: (-attended.get(m.pk, 0), m.pk))[: FIGURES["excellent_members"]]
        day = _working(dt.date(self.year, 12, 28), back=True)
        for j, member in enumerate(best):
            with self.clock(_at(day, 16, j // 10)):
                services.honour_award(actor=self.office, member=member, year=self.year, awarded_on=day)
            self.add("honours")
        return best

    def features(self, honoured: list[Member]) -> None:
        for k, title in enumerate(FEATURE_TITLES):
            day = _working(dt.date(self.year, 3 + k, 25), back=True)
            people = [honoured[(2 * k) % len(honoured)], honoured[(2 * k + 1) % len(honoured)]] if honoured else []
            with self.clock(_at(day, 10)):
                services.feature_publish(
                    actor=self.office,
                    committee=self.committee,
                    number=k + 1,
                    title=f"委员风采｜{title}",
                    published_on=day,
                    members=people,
                )
            self.add("member features")

    def media(self) -> None:
        days = _spread(self.year, FIGURES["media_reports"])
        for k, day in enumerate(days):
            outlet = OUTLETS[k % len(OUTLETS)]
            pick = k * 7
            subject = MEDIA_SUBJECTS[pick % len(MEDIA_SUBJECTS)]
            while "二十大" in subject and day < self.d(CONGRESS_OPENED):  # reported only after the congress
                pick += 1
                subject = MEDIA_SUBJECTS[pick % len(MEDIA_SUBJECTS)]
            people = [self.members[(k * 5) % len(self.members)]] if k % 3 == 0 else []
            with self.clock(_at(day, 18)):
                services.media_report_add(
                    actor=self.office,
                    committee=self.committee,
                    title=subject,
                    outlet=outlet,
                    published_on=day,
                    members=people,
                )
            self.add("media reports")


def seed_duties(committee: Committee, *, year: int = 2022) -> dict[str, int]:
    """Make the year's duties records (nothing when the year already has meetings); returns what was made."""
    if Meeting.objects.filter(committee=committee, starts_at__year=year).exists():
        return {}
    seeder = _Seeder(committee, year)
    with transaction.atomic():
        for step in _steps(seeder):
            step()
        seeder.features(seeder.honours())
    return seeder.made


def _steps(s: _Seeder) -> Iterator[Any]:
    yield s.plenary
    yield s.standing_meetings
    yield s.study_sessions
    yield s.trainings
    yield s.reading
    yield s.judicial
    yield s.rules
    yield s.media
