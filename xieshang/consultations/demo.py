"""Demo records for 2022 (有事禅商量), made through the services so the figures are counted from records:
56 inspections, 7 research activities with the seven research reports named in the year-end
scorecard, 15 consultation meetings, 16 micro-consultations and micro-inspections, 16 outside
experts, 135 suggestions sent to units through the loop, 102 of them turned into measures.
Keyed by fixed tokens and titles: running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import transaction
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.organisations.models import Committee, Leader, Member, Unit, User

from . import services
from .models import Activity, Suggestion, Topic

NAMESPACE = uuid.UUID("3d7e2b1a-9c44-4e0f-8b21-5a6c2f1e2022")
YEAR = 2022

TOPICS = [
    (
        "岭南文脉之城建设",
        "文史和学习委员会",
        "围绕岭南文脉之城建设，视察文化街区和历史建筑保护利用，推动文商旅融合发展。",
    ),
    ("助推禅城数字经济发展", "经济委员会", "聚焦软件园和数字经济企业发展中的问题，协商解决企业诉求。"),
    ("促进生活污水处理提质增效", "人口资源环境委员会", "调研生活污水收集处理短板，推动提质增效。"),
    ("加快“禅乡渔歌”农业公园建设", "农业和农村委员会", "推动精品农业公园建设和城乡融合发展。"),
    ("推动禅城教育高质量发展", "科教卫体委员会", "扬优势补短板，推动学位供给和教育质量提升。"),
    ("东平河水轴线建设", "人口资源环境委员会", "围绕东平河水轴线规划建设开展调研协商。"),
    ("规范辖区长者饭堂运营", "社会和法制委员会", "针对长者饭堂运营不规范问题开展调研和微协商。"),
    ("高铁新城及重点片区建设", "经济委员会", "视察调研高铁新城站点、祖庙城北片区、张槎塱沙片区建设。"),
]
RESEARCH = [
    (0, "关于打造“最佛山”文化经济的调研报告"),
    (2, "促进我区生活污水处理提质增效的调研报告"),
    (3, "关于加快“禅乡渔歌”农业公园建设推动城乡融合发展的调研报告"),
    (4, "扬优势补短板 推动禅城教育高质量发展的调研报告"),
    (5, "关于东平河水轴线建设的调研报告"),
    (1, "关于助推禅城数字经济发展的调研报告"),
    (6, "关于进一步规范辖区长者饭堂运营的调研报告"),
]
INSPECTION_PLACES = [
    (0, "星光园"),
    (0, "柒号陶仓"),
    (0, "八号艺术码头"),
    (0, "塔坡"),
    (0, "任围"),
    (0, "仁寿寺"),
    (0, "梁园"),
    (0, "莲升片区"),
    (0, "佛山王府井紫薇港"),
    (0, "佛山创意产业园"),
    (0, "禅桂坊"),
    (1, "万科金融中心"),
    (1, "绿地中心"),
    (1, "佛山高新区科技产业园"),
    (1, "华南创谷"),
    (1, "凤翔湾都市产业区"),
    (7, "高铁新城站点"),
    (7, "祖庙城北片区"),
    (7, "张槎塱沙片区"),
    (2, "镇安污水处理厂"),
    (3, "南庄农业公园"),
    (4, "区属中小学"),
    (5, "东平河沿岸"),
    (6, "社区长者饭堂"),
]
INSPECTIONS = 56
MEETINGS = [("meeting", 12), ("supervision", 3)]
MICRO = [("micro", 10), ("micro_inspection", 6)]
FOLLOW_UPS = 4
SUGGESTIONS = 135
CONVERTED = 102
STILL_HANDLING = 12
EXPERTS = [
    ("郭", "省美术家协会"),
    ("梁", "市书法家协会"),
    ("何", "华南师范大学"),
    ("冼", "市文物保护中心"),
    ("卢", "广东工业大学"),
    ("陆", "市摄影家协会"),
    ("区", "省民间文艺家协会"),
    ("简", "市建筑设计院"),
    ("霍", "佛山科学技术学院"),
    ("邝", "市非遗保护中心"),
    ("叶", "省城乡规划设计研究院"),
    ("黎", "市作家协会"),
    ("苏", "市音乐家协会"),
    ("潘", "中山大学"),
    ("蔡", "暨南大学"),
    ("龙", "市陶瓷协会"),
]
SUGGESTION_TEXTS = [
    "建立部门、镇街联席会议制度，明确牵头单位和完成时限",
    "加大财政资金投入，优先安排群众反映集中的项目",
    "完善考核评价机制，将落实情况纳入年度绩效考核",
    "引导社会资本参与，创新建设运营模式",
    "加强宣传引导，及时公开工作进展，接受群众监督",
    "建立常态化巡查和问题台账，实行销号管理",
    "推动数据共享，提升智慧化管理水平",
]
UNIT_NAMES = [
    "区住房城乡建设和水利局",
    "区教育局",
    "石湾镇街道办事处",
    "张槎街道办事处",
    "区交通运输局",
    "区城市管理和综合执法局",
    "佛山市生态环境局禅城分局",
    "澜石社区居委会",
]


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-consultation:{key}")


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


def seed(committee: Committee) -> int:
    """Create the 2022 consultation records if they are not there yet; returns the suggestions created."""
    if Suggestion.objects.filter(submission_token=_token(f"suggestion:{SUGGESTIONS - 1}")).exists():
        return 0
    office = User.objects.get(username="office")
    rng = random.Random(2022)
    with transaction.atomic():
        return _seed(committee, office, rng)


def _seed(committee: Committee, office: User, rng: random.Random) -> int:
    members = list(Member.objects.filter(committee=committee).order_by("id"))
    leaders = list(Leader.objects.filter(committee=committee).exclude(user__isnull=True))
    communities = list(Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")[:40])
    topics: list[Topic] = []
    for k, (title, lead, desc) in enumerate(TOPICS):
        t, _ = services.topic_propose(
            committee=committee,
            submission_token=_token(f"topic:{k}"),
            actor=office,
            title=title,
            description=desc,
            proposer_name="区政协主席会议",
            created_at=_at(dt.date(YEAR - 1, 12, 10)),
        )
        if t.status == Topic.Status.PROPOSED:
            t = services.topic_select(actor=office, topic_id=t.pk, year=YEAR, lead=lead, note="2022年1月主席会议审定")
        topics.append(t)
    plan = topics[0].plan
    if plan is not None and not plan.is_published:
        services.plan_publish(actor=office, plan_id=plan.pk)
    # Two suggestions from the public, waiting for next year's selection.
    for k, (title, desc) in enumerate(
        [
            ("关于增加社区公园夜间照明的议题", "社区公园晚上照明不足，老人散步不安全，希望政协协商解决。"),
            ("关于规范电动自行车充电的议题", "楼道充电安全隐患大，建议集中建设充电棚。"),
        ]
    ):
        services.topic_propose(
            committee=committee,
            submission_token=_token(f"public-topic:{k}"),
            title=title,
            description=desc,
            proposer_name=["陈伯", "黄女士"][k],
            proposer_phone=["13800138001", "13900139002"][k],
            created_at=_at(dt.date(YEAR, 11, 20 + k)),
        )

    def activity(kind: str, title: str, day: dt.date, topic: Topic | None, n_members: int, **kw) -> Activity:
        a = services.activity_create(
            actor=office,
            committee=committee,
            kind=kind,
            title=title,
            starts_at=_at(day),
            ends_at=_at(day, 12),
            topic=topic,
            organiser=topic.lead if topic else "",
            **kw,
        )
        start = rng.randrange(len(members))
        invited = [members[(start + j * 13) % len(members)] for j in range(n_members)]
        parts = [services.participant_add(actor=office, activity_id=a.pk, kind="member", member=m) for m in invited]
        if kind in ("meeting", "supervision") and leaders:
            parts.append(
                services.participant_add(
                    actor=office, activity_id=a.pk, kind="leader", user=leaders[day.day % len(leaders)].user
                )
            )
        for p in parts[:-1] if len(parts) > 2 else parts:
            services.participant_mark(actor=office, participant_id=p.pk, attendance="present")
        return a

    def minutes(a: Activity, text: str) -> None:
        services.activity_record_minutes(actor=office, activity_id=a.pk, minutes=text)

    # 56 inspections; the 岭南文脉 ones invite the 16 outside experts.
    expert_no = 0
    for n in range(INSPECTIONS):
        ti, place = INSPECTION_PLACES[n % len(INSPECTION_PLACES)]
        day = dt.date(YEAR, 2, 15) + dt.timedelta(days=int(n * 290 / INSPECTIONS))
        a = activity(
            "inspection",
            f"“六最”禅城建设专项视察：{place}（第{n // len(INSPECTION_PLACES) + 1}次）",
            day,
            topics[ti],
            4,
            location=place,
        )
        if ti == 0:
            for _ in range(2):
                surname, org = EXPERTS[expert_no % len(EXPERTS)]
                services.participant_add(
                    actor=office, activity_id=a.pk, kind="expert", name=f"{surname}教授", organisation=org
                )
                expert_no += 1
        minutes(a, f"视察组实地察看{place}，听取有关单位情况介绍，委员提出意见建议。")

    sources: list[tuple[Activity, Topic]] = []
    for k, (ti, title) in enumerate(RESEARCH):
        day = dt.date(YEAR, 3, 10) + dt.timedelta(days=k * 35)
        a = activity("research", f"专题调研：{TOPICS[ti][0]}", day, topics[ti], 5, location="有关单位和镇街")
        minutes(a, "调研组走访有关部门、镇街和企业，召开座谈会，形成调研报告。")
        services.research_report_add(
            actor=office,
            activity_id=a.pk,
            title=title,
            summary=f"调研组围绕{TOPICS[ti][0]}开展专题调研，分析存在问题，提出对策建议。",
            completed_on=day + dt.timedelta(days=30),
        )
        sources += [(a, topics[ti])] * 4
    n = 0
    for kind, count in MEETINGS:
        for _ in range(count):
            ti = n % len(topics)
            day = dt.date(YEAR, 4, 12) + dt.timedelta(days=n * 16)
            label = "提案督办协商会" if kind == "supervision" else "专题协商会"
            a = activity(
                kind,
                f"{TOPICS[ti][0]}{label}",
                day,
                topics[ti],
                6,
                location="区政协会议室",
                agenda="一、有关部门通报情况\n二、委员提问\n三、部门答复\n四、委员发言",
            )
            minutes(a, "会议听取了有关部门情况通报，委员围绕议题提问和发言，部门负责同志现场答复。")
            sources += [(a, topics[ti])] * 5
            n += 1
    n = 0
    for kind, count in MICRO:
        for _ in range(count):
            area = communities[(n * 3) % len(communities)]
            ti = [3, 6, 2][n % 3]
            day = dt.date(YEAR, 5, 6) + dt.timedelta(days=n * 13)
            label = "微协商" if kind == "micro" else "微视察"
            a = activity(
                kind, f"{area.name}{label}：{TOPICS[ti][0]}", day, topics[ti], 3, location=area.name, area=area
            )
            services.participant_add(actor=office, activity_id=a.pk, kind="resident", name=f"{area.name}居民代表")
            minutes(a, f"在{area.name}召开{label}，委员、部门和居民代表面对面协商。")
            sources += [(a, topics[ti])] * 2
            n += 1
    for k in range(FOLLOW_UPS):
        ti = k * 2
        a = activity("follow_up", f"“回头看”：{TOPICS[ti][0]}建议落实情况", dt.date(YEAR, 11, 8 + k * 7), topics[ti], 4)
        minutes(a, "跟踪问效，听取建议落实情况汇报，对工作举措进行评议。")

    units = list(Unit.objects.filter(committee=committee, name__in=UNIT_NAMES))
    staff = {u.unit_id: u for u in User.objects.filter(role=User.Role.UNIT, unit__in=units)}
    units = [u for u in units if u.pk in staff]
    assert len(sources) == SUGGESTIONS, len(sources)
    created = 0
    for i, (a, topic) in enumerate(sources):
        text = SUGGESTION_TEXTS[i % len(SUGGESTION_TEXTS)]
        s, made = services.suggestion_record(
            actor=office,
            activity=a,
            submission_token=_token(f"suggestion:{i}"),
            title=f"{topic.title}：{text[:14]}",
            text=f"围绕{topic.title}，建议{text}。",
            raised_by=str(members[(i * 5) % len(members)]),
            created_at=a.ends_at + dt.timedelta(hours=2),
        )
        created += made
        unit = units[i % len(units)]
        item = services.suggestion_send(actor=office, suggestion_id=s.pk, unit=unit)
        asg = item.assignments.get()
        user = staff[unit.pk]
        loop.assignment_sign(assignment_id=asg.pk, actor=user)
        if i < CONVERTED:
            loop.assignment_reply(
                assignment_id=asg.pk,
                actor=user,
                body=f"我单位已认真研究，{text}。",
                category="adopted" if i % 3 else "planned",
                measures=f"{text}，已制定工作方案并推进落实。",
            )
            if i % 5 in (0, 1):
                services.suggestion_follow_up_rate(
                    actor=office, suggestion_id=s.pk, value="satisfied" if i % 5 == 0 else "basic"
                )
        elif i < SUGGESTIONS - STILL_HANDLING:
            loop.assignment_reply(
                assignment_id=asg.pk,
                actor=user,
                body="该建议涉及上级事权，已向上级部门反映，并作解释说明。",
                category="explained" if i % 2 else "unable",
            )
    for k in (0, 6):
        topic = topics[k]
        if topic.status == Topic.Status.SELECTED:
            services.topic_conclude(
                actor=office,
                topic_id=topic.pk,
                outcome=f"经协商，各方就{topic.title}达成共识，形成意见建议，"
                "已交有关部门办理并转化为工作举措，区政协将持续跟踪问效。",
            )
    return created
