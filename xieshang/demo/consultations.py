"""Demo records for 2022 (有事禅商量), made through the services so the figures are counted from records:
56 inspections, 7 research activities with the seven research reports named in the year-end
scorecard, 15 consultation meetings, 16 micro-consultations and micro-inspections, 16 outside
experts, 135 suggestions sent to units through the loop, 102 of them turned into measures.
Keyed by fixed tokens and titles: running it again adds nothing.

Everything carries its 2022 dates: each step runs on its day, under a travelling clock (``timeline.at``).
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

from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.consultations import notices, services
from xieshang.consultations.models import Activity, Suggestion, Topic
from xieshang.core.notify import muted as notices_muted
from xieshang.demo.organisations import lead_unit, staffed_units
from xieshang.demo.timeline import at, close_unrated, on, working_day
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import Committee, Leader, Member, Unit, User
from xieshang.workdays.calendar import add_period, is_workday

from .texts import load

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

_TEXTS = load("consultation_texts")
# (title, leading special committee, description) of the year's topics; (topic, title) of the research
# reports; (topic, place) of the inspections; (surname, organisation) of the experts; what members propose
# on each topic (a topic raised at several activities repeats some of them): ``data/consultation_texts.json``.
TOPICS: list[tuple[str, str, str]] = [tuple(t) for t in _TEXTS["topics"]]  # type: ignore[misc]
RESEARCH: list[tuple[int, str]] = [tuple(r) for r in _TEXTS["research"]]  # type: ignore[misc]
INSPECTION_PLACES: list[tuple[int, str]] = [tuple(p) for p in _TEXTS["inspection_places"]]  # type: ignore[misc]
EXPERTS: list[tuple[str, str]] = [tuple(x) for x in _TEXTS["experts"]]  # type: ignore[misc]
SUGGESTION_TEXTS: dict[str, list[str]] = _TEXTS["suggestions"]
INSPECTIONS = 56
MEETINGS = [("meeting", 12), ("supervision", 3)]
MICRO = [("micro", 10), ("micro_inspection", 6)]
FOLLOW_UPS = 4
SUGGESTIONS = 135
CONVERTED = 102
# The last suggestions took their units the whole two months: each was answered, with an explanation,
# on the last working day before its deadline (the late-autumn ones in the January after).
AT_DEADLINE = 12


def _token(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-consultation:{key}")


def seed(committee: Committee) -> int:
    """Create the 2022 consultation records if they are not there yet; returns the suggestions created."""
    if Suggestion.objects.filter(submission_token=_token(f"suggestion:{SUGGESTIONS - 1}")).exists():
        return 0
    office = User.objects.get(username="office")
    rng = random.Random(2022)
    # Notices about a past year's topics and suggestions would only flood the demo inboxes. Each step
    # commits on its own, at its moment, so what the services do after commit is dated then too.
    with notices_muted():
        return _seed(committee, office, rng)


def _seed(committee: Committee, office: User, rng: random.Random) -> int:
    members = list(Member.objects.filter(committee=committee).order_by("id"))
    leaders = list(Leader.objects.filter(committee=committee).exclude(user__isnull=True))
    communities = list(Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code")[:40])
    # The topics' year: proposed by the chair's council in December, put into the plan in January, the
    # plan published; two outcomes published in December (the clock stays open until then).
    topics: list[Topic] = []
    with at(on(PROPOSED_ON, 9, 30)):
        for k, (title, _lead, desc) in enumerate(TOPICS):
            t, _made = services.topic_propose(
                committee=committee,
                submission_token=_token(f"topic:{k}"),
                actor=office,
                title=title,
                description=desc,
                proposer_name="区政协主席会议",
            )
            topics.append(t)
    with at(on(SELECTED_ON, 15, 30)):
        for k, (_title, lead, _desc) in enumerate(TOPICS):
            if topics[k].status == Topic.Status.PROPOSED:
                topics[k] = services.topic_select(
                    actor=office, topic_id=topics[k].pk, year=YEAR, lead=lead, note="2022年1月主席会议审定"
                )
    plan = topics[0].plan
    if plan is not None and not plan.is_published:
        with at(on(PUBLISHED_ON, 10, 30)):
            services.plan_publish(actor=office, plan_id=plan.pk)
    # Two suggestions from the public, waiting for next year's selection.
    for k, (title, desc) in enumerate(
        [
            ("关于增加社区公园夜间照明的议题", "社区公园晚上照明不足，老人散步不安全，希望政协协商解决。"),
            ("关于规范电动自行车充电的议题", "楼道充电安全隐患大，建议集中建设充电棚。"),
        ]
    ):
        with at(on(dt.date(YEAR, 11, 20 + k), 20, 30)):
            services.topic_propose(
                committee=committee,
                submission_token=_token(f"public-topic:{k}"),
                title=title,
                description=desc,
                proposer_name=["陈伯", "黄女士"][k],
                proposer_phone=["13800138001", "13900139002"][k],
            )

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
        notice_day = notices.workdays_before(on(day, 9, 30), notices.NOTICE_WORKDAYS + 1).date()
        with at(on(notice_day, 10, 30)):
            a = services.activity_create(
                actor=office,
                committee=committee,
                kind=kind,
                title=title,
                starts_at=on(day, 9, 30),
                ends_at=on(day, 12, 30),
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
            for other in others or []:
                services.participant_add(actor=office, activity_id=a.pk, **other)
        for j, p in enumerate(parts[:-1] if len(parts) > 2 else parts):
            with at(on(day, 9, 30) - dt.timedelta(minutes=20 - j)):  # signed in before the 9:30 start
                services.participant_mark(actor=office, participant_id=p.pk, attendance="present")
        with at(on(day, 16, 30)):
            services.activity_record_minutes(actor=office, activity_id=a.pk, minutes=minutes)
        if research:
            completed = day + dt.timedelta(days=30)
            with at(on(working_day(on(completed, 9, 30), 1), 10, 30)):
                services.research_report_add(
                    actor=office,
                    activity_id=a.pk,
                    title=research,
                    summary=f"调研组围绕{topic.title if topic else title}开展专题调研，分析存在问题，提出对策建议。",
                    completed_on=completed,
                )
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
    for k in (0, 6):
        topic = Topic.objects.get(pk=topics[k].pk)
        if topic.status == Topic.Status.SELECTED:
            with at(on(CONCLUDED_ON, 10, 30)):
                services.topic_conclude(
                    actor=office,
                    topic_id=topic.pk,
                    outcome=f"经协商，各方就{topic.title}达成共识，形成意见建议，"
                    "已交有关部门办理并转化为工作举措，区政协将持续跟踪问效。",
                )
    return created


def _handle_suggestion(
    i: int, a: Activity, topic: Topic, text: str, members: list[Member], unit: Unit, staff: dict, office: User
) -> int:
    """The ``i``-th suggestion of the year, from its activity to the end of its handling: recorded after
    the activity, sent to its unit a few working days later, signed for the same day, replied to well
    inside the two months (the last ``AT_DEADLINE`` on the last working day), rated at the follow-up
    review for some. Each step runs on its day (``timeline.at``); where nobody rated
    a reply within the rating period, the loop's own scan closes it on that day."""
    recorded = a.ends_at + dt.timedelta(hours=2)
    with at(recorded):
        s, made = services.suggestion_record(
            actor=office,
            activity=a,
            submission_token=_token(f"suggestion:{i}"),
            title=f"{topic.title}：{text.split('，')[0]}",
            text=f"围绕{topic.title}，建议{text}。",
            raised_by=str(members[(i * 5) % len(members)]),
        )
    sent = on(working_day(recorded, 2 + i % 4), 10, 30)
    with at(sent):
        item = services.suggestion_send(actor=office, suggestion_id=s.pk, unit=unit)
    asg = item.assignments.get()
    user = staff[unit.pk]
    with at(sent.replace(hour=15)):
        loop.assignment_sign(assignment_id=asg.pk, actor=user)
    if i < SUGGESTIONS - AT_DEADLINE:
        replied = min(on(working_day(sent, 10 + (i * 3) % 25), 16, 30), on(REPLIED_BY, 16, 30))
    else:
        replied = on(_last_working_day_to_reply(item, sent), 16, 30)
    if i < CONVERTED:
        with at(replied):
            loop.assignment_reply(
                assignment_id=asg.pk,
                actor=user,
                body=f"我单位已认真研究，{text}。",
                category="adopted" if i % 3 else "planned",
                measures=f"{text}，已制定工作方案并推进落实。",
            )
        if i % 5 in (0, 1):
            with at(min(on(working_day(replied, 10 + i % 20), 15, 30), on(RATED_BY, 15, 30))):
                services.suggestion_follow_up_rate(
                    actor=office, suggestion_id=s.pk, value="satisfied" if i % 5 == 0 else "basic"
                )
    else:
        with at(replied):
            loop.assignment_reply(
                assignment_id=asg.pk,
                actor=user,
                body="该建议涉及上级事权，已向上级部门反映，并作解释说明。",
                category="explained" if i % 2 else "unable",
            )
    close_unrated(asg)
    return int(made)


def _last_working_day_to_reply(item: Item, sent: dt.datetime) -> dt.date:
    """The last working day on or before the reply deadline of an item sent at ``sent``."""
    rule = loop.rule_for(item.channel, item.kind)
    day = timezone.localtime(add_period(sent, rule.reply_amount, rule.reply_unit).at).date()
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    return day
