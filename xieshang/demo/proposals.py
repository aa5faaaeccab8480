"""The 2022 proposal year of the demo committee, made record by record through the services.

The figures the seed article reports come out of these records (the rates page computes them):
194 proposals filed at the 五届二次会议, merged into 153 assignment items, 11 key proposals led by
9 district leaders, 69 adopted suggestions (each proposal's numbered suggestions are its suggestion
records; a unit's reply ticks the one it adopts), every item closed on time with every proposer satisfied
or basically satisfied, 14 proposals whose first proposer is a HK/Macao member.

The proposals are entered by the proposals office on the members' behalf (代录入, as for paper
proposals handed in at the plenary) and rated by the office for members who are offline.

Each step runs through the services on its day in 2022, under the demo's travelling clock (``timeline.at``):
handed in around the plenary, reviewed (立案、并案) after the Spring Festival, key proposals chosen by the
chair's council, assigned at the 交办会, then each item on its own days — signed for the same or the
next working day, the proposer contacted within 15 working days, co-units' opinions within the month,
the reply well inside the three months, reviewed, and rated within the rating period.
"""

from __future__ import annotations

import datetime as dt
import random

from xieshang.core.notify import muted as notices_muted
from xieshang.demo.organisations import demo_committee, lead_unit, staffed_units
from xieshang.demo.timeline import at, on, working_day
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import Committee, Leader, Member, Session, User
from xieshang.proposals import services as ps
from xieshang.proposals.models import Category, Proposal
from xieshang.proposals.selectors import adoptable
from xieshang.workdays.calendar import is_workday

from .texts import load

YEAR = 2022
FILED = 194
ITEMS = 153
KEY = 11
LEADERS = 9
ADOPTED = 69
HK = 14
# Handed in on the working days of the 五届二次会议's proposal window; 立案 by the proposals office on the
# working days of the second half of February, after the Spring Festival, and 并案 on the last of them.
SUBMITTED = (dt.date(2022, 1, 4), dt.date(2022, 1, 19))
REVIEWED = (dt.date(2022, 2, 14), dt.date(2022, 2, 25))
KEY_DECIDED_ON = dt.date(2022, 3, 1)  # the chair's council chooses the key proposals
ASSIGNED_ON = dt.date(2022, 3, 10)  # the 交办会
EXTRA_LEADERS = [("副区长", "林志远"), ("副区长", "谢婉华"), ("区委常委、宣传部部长", "潘永健")]
ORGANISATIONS = [
    "民革禅城区基层委员会",
    "民盟禅城区基层委员会",
    "民建禅城区基层委员会",
    "九三学社禅城区基层委员会",
    "区工商联",
]
TOPICS = {
    Category.URBAN: [
        "老旧小区加装电梯",
        "城中村改造",
        "背街小巷微改造",
        "停车位供给",
        "公共充电桩建设",
        "三旧改造项目推进",
    ],
    Category.EDUCATION: ["课后延时服务", "学位供给", "校园周边交通安全", "职业教育产教融合", "中小学心理健康教育"],
    Category.ECONOMY: [
        "陶瓷产业数字化转型",
        "中小企业融资",
        "夜间经济",
        "总部经济",
        "营商环境优化",
        "专精特新企业培育",
    ],
    Category.HEALTH: ["社区卫生服务中心建设", "家庭医生签约服务", "医养结合", "基层中医药服务"],
    Category.LIVELIHOOD: ["居家养老服务", "托育服务体系", "困境儿童关爱", "灵活就业人员社保"],
    Category.GOVERNANCE: ["网格化治理", "物业管理纠纷化解", "社区协商议事", "基层减负"],
    Category.ENVIRONMENT: ["河涌水环境治理", "垃圾分类", "城市绿道建设", "噪声污染治理"],
    Category.CULTURE: ["南风古灶保护利用", "岭南文化传承", "全民健身场地", "公共图书馆分馆建设"],
}
ANGLES = ["的建议", "工作的建议", "机制的建议", "的几点建议", "的对策建议", "有关问题的建议"]


class SeedError(Exception):
    pass


VERBS = ["关于加快", "关于推进", "关于完善", "关于加强", "关于优化", "关于进一步做好"]


