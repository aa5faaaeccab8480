"""The demo year's outreach records, each created through the outreach and loop services on its day.

``seed_outreach(committee, year=2022)`` builds, under a travelling clock, the liaison stations with
their rosters and visitor logs, the enterprise linkage (links, visits, appeals through the loop),
the supervision groups with their problems through the loop, and the volunteer team with its
service records, so that the year's outreach counts equal the committee's year-end scorecard:

    station_people_served 94, station_suggestions 17, linked_enterprises 31, enterprise_visits 656,
    enterprise_appeals 45, enterprise_appeals_solved 43, supervision_groups 9,
    supervision_problems_solved 86, volunteers 15, volunteer_service_times 298.

It uses the committee's own office staff, units with staff, members and 镇街/村居 where they exist
(the demo committee has them) and creates only what is missing (a station host account, a unit).
No opinion report is created (that would change the year's 社情民意 count); two suggestions become
members' proposal drafts, which are never filed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import time_machine

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import Committee, Member, Unit, User
from xieshang.outreach import services
from xieshang.outreach.models import OutreachVisit, Station, Visit

TZ = ZoneInfo("Asia/Shanghai")
T = TypeVar("T")

TARGETS = {
    "station_people_served": 94,
    "station_suggestions": 17,
    "linked_enterprises": 31,
    "enterprise_visits": 656,
    "enterprise_appeals": 45,
    "enterprise_appeals_solved": 43,
    "supervision_groups": 9,
    "supervision_problems_solved": 86,
    "volunteers": 15,
    "volunteer_service_times": 298,
}

SUGGESTIONS = [
    "建议在社区增设长者饭堂，解决独居老人用餐难",
    "河涌夏季异味明显，建议加快截污管网建设",
    "建议在学校周边增设交通护学岗",
    "老旧小区加装电梯审批流程长，建议简化",
    "建议增加社区公园的夜间照明",
    "菜市场周边占道经营严重，建议规范管理",
    "建议在村居设立法律咨询服务点",
    "公交线路覆盖不足，建议优化社区微循环线路",
    "建议加强电动自行车充电设施建设",
    "建议对社区垃圾分类投放点进行升级改造",
    "建议增加社区托育服务供给",
    "陶瓷产业园区周边道路破损，建议维修",
    "建议在社区卫生服务站增设夜间门诊",
    "建议推进城中村消防通道整治",
    "建议增设社区全民健身设施",
    "建议加强校外培训机构监管",
    "建议打造岭南文化特色街区，带动社区商业",
]
CONSULTS = [
    "咨询新生入学积分申请材料",
    "咨询灵活就业人员社保缴费办法",
    "咨询老旧小区改造的申请条件",
    "咨询长者长寿金的申领流程",
    "咨询新冠疫苗加强针接种地点",
]
PERSONALS = [
    "反映所住小区物业服务不到位",
    "反映家门口路灯损坏多日未修",
    "反映楼下餐饮店油烟扰民",
    "反映小区地下车库渗水",
    "反映工地夜间施工噪音扰民",
    "反映公租房维修申请无人跟进",
]
ENTERPRISE_NAMES = [
    "佛山市禅城区某陶瓷有限公司",
    "佛山某智能装备科技有限公司",
    "佛山某新材料股份有限公司",
    "佛山某医疗器械有限公司",
    "佛山某数码科技有限公司",
    "佛山某食品有限公司",
    "佛山某纺织服装有限公司",
    "佛山某五金制品有限公司",
    "佛山某物流有限公司",
    "佛山某建筑设计院有限公司",
    "佛山某软件开发有限公司",
    "佛山某生物科技有限公司",
    "佛山某金融服务有限公司",
    "佛山某文化传媒有限公司",
    "佛山某电子商务有限公司",
    "佛山某环保科技有限公司",
    "佛山某汽车配件有限公司",
    "佛山某家居用品有限公司",
    "佛山某光电科技有限公司",
    "佛山某检测认证有限公司",
    "佛山某创意产业园运营有限公司",
    "佛山某酒店管理有限公司",
    "佛山某教育科技有限公司",
    "佛山某健康管理有限公司",
    "佛山某供应链管理有限公司",
    "佛山某照明电器有限公司",
    "佛山某包装印刷有限公司",
    "佛山某机械制造有限公司",
    "佛山某数字技术有限公司",
    "佛山某商业管理有限公司",
    "佛山某陶瓷机械有限公司",
]
APPEALS = [
    ("员工子女入学积分政策咨询", "企业外来务工员工较多，希望了解子女入学积分政策并协助办理。"),
    ("园区公交班次不足", "园区周边公交线路少、班次间隔长，员工上下班通勤困难，希望增设班次。"),
    ("劳动纠纷调解", "企业与离职员工就经济补偿存在争议，希望劳动部门协助调解。"),
    ("园区公共配套优化", "园区缺少员工食堂和便利店，希望协调完善公共配套设施。"),
    ("厂区周边道路破损", "厂区门前道路坑洼，货车进出不便，希望尽快修复。"),
    ("高新技术企业认定咨询", "希望了解高新技术企业认定条件和申报流程。"),
    ("用电增容审批", "新增生产线需增容用电，审批进度较慢，希望协调加快。"),
    ("人才住房申请", "引进的技术人才希望申请人才住房，希望协助了解政策。"),
    ("消防验收指导", "新厂房即将投产，希望消防部门提前指导验收。"),
]
PROBLEMS = [
    ("核酸检测点排队时间过长", "检测点高峰期排队超过一小时，建议增开采样台并错峰安排。"),
    ("隔离酒店生活物资配送不及时", "部分隔离人员反映生活物资配送延迟，建议优化配送流程。"),
    ("封控小区老人就医不便", "封控小区内慢性病老人配药困难，建议建立送药上门机制。"),
    ("卡口值守人员轮换不足", "部分卡口值守人员连续值班时间长，建议增加轮换人手。"),
    ("疫苗接种点指引不清", "接种点指引标识不清晰，群众找不到入口，建议完善指引。"),
    ("防疫物资储备不足", "部分村居防疫物资储备不足，建议及时补充口罩、消杀用品。"),
]


def _moment(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@contextmanager
def _at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def _step(moment: dt.datetime, fn: Callable[..., T], **kw: Any) -> T:
    with _at(moment):
        return fn(**kw)


def _split(total: int, parts: int, high: int) -> list[int]:
    """``parts`` whole numbers no larger than ``high`` that add up to ``total``, varied but fixed."""
    sizes = [max(1, high - (i * 7) % 4) for i in range(parts)]
    diff = total - sum(sizes)
    i = 0
    while diff:
        j = i % parts
        if diff > 0 and sizes[j] < high:
            sizes[j] += 1
            diff -= 1
        elif diff < 0 and sizes[j] > 1:
            sizes[j] -= 1
            diff += 1
        i += 1
    return sizes


class _World:
    """The committee's people and places the demo year uses, found or (if missing) made."""

    def __init__(self, committee: Committee, year: int) -> None:
        self.committee = committee
        self.year = year
        self.drafts = 0  # suggestions turned into members' proposal drafts so far
        self.office = (
            User.objects.filter(committee=committee, role=User.Role.OFFICE, is_active=True).order_by("id").first()
        )
        if self.office is None:
            self.office = User.objects.create(
                username=f"outreach_office_{committee.pk}",
                full_name="联络委工作人员",
                role=User.Role.OFFICE,
                office=User.Office.SECRETARIAT,
                committee=committee,
            )
        self.staff = list(
            User.objects.filter(committee=committee, role=User.Role.UNIT, is_active=True, unit__is_active=True)
            .select_related("unit")
            .order_by("unit_id", "id")
        )
        if not self.staff:
            unit = Unit.objects.create(committee=committee, name="区人力资源和社会保障局")
            self.staff = [
                User.objects.create(
                    username=f"outreach_unit_{committee.pk}", role=User.Role.UNIT, committee=committee, unit=unit
                )
            ]
        self.by_unit: dict[int, User] = {}
        for u in self.staff:
            self.by_unit.setdefault(u.unit_id, u)
        members = list(Member.objects.filter(committee=committee).select_related("user").order_by("id"))
        if len(members) < 8:
            raise ValueError("演示数据至少需要 8 名委员。")
        standing = [m for m in members if m.is_standing] or members
        self.leadership = standing[:6]
        rest = [m for m in members if m not in self.leadership]
        self.station_members = rest[:12] if len(rest) >= 4 else members[-4:]
        streets = list(Area.objects.filter(level=Area.Level.STREET).order_by("code"))
        if committee.area_id:
            own = [a for a in streets if a.parent_id == committee.area_id]
            streets = own or streets
        if not streets:
            raise ValueError("演示数据需要镇街区域。")
        self.streets = streets[:4]
        self.hosts = list(User.objects.filter(committee=committee, role=User.Role.HOST, is_active=True).order_by("id"))
        if not self.hosts:
            self.hosts = [
                User.objects.create(
                    username=f"station_host_{committee.pk}",
                    full_name="联系站站长",
                    role=User.Role.HOST,
                    committee=committee,
                )
            ]

    def staff_for(self, area: Area | None, n: int) -> User:
        """The 镇街's own staff when the matter is local and it has staff; otherwise a department in turn."""
        if area is not None:
            street = area if area.level == Area.Level.STREET else area.parent
            for u in self.staff:
                if u.unit.area_id is not None and u.unit.area_id == getattr(street, "pk", None):
                    return u
        units = list(self.by_unit.values())
        return units[n % len(units)]

    def handle(self, item_id: int, day: dt.date, n: int, area: Area | None, *, resolved: bool) -> Assignment:
        """交办 the next working morning, 签收 at once, 答复 a week later: each step at its own time."""
        staff = self.staff_for(area, n)
        _step(
            _moment(day, 9, 30),
            loop.item_assign,
            item_id=item_id,
            actor=self.office,
            mode=Item.Mode.SINGLE,
            lead_units=[staff.unit],
        )
        a = Assignment.objects.get(item_id=item_id, status=Assignment.Status.NEW)
        _step(_moment(day, 14), loop.assignment_sign, assignment_id=a.pk, actor=staff)
        _step(
            _moment(day + dt.timedelta(days=7), 16),
            loop.assignment_reply,
            assignment_id=a.pk,
            actor=staff,
            body="经研究，已落实相关措施并与提出方沟通，问题已解决。"
            if resolved
            else "经研究，已向提出方解释说明相关政策，受条件所限暂不能完全解决，将持续跟进。",
            category="solved" if resolved else "explained",
            resolved=resolved,
        )
        return a


