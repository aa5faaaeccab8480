"""Demo records for 2022 (有事禅商量), made through the services so the figures are counted from records:
56 inspections, 7 research activities with the seven research reports named in the year-end
scorecard, 15 consultation meetings, 16 micro-consultations and micro-inspections, 16 outside
experts, 135 suggestions sent to units through the loop, 102 of them turned into measures.
Keyed by fixed tokens and titles: running it again adds nothing.

Everything carries its 2022 dates: each step runs now and is moved to its day (``handling.demo``).
The topics were proposed by the chair's council in December 2021 and put into the plan in January;
each activity is held on a working day, arranged before its participants were due to be notified,
attendance is taken as people arrive, the minutes are recorded that afternoon and a research report
when it was completed; the suggestions' handling follows each activity. Notices about that past year
are not sent.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from unittest import mock

from django.db import transaction
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.demo import Timeline, on, silent, working_day
from xieshang.handling.models import Item
from xieshang.organisations.demo import lead_unit, staffed_units
from xieshang.organisations.models import Committee, Leader, Member, Unit, User
from xieshang.workdays.calendar import add_period, is_workday

from . import notices, services
from .models import Activity, Participant, Plan, ResearchReport, Suggestion, Topic

NAMESPACE = uuid.UUID("3d7e2b1a-9c44-4e0f-8b21-5a6c2f1e2022")
YEAR = 2022
# What the units and the office did with the suggestions falls in the year, except the replies that
# took the whole two months (see AT_DEADLINE); a rating period may run out in the next.
REPLIED_BY = dt.date(YEAR, 12, 23)
RATED_BY = dt.date(YEAR, 12, 29)
# The chair's council proposes the year's topics, puts them into the plan, which is then published; two
# topics' outcomes are published once their follow-up reviews are done.
PROPOSED_ON = dt.date(YEAR - 1, 12, 10)
SELECTED_ON = dt.date(YEAR, 1, 14)
PUBLISHED_ON = dt.date(YEAR, 1, 18)
CONCLUDED_ON = dt.date(YEAR, 12, 16)

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
# The last suggestions took their units the whole two months: each was answered, with an explanation,
# on the last working day before its deadline (the late-autumn ones in the January after).
AT_DEADLINE = 12
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
# What members propose on each topic; a topic raised at several activities repeats some of them.
SUGGESTION_TEXTS: dict[str, list[str]] = {
    "岭南文脉之城建设": [
        "对祖庙东华里、莲升片区历史建筑开展一次全面普查并挂牌保护",
        "引入专业运营团队活化利用仁寿寺周边闲置老建筑，发展非遗工坊",
        "打通梁园至祖庙的文化步行线，完善导览标识",
        "设立历史文化街区保护修缮专项资金，鼓励业主自主修缮",
        "在文化街区周边增设公共停车场和旅游巴士停靠点",
        "支持柒号陶仓、八号艺术码头等文创园区举办常态化展演",
        "编制文商旅融合发展规划，串联星光园、塔坡等点位形成精品线路",
        "加强醒狮、粤剧等非遗项目进校园",
    ],
    "助推禅城数字经济发展": [
        "在佛山高新区科技产业园设立数字经济企业服务专窗",
        "对软件和信息服务企业的研发投入给予后补助",
        "建设面向中小企业的公共算力和数据服务平台",
        "为数字经济企业人才提供人才公寓和子女入学保障",
        "推动陶瓷、装备制造企业与本地软件企业开展数字化改造对接",
        "组织华南创谷、凤翔湾企业开展政银企融资对接",
        "完善数字经济产业统计和监测体系",
        "支持企业参与数字化应用场景开放",
    ],
    "促进生活污水处理提质增效": [
        "加快镇安污水处理厂提标扩容工程建设",
        "全面排查城中村和老旧小区雨污混接错接点并限期整改",
        "推进污水管网“最后一公里”接驳，提高污水收集率",
        "建立污水管网日常巡检和清疏养护制度",
        "在河涌排口设置水质在线监测设备",
        "加强餐饮、洗车等排水户的排水许可管理",
        "推动污水处理厂尾水再生利用于河涌补水和园林绿化",
        "公开各镇街污水收集处理指标，接受群众监督",
    ],
    "加快“禅乡渔歌”农业公园建设": [
        "统筹南庄农业公园范围内鱼塘、农田的土地流转，集中连片经营",
        "完善农业公园内道路、停车和公共厕所等游客服务设施",
        "培育一批农家乐、研学基地和特色农产品品牌",
        "建立村集体、农户和经营主体的利益联结机制",
        "打造“禅乡渔歌”农旅线路，纳入区文旅推介",
        "加强农业公园水环境治理，推广生态养殖",
        "引入社会资本参与农业公园运营",
        "开展农民技能培训，带动本地村民就业",
    ],
    "推动禅城教育高质量发展": [
        "在祖庙、张槎等学位紧张片区新建和扩建一批公办学校",
        "落实住宅小区配套学校与住宅同步交付",
        "推进集团化办学，扩大优质学校辐射范围",
        "提高乡村和薄弱学校教师待遇，促进教师轮岗交流",
        "加强中小学心理健康教育和专职心理教师配备",
        "丰富课后服务内容，引入体育、艺术和科技课程",
        "建设智慧校园，推动优质课程资源共享",
        "完善学前教育普惠性学位供给",
    ],
    "东平河水轴线建设": [
        "编制东平河沿岸一体化景观和功能规划",
        "打通东平河沿岸绿道断点，串联滨水公园",
        "加强东平河沿岸违法建设和污染源整治",
        "在沿岸规划建设亲水平台和体育休闲设施",
        "推动东平河沿岸低效工业用地改造升级",
        "完善沿岸交通接驳和公共停车设施",
        "建立东平河水质和防洪安全联合监测机制",
        "引入社会资本参与滨水空间开发运营",
    ],
    "规范辖区长者饭堂运营": [
        "制定长者饭堂服务规范和食品安全管理标准",
        "对长者饭堂按服务人次给予运营补贴",
        "为行动不便的老人提供送餐上门服务",
        "定期公开长者饭堂菜单、价格和食材来源",
        "引入专业餐饮企业连锁运营长者饭堂",
        "建立长者饭堂用餐满意度评价和回访制度",
        "推动长者饭堂与社区卫生服务中心合作开展营养指导",
        "加强对长者饭堂消防和卫生的日常检查",
    ],
    "高铁新城及重点片区建设": [
        "加快高铁新城站点周边道路和公交接驳设施建设",
        "完善祖庙城北片区学校、医院等公共服务配套",
        "加快张槎塱沙片区土地整备和征拆进度",
        "对重点片区实行项目全周期跟踪和定期通报",
        "推动高铁新城引进总部企业和现代服务业",
        "统筹重点片区地下管网和综合管廊建设",
        "在片区开发中同步规划建设保障性住房",
        "加强重点片区施工扬尘和噪声管理",
    ],
}


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-consultation:{key}")


def seed(committee: Committee) -> int:
    """Create the 2022 consultation records if they are not there yet; returns the suggestions created."""
    if Suggestion.objects.filter(submission_token=_token(f"suggestion:{SUGGESTIONS - 1}")).exists():
        return 0
    office = User.objects.get(username="office")
    rng = random.Random(2022)
    # Notices about a past year's topics and suggestions would only flood the demo inboxes (sent after
    # commit, so the patches must outlast the transaction).
    with (
        mock.patch.object(services, "notify", silent),
        mock.patch.object(loop, "notify", silent),
        transaction.atomic(),
    ):
        return _seed(committee, office, rng)


def _dated_reference(topic: Topic, year: int) -> None:
    """A topic's reference carries the year it was proposed in (the service takes it from now)."""
    Topic.objects.filter(pk=topic.pk).update(reference=f"YT{year}{topic.reference[6:]}")