def _titles(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(category, topic, title, lead) of each filed proposal: ``lead`` is "" for the ITEMS proposals
    handled as items of their own, and for each of the others the title of the proposal it is
    merged into, another proposal on the same topic."""
    leads: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    cats = list(TOPICS)
    i = 0
    while len(leads) < ITEMS:
        cat = cats[i % len(cats)]
        topic = TOPICS[cat][(i // len(cats)) % len(TOPICS[cat])]
        angle = ANGLES[(i // 7) % len(ANGLES)]
        verb = VERBS[(i // 3) % len(VERBS)]
        title = f"{verb}{topic}{angle}"
        if title not in seen:
            seen.add(title)
            leads.append((str(cat), topic, title, ""))
        i += 1
    merged: list[tuple[str, str, str, str]] = []
    for k in range(FILED - ITEMS):
        cat, topic, lead, _ = leads[(k * 7) % len(leads)]
        for j in range(len(VERBS) * len(ANGLES)):
            title = f"{VERBS[(k + j) % len(VERBS)]}{topic}{ANGLES[(k + j // len(VERBS)) % len(ANGLES)]}"
            if title not in seen:
                seen.add(title)
                merged.append((cat, topic, title, lead))
                break
    out = leads + merged
    rng.shuffle(out)
    return out


def _content(topic: str, n: int, start: int) -> dict[str, str]:
    """A proposal on ``topic``: its situation and analysis, and ``n`` of its suggestions from ``start``."""
    text = load("proposal_texts")["topics"][topic]
    situation, analysis, suggestions = text["situation"], text["analysis"], text["suggestions"]
    picked = [suggestions[(start + k) % len(suggestions)] for k in range(n)]
    numerals = "一二三四五六"
    return {
        "situation": situation,
        "analysis": analysis,
        "suggestions": "\n".join(f"{numerals[k]}、{text}。" for k, text in enumerate(picked)),
    }


def _working_days(span: tuple[dt.date, dt.date]) -> list[dt.date]:
    first, last = span
    days = (first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if is_workday(d)]


def _spread(days: list[dt.date], n: int, total: int) -> dt.date:
    """The day of the ``n``-th of ``total`` things done in order over ``days``."""
    return days[n * len(days) // total]


def _handling_days(k: int) -> dict[str, dt.datetime]:
    """When the ``k``-th item was signed for, its proposer contacted, the co-unit's opinion sent, the reply
    sent, reviewed and rated: varied from item to item, each inside the proposal channel's deadlines
    (sign-for 1 working day, first contact 15 working days, co-unit opinion 1 month, reply 3 months,
    rating 30 days)."""
    assigned = on(ASSIGNED_ON, 10)
    signed = on(working_day(assigned, k % 2), 15 if k % 2 == 0 else 9, 30)
    contacted = on(working_day(assigned, 2 + k % 8), 10)
    opinion = on(working_day(assigned, 10 + k % 8), 16)
    replied = on(working_day(assigned, 25 + (k * 7) % 30), 16)
    reviewed = on(working_day(replied, 1 + k % 3), 10)
    rated = on(working_day(reviewed, 2 + k % 8), 11)
    return {
        "signed": signed,
        "contacted": contacted,
        "opinion": opinion,
        "replied": replied,
        "reviewed": reviewed,
        "rated": rated,
    }


def seed(committee: Committee | None = None) -> dict[str, int]:
    """Create the 2022 year once; a second run finds it and adds nothing."""
    committee = committee or demo_committee()
    if committee is None:
        raise SeedError("未找到演示委员会，请先运行 seed_demo。")
    session = Session.objects.filter(term__committee=committee, term__number=5, number=2).select_related("term").first()
    if session is None:
        raise SeedError("未找到第五届第二次会议。")
    existing = Proposal.objects.filter(committee=committee, year=YEAR, status=Proposal.Status.FILED).count()
    if existing:
        return {"existing": existing}
    office = User.objects.get(username="office", committee=committee)
    units, staff = staffed_units(committee)
    if len(units) < 2:
        raise SeedError("演示承办单位账号不足。")
    rng = random.Random(2022)
    leaders = list(Leader.objects.filter(committee=committee).order_by("id"))
    for title, name in EXTRA_LEADERS:
        if len(leaders) >= LEADERS:
            break
        if not Leader.objects.filter(committee=committee, name=name).exists():
            leaders.append(Leader.objects.create(committee=committee, name=name, title=title))
    leaders = leaders[:LEADERS]
    members = list(Member.objects.filter(term=session.term, is_hk_macao=False).order_by("id"))
    hk_members = list(Member.objects.filter(term=session.term, is_hk_macao=True).order_by("id"))
    if len(members) < 60 or not hk_members:
        raise SeedError("演示委员不足。")
    titles = _titles(rng)
    hk_slots = set(rng.sample(range(FILED), HK))
    # Notices about a past year would only flood the demo inboxes. Each step commits on its own, at its
    # moment, so what the services do after commit (the loop telling a proposal its item closed) is
    # dated then too.
    with notices_muted():
        submission_days = _working_days(SUBMITTED)
        proposals = []
        for i, (cat, topic, title, _lead) in enumerate(titles):
            day = _spread(submission_days, i, FILED)
            n_sugg = 3 + (i % 3)
            data = {
                "title": title,
                "category": cat,
                "integrity": "researched",
                "declared": True,
                **_content(topic, n_sugg, i),
            }
            if i in hk_slots:
                member = hk_members[i % len(hk_members)]
                data["proposer_kind"] = "member"
            elif i % 10 == 3:
                member = None
                data["proposer_kind"] = "party"
                data["organisation_name"] = ORGANISATIONS[i % len(ORGANISATIONS)]
            else:
                member = members[(i * 7) % len(members)]
                data["proposer_kind"] = "member"
            with at(on(day, 10)):
                p = ps.proposal_save_draft(actor=office, data=data, on_behalf_of=member)
                if member is not None and i % 4 == 1 and i not in hk_slots:
                    cos = [members[(i * 7 + k * 13) % len(members)] for k in (1, 2)][: 1 + i % 2]
                    cos = [c for c in cos if c.pk != member.pk]
                    ps.proposal_set_cosigners(actor=office, proposal_id=p.pk, member_ids=[c.pk for c in cos])
                ps.proposal_submit(actor=office, proposal_id=p.pk, on=day)
            proposals.append(p)

        review_days = _working_days(REVIEWED)
        by_title = {p.title: p for p in proposals}
        leads = [p for p, t in zip(proposals, titles, strict=True) if not t[3]]
        for k, p in enumerate(leads):
            with at(on(_spread(review_days, k, len(leads)), 10)):
                ps.proposal_file(actor=office, proposal_id=p.pk)
        with at(on(review_days[-1], 15)):
            for p, (_cat, _topic, _title, lead) in zip(proposals, titles, strict=True):
                if lead:
                    ps.proposal_merge(
                        actor=office, proposal_id=p.pk, lead_id=by_title[lead].pk, note="所提事项相同，并案办理"
                    )

        with at(on(KEY_DECIDED_ON, 15)):
            for k, lead in enumerate(leads[:KEY]):
                ps.key_proposal_set(
                    actor=office, proposal_id=lead.pk, decided_on=KEY_DECIDED_ON, leader_id=leaders[k % LEADERS].pk
                )

        adopted_left = ADOPTED
        for k, lead in enumerate(leads):
            lead.refresh_from_db()
            # assigned at the 交办会; from then on each item goes on its own days
            days = _handling_days(k)
            unit = lead_unit(lead.title, units, k)
            co = units[(k + max(1, len(units) // 2)) % len(units)] if k % 5 == 0 else None
            if co == unit:
                co = units[(units.index(unit) + 1) % len(units)]
            with at(on(ASSIGNED_ON, 10)):
                ps.proposal_assign(
                    actor=office,
                    proposal_id=lead.pk,
                    mode="joint" if co else "single",
                    lead_unit_ids=[unit.pk],
                    co_unit_ids=[co.pk] if co else [],
                )
            item = Item.objects.get(pk=lead.item_id)
            with at(days["signed"]):
                for a in item.assignments.all():
                    loop.assignment_sign(assignment_id=a.pk, actor=staff[a.unit_id])
            a = item.assignments.get(role="lead")
            with at(days["contacted"]):
                loop.assignment_record_contact(
                    assignment_id=a.pk,
                    actor=staff[a.unit_id],
                    method=["meeting", "phone", "forum"][k % 3],
                    happened_at=days["contacted"],
                    note="与提案人沟通办理思路。",
                )
            if co:
                with at(days["opinion"]):
                    for c in item.assignments.filter(role="co"):
                        loop.co_opinion_send(
                            assignment_id=c.pk, actor=staff[c.unit_id], body="同意主办单位的办理意见。"
                        )
            category = "A" if k % 4 == 0 else ("C" if k % 7 == 3 else "B")
            # the unit ticks the suggestion it adopts, among those the reply form offers
            offered = [pk for pk, _label in adoptable(item)]
            picks = [offered[k % len(offered)]] if offered and adopted_left > 0 and category != "C" else []
            adopted_left -= len(picks)
            with at(days["replied"]):
                reply = loop.assignment_reply(
                    assignment_id=a.pk,
                    actor=staff[a.unit_id],
                    category=category,
                    adopted=picks,
                    # A: the matter was solved or the proposal adopted; the unit says so
                    resolved=category == "A",
                    body=f"您提出的《{lead.title}》收悉。我单位高度重视，已会同有关部门研究落实，"
                    "有关建议已纳入年度工作计划。联系人：办公室，电话 0757-83000000。",
                )
            with at(days["reviewed"]):
                loop.reply_review(reply_id=reply.pk, actor=office, passed=True)
            with at(days["rated"]):
                for r in ps.raters_for_item(item):
                    ps.proposal_rate(
                        actor=office,
                        assignment_id=a.pk,
                        rater_key=r.key,
                        value="satisfied" if (k + len(r.key)) % 6 else "basic",
                    )
        if adopted_left:
            raise SeedError("采纳建议条数分配有误。")
    return {"filed": FILED, "items": ITEMS}
