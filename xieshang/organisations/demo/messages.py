"""Citizen messages in every state of the loop, made through the real services.

Each scenario is a list of steps at a day offset after the message came in. The steps run now,
one after another; after each, the records made so far are moved back in time by the gap to the
next step, and at the end by the scenario's age. So the history reads as it would have happened,
and every state was reached through ``messages.services`` and ``handling.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

NAMESPACE = uuid.UUID("6f1c3c57-5c1e-4a5e-9a0b-2b8f0f6c2022")


@dataclass
class Step:
    day: float
    action: str
    unit: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scenario:
    key: str
    kind: str
    title: str
    text: str
    name: str
    phone: str
    area: str  # a 村居's name; the message is placed in its first grid
    age_days: float
    steps: list[Step] = field(default_factory=list)


JIANSHE = "区住房城乡建设和水利局"
JIAOYU = "区教育局"
JIAOTONG = "区交通运输局"
CHENGGUAN = "区城市管理和综合执法局"
HUANJING = "佛山市生态环境局禅城分局"
SHIWAN = "石湾镇街道办事处"
LANSHI = "澜石社区居委会"

SCENARIOS: list[Scenario] = [
    Scenario(
        "m01-pending-jihua",
        "complaint",
        "季华路绿景路口人行道地砖松动",
        "季华路与绿景路交界处往东约五十米的人行道，地砖大面积松动翘起，下雨后踩上去会溅水，"
        "前几天有老人在这里绊倒。希望有关部门尽快修复，并在修好前设置提示标志。",
        "陈先生",
        "13800138001",
        "绿景社区居委会",
        0.2,
        [],
    ),
    Scenario(
        "m02-pending-nanzhuang",
        "consult",
        "咨询南庄镇公办幼儿园学位申请时间",
        "孩子明年九月满三岁，户籍在南庄镇吉利社区。请问今年公办幼儿园的学位申请什么时候开始，"
        "需要准备哪些材料？非户籍的配偶是否影响申请？",
        "梁女士",
        "13800138002",
        "吉利社区居委会",
        0.6,
        [],
    ),
    Scenario(
        "m03-new-donghua",
        "complaint",
        "东华里片区巷道路灯多盏不亮",
        "祖庙街道东华里历史文化街区后面的几条小巷，路灯已经坏了两个多星期，晚上一片漆黑，"
        "游客和居民夜间通行很不安全。请尽快安排维修。",
        "何先生",
        "13800138003",
        "东城社区居委会",
        1.0,
        [Step(0.4, "assign", CHENGGUAN)],
    ),
    Scenario(
        "m04-signed-zhangcha",
        "complaint",
        "张槎某针织厂夜间生产噪音扰民",
        "张槎街道大富村附近有一家针织厂，最近每天晚上十一点以后还在开机生产，机器声很大，"
        "周边居民无法休息，已经持续一个多月。希望环保部门夜间到现场监测并依法处理。",
        "黎女士",
        "13800138004",
        "大富村民委员会",
        5.0,
        [
            Step(0.5, "assign", HUANJING),
            Step(1.0, "sign", HUANJING),
            Step(2.0, "contact", HUANJING, {"method": "phone", "note": "电话联系留言人，约定夜间到现场监测。"}),
        ],
    ),
    Scenario(
        "m05-joint-shiwanpark",
        "suggestion",
        "石湾公园周边节假日停车难、乱停放",
        "每逢节假日，石湾公园和南风古灶一带车位严重不足，和平路、太平路两边乱停车，经常堵到公交车过不去。"
        "建议在周边学校、单位错时开放停车场，并增加临时停车指引。",
        "区先生",
        "13800138005",
        "澜石社区居委会",
        6.0,
        [
            Step(0.6, "assign", JIAOTONG, {"mode": "joint", "co": [CHENGGUAN, SHIWAN]}),
            Step(1.0, "sign", JIAOTONG),
            Step(1.2, "sign", CHENGGUAN),
            Step(1.3, "sign", SHIWAN),
            Step(
                3.0,
                "co_opinion",
                CHENGGUAN,
                {
                    "body": "我局将在节假日加强和平路、太平路段巡查，对占道乱停放依法劝导处理，"
                    "并配合设置临时停车指引牌。"
                },
            ),
        ],
    ),
    Scenario(
        "m06-extension-lanshi",
        "suggestion",
        "澜石片区老旧小区加装电梯审批慢",
        "我们是澜石片区某老旧小区的住户，楼里老人多，七楼没有电梯。去年已经征得大部分业主同意申请加装电梯，"
        "但材料来回补了好几次，至今未批。建议简化审批流程，明确一次性告知的材料清单。",
        "苏先生",
        "13800138006",
        "澜石社区居委会",
        12.0,
        [
            Step(0.8, "assign", JIANSHE),
            Step(1.5, "sign", JIANSHE),
            Step(2.5, "contact", JIANSHE, {"method": "meeting", "note": "到小区与业主代表座谈，了解审批卡点。"}),
            Step(
                5.0,
                "extension",
                JIANSHE,
                {"workdays": 10, "reason": "涉及规划、消防等多部门联合审查，需协调后统一答复。"},
            ),
            Step(6.0, "decide", "", {"approve": True, "note": "同意延期，请按期答复。"}),
        ],
    ),
    Scenario(
        "m07-overdue-fenjiang",
        "suggestion",
        "汾江南路下穿隧道雨天积水",
        "每次下大雨，汾江南路靠近祖庙路口的下穿隧道都会积水，水深可以没过小车轮胎，车辆只能绕行。"
        "建议对排水泵站进行检修扩容，并在隧道口设置积水警示。",
        "冯先生",
        "13800138007",
        "升平社区居委会",
        26.0,
        [Step(1.0, "assign", JIANSHE), Step(2.0, "sign", JIANSHE)],
    ),
    Scenario(
        "m08-replied-school",
        "suggestion",
        "季华园小学放学时段校门口交通拥堵",
        "每天下午四点半放学时，学校门口接送家长的车辆和电动车挤在一起，学生过马路很危险。"
        "建议学校实行错峰放学，并协调交警和志愿者在路口维持秩序。",
        "林女士",
        "13800138008",
        "季华社区居委会",
        6.0,
        [
            Step(0.5, "assign", JIAOYU),
            Step(1.0, "sign", JIAOYU),
            Step(
                4.0,
                "reply",
                JIAOYU,
                {
                    "category": "solved",
                    "body": "您好！我局已督促学校自下周一起实行分年级错峰放学，并联合交警、家委会志愿者在放学时段"
                    "于校门口路口值守疏导。感谢您对学生安全的关心。",
                },
            ),
        ],
    ),
    Scenario(
        "m09-replied-busstop",
        "suggestion",
        "佛山大道中公交站台缺少遮雨棚",
        "佛山大道中靠近普君北路的公交站只有一根站牌，没有候车亭，夏天暴晒、雨天淋雨，候车的老人小孩很辛苦。"
        "希望能增建候车亭。",
        "罗女士",
        "13800138009",
        "永安社区居委会",
        4.0,
        [
            Step(0.3, "assign", JIAOTONG),
            Step(0.6, "sign", JIAOTONG),
            Step(
                3.0,
                "reply",
                JIAOTONG,
                {
                    "category": "planned",
                    "body": "您好！经现场勘查，该站点人行道宽度满足建设条件，已列入今年第四季度候车亭建设计划，"
                    "预计年底前完工。施工期间将设置临时站牌。",
                },
            ),
        ],
    ),
    Scenario(
        "m10-closed-nanfeng",
        "complaint",
        "南风古灶景区周边垃圾清运不及时",
        "周末游客多，南风古灶入口和高庙路一带的垃圾桶经常满溢，垃圾散落在路边，气味很大，影响景区形象。"
        "请增加周末清运频次。",
        "谢先生",
        "13800138010",
        "澜石社区居委会",
        40.0,
        [
            Step(0.5, "assign", CHENGGUAN),
            Step(1.0, "sign", CHENGGUAN),
            Step(
                6.0,
                "reply",
                CHENGGUAN,
                {
                    "category": "solved",
                    "body": "您好！我局已协调环卫作业单位在周末及节假日将该片区清运频次由每日两次增加到四次，"
                    "并增设分类垃圾桶六组。欢迎继续监督。",
                },
            ),
            Step(8.0, "rate", CHENGGUAN, {"value": "satisfied", "comment": "清运明显及时了，谢谢。"}),
        ],
    ),
    Scenario(
        "m11-closed-yayi",
        "suggestion",
        "亚艺公园健身器材损坏",
        "亚艺公园北门附近的健身区，有三台器材螺丝松脱、扶手断裂，小孩玩的时候容易受伤，请尽快维修或更换。",
        "朱女士",
        "13800138011",
        "绿景社区居委会",
        62.0,
        [
            Step(0.5, "assign", SHIWAN),
            Step(1.0, "sign", SHIWAN),
            Step(
                7.0,
                "reply",
                SHIWAN,
                {
                    "category": "solved",
                    "body": "您好！街道已安排维修单位对损坏器材进行了维修，"
                    "其中一台无法修复的已拆除，计划下月更换新器材。",
                },
            ),
            Step(9.0, "rate", SHIWAN, {"value": "basic", "comment": "修好了两台，希望新器材早点装上。"}),
        ],
    ),
    Scenario(
        "m12-rehandled-kuiqi",
        "complaint",
        "魁奇路某工地夜间施工噪音",
        "魁奇路与季华五路附近的在建工地，经常凌晨一两点还在打桩、运泥头车，噪音很大。"
        "请核查是否办理了夜间施工许可，并依法处理。",
        "彭先生",
        "13800138012",
        "季华社区居委会",
        50.0,
        [
            Step(0.5, "assign", JIANSHE),
            Step(1.0, "sign", JIANSHE),
            Step(
                5.0,
                "reply",
                JIANSHE,
                {"category": "explained", "body": "您好！经查，该工地已办理夜间施工许可，属于连续浇筑作业。"},
            ),
            Step(
                6.0,
                "rate",
                JIANSHE,
                {"value": "unsatisfied", "comment": "许可只是个别日子，现在几乎每晚都在施工，没有解决问题。"},
            ),
            Step(7.0, "contact", JIANSHE, {"method": "phone", "note": "再次联系留言人，核实夜间施工的具体日期。"}),
            Step(
                12.0,
                "reply",
                JIANSHE,
                {
                    "category": "solved",
                    "body": "您好！我局复查发现该工地存在超出许可时段施工的情况，已责令整改并立案处罚，"
                    "同时要求其在工地出入口公示夜间施工许可日期，接受居民监督。",
                },
            ),
            Step(14.0, "rate", JIANSHE, {"value": "satisfied", "comment": "这几天晚上安静多了。"}),
        ],
    ),
    Scenario(
        "m13-supervised-water",
        "complaint",
        "祖庙片区某小区高层水压不足",
        "我住的小区在祖庙路附近，十八楼以上每天早晚用水高峰水压很低，热水器都打不着火，已经反映给物业很多次没有结果。",
        "郑女士",
        "13800138013",
        "培德社区居委会",
        35.0,
        [
            Step(0.5, "assign", JIANSHE),
            Step(1.0, "sign", JIANSHE),
            Step(3.0, "supervise", "", {"note": "民生无小事，请区住建水利局会同供水企业一周内拿出解决方案。"}),
            Step(
                8.0,
                "reply",
                JIANSHE,
                {
                    "category": "solved",
                    "body": "您好！经与供水企业现场检测，该小区二次供水加压泵组老化，已更换新泵组并调整加压参数，"
                    "经回访高峰时段水压已恢复正常。",
                },
            ),
            Step(10.0, "rate", JIANSHE, {"value": "satisfied", "comment": "现在水压正常了，感谢领导重视。"}),
        ],
    ),
    Scenario(
        "m14-returned-ziDong",
        "complaint",
        "紫洞村河涌发黑发臭",
        "南庄镇紫洞村村口的河涌最近水体发黑，还有死鱼，气味难闻，怀疑有企业偷排污水。请相关部门尽快调查。",
        "霍先生",
        "13800138014",
        "紫洞村民委员会",
        3.0,
        [
            Step(0.5, "assign", JIAOYU),
            Step(
                1.0,
                "return",
                JIAOYU,
                {"reason": "该事项涉及水污染排查，不属于我局职责，建议交生态环境部门办理。", "suggest": HUANJING},
            ),
            Step(1.5, "decide", "", {"approve": True, "note": "同意退回，重新交办。"}),
        ],
    ),
    Scenario(
        "m15-escalated-lanshi",
        "complaint",
        "澜石某小区楼顶违规搭建",
        "澜石片区某小区顶楼住户在楼顶违规加建铁皮房，已经持续施工半个月，担心影响楼体安全和消防通道。"
        "社区劝阻无效，请上级部门依法处理。",
        "卢女士",
        "13800138015",
        "澜石社区居委会",
        4.0,
        [
            Step(0.4, "assign", LANSHI),
            Step(0.8, "sign", LANSHI),
            Step(
                2.0,
                "escalate",
                LANSHI,
                {"reason": "社区多次上门劝阻无效，拆除违建需由镇街组织执法，申请上报镇街处理。"},
            ),
        ],
    ),
    Scenario(
        "m16-urgent-gas",
        "urgent",
        "张槎某小区地下车库闻到燃气味",
        "张槎某小区地下车库B区这两天一直有明显的燃气味，物业说不清楚来源，担心有泄漏危险，请马上派人来查。",
        "钟先生",
        "13800138016",
        "智城社区居委会",
        20.0,
        [
            Step(0.01, "assign", JIANSHE),
            Step(0.02, "sign", JIANSHE),
            Step(
                0.06,
                "reply",
                JIANSHE,
                {
                    "category": "solved",
                    "body": "您好！接报后我局立即联系燃气公司抢修人员到场，查明为车库内一处燃气立管接口松动，"
                    "已关阀更换并检测合格，现场已无泄漏。",
                },
            ),
            Step(0.5, "rate", JIANSHE, {"value": "satisfied", "comment": "来得很快，处理及时。"}),
        ],
    ),
    Scenario(
        "m17-declined",
        "consult",
        "邻居装修占用楼道的纠纷",
        "楼上邻居装修把建材堆在楼道里好几个月，跟他沟通了几次都不理会，请问这个事情应该找谁？",
        "袁先生",
        "13800138017",
        "城北社区居委会",
        15.0,
        [
            Step(
                0.5,
                "decline",
                "",
                {
                    "reason": "邻里之间的民事纠纷，建议先向小区物业和所在社区居委会反映调解；"
                    "楼道堆放影响消防安全的，可拨打 12345 反映。"
                },
            ),
        ],
    ),
    Scenario(
        "m18-unrated-library",
        "suggestion",
        "建议延长区图书馆分馆周末开放时间",
        "张槎街道的图书馆分馆周末下午五点就闭馆，上班族只有周末有空，希望周末能开放到晚上八点。",
        "温女士",
        "13800138018",
        "江湾社区居委会",
        30.0,
        [
            Step(0.5, "assign", SHIWAN),
            Step(
                1.0,
                "reassign",
                "",
                {"to": "张槎街道办事处", "reason": "分馆位于张槎街道辖区，改派张槎街道办理。"},
            ),
            Step(1.5, "sign", "张槎街道办事处"),
            Step(
                5.0,
                "reply",
                "张槎街道办事处",
                {
                    "category": "planned",
                    "body": "您好！街道已与区图书馆沟通，拟从下季度起试行周六、周日开放至晚上八点，"
                    "试行情况将在分馆公告。",
                },
            ),
        ],
    ),
    # More residents about m04's knitting factory: one matter raised by several people is a hotspot
    # of the last weeks, and the dispatcher sees the earlier messages as probably the same matter.
    Scenario(
        "m19-same-zhangcha",
        "complaint",
        "大富村针织厂晚上机器声太吵",
        "我住在张槎大富村，村口附近那家针织厂这段时间天天开夜工，到凌晨一两点机器还在响，"
        "家里老人小孩都睡不着。之前也有邻居反映过，希望尽快管一管。",
        "陆先生",
        "13800138019",
        "大富村民委员会",
        4.0,
        [Step(0.3, "assign", HUANJING), Step(0.8, "sign", HUANJING)],
    ),
    Scenario(
        "m20-same-zhangcha",
        "complaint",
        "投诉张槎大富村针织厂夜间生产噪声",
        "大富村工业区一家针织厂晚上十一点后继续生产，织机噪声很大，附近出租屋的工友白天上班晚上睡不好。"
        "请环保部门夜间来测一下噪声是否超标，依法处理。",
        "吴女士",
        "13800138020",
        "大富村民委员会",
        2.5,
        [Step(0.4, "assign", HUANJING)],
    ),
    Scenario(
        "m21-same-zhangcha",
        "complaint",
        "大富村针织厂半夜开机噪音扰民",
        "大富村那家针织厂半夜还开机生产，噪音扰民，打过几次电话给厂里都没有用，请政府部门依法处理。",
        "邓先生",
        "13800138021",
        "大富村民委员会",
        0.8,
        [],
    ),
]


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-message:{key}")


def _shift(item_id: int, message_id: int, delta: dt.timedelta) -> None:
    """Move every timestamp of one message's item, its loop records and the message back by ``delta``."""
    from xieshang.handling.demo import move_back
    from xieshang.messages.models import Message

    move_back([item_id], delta, records={Message: [message_id]})