def _seed(committee: Committee, office: User, rng: random.Random) -> int:
    members = list(Member.objects.filter(committee=committee).order_by("id"))
    leaders = list(Leader.objects.filter(committee=committee).exclude(user__isnull=True))
    communities = list(Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")[:40])
    # The topics' year: proposed by the chair's council in December, put into the plan in January, the
    # plan published; two outcomes published in December (the clock stays open until then).
    topics_clock = Timeline()
    topics_clock.at(on(PROPOSED_ON, 9, 30))
    topics: list[Topic] = []
    for k, (title, _lead, desc) in enumerate(TOPICS):
        t, made = services.topic_propose(
            committee=committee,
            submission_token=_token(f"topic:{k}"),
            actor=office,
            title=title,
            description=desc,
            proposer_name="区政协主席会议",
            created_at=topics_clock.place(on(PROPOSED_ON, 9, 30)),
        )
        if made:
            _dated_reference(t, PROPOSED_ON.year)
        topics_clock.track(Topic, t.pk)
        topics_clock.threads.add(t.thread)
        topics.append(t)
    topics_clock.at(on(SELECTED_ON, 15, 30))
    for k, (_title, lead, _desc) in enumerate(TOPICS):
        if topics[k].status == Topic.Status.PROPOSED:
            topics[k] = services.topic_select(
                actor=office, topic_id=topics[k].pk, year=YEAR, lead=lead, note="2022年1月主席会议审定"
            )
    plan = topics[0].plan
    if plan is not None:
        topics_clock.track(Plan, plan.pk)
        topics_clock.threads.add(f"plan:{plan.pk}")
        if not plan.is_published:
            topics_clock.at(on(PUBLISHED_ON, 10, 30))
            services.plan_publish(actor=office, plan_id=plan.pk)
    # Two suggestions from the public, waiting for next year's selection.
    for k, (title, desc) in enumerate(
        [
            ("关于增加社区公园夜间照明的议题", "社区公园晚上照明不足，老人散步不安全，希望政协协商解决。"),
            ("关于规范电动自行车充电的议题", "楼道充电安全隐患大，建议集中建设充电棚。"),
        ]
    ):
        when = on(dt.date(YEAR, 11, 20 + k), 20, 30)
        clock = Timeline()
        clock.at(when)
        t, made = services.topic_propose(
            committee=committee,
            submission_token=_token(f"public-topic:{k}"),
            title=title,
            description=desc,
            proposer_name=["陈伯", "黄女士"][k],
            proposer_phone=["13800138001", "13900139002"][k],
            created_at=clock.place(when),
        )
        if made:
            _dated_reference(t, YEAR)
        clock.track(Topic, t.pk)
        clock.threads.add(t.thread)
        clock.settle()

    def activity(
        kind: str,
        title: str,
        day: dt.date,
        topic: Topic | None,
        n_members: int,
        *,
        minutes: str,
        others: list[dict] | None = None,
        research: str = "",
        **kw,
    ) -> Activity:
        """One activity of the year on ``day``: arranged with its invitations the working day before its
        participants are due to be notified (``notices.NOTICE_WORKDAYS`` ahead), attendance
        taken as people arrive, minutes recorded that afternoon and, for research, the report entered when
        it was completed a month later. ``others`` (experts, residents) are invited without an account and
        were not marked present. An activity planned on a day off is held on the next working day."""
        day = working_day(on(day, 9, 30), 0 if is_workday(day) else 1)
        clock = Timeline()
        notice_day = notices.workdays_before(on(day, 9, 30), notices.NOTICE_WORKDAYS + 1).date()
        clock.at(on(notice_day, 10, 30))
        a = services.activity_create(
            actor=office,
            committee=committee,
            kind=kind,
            title=title,
            starts_at=clock.place(on(day, 9, 30)),
            ends_at=clock.place(on(day, 12, 30)),
            topic=topic,
            organiser=topic.lead if topic else "",
            **kw,
        )
        clock.track(Activity, a.pk)
        clock.threads.add(a.thread)
        start = rng.randrange(len(members))
        invited = [members[(start + j * 13) % len(members)] for j in range(n_members)]
        parts = [services.participant_add(actor=office, activity_id=a.pk, kind="member", member=m) for m in invited]
        if kind in ("meeting", "supervision") and leaders:
            parts.append(
                services.participant_add(
                    actor=office, activity_id=a.pk, kind="leader", user=leaders[day.day % len(leaders)].user
                )
            )
        for other in others or []:
            services.participant_add(actor=office, activity_id=a.pk, **other)
        clock.track(Participant, *a.participants.values_list("pk", flat=True))
        for j, p in enumerate(parts[:-1] if len(parts) > 2 else parts):
            clock.at(on(day, 9, 30) - dt.timedelta(minutes=20 - j))  # signed in before the 9:30 start
            services.participant_mark(actor=office, participant_id=p.pk, attendance="present")
        clock.at(on(day, 16, 30))
        services.activity_record_minutes(actor=office, activity_id=a.pk, minutes=minutes)
        if research:
            completed = day + dt.timedelta(days=30)
            clock.at(on(working_day(on(completed, 9, 30), 1), 10, 30))
            report = services.research_report_add(
                actor=office,
                activity_id=a.pk,
                title=research,
                summary=f"调研组围绕{topic.title if topic else title}开展专题调研，分析存在问题，提出对策建议。",
                completed_on=clock.place(completed),
            )
            clock.track(ResearchReport, report.pk)
        clock.settle()
        a.refresh_from_db()
        return a

    # 56 inspections; the 岭南文脉 ones invite the 16 outside experts.
    expert_no = 0
    for n in range(INSPECTIONS):
        ti, place = INSPECTION_PLACES[n % len(INSPECTION_PLACES)]
        day = dt.date(YEAR, 2, 15) + dt.timedelta(days=int(n * 290 / INSPECTIONS))
        experts = []
        if ti == 0:
            for _ in range(2):
                surname, org = EXPERTS[expert_no % len(EXPERTS)]
                experts.append({"kind": "expert", "name": f"{surname}教授", "organisation": org})
                expert_no += 1
        activity(
            "inspection",
            f"“六最”禅城建设专项视察：{place}（第{n // len(INSPECTION_PLACES) + 1}次）",
            day,
            topics[ti],
            4,
            minutes=f"视察组实地察看{place}，听取有关单位情况介绍，委员提出意见建议。",
            others=experts,
            location=place,
        )

    sources: list[tuple[Activity, Topic]] = []
    for k, (ti, title) in enumerate(RESEARCH):
        day = dt.date(YEAR, 3, 10) + dt.timedelta(days=k * 35)
        a = activity(
            "research",
            f"专题调研：{TOPICS[ti][0]}",
            day,
            topics[ti],
            5,
            minutes="调研组走访有关部门、镇街和企业，召开座谈会，形成调研报告。",
            research=title,
            location="有关单位和镇街",
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
                minutes="会议听取了有关部门情况通报，委员围绕议题提问和发言，部门负责同志现场答复。",
                location="区政协会议室",
                agenda="一、有关部门通报情况\n二、委员提问\n三、部门答复\n四、委员发言",
            )
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
                kind,
                f"{area.name}{label}：{TOPICS[ti][0]}",
                day,
                topics[ti],
                3,
                minutes=f"在{area.name}召开{label}，委员、部门和居民代表面对面协商。",
                others=[{"kind": "resident", "name": f"{area.name}居民代表"}],
                location=area.name,
                area=area,
            )
            sources += [(a, topics[ti])] * 2
            n += 1
    for k in range(FOLLOW_UPS):
        ti = k * 2
        activity(
            "follow_up",
            f"“回头看”：{TOPICS[ti][0]}建议落实情况",
            dt.date(YEAR, 11, 8 + k * 7),
            topics[ti],
            4,
            minutes="跟踪问效，听取建议落实情况汇报，对工作举措进行评议。",
        )

    units, staff = staffed_units(committee)
    assert len(sources) == SUGGESTIONS, len(sources)
    created = 0
    raised: Counter[str] = Counter()
    for i, (a, topic) in enumerate(sources):
        texts = SUGGESTION_TEXTS[topic.title]
        text = texts[raised[topic.title] % len(texts)]
        raised[topic.title] += 1
        unit = lead_unit(topic.title, units, i)
        created += _handle_suggestion(i, a, topic, text, members, unit, staff, office)
    topics_clock.at(on(CONCLUDED_ON, 10, 30))
    for k in (0, 6):
        topic = Topic.objects.get(pk=topics[k].pk)
        if topic.status == Topic.Status.SELECTED:
            services.topic_conclude(
                actor=office,
                topic_id=topic.pk,
                outcome=f"经协商，各方就{topic.title}达成共识，形成意见建议，"
                "已交有关部门办理并转化为工作举措，区政协将持续跟踪问效。",
            )
    topics_clock.settle()
    return created


