"""Proposals for the web benchmark: N proposals with their proposers, handling items and assignments.

Called by ``bench/webdata.py seed-proposals N`` (``./bench/run web --proposals N``) after the items
are seeded, in the same committee and with the same units. Rows are added in bulk (a synthetic
history, not replayed through the services, which would take hours), so the figures the pages
read (status, handling state, case numbers, merge groups, search text) are set here the way the
services set them.

The mix: 25 years of plenary sessions (five terms of five sessions), about 4,000 proposals a
session. Older sessions: 88 % filed (one in eight of those merged into another proposal of the
same session), 6 % not filed, 4 % turned into suggestions, 2 % into opinion reports; their handling
is closed. The session before the current one is still being handled or rated. The current session
is being reviewed: a quarter of it waits in the office's review queue, a few are drafts, being
co-signed or returned, and the filed ones are being assigned and handled. Proposers: individual
members 60 %, joint (2-4 members) 20 %, parties and people's organisations 10 %, special committees
5 %, sectors 5 %. Items go to the 30 district departments with a skewed load; the benchmark's unit
(the first department) holds about one in seven.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bench import bulk
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import Committee, Member, Session, Term, Unit, User
from xieshang.proposals.models import NumberCounter, Proposal, Proposer

St = Proposal.Status
H = Proposal.Handling
AS = Assignment.Status
BATCH = 2000
OFFICE = "bench-proposals"

TOPICS = ["老旧小区加装电梯", "停车位供给", "学位供给", "校园周边交通", "社区卫生服务", "居家养老", "河涌治理",
          "垃圾分类", "夜间经济", "中小企业融资", "陶瓷产业转型", "南风古灶保护", "城中村改造", "托育服务",
          "公共充电桩", "网格化治理", "物业纠纷化解", "职业教育", "家庭医生签约", "绿道建设"]  # fmt: skip
VERBS = ["关于加快", "关于推进", "关于完善", "关于加强", "关于优化", "关于进一步做好"]
PLACES = ["祖庙街道", "石湾镇街道", "张槎街道", "南庄镇", "季华路沿线", "岭南天地", "澜石片区", "绿岛湖片区"]
FINDINGS = [
    "近年来我区{t}工作取得一定成效，但与群众期盼相比仍有差距。",
    "调研发现，{p}一带{t}问题较为突出，群众反映集中。",
    "{t}涉及多个部门，职责交叉，统筹协调机制尚不健全。",
    "部分基层单位对{t}重视不够，资金和人员保障不足。",
    "现有政策宣传不到位，不少居民对{t}的办理流程不了解。",
]
CAUSES = [
    "一是规划滞后，缺乏系统谋划；",
    "二是投入渠道单一，社会资本参与不足；",
    "三是考核机制不完善，责任落实不到位；",
    "四是信息化水平不高，数据共享不充分；",
    "五是基层力量薄弱，专业人才缺乏。",
]
SUGGESTIONS = [
    "建立由区政府牵头、相关部门参与的联席会议制度，定期研究解决{t}中的重点难点问题。",
    "设立专项资金，对{p}等重点片区给予倾斜支持。",
    "简化审批流程，推行一窗受理、并联审批。",
    "引入第三方评估，将{t}纳入年度绩效考核。",
    "加强政策宣传，通过社区议事会等形式广泛听取群众意见。",
    "推动数据共享，建设统一的信息平台。",
]
SURNAMES = "陈李黄梁何张王刘冯吴罗林郭谭邓霍区潘麦卢"
GIVEN = ["伟", "敏", "丽", "强", "静", "军", "洁", "勇", "艳", "杰", "娟", "涛", "明", "芳", "华", "志", "文", "健"]
PARTIES = ["民革禅城区基层委员会", "民盟禅城区基层委员会", "民建禅城区基层委员会", "民进禅城区基层委员会",
           "农工党禅城区基层委员会", "致公党禅城区支部", "九三学社禅城区基层委员会", "区工商联", "共青团禅城区委员会",
           "区妇联"]  # fmt: skip
SPECIAL = ["提案委员会", "经济委员会", "文化文史和学习委员会", "社会和法制委员会", "港澳台侨和外事委员会"]
SECTORS = ["经济界", "教育界", "医药卫生界", "文化艺术界", "科技界", "农业界", "社会福利和社会保障界"]
CATEGORIES = [c for c, _ in Proposal._meta.get_field("category").choices]
CN = "〇一二三四五六七八九十"


# How fast the seeded units work.
PACE = bulk.Pace(reply_days=(30, 85), sign_hours=(1, 40), rating_days=30, resolved=0.8)


def _cn(n: int) -> str:
    return CN[n] if n <= 10 else f"十{CN[n - 10]}"


def _sessions(committee: Committee) -> list[Session]:
    """Five terms of five yearly sessions, 2001-2025; the last term is the current one."""
    out = []
    for t in range(1, 6):
        first = 2001 + (t - 1) * 5
        term = Term.objects.create(
            committee=committee,
            number=t,
            starts_on=dt.date(first - 1, 12, 20),
            ends_on=None if t == 5 else dt.date(first + 4, 12, 19),
            is_current=t == 5,
        )
        for k in range(1, 6):
            opens = dt.date(first + k - 1, 1, 10)
            out.append(
                Session(
                    term=term,
                    number=k,
                    opens_on=opens,
                    closes_on=opens + dt.timedelta(days=3),
                    proposals_from=opens - dt.timedelta(days=30),
                    proposals_until=opens + dt.timedelta(days=2),
                )
            )
    return Session.objects.bulk_create(out)


def _members(rng: random.Random, committee: Committee, term: Term, n: int = 600) -> list[Member]:
    members = []
    users = []
    for i in range(n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        user = None
        if i % 3:  # two in three members have an account; the others are rated for by the office
            user = User(username=f"bench-member-{i}", full_name=name, role=User.Role.MEMBER, committee=committee)
            user.set_unusable_password()
            users.append(user)
        members.append((name, user))
    User.objects.bulk_create(users, batch_size=BATCH)
    return Member.objects.bulk_create(
        [Member(committee=committee, term=term, name=name, user=user) for name, user in members], batch_size=BATCH
    )


def _text(rng: random.Random, topic: str, place: str) -> tuple[str, str, str, int]:
    """About 750 characters of situation, analysis and suggestions, as a short real proposal has."""
    situation = "".join(rng.choice(FINDINGS).format(t=topic, p=place) for _ in range(10))
    analysis = (
        "存在问题的主要原因："
        + "".join(CAUSES)
        + "".join(rng.choice(FINDINGS).format(t=topic, p=place) for _ in range(3))
    )
    n = rng.randint(3, 6)
    suggestions = "\n".join(
        f"{_cn(i + 1)}、{s.format(t=topic, p=place)}{rng.choice(FINDINGS).format(t=topic, p=place)}"
        for i, s in enumerate(rng.sample(SUGGESTIONS, n))
    )
    return situation, analysis, suggestions, n


def seed(n: int, seed_value: int = 20250110) -> None:
    if Proposal.objects.exists():
        print(f"already seeded: {Proposal.objects.count()} proposals", file=sys.stderr)
        return
    rng = random.Random(seed_value)
    t0 = time.monotonic()
    committee = Committee.objects.order_by("id").first()
    if committee is None:
        raise SystemExit("seed the items first: the proposals use their committee and units")
    # The district departments (created first by the item seeding); units[0] is the benchmark's unit.
    units = list(Unit.objects.filter(committee=committee, kind=Unit.Kind.DEPARTMENT).order_by("id"))
    weights = [1 / (i + 1) ** 0.9 for i in range(len(units))]
    office = User(
        username=OFFICE,
        full_name="提案委 李明",
        role=User.Role.OFFICE,
        office=User.Office.PROPOSALS,
        committee=committee,
    )
    office.set_unusable_password()
    office.save()
    sessions = _sessions(committee)
    terms = {s.term_id: s.term for s in sessions}
    members = _members(rng, committee, terms[sessions[-1].term_id])
    now = timezone.now()
    day = dt.timedelta(days=1)
    per_session = [n // len(sessions) + (1 if i < n % len(sessions) else 0) for i in range(len(sessions))]
    made = 0
    for si, (session, count) in enumerate(zip(sessions, per_session, strict=True)):
        current, previous = si == len(sessions) - 1, si == len(sessions) - 2
        # The current session is this year's: its dates are moved next to today so the queue is recent.
        opened = now - day * 40 if current else timezone.make_aware(dt.datetime.combine(session.opens_on, dt.time(9)))
        if current:
            states = [(St.SUBMITTED, 0.25), (St.DRAFT, 0.02), (St.COSIGNING, 0.01), (St.RETURNED, 0.01),
                      (St.FILED, 0.65), (St.NOT_FILED, 0.03), (St.SUGGESTION, 0.02),
                      (St.OPINION_CONSENT, 0.01)]  # fmt: skip
        else:
            states = [(St.FILED, 0.88), (St.NOT_FILED, 0.06), (St.SUGGESTION, 0.04), (St.OPINION, 0.015),
                      (St.OPINION_CONSENT, 0.005)]  # fmt: skip
        number = 0
        leads: list[Proposal] = []  # filed, unmerged proposals of this session (merge targets)
        if current:
            handling_states = [("pending", 0.15), ("handling", 0.85)]
        elif previous:
            handling_states = [("handling", 0.2), ("replied", 0.3), ("closed", 0.5)]
        else:
            handling_states = [("closed", 1.0)]
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            props: list[Proposal] = []
            people: list[list[tuple[str, Member | None]]] = []
            plans: list[Plan] = []
            for _ in range(size):
                status = bulk.pick(rng, states)
                topic, place = rng.choice(TOPICS), rng.choice(PLACES)
                situation, analysis, suggestions, n_sugg = _text(rng, topic, place)
                pkind = bulk.pick(rng, [("member", 0.6), ("joint", 0.2), ("party", 0.1), ("special_committee", 0.05),
                                    ("sector", 0.05)])  # fmt: skip
                org = ""
                who: list[tuple[str, Member | None]]
                if pkind in ("member", "joint"):
                    chosen = rng.sample(members, 1 if pkind == "member" else rng.randint(2, 4))
                    who = [(m.name, m) for m in chosen]
                else:
                    org = rng.choice({"party": PARTIES, "special_committee": SPECIAL, "sector": SECTORS}[pkind])
                    if pkind == "special_committee":
                        org = f"区政协{org}"
                    who = [(org, None)]
                submitted = opened - day * rng.uniform(0, 30)
                reviewed = status not in (St.SUBMITTED, St.DRAFT, St.COSIGNING)
                p = Proposal(
                    committee=committee,
                    term_id=session.term_id,
                    session=session,
                    year=session.opens_on.year,
                    kind=Proposal.Kind.PLENARY if rng.random() < 0.85 else Proposal.Kind.REGULAR,
                    proposer_kind=pkind,
                    organisation_name=org,
                    title=f"{rng.choice(VERBS)}{place}{topic}的建议",
                    situation=situation,
                    analysis=analysis,
                    suggestions=suggestions,
                    suggestion_count=n_sugg,
                    category=rng.choice(CATEGORIES),
                    integrity=Proposal.Integrity.RESEARCHED,
                    declared=status != St.DRAFT,
                    status=status,
                    opinion_consent=True if status == St.OPINION else None,
                    not_filed_ground="vague" if status == St.NOT_FILED else "",
                    review_note="内容较为空泛，建议补充具体措施。" if status in (St.NOT_FILED, St.RETURNED) else "",
                    created_by=office,
                    submitted_at=None if status in (St.DRAFT, St.COSIGNING) else submitted,
                    reviewed_at=submitted + day * rng.uniform(3, 20) if reviewed else None,
                    reviewed_by=office if reviewed else None,
                    version=rng.randint(1, 6),
                )
                plan: Plan | None = None
                if status == St.FILED:
                    number += 1
                    p.number = number
                    term_no = terms[session.term_id].number
                    p.number_label = f"第{_cn(term_no)}届第{_cn(session.number)}次会议第{number:04d}号"
                    if leads and rng.random() < 0.125:
                        p.merged_into = rng.choice(leads[-200:])
                    else:
                        leads.append(p)
                        plan = _plan(rng, p, handling_states, units, weights)
                        p.handling = HANDLING[plan.state]
                    group = p.merged_into._plan if p.merged_into is not None else plan  # type: ignore[union-attr]
                    p.handling = HANDLING[group.state]
                    p._plan = plan  # type: ignore[attr-defined]
                    units_text = [u.name for u in (*group.leads, *group.co)]
                else:
                    units_text = []
                parts = [p.number_label, p.title, p.situation, p.analysis, p.suggestions, p.organisation_name]
                parts += [name for name, _m in who] + units_text
                p.search_text = "\n".join(x for x in parts if x).lower()
                props.append(p)
                people.append(who)
                if plan is not None:
                    plans.append(plan)
            with transaction.atomic():
                Proposal.objects.bulk_create([p for p in props if p.merged_into is None], batch_size=BATCH)
                for p in props:
                    if p.merged_into is not None:
                        p.merged_into_id = p.merged_into.pk
                Proposal.objects.bulk_create([p for p in props if p.merged_into is not None], batch_size=BATCH)
                proposers = []
                for p, who in zip(props, people, strict=True):
                    for order, (name, member) in enumerate(who, 1):
                        confirmed = None if p.status in (St.DRAFT, St.COSIGNING) and order > 1 else p.submitted_at
                        proposers.append(
                            Proposer(proposal=p, order=order, member=member, name=name, confirmed_at=confirmed)
                        )
                Proposer.objects.bulk_create(proposers, batch_size=BATCH)
                _items(rng, committee, plans, now)
            done += size
            made += size
            print(f"  {made}/{n} proposals ({time.monotonic() - t0:.0f}s)", file=sys.stderr)
        if number:
            NumberCounter.objects.create(committee=committee, term_id=session.term_id, session=session, last=number)
    _finish()
    print(
        f"seeded {Proposal.objects.count()} proposals, {Item.objects.filter(channel='proposal').count()} proposal "
        f"items in {time.monotonic() - t0:.0f}s",
        file=sys.stderr,
    )


HANDLING = {"pending": H.PENDING, "handling": H.HANDLING, "replied": H.REPLIED, "closed": H.CLOSED}


@dataclass
class Plan:
    """A lead proposal's handling, decided before it is saved so its search text names the units."""

    proposal: Proposal
    state: str
    mode: str
    leads: list[Unit]
    co: list[Unit]


