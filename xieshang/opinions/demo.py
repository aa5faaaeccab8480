"""Demo records for 2022: 640 opinion reports (15 by HK/Macao members), bulletin issues, adoptions
by higher bodies and 5 leader instructions, all made through the services so that every figure
on the pages is counted from records. Keyed by fixed tokens: running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import transaction
from django.utils import timezone

from xieshang.organisations.models import Committee, Leader, Member, Unit, User

from . import services
from .models import BulletinIssue, OpinionReport

NAMESPACE = uuid.UUID("0b6a3c0e-5d1f-4f7b-9a55-6f2d2f0c2022")
YEAR = 2022
TOTAL = 640
HK_MACAO = 15
PER_ISSUE = 12
INSTRUCTIONS = 5

PLACES = [
    "祖庙街道",
    "石湾镇街道",
    "张槎街道",
    "南庄镇",
    "澜石社区",
    "东城社区",
    "莲塘村",
    "紫南村",
    "季华路沿线",
    "岭南天地片区",
    "绿景片区",
    "佛山新城周边",
    "东平河沿岸",
    "高铁新城站点",
    "塱沙片区",
]
MATTERS = [
    (
        "老旧小区加装电梯推进缓慢",
        "低层住户意见不一、费用分摊标准不明确、审批环节多",
        "出台费用分摊指引，开辟审批绿色通道",
    ),
    ("社区长者饭堂运营不规范", "部分饭堂菜品单一、价格偏高、补贴发放不及时", "统一服务标准，按季度公开补贴发放情况"),
    ("学校周边上下学时段交通拥堵", "接送车辆临时停靠无序，缺少即停即走车位", "划设临时停靠区并安排志愿者疏导"),
    ("婴幼儿托育服务供给不足", "普惠性托位少、收费高，双职工家庭接送难", "利用社区闲置用房增设普惠托育点"),
    ("河涌治理后黑臭反弹", "沿岸雨污分流不彻底，个别排口偷排", "开展排口溯源整治并建立河长巡河公示制度"),
    ("夜间施工噪声扰民", "部分工地超时作业，投诉后整改不及时", "落实夜间施工审批公示和联合巡查"),
    ("新能源汽车充电桩不足", "老旧小区电力容量有限，公共充电桩布点少", "结合城市更新统筹建设公共充电设施"),
    ("公园公共厕所不足", "节假日人流大，如厕排队时间长", "增设移动厕所并延长开放时间"),
    ("外卖骑手交通安全隐患", "逆行、闯红灯现象较多，平台考核时间过紧", "推动平台优化配送时限并加强路面执法"),
    ("农贸市场环境卫生较差", "排水不畅、摊位占道经营", "实施市场升级改造并落实“门前三包”"),
    ("中小微企业融资难", "抵押物不足、审批周期长", "扩大政府性融资担保覆盖，推广“信易贷”"),
    ("陶瓷产业转型升级用地紧张", "旧厂房改造审批复杂、配套不足", "简化村级工业园改造审批流程"),
    ("青少年心理健康服务薄弱", "学校专职心理教师配备不足", "按标准配齐心理教师，建立家校医联动机制"),
    ("社区医院高峰期排队时间长", "全科医生数量不足，预约挂号使用率低", "推广分时段预约并增加高峰时段号源"),
    ("共享单车乱停放", "地铁站口堆积严重，影响通行", "划定电子围栏停放区并落实企业调度责任"),
    ("历史文化街区保护与活化不足", "部分古建筑年久失修，业态单一", "引入社会资本参与活化利用"),
    ("困难群众就医负担较重", "慢性病门诊报销比例偏低", "扩大门诊慢特病保障范围"),
    ("城中村消防通道被占用", "杂物堆放、车辆乱停", "开展常态化清理并设置消防通道标识"),
    ("居家养老上门服务覆盖面小", "服务项目少，专业护理人员不足", "培育专业服务机构，扩大政府购买服务"),
    ("社区“一刻钟便民生活圈”配套不全", "新建小区商业配套滞后", "规划配建便民服务网点"),
]
ORGS = [
    "民革禅城区支部",
    "民盟禅城区基层委员会",
    "民建禅城区基层委员会",
    "民进禅城区基层委员会",
    "农工党禅城区支部",
    "九三学社禅城区支社",
    "区工商联",
    "社会和法制委员会",
    "人口资源环境委员会",
    "科教卫体委员会",
]
UPPER = [("city", 12), ("province", 3), ("national", 1), ("party", 4), ("government", 6)]


def _token(i: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-opinion:{i}")


def _text(rng: random.Random, matter: tuple[str, str, str], place: str) -> str:
    what, why, fix = matter
    return (
        f"近期，{place}不少群众反映{what}的问题。经走访了解，主要原因是{why}，群众意见较大。\n"
        f"建议：一是由相关部门牵头，{fix}；二是加强部门、镇街与社区的协同，明确责任和完成时限；"
        f"三是定期向群众公开工作进展，接受社会监督。"
    )


def _at(rng: random.Random, i: int) -> dt.datetime:
    day = dt.date(YEAR, 1, 4) + dt.timedelta(days=int(i * 355 / TOTAL))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59))))


def seed(committee: Committee) -> int:
    """Create the 2022 opinion reports if they are not there yet; returns the number created."""
    if OpinionReport.objects.filter(submission_token=_token(TOTAL - 1)).exists():
        return 0
    info = User.objects.get(username="info")
    members = list(Member.objects.filter(committee=committee, is_hk_macao=False).exclude(user__isnull=True))
    members += list(Member.objects.filter(committee=committee, is_hk_macao=False, user__isnull=True)[:200])
    hk = list(Member.objects.filter(committee=committee, is_hk_macao=True))
    if not members or not hk:
        raise LookupError("demo committee has no members; run seed_demo first")
    rng = random.Random(2022)
    created = 0
    with transaction.atomic():
        released: list[OpinionReport] = []
        pending_issue: list[OpinionReport] = []
        for i in range(TOTAL):
            if OpinionReport.objects.filter(submission_token=_token(i)).exists():
                continue
            matter = MATTERS[i % len(MATTERS)]
            place = PLACES[(i // len(MATTERS)) % len(PLACES)]
            at = _at(rng, i)
            kw: dict = {}
            if i % (TOTAL // HK_MACAO) == 7 and i // (TOTAL // HK_MACAO) < HK_MACAO:
                kw = {"member": hk[(i // (TOTAL // HK_MACAO)) % len(hk)], "author_kind": "member"}
            elif i % 9 == 4:
                kw = {"author_kind": "party" if i % 2 else "special_committee", "author_org": ORGS[i % len(ORGS)]}
            else:
                kw = {"member": members[(i * 7) % len(members)], "author_kind": "member"}
            report, _ = services.report_submit(
                actor=info,
                submission_token=_token(i),
                title=f"关于{place}{matter[0]}的建议"[:100],
                text=_text(rng, matter, place),
                submitted_at=at,
                **kw,
            )
            created += 1
            fate = i % 20
            if i >= TOTAL - 10:
                continue  # the last ten of the year are still being edited
            if fate in (3, 8, 13, 17, 19) and not report.is_hk_macao:
                services.report_decline(
                    actor=info, report_id=report.pk, reason="所反映问题已有部门专项部署，暂不编发。"
                )
                continue
            if fate == 11:
                services.report_edit(
                    actor=info,
                    report_id=report.pk,
                    title=report.title,
                    text=report.text + "\n（编者：已核实有关数据。）",
                    note="核实数据，文字精简",
                )
            services.report_adopt(actor=info, report_id=report.pk, on=at.date() + dt.timedelta(days=3))
            pending_issue.append(report)
            if len(pending_issue) == PER_ISSUE:
                released += _issue(info, committee, pending_issue)
                pending_issue = []
        if pending_issue:
            released += _issue(info, committee, pending_issue)
        _afterwards(info, committee, released, rng)
    return created


def _issue(info: User, committee: Committee, reports: list[OpinionReport]) -> list[OpinionReport]:
    issue = services.issue_create(actor=info, committee=committee, year=YEAR)
    for r in reports:
        services.issue_add_report(actor=info, issue_id=issue.pk, report_id=r.pk)
    last = max(r.submitted_at for r in reports) + dt.timedelta(days=5)
    services.issue_release(actor=info, issue_id=issue.pk, recipients=["party", "government", "parent"], at=last)
    return [OpinionReport.objects.get(pk=r.pk) for r in reports]


def _afterwards(info: User, committee: Committee, released: list[OpinionReport], rng: random.Random) -> None:
    pool = sorted(released, key=lambda r: r.pk)
    picks = iter(rng.sample(pool, sum(n for _, n in UPPER) + INSTRUCTIONS + 2))
    for level, n in UPPER:
        for _ in range(n):
            r = next(picks)
            services.report_record_adoption(
                actor=info,
                report_id=r.pk,
                level=level,
                adopted_on=r.submitted_at.date() + dt.timedelta(days=30),
                issue_label=f"{YEAR}年第{rng.randint(1, 40)}期",
            )
    leaders = list(Leader.objects.filter(committee=committee))
    for k in range(INSTRUCTIONS):
        r = next(picks)
        leader = leaders[k % len(leaders)] if leaders else None
        services.report_record_instruction(
            actor=info,
            report_id=r.pk,
            leader=leader,
            leader_name="" if leader else "郑国华",
            level="district",
            given_on=r.submitted_at.date() + dt.timedelta(days=20),
            text="此件反映的问题具有代表性，请相关部门认真研究，提出解决措施并反馈。",
        )
    units = {u.name: u for u in Unit.objects.filter(committee=committee)}
    for name in ("区住房城乡建设和水利局", "区教育局"):
        r = next(picks)
        if name in units:
            services.report_transfer(actor=info, report_id=r.pk, unit=units[name], reason="按区领导批示转办")


def year_issues(committee: Committee) -> int:
    return BulletinIssue.objects.filter(committee=committee, year=YEAR).count()