class _Actors:
    def __init__(self, committee: Any) -> None:
        from xieshang.organisations.models import Unit, User

        self.committee = committee
        self.office = User.objects.get(username="office")
        self.leader_user = User.objects.get(username="leader")
        self._units = {u.name: u for u in Unit.objects.filter(committee=committee)}
        self._staff: dict[str, Any] = {}
        for user in User.objects.filter(role=User.Role.UNIT, unit__committee=committee).select_related("unit"):
            if user.unit is not None:
                self._staff.setdefault(user.unit.name, user)
        self._User = User

    def unit(self, name: str) -> Any:
        return self._units[name]

    def staff(self, unit_name: str) -> Any:
        try:
            return self._staff[unit_name]
        except KeyError:
            raise LookupError(f"demo unit {unit_name} has no staff account") from None


def _live_assignment(item: Any, unit: Any) -> Any:
    from xieshang.handling.models import LIVE_STATES, Assignment

    return Assignment.objects.filter(item=item, unit=unit, status__in=LIVE_STATES).get()


def _run_step(step: Step, item: Any, msg: Any, actors: _Actors) -> None:
    from xieshang.handling import services as loop
    from xieshang.handling.models import Item, Request
    from xieshang.messages import services as messages

    item.refresh_from_db()
    office = actors.office
    if step.action == "assign":
        from xieshang.handling import assist

        co = [actors.unit(n) for n in step.args.get("co", [])]
        lead = actors.unit(step.unit)
        # as on the item's page: the dispatcher sees the suggested units, then chooses
        assist.route_suggestion_record(item, assist.suggest_units(actors.committee.pk, item.title, item.text))
        loop.item_assign(
            item_id=item.pk,
            actor=office,
            mode=step.args.get("mode", Item.Mode.SINGLE),
            lead_units=[lead],
            co_units=co,
        )
        assist.route_decision_settle(item_id=item.pk, chosen=[lead], actor=office)
    elif step.action == "sign":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_sign(assignment_id=a.pk, actor=actors.staff(step.unit))
    elif step.action == "contact":
        a = _live_assignment(item, actors.unit(step.unit))
        from django.utils import timezone

        loop.assignment_record_contact(
            assignment_id=a.pk,
            actor=actors.staff(step.unit),
            method=step.args["method"],
            happened_at=timezone.now(),
            note=step.args.get("note", ""),
        )
    elif step.action == "co_opinion":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.co_opinion_send(assignment_id=a.pk, actor=actors.staff(step.unit), body=step.args["body"])
    elif step.action == "reply":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_reply(
            assignment_id=a.pk,
            actor=actors.staff(step.unit),
            body=step.args["body"],
            category=step.args["category"],
            resolved=step.args["category"] == "solved",
        )
    elif step.action == "rate":
        a = _live_assignment(item, actors.unit(step.unit))
        messages.message_rate(
            code=msg.tracking_code,
            phone=msg.phone,
            assignment_id=a.pk,
            value=step.args["value"],
            comment=step.args.get("comment", ""),
        )
    elif step.action == "extension":
        from django.utils import timezone

        from xieshang.workdays.calendar import Unit as TimeUnit
        from xieshang.workdays.calendar import add_period

        a = _live_assignment(item, actors.unit(step.unit))
        until = timezone.localtime(add_period(a.effective_due_at, step.args["workdays"], TimeUnit.WORKDAY).at).date()
        loop.assignment_request_extension(
            assignment_id=a.pk, actor=actors.staff(step.unit), until=until, reason=step.args["reason"]
        )
    elif step.action == "return":
        a = _live_assignment(item, actors.unit(step.unit))
        suggested = actors.unit(step.args["suggest"]) if step.args.get("suggest") else None
        loop.assignment_request_return(
            assignment_id=a.pk, actor=actors.staff(step.unit), reason=step.args["reason"], suggested_unit=suggested
        )
    elif step.action == "decide":
        req = Request.objects.filter(assignment__item=item, status=Request.Status.PENDING).latest("id")
        loop.request_decide(
            request_id=req.pk, actor=office, approve=step.args["approve"], note=step.args.get("note", "")
        )
    elif step.action == "escalate":
        a = _live_assignment(item, actors.unit(step.unit))
        loop.assignment_escalate(assignment_id=a.pk, actor=actors.staff(step.unit), reason=step.args["reason"])
    elif step.action == "supervise":
        leader_user = actors.leader_user
        loop.item_supervise(item_id=item.pk, actor=leader_user, note=step.args["note"])
    elif step.action == "decline":
        loop.item_decline(item_id=item.pk, actor=office, reason=step.args["reason"])
    elif step.action == "reassign":
        a = item.assignments.get(status__in=["new", "signed"])
        loop.assignment_reassign(
            assignment_id=a.pk, actor=office, unit=actors.unit(step.args["to"]), reason=step.args["reason"]
        )
    else:
        raise ValueError(f"unknown demo step {step.action!r}")