def _plan(
    rng: random.Random, p: Proposal, states: list[tuple[str, float]], units: list[Unit], weights: list[float]
) -> Plan:
    state = bulk.pick(rng, states)
    mode = "" if state == "pending" else bulk.pick(rng, [("single", 0.8), ("split", 0.08), ("joint", 0.12)])
    leads = rng.choices(units, weights=weights, k=2 if mode == "split" else 1) if mode else []
    if mode == "split" and leads[0].pk == leads[1].pk:
        leads = leads[:1]
    co = [u for u in rng.choices(units, weights=weights, k=2) if u not in leads] if mode == "joint" else []
    return Plan(p, state, mode, leads, list({u.pk: u for u in co}.values()))


def _items(rng: random.Random, committee: Committee, plans: list[Plan], now: dt.datetime) -> None:
    """One handling item per filed lead proposal with its units' assignments; the group shares its state."""
    day = dt.timedelta(days=1)
    items = []
    for plan in plans:
        p = plan.proposal
        accepted = p.reviewed_at or p.submitted_at or now
        items.append(
            Item(
                committee=committee,
                channel="proposal",
                title=p.title,
                text=f"【情况】{p.situation}\n【分析】{p.analysis}\n【建议】{p.suggestions}",
                category=p.category,
                source_type="proposals.proposal",
                source_id=p.pk,
                status=plan.state,
                mode=plan.mode,
                accepted_at=accepted,
                assigned_at=None if plan.state == "pending" else accepted + day * rng.uniform(1, 10),
                closed_at=accepted + day * rng.uniform(60, 120) if plan.state == "closed" else None,
                version=rng.randint(1, 8),
            )
        )
    assignments: list[Assignment] = []
    for item, plan in zip(items, plans, strict=True):
        mine = [_assignment(rng, item, u, Assignment.Role.LEAD, now) for u in plan.leads]
        mine += [_assignment(rng, item, u, Assignment.Role.CO, now) for u in plan.co]
        open_leads = [a for a in mine if a.role == Assignment.Role.LEAD and a.status in (AS.NEW, AS.SIGNED)]
        item.due_at = min((a.reply_due_at for a in open_leads), default=None)
        item.is_overdue = any(a.is_overdue for a in open_leads)
        assignments.extend(mine)
    Item.objects.bulk_create(items, batch_size=BATCH)
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE proposals_proposal AS p SET item_id = i.id FROM handling_item AS i "
            "WHERE i.channel = 'proposal' AND i.source_type = 'proposals.proposal' AND i.source_id = p.id "
            "AND i.id = ANY(%s)",
            [[i.pk for i in items]],
        )


def _assignment(rng: random.Random, item: Item, unit: Unit, role: str, now: dt.datetime) -> Assignment:
    start = item.assigned_at or item.accepted_at
    due = start + dt.timedelta(days=91)
    status = {
        "handling": bulk.pick(rng, [(AS.NEW, 0.1), (AS.SIGNED, 0.9)]),
        "replied": AS.AWAITING_RATING,
        "closed": AS.CLOSED,
    }[item.status]
    return bulk.assignment(rng, item, unit, role, status, due, now, PACE)


def _finish() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def stats() -> dict[str, int]:
    """What the benchmark prints before measuring: the sizes the proposal pages work on."""
    unit = User.objects.filter(username="bench-unit").values_list("unit_id", flat=True).first()
    return {
        "proposals": Proposal.objects.count(),
        "proposals_submitted": Proposal.objects.filter(status=St.SUBMITTED).count(),
        "proposals_of_unit": Proposal.objects.filter(item__assignments__unit_id=unit, merged_into__isnull=True).count(),
    }