def _handle_suggestion(
    i: int, a: Activity, topic: Topic, text: str, members: list[Member], unit: Unit, staff: dict, office: User
) -> int:
    """The ``i``-th suggestion of the year, from its activity to the end of its handling: recorded after
    the activity, sent to its unit a few working days later, signed for the same day, replied to well
    inside the two months (the last ``AT_DEADLINE`` on the last working day), rated at the follow-up
    review for some. Each step runs now and is moved to its day (``handling.demo``); where nobody rated
    a reply within the rating period, the loop's own scan closes it on that day."""
    recorded = a.ends_at + dt.timedelta(hours=2)
    clock = Timeline()
    clock.at(recorded)
    s, made = services.suggestion_record(
        actor=office,
        activity=a,
        submission_token=_token(f"suggestion:{i}"),
        title=f"{topic.title}：{text.split('，')[0]}",
        text=f"围绕{topic.title}，建议{text}。",
        raised_by=str(members[(i * 5) % len(members)]),
        created_at=recorded,
    )
    clock.threads.add(f"suggestion:{s.pk}")
    sent = on(working_day(recorded, 2 + i % 4), 10, 30)
    clock.at(sent)
    item = services.suggestion_send(actor=office, suggestion_id=s.pk, unit=unit)
    clock.items.add(item.pk)
    asg = item.assignments.get()
    user = staff[unit.pk]
    clock.at(sent.replace(hour=15))
    loop.assignment_sign(assignment_id=asg.pk, actor=user)
    if i < SUGGESTIONS - AT_DEADLINE:
        replied = min(on(working_day(sent, 10 + (i * 3) % 25), 16, 30), on(REPLIED_BY, 16, 30))
    else:
        replied = on(_last_working_day_to_reply(item, sent), 16, 30)
    clock.at(replied)
    if i < CONVERTED:
        loop.assignment_reply(
            assignment_id=asg.pk,
            actor=user,
            body=f"我单位已认真研究，{text}。",
            category="adopted" if i % 3 else "planned",
            measures=f"{text}，已制定工作方案并推进落实。",
        )
        if i % 5 in (0, 1):
            clock.at(min(on(working_day(replied, 10 + i % 20), 15, 30), on(RATED_BY, 15, 30)))
            services.suggestion_follow_up_rate(
                actor=office, suggestion_id=s.pk, value="satisfied" if i % 5 == 0 else "basic"
            )
    else:
        loop.assignment_reply(
            assignment_id=asg.pk,
            actor=user,
            body="该建议涉及上级事权，已向上级部门反映，并作解释说明。",
            category="explained" if i % 2 else "unable",
        )
    clock.settle_closing_unrated(asg)
    return int(made)


def _last_working_day_to_reply(item: Item, sent: dt.datetime) -> dt.date:
    """The last working day on or before the reply deadline of an item sent at ``sent``."""
    rule = loop.rule_for(item.channel, item.kind)
    day = timezone.localtime(add_period(sent, rule.reply_amount, rule.reply_unit).at).date()
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day
