"""Demo records for 2022: 640 opinion reports (15 by HK/Macao members), bulletin issues, adoptions
by higher bodies and 5 leader instructions, all made through the services so that every figure
on the pages is counted from records. Keyed by fixed tokens: running it again adds nothing.

Each step runs on its day in 2022, under a travelling clock (``timeline.at``): a report is submitted, then
adopted or declined by the information office two or three working days later (an edit just before
for some), compiled into the next bulletin issue and released the working day after the issue's last
adoption; adoptions by higher bodies and leaders' instructions are recorded a few working days after
they were made; two released reports are transferred to their units and go through the loop inside
its deadlines. Notices to the authors about that past year are not sent.

The texts are written per matter (``data/opinion_texts.json``): reports about one matter at different places read
alike, reports about different matters do not.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from xieshang.core.notify import muted as notices_muted
from xieshang.demo.timeline import at, close_unrated, on, working_day
from xieshang.handling import services as loop
from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, OpinionReport
from xieshang.organisations.models import Committee, Leader, Member, Unit, User

from .texts import load

NAMESPACE = uuid.UUID("0b6a3c0e-5d1f-4f7b-9a55-6f2d2f0c2022")
YEAR = 2022
TOTAL = 640
HK_MACAO = 15
PER_ISSUE = 12
INSTRUCTIONS = 5

_TEXTS = load("opinion_texts")
# Where the reports are about; the matters, in the order the reports take them (``data/opinion_texts.json``:
# per matter two tellings of the situation, two of its causes and five suggestions of its own).
PLACES: list[str] = _TEXTS["places"]
MATTER_TEXTS: dict[str, dict[str, list[str]]] = _TEXTS["matters"]
MATTERS = list(MATTER_TEXTS)
# Where a matter's report goes when it is transferred (转办): the unit among those with a demo account
# that answers for it (a street office for what its street coordinates).
TRANSFER_UNITS: dict[str, str] = _TEXTS["transfer_units"]
ORGS: list[str] = _TEXTS["organisations"]
UPPER = [("city", 12), ("province", 3), ("national", 1), ("party", 4), ("government", 6)]


def _token(i: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"xieshang-demo-opinion:{i}")


def _at(rng: random.Random, i: int) -> dt.datetime:
    day = dt.date(YEAR, 1, 4) + dt.timedelta(days=int(i * 355 / TOTAL))
    return on(day, 9 + rng.randint(0, 8), rng.randint(0, 59))


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
    times = [_at(rng, i) for i in range(TOTAL)]
    created = 0
    # Notices about a past year's reports would only flood the demo inboxes. Each step commits on its own,
    # at its moment, so what the services do after commit is dated then too.
    with notices_muted():
        released: list[OpinionReport] = []
        pending_issue: list[OpinionReport] = []
        last_decided: dt.datetime | None = None
        matter_of: dict[int, str] = {}
        for i in range(TOTAL):
            if OpinionReport.objects.filter(submission_token=_token(i)).exists():
                continue
            matter = MATTERS[i % len(MATTERS)]
            place = PLACES[(i // len(MATTERS)) % len(PLACES)]
            kw: dict = {}
            if i % (TOTAL // HK_MACAO) == 7 and i // (TOTAL // HK_MACAO) < HK_MACAO:
                kw = {"member": hk[(i // (TOTAL // HK_MACAO)) % len(hk)], "author_kind": "member"}
            elif i % 9 == 4:
                kw = {"author_kind": "party" if i % 2 else "special_committee", "author_org": ORGS[i % len(ORGS)]}
            else:
                kw = {"member": members[(i * 7) % len(members)], "author_kind": "member"}
            report, decided = _report(i, times[i], info, matter, place, kw)
            matter_of[report.pk] = matter
            created += 1
            if report.status != OpinionReport.Status.ADOPTED or decided is None:
                continue
            pending_issue.append(report)
            last_decided = max(decided, last_decided or decided)
            if len(pending_issue) == PER_ISSUE:
                released += _issue(info, committee, pending_issue, last_decided)
                pending_issue, last_decided = [], None
        if pending_issue and last_decided is not None:
            released += _issue(info, committee, pending_issue, last_decided)
        _afterwards(info, committee, released, matter_of, rng)
    return created


def _report(
    i: int, when: dt.datetime, info: User, matter: str, place: str, author: dict
) -> tuple[OpinionReport, dt.datetime | None]:
    """The ``i``-th report of the year, from its submission at ``when`` to the office's decision two or three
    working days later (the last ten are still being edited); returns it and when it was decided."""
    with at(when):
        report, _ = services.report_submit(
            actor=info,
            submission_token=_token(i),
            title=f"关于{place}{matter}的建议"[:100],
            text=report_text(random.Random(f"opinion-text:{i}"), matter, place),
            **author,
        )
    fate = i % 20
    decided: dt.datetime | None = None
    if i < TOTAL - 10:  # the last ten of the year are still being edited
        decided = on(working_day(when, 2 + i % 2), 9 + i % 7, (i * 7) % 60)
        if fate in (3, 8, 13, 17, 19) and not report.is_hk_macao:
            with at(decided):
                services.report_decline(
                    actor=info, report_id=report.pk, reason="所反映问题已有部门专项部署，暂不编发。"
                )
        else:
            if fate == 11:
                with at(decided - dt.timedelta(minutes=40)):
                    services.report_edit(
                        actor=info,
                        report_id=report.pk,
                        title=report.title,
                        text=report.text + "\n（编者：已核实有关数据。）",
                        note="核实数据，文字精简",
                    )
            with at(decided):
                services.report_adopt(actor=info, report_id=report.pk)
    report.refresh_from_db()
    return report, decided


def _issue(
    info: User, committee: Committee, reports: list[OpinionReport], last_decided: dt.datetime
) -> list[OpinionReport]:
    """The next issue: compiled and released on the working day after the last of its reports was adopted."""
    day = working_day(last_decided, 1)
    with at(on(day, 9, 30)):
        issue = services.issue_create(actor=info, committee=committee, year=YEAR)
        for r in reports:
            services.issue_add_report(actor=info, issue_id=issue.pk, report_id=r.pk)
    with at(on(day, 15)):
        services.issue_release(actor=info, issue_id=issue.pk, recipients=["party", "government", "parent"])
    return [OpinionReport.objects.select_related("issue").get(pk=r.pk) for r in reports]


def _released_on(report: OpinionReport) -> dt.datetime:
    assert report.issue is not None and report.issue.released_at is not None
    return report.issue.released_at


def _afterwards(
    info: User, committee: Committee, released: list[OpinionReport], matter_of: dict[int, str], rng: random.Random
) -> None:
    """What followed the releases: adoptions by higher bodies (a month after submission) and leaders'
    instructions (three weeks after), each recorded a few working days later, and two transfers."""
    pool = sorted(released, key=lambda r: r.pk)
    picks = iter(rng.sample(pool, sum(n for _, n in UPPER) + INSTRUCTIONS + 2))
    k = 0
    for level, n in UPPER:
        for _ in range(n):
            r = next(picks)
            adopted_on = max(timezone.localtime(r.submitted_at).date() + dt.timedelta(days=30), _released_day(r))
            label = f"{YEAR}年第{rng.randint(1, 40)}期"
            with at(on(working_day(on(adopted_on, 9), 1 + k % 3), 10, 30)):
                services.report_record_adoption(
                    actor=info, report_id=r.pk, level=level, adopted_on=adopted_on, issue_label=label
                )
            k += 1
    leaders = list(Leader.objects.filter(committee=committee))
    for n in range(INSTRUCTIONS):
        r = next(picks)
        leader = leaders[n % len(leaders)] if leaders else None
        given_on = max(timezone.localtime(r.submitted_at).date() + dt.timedelta(days=20), _released_day(r))
        with at(on(working_day(on(given_on, 9), 1), 11)):
            services.report_record_instruction(
                actor=info,
                report_id=r.pk,
                leader=leader,
                leader_name="" if leader else "郑国华",
                level="district",
                given_on=given_on,
                text="此件反映的问题具有代表性，请相关部门认真研究，提出解决措施并反馈。",
            )
    units = {u.name: u for u in Unit.objects.filter(committee=committee)}
    staff = {u.unit_id: u for u in User.objects.filter(role=User.Role.UNIT, unit__in=units.values())}
    for n in range(2):
        r = next(picks)
        unit = units.get(TRANSFER_UNITS[matter_of[r.pk]])
        if unit is not None and unit.pk in staff:
            _transfer(n, r, matter_of[r.pk], info, unit, staff[unit.pk])


def _released_day(report: OpinionReport) -> dt.date:
    return timezone.localtime(_released_on(report)).date()


def _transfer(n: int, report: OpinionReport, matter: str, info: User, unit: Unit, user: User) -> None:
    """转办 three working days after the release: the unit signs for it the same day and replies well inside
    the 30 working days; the author rates the first reply, and the loop's scan closes the other as not
    rated when its rating period runs out."""
    sent = on(working_day(_released_on(report), 3), 10)
    with at(sent):
        item = services.report_transfer(
            actor=info, report_id=report.pk, unit=unit, reason="所反映问题属贵单位职责范围，请研究办理并答复。"
        )
    asg = item.assignments.get()
    with at(sent.replace(hour=15)):
        loop.assignment_sign(assignment_id=asg.pk, actor=user)
    replied = on(working_day(sent, 12 + 6 * n), 16)
    first = MATTER_TEXTS[matter]["suggestions"][0]
    with at(replied):
        loop.assignment_reply(
            assignment_id=asg.pk,
            actor=user,
            body=f"您反映的{matter}问题收悉。我单位高度重视，已组织实地核查，并会同有关部门研究，"
            f"{first}等措施已纳入近期工作计划，将持续跟进落实。",
            category="planned" if n % 2 else "adopted",
            measures=f"{first}。",
        )
    if n == 0:
        with at(on(working_day(replied, 3), 11)):
            (rater,) = loop.raters_for(item)
            loop.assignment_rate(assignment_id=asg.pk, rater_key=rater.key, value="satisfied", actor=rater.user or info)
    close_unrated(asg)


def year_issues(committee: Committee) -> int:
    return BulletinIssue.objects.filter(committee=committee, year=YEAR).count()


def _layout(rng: random.Random, points: list[str]) -> str:
    """Three suggestions in one of the ways members number them."""
    style = rng.randrange(3)
    numerals = _TEXTS["numerals"]
    if style == 0:
        return "；".join(f"{numerals[k]}是{p}" for k, p in enumerate(points)) + "。"
    if style == 1:
        return "\n" + "\n".join(f"{k + 1}. {p}。" for k, p in enumerate(points))
    return "\n" + "\n".join(f"（{numerals[k]}）{p}。" for k, p in enumerate(points))


def report_text(rng: random.Random, matter: str, place: str) -> str:
    """A report on ``matter`` at ``place``: an opening, one telling of the situation and of its cause, and
    three of the matter's suggestions in their order, each choice made with ``rng``."""
    texts = MATTER_TEXTS[matter]
    situations, causes, suggestions = texts["situations"], texts["causes"], texts["suggestions"]
    opening = rng.choice(_TEXTS["openings"]).format(place=place)
    situation = rng.choice(situations)
    cause = rng.choice(_TEXTS["cause_leads"]) + rng.choice(causes)
    picked = sorted(rng.sample(range(len(suggestions)), 3))
    body = rng.choice(_TEXTS["suggestion_leads"]) + _layout(rng, [suggestions[k] for k in picked])
    closing = rng.choice(_TEXTS["closings"])
    return "\n".join(p for p in (opening + situation, cause, body, closing) if p)