def _area_for(name: str) -> Any:
    from xieshang.areas.models import Area

    community = Area.objects.get(name=name, level=Area.Level.COMMUNITY)
    return community.children.order_by("code").first() or community


def seed_messages(committee: Any) -> int:
    """Create the scenarios that do not exist yet; returns how many were created."""
    from xieshang.core.models import Notification
    from xieshang.handling import services as loop
    from xieshang.messages import services as messages
    from xieshang.messages.models import Message

    actors = _Actors(committee)
    created = 0
    for sc in SCENARIOS:
        token = _token(sc.key)
        if Message.objects.filter(submission_token=token).exists():
            continue
        with transaction.atomic():
            msg, made = messages.message_submit(
                committee=committee,
                submission_token=token,
                kind=sc.kind,
                title=sc.title,
                text=sc.text,
                name=sc.name,
                phone=sc.phone,
                area=_area_for(sc.area),
                publish_consent=True,
            )
            if not made or msg.item_id is None:
                continue
            item_id: int = msg.item_id
            previous = 0.0
            for step in sc.steps:
                gap = step.day - previous
                if gap > 0:
                    _shift(item_id, msg.pk, dt.timedelta(days=gap))
                previous = step.day
                _run_step(step, msg.item, msg, actors)
            _shift(item_id, msg.pk, dt.timedelta(days=max(sc.age_days - previous, 0)))
        # notifications are written after commit, so they missed the moves above: put them at the
        # time of the scenario's last step
        Notification.objects.filter(url=f"/handling/items/{msg.item_id}/").update(
            created_at=F("created_at") - dt.timedelta(days=max(sc.age_days - previous, 0))
        )
        created += 1
    if created:
        # deadlines were computed at the moment each step ran; recount them from the moved clocks
        # against the holiday table, then let the scan flag what is now overdue or unrated.
        loop.recompute_open_deadlines()
        loop.scan_deadlines()
    return created