def seed_outreach(committee: Committee, *, year: int = 2022) -> dict[str, int]:
    """Create the demo year's outreach records through the services; returns how many of each were made."""
    w = _World(committee, year)
    made = {"visits": _stations(w), "appeals": _linkage(w), "problems": _supervision(w), "services": _volunteers(w)}
    return made


# --- stations ---------------------------------------------------------------------------------------


def _stations(w: _World) -> int:
    y = w.year
    setup = _moment(dt.date(y, 1, 4), 9)
    stations: list[Station] = []
    per = max(1, len(w.station_members) // len(w.streets))
    for i, street in enumerate(w.streets):
        members = w.station_members[i * per : (i + 1) * per] or w.station_members[:1]
        community = Area.objects.filter(parent=street).order_by("code").first()
        kind, area, name = Station.Kind.STATION, street, f"{street.name}政协委员工作联系站"
        if i == 3 and community is not None:
            kind, area, name = Station.Kind.POINT, community, f"{community.name}政协委员工作联系点"
        station = Station.objects.filter(committee=w.committee, name=name).first() or _step(
            setup,
            services.station_create,
            actor=w.office,
            committee=w.committee,
            name=name,
            kind=kind,
            area=area,
            host=w.hosts[i % len(w.hosts)],
            reception="每月10日、20日上午9:00-12:00",
            address=f"{area.name}党群服务中心二楼",
            members=members,
            duty_days=(10, 20),
        )
        _step(
            setup,
            services.roster_generate,
            actor=w.office,
            station_id=station.pk,
            start=dt.date(y, 1, 1),
            months=12,
            members=members,
        )
        stations.append(station)
    # 60 visits: 17 suggestions, 43 enquiries and personal requests; 94 people in all.
    kinds = ["suggestion"] * 17 + ["consult"] * 25 + ["personal"] * 18
    order = [kinds[(i * 7) % 60] for i in range(60)]  # mixed through the year, still 17/25/18
    people = [3 if i % 4 == 1 and i < 68 else 1 for i in range(60)]
    extra = 94 - sum(people)
    j = 0
    while extra:
        if people[j] < 4:
            people[j] += 1
            extra -= 1
        j = (j + 5) % 60
    counters = {"suggestion": 0, "consult": 0, "personal": 0}
    n = 0
    for slot in range(60):
        station = stations[slot % len(stations)]
        shifts = list(station.shifts.filter(on__year=y).order_by("on"))
        shift = shifts[(slot // len(stations) * 3 + slot) % len(shifts)]
        kind = order[slot]
        k = counters[kind]
        counters[kind] += 1
        matter = {"suggestion": SUGGESTIONS, "consult": CONSULTS, "personal": PERSONALS}[kind]
        text = matter[k % len(matter)] + "。"
        visit, _ = _step(
            _moment(shift.on, 9, 10 + slot % 40),
            services.visit_log,
            actor=station.host or w.office,
            station_id=station.pk,
            submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang-demo-visit-{w.committee.pk}-{y}-{slot}"),
            visited_on=shift.on,
            duty_member=shift.member,
            visitor=f"{'陈何梁黄李张林罗冯邓'[slot % 10]}{'先生' if slot % 2 else '女士'}",
            contact=f"139{slot:04d}{(slot * 37) % 10000:04d}",
            people=people[slot],
            kind=kind,
            matter=text,
        )
        if visit.status != Visit.Status.OPEN:
            continue
        _dispose(w, visit, kind, k, n)
        n += 1
    return 60


def _dispose(w: _World, visit: Visit, kind: str, k: int, n: int) -> None:
    host = visit.station.host or w.office
    day = visit.visited_on
    if kind == "suggestion" and w.drafts < 2 and visit.duty_member.user_id and not visit.duty_member.is_hk_macao:
        w.drafts += 1
        _step(
            _moment(day, 11),
            services.visit_dispose,
            actor=host,
            visit_id=visit.pk,
            disposal="proposal",
            title="关于" + visit.matter.rstrip("。")[:20] + "的建议",
        )
        _step(
            _moment(day + dt.timedelta(days=3), 10),
            services.visit_feedback,
            actor=host,
            visit_id=visit.pk,
            told_on=day + dt.timedelta(days=3),
            note="已告知来访人：意见已由接待委员起草为提案。",
        )
        return
    if (kind == "suggestion" and k % 3 == 0) or (kind == "personal" and k % 3 == 0):
        visit = _step(_moment(day, 11), services.visit_dispose, actor=host, visit_id=visit.pk, disposal="referred")
        assert visit.item_id is not None
        a = w.handle(visit.item_id, day + dt.timedelta(days=1), n, visit.station.area, resolved=True)
        visit.refresh_from_db()
        if not visit.outcome:
            # the loop tells the channel after commit; inside a surrounding transaction, tell it here
            services.visit_loop_event(Item.objects.get(pk=visit.item_id), "replied")
        a.refresh_from_db()
        assert a.replied_at is not None
        told = a.replied_at.astimezone(TZ).date() + dt.timedelta(days=2)
        _step(
            _moment(told, 15),
            services.visit_feedback,
            actor=host,
            visit_id=visit.pk,
            told_on=told,
            note="电话告知来访人办理结果。",
            rating="satisfied",
        )
        return
    answer = "接待委员当场解答了有关政策和办理渠道，来访人表示满意。"
    if kind == "suggestion":
        answer = "接待委员当场作了说明，意见已记录并将在调研中吸收。"
    _step(_moment(day, 11), services.visit_dispose, actor=host, visit_id=visit.pk, disposal="answered", note=answer)


# --- enterprise linkage ------------------------------------------------------------------------------


def _linkage(w: _World) -> int:
    y = w.year
    enterprises = []
    linked = _moment(dt.date(y, 1, 6), 10)
    for i, name in enumerate(ENTERPRISE_NAMES):
        street = w.streets[i % len(w.streets)]
        e = _step(
            linked,
            services.enterprise_create,
            actor=w.office,
            committee=w.committee,
            name=name,
            area=street,
            industry=["陶瓷", "智能制造", "新材料", "医药", "数字经济"][i % 5],
        )
        member = w.leadership[i % len(w.leadership)]
        _step(linked, services.enterprise_link, actor=w.office, enterprise_id=e.pk, member=member, on=linked.date())
        enterprises.append((e, member))
    # 124 enterprise visits and 40 visits to professionals, 4 people met each: 656 person-times;
    # and 6 visits to residents (走群众), which the count leaves out by definition.
    plan = (
        [(OutreachVisit.Kind.ENTERPRISE, i) for i in range(124)]
        + [(OutreachVisit.Kind.TALENT, i) for i in range(40)]
        + [(OutreachVisit.Kind.PUBLIC, i) for i in range(6)]
    )
    posts = ["董事长", "总经理", "人力资源经理", "技术总监", "财务总监", "生产主管"]
    for n, (kind, i) in enumerate(plan):
        e, member = enterprises[i % len(enterprises)]
        day = dt.date(y, 1, 10) + dt.timedelta(days=(n * 2) % 335)
        if kind == OutreachVisit.Kind.ENTERPRISE:
            met = [(f"{'王刘周吴郑'[(i + k) % 5]}{posts[k]}", posts[(i + k) % 6]) for k in range(4)]
            topic = f"走访{e.name}，了解生产经营和用工情况"
        elif kind == OutreachVisit.Kind.TALENT:
            met = [(f"专业人士{n}-{k + 1}", ["高校教授", "律师", "医生", "工程师"][k]) for k in range(4)]
            topic = "走访专业人才，听取对数字经济发展的意见"
            e = None
        else:
            met = [(f"村民代表{n}-{k + 1}", "村民代表") for k in range(5)]
            topic = "走访群众，了解疫情防控期间生活保障情况"
            e = None
        _step(
            _moment(day, 15),
            services.outreach_visit_log,
            actor=w.office,
            committee=w.committee,
            submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang-demo-linkage-{w.committee.pk}-{y}-{n}"),
            visited_on=day,
            topic=topic,
            kind=kind,
            enterprise=e,
            went=[member],
            met=met,
        )
    # 45 appeals; 43 solved, 2 explained (closed, not solved).
    for n in range(45):
        e, member = enterprises[(n * 3) % len(enterprises)]
        title, text = APPEALS[n % len(APPEALS)]
        day = dt.date(y, 2, 8) + dt.timedelta(days=(n * 6) % 290)
        appeal, _ = _step(
            _moment(day, 10),
            services.appeal_raise,
            actor=w.office,
            enterprise_id=e.pk,
            submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang-demo-appeal-{w.committee.pk}-{y}-{n}"),
            title=title,
            text=text,
            raised_on=day,
        )
        resolved = n not in (17, 38)
        assert appeal.item_id is not None
        a = w.handle(appeal.item_id, day + dt.timedelta(days=1), n, e.area, resolved=resolved)
        a.refresh_from_db()
        rater = member.user if member.user_id else w.office
        _step(
            _moment(a.replied_at.astimezone(TZ).date() + dt.timedelta(days=2), 10),
            services.appeal_rate,
            actor=rater,
            appeal_id=appeal.pk,
            value="satisfied" if resolved else "basic",
        )
    return 45


# --- supervision groups --------------------------------------------------------------------------------


def _supervision(w: _World) -> int:
    y = w.year
    periods = [(dt.date(y, 3, 14), dt.date(y, 5, 31))] * 5 + [(dt.date(y, 10, 10), dt.date(y, 12, 20))] * 4
    raised = _split(90, 9, 12)
    count = 0
    for g, ((start, end), n_problems) in enumerate(zip(periods, raised, strict=True)):
        leader = w.leadership[g % len(w.leadership)]
        street = w.streets[g % len(w.streets)]
        group = _step(
            _moment(start - dt.timedelta(days=3), 9),
            services.group_create,
            actor=w.office,
            committee=w.committee,
            name=f"疫情防控第{'一二三四五六七八九'[g]}督导组",
            theme=f"{street.name}疫情防控工作督导",
            leader=leader,
            members=w.station_members[g % 4 :: 4][:3],
            starts_on=start,
            ends_on=end,
        )
        for p in range(n_problems):
            title, text = PROBLEMS[(g + p) % len(PROBLEMS)]
            day = start + dt.timedelta(days=(p * 5) % max(1, (end - start).days - 14))
            problem, _ = _step(
                _moment(day, 16),
                services.problem_raise,
                actor=w.office,
                group_id=group.pk,
                submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang-demo-problem-{w.committee.pk}-{y}-{g}-{p}"),
                title=f"{title}（{street.name}）",
                text=text,
                raised_on=day,
                area=street,
            )
            # 90 problems raised, 86 solved: the last of four groups was explained, not solved.
            resolved = not (g in (1, 3, 5, 7) and p == n_problems - 1)
            assert problem.item_id is not None
            a = w.handle(problem.item_id, day + dt.timedelta(days=1), count, street, resolved=resolved)
            a.refresh_from_db()
            rater_user = leader.user
            key = f"user:{rater_user.pk}" if rater_user is not None else f"member:{leader.pk}"
            _step(
                _moment(a.replied_at.astimezone(TZ).date() + dt.timedelta(days=1), 11),
                loop.assignment_rate,
                assignment_id=a.pk,
                rater_key=key,
                value="satisfied" if resolved else "basic",
                actor=rater_user or w.office,
            )
            count += 1
    return count


# --- volunteers ------------------------------------------------------------------------------------------


def _volunteers(w: _World) -> int:
    y = w.year
    founded = dt.date(y, 3, 1)
    team = _step(
        _moment(founded, 9),
        services.team_create,
        actor=w.office,
        committee=w.committee,
        name="政协机关志愿服务队",
        founded_on=founded,
    )
    surnames = "陈李黄梁何罗冯邓张林郭谢曾彭潘"
    given = "志明丽华建国晓敏伟强慧玲家豪嘉欣国栋秀英俊杰婉婷振华美玲永康"
    volunteers = [
        _step(
            _moment(founded, 10),
            services.volunteer_add,
            actor=w.office,
            team_id=team.pk,
            name=surnames[i] + given[i * 2 : i * 2 + 2],
            joined_on=founded,
        )
        for i in range(15)
    ]
    sizes = _split(298, 22, 15)
    for n, size in enumerate(sizes):
        day = founded + dt.timedelta(days=4 + n * 12)
        present = [v.pk for v in volunteers[(n % 15) :] + volunteers[: (n % 15)]][:size]
        _step(
            _moment(day, 18),
            services.service_record,
            actor=w.office,
            team_id=team.pk,
            submission_token=uuid.uuid5(uuid.NAMESPACE_URL, f"xieshang-demo-volunteer-{w.committee.pk}-{y}-{n}"),
            served_on=day,
            activity=["核酸检测点秩序维护", "社区卡口值守", "防疫物资搬运", "疫苗接种点引导"][n % 4],
            place=w.streets[n % len(w.streets)].name,
            volunteer_ids=present,
        )
    return len(sizes)
