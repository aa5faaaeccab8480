"""What each role READS on every item-bearing page and API endpoint, not only the status it gets.

``test_permission_matrix`` checks who may reach each URL; this matrix checks what the answer
contains. One world is built through the real services: a citizen's message handled jointly (会办)
by a lead unit and two co-units, each co-unit with an opinion, the lead with a contact, an extension
request and a reply; a unit outside it; a proposal handled by two units (分办), each with a reply; an
opinion report and a consultation suggestion sent to units. Every text carries a marker (``MARK-…``)
so the assertions say plainly what must show and what must not: another co-unit's opinion, another
unit's reply, the citizen's full phone number, the names of units a unit is not told about.

A unit sees only what is assigned to it; the lead unit of a joint item reads the co-units' opinions,
which are addressed to it; the committee's staff, administrators and leaders see the whole item;
the full phone number only the dispatchers.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xieshang.consultations import services as cs
from xieshang.core.models import Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply
from xieshang.messages.services import message_submit
from xieshang.opinions import services as os_
from xieshang.organisations.models import Committee, Leader, Member, User
from xieshang.organisations.tests.factories import SessionFactory, UnitFactory, UserFactory
from xieshang.organisations.tests.fixtures import GOOD_TEXT
from xieshang.portal.views import TRACKED
from xieshang.proposals import services as ps
from xieshang.proposals.tests.conftest import CONTENT

PHONE = "13912345678"
MASKED = "139****5678"

CO1_OPINION = "会办意见MARK-CO1-OPINION"
CO2_OPINION = "会办意见MARK-CO2-OPINION"
LEAD_REPLY = "主办答复MARK-LEAD-REPLY"
LEAD_CONTACT = "沟通记录MARK-LEAD-CONTACT"
LEAD_EXTENSION = "延期理由MARK-LEAD-EXTENSION"
P_REPLY_A = "提案答复MARK-PROPOSAL-REPLY-A"
P_REPLY_B = "提案答复MARK-PROPOSAL-REPLY-B"
OTHER_TITLE = "社情民意MARK-OTHER-ITEM"
OTHER_REPLY = "转办答复MARK-OTHER-REPLY"
SUGGESTION_REPLY = "建议答复MARK-SUGGESTION-REPLY"

LEAD, CO1, CO2, OUTSIDE = "区住建局", "区教育局", "区交通局", "区卫健局"

ROLES = ("office", "info", "organiser", "admin", "leader", "lead", "co1", "co2", "other", "member", "citizen")


@dataclass
class World:
    committee: Committee
    users: dict[str, User] = field(default_factory=dict)
    objs: dict[str, Any] = field(default_factory=dict)


def _contact_and_reply(
    a: Assignment, actor: User, body: str, category: str, office: User | None = None, note: str = ""
) -> Reply:
    happened = timezone.now() - dt.timedelta(hours=1)
    loop.assignment_record_contact(assignment_id=a.pk, actor=actor, method="phone", happened_at=happened, note=note)
    reply = loop.assignment_reply(assignment_id=a.pk, actor=actor, body=body, category=category)
    if office is not None:
        loop.reply_review(reply_id=reply.pk, actor=office, passed=True)
    return reply


@pytest.fixture
def world(
    committee: Committee,
    proposals_office: User,
    info_office: User,
    organiser: User,
    leader: Leader,
    member: Member,
    django_capture_on_commit_callbacks: Any,
) -> World:
    w = World(committee=committee)
    units = {
        key: UnitFactory(committee=committee, name=name)
        for key, name in (("lead", LEAD), ("co1", CO1), ("co2", CO2), ("other", OUTSIDE))
    }
    c = {"committee": committee}
    w.users = {
        "office": proposals_office,
        "admin": UserFactory(admin=True, **c),
        "leader": leader.user,
        "member": member.user,
        "info": info_office,
        "organiser": organiser,
        **{key: UserFactory(role=User.Role.UNIT, unit=u, **c) for key, u in units.items()},
    }
    staff = w.users
    with django_capture_on_commit_callbacks(execute=True):
        # a citizen's message, handled jointly: lead + two co-units
        msg, _ = message_submit(
            committee=committee,
            submission_token=uuid.uuid4(),
            kind="suggestion",
            title="小区道路破损积水",
            text="小区门口道路破损多时，雨天积水严重，希望尽快修复。",
            name="黄女士",
            phone=PHONE,
        )
        item = loop.item_assign(
            item_id=msg.item_id,
            actor=proposals_office,
            mode=Item.Mode.JOINT,
            lead_units=[units["lead"]],
            co_units=[units["co1"], units["co2"]],
        )
        a = {k: item.assignments.get(unit=units[k]) for k in ("lead", "co1", "co2")}
        for k, body in (("co1", CO1_OPINION), ("co2", CO2_OPINION)):
            loop.assignment_sign(assignment_id=a[k].pk, actor=staff[k])
            loop.co_opinion_send(assignment_id=a[k].pk, actor=staff[k], body=body)
        loop.assignment_sign(assignment_id=a["lead"].pk, actor=staff["lead"])
        due = timezone.localtime(a["lead"].reply_due_at).date() + dt.timedelta(days=10)
        loop.assignment_request_extension(
            assignment_id=a["lead"].pk, actor=staff["lead"], until=due, reason=LEAD_EXTENSION
        )
        _contact_and_reply(a["lead"], staff["lead"], LEAD_REPLY, "solved", note=LEAD_CONTACT)

        # an opinion report sent to the unit outside the joint item
        report, _ = os_.report_submit(
            actor=member.user, submission_token=uuid.uuid4(), title=OTHER_TITLE, text=GOOD_TEXT, member=member
        )
        os_.report_adopt(actor=info_office, report_id=report.pk)
        other_item = os_.report_transfer(actor=info_office, report_id=report.pk, unit=units["other"])
        other_a = other_item.assignments.get()
        loop.assignment_sign(assignment_id=other_a.pk, actor=staff["other"])
        _contact_and_reply(other_a, staff["other"], OTHER_REPLY, "adopted")

        # a consultation suggestion sent to the lead unit
        suggestion, _ = cs.suggestion_record(
            actor=organiser,
            submission_token=uuid.uuid4(),
            title="关于完善社区养老服务的建议",
            text="建议在各社区增设长者饭堂，方便老年人就餐。",
            source="other",
            source_label="委员工作室",
        )
        s_item = cs.suggestion_send(actor=organiser, suggestion_id=suggestion.pk, unit=units["lead"])
        s_a = s_item.assignments.get()
        loop.assignment_sign(assignment_id=s_a.pk, actor=staff["lead"])
        _contact_and_reply(s_a, staff["lead"], SUGGESTION_REPLY, "adopted")

        # a proposal handled by two units, each replying (分办)
        today = timezone.localdate()
        SessionFactory(
            term=member.term,
            number=3,
            opens_on=today - dt.timedelta(days=3),
            closes_on=today + dt.timedelta(days=3),
            proposals_from=today - dt.timedelta(days=30),
            proposals_until=today + dt.timedelta(days=3),
        )
        p = ps.proposal_save_draft(actor=member.user, data=CONTENT)
        ps.proposal_submit(actor=member.user, proposal_id=p.pk)
        ps.proposal_file(actor=proposals_office, proposal_id=p.pk)
        ps.proposal_assign(
            actor=proposals_office,
            proposal_id=p.pk,
            mode=Item.Mode.SPLIT,
            lead_unit_ids=[units["lead"].pk, units["co1"].pk],
        )
        p.refresh_from_db()
        p_replies = {}
        for k, body in (("lead", P_REPLY_A), ("co1", P_REPLY_B)):
            pa = Assignment.objects.get(item_id=p.item_id, unit=units[k])
            loop.assignment_sign(assignment_id=pa.pk, actor=staff[k])
            p_replies[k] = _contact_and_reply(pa, staff[k], body, "A", office=proposals_office)

    w.objs = {
        "message": msg,
        "item": item,
        "assignments": a,
        "other_item": other_item,
        "suggestion": suggestion,
        "suggestion_item": s_item,
        "report": report,
        "proposal": p,
        "p_replies": p_replies,
    }
    return w


def _client(w: World, role: str) -> Client:
    client = Client()
    if role in w.users:
        client.force_login(w.users[role])
    elif role == "citizen":
        msg = w.objs["message"]
        session = client.session
        session[TRACKED] = {msg.tracking_code: PHONE}
        session.save()
    return client


@dataclass(frozen=True)
class Expect:
    status: int
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()


STAFF = ("office", "info", "organiser", "admin")  # committee staff (any office) and administrators
UNITS = ("lead", "co1", "co2", "other")
JOINT = (CO1_OPINION, CO2_OPINION, LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION)
PROPOSAL_REPLIES = (P_REPLY_A, P_REPLY_B)
ALL_REPLIES = (LEAD_REPLY, OTHER_REPLY, SUGGESTION_REPLY, *PROPOSAL_REPLIES)
SECRET = (*JOINT, *ALL_REPLIES, PHONE)


def matrix(default: Expect, **per_role: Expect) -> dict[str, Expect]:
    """One expectation per role: those named, else ``default``."""
    unknown = set(per_role) - set(ROLES)
    assert not unknown, unknown
    return {role: per_role.get(role, default) for role in ROLES}


def each(roles: tuple[str, ...], e: Expect) -> dict[str, Expect]:
    return dict.fromkeys(roles, e)


PAGE_DENIED = Expect(404, (), SECRET)
API_DENIED = Expect(404, (), SECRET)
LOGIN = Expect(302, (), SECRET)  # the citizen has no account: pages send to the login page
NO_SESSION = Expect(403, (), SECRET)  # the API answers 403 without a session

# The joint item (page and API alike): the whole item for the committee, the full phone number for
# the dispatchers only; the lead unit its own work and the co-units' opinions addressed to it; a
# co-unit its own opinion only, not the other co-unit's, not the lead's reply, contact or request.
WHOLE_ITEM = (*JOINT, LEAD, CO1, CO2)
JOINT_ITEM = {
    **each(STAFF, Expect(200, (*WHOLE_ITEM, PHONE))),
    "leader": Expect(200, (*WHOLE_ITEM, MASKED), (PHONE,)),
    "lead": Expect(200, (*JOINT, LEAD, MASKED), (PHONE, OUTSIDE)),
    "co1": Expect(200, (CO1_OPINION, CO1, MASKED), (CO2_OPINION, LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION, CO2, PHONE)),
    "co2": Expect(200, (CO2_OPINION, CO2, MASKED), (CO1_OPINION, LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION, CO1, PHONE)),
    "other": PAGE_DENIED,
    "member": PAGE_DENIED,
}
JOINT_ITEM_PAGE = {**JOINT_ITEM, "citizen": LOGIN}
JOINT_ITEM_API = {**JOINT_ITEM, "citizen": NO_SESSION}
OTHER_ITEM_PAGE = matrix(
    PAGE_DENIED,
    **each((*STAFF, "leader", "other"), Expect(200, (OTHER_TITLE, OTHER_REPLY))),
    citizen=LOGIN,
)
JOINT_TITLE = "小区道路破损积水"
ITEM_LIST = matrix(
    Expect(200, (), (OTHER_TITLE, JOINT_TITLE)),
    **each((*STAFF, "leader"), Expect(200, (OTHER_TITLE, JOINT_TITLE))),
    **each(("lead", "co1", "co2"), Expect(200, (JOINT_TITLE,), (OTHER_TITLE,))),
    other=Expect(200, (OTHER_TITLE,), (JOINT_TITLE,)),
    citizen=NO_SESSION,
)
ASSIGNMENT_LIST = matrix(
    Expect(200, (LEAD, CO1, CO2, OUTSIDE)),
    lead=Expect(200, (LEAD,), (CO1, CO2, OUTSIDE)),
    co1=Expect(200, (CO1,), (LEAD, CO2, OUTSIDE)),
    co2=Expect(200, (CO2,), (LEAD, CO1, OUTSIDE)),
    other=Expect(200, (OUTSIDE,), (LEAD, CO1, CO2)),
    member=Expect(200, (), (LEAD, CO1, CO2, OUTSIDE)),
    citizen=NO_SESSION,
)
LEAD_ASSIGNMENT = matrix(
    API_DENIED,
    **each((*STAFF, "leader", "lead"), Expect(200, (LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION))),
    citizen=NO_SESSION,
)
REPLY_LIST = matrix(
    Expect(200, ALL_REPLIES),
    lead=Expect(200, (LEAD_REPLY, SUGGESTION_REPLY, P_REPLY_A), (OTHER_REPLY, P_REPLY_B)),
    co1=Expect(200, (P_REPLY_B,), (LEAD_REPLY, OTHER_REPLY, SUGGESTION_REPLY, P_REPLY_A)),
    co2=Expect(200, (), ALL_REPLIES),
    other=Expect(200, (OTHER_REPLY,), (LEAD_REPLY, SUGGESTION_REPLY, *PROPOSAL_REPLIES)),
    member=Expect(200, (), ALL_REPLIES),
    citizen=NO_SESSION,
)
REQUEST_LIST = matrix(
    Expect(200, (), (LEAD_EXTENSION,)),
    **each((*STAFF, "leader", "lead"), Expect(200, (LEAD_EXTENSION,))),
    citizen=NO_SESSION,
)
# The proposal's own pages: the replies are addressed to the proposer, who reads every unit's, as the
# committee does; a unit reads only its own reply (分办) and is not told the other unit.
PROPOSAL_SEEN_WHOLE = Expect(200, (*PROPOSAL_REPLIES, LEAD, CO1))
PROPOSAL = matrix(
    PROPOSAL_SEEN_WHOLE,
    lead=Expect(200, (P_REPLY_A, LEAD), (P_REPLY_B, CO1)),
    co1=Expect(200, (P_REPLY_B, CO1), (P_REPLY_A, LEAD)),
    co2=PAGE_DENIED,
    other=PAGE_DENIED,
    citizen=LOGIN,
)
PROPOSAL_API = {
    **PROPOSAL,
    **each((*STAFF, "leader", "member", "lead", "co1"), Expect(200, (), (*JOINT, PHONE))),
    "citizen": NO_SESSION,
}
PROPOSAL_API_REPLIES = {**PROPOSAL, "citizen": NO_SESSION}
# A reply letter of the second unit: not for the first.
OTHER_UNITS_LETTER = matrix(
    Expect(200, (P_REPLY_B,)),
    lead=PAGE_DENIED,
    co2=PAGE_DENIED,
    other=PAGE_DENIED,
    citizen=LOGIN,
)
# Committee documents: staff and leaders only.
COMMITTEE_EXPORT = matrix(
    PAGE_DENIED,
    **each((*STAFF, "leader"), Expect(200, PROPOSAL_REPLIES, (PHONE,))),
    citizen=LOGIN,
)
HISTORY_EXPORT = matrix(PAGE_DENIED, **each((*STAFF, "leader"), Expect(200, (), (PHONE, *ALL_REPLIES))), citizen=LOGIN)
# The tracking page, only in the browser that checked the code with the phone number: the lead's
# reply, never a co-unit's opinion, the lead's contact note or request.
TRACKING = matrix(
    Expect(302, (), SECRET),
    citizen=Expect(200, (LEAD_REPLY,), (CO1_OPINION, CO2_OPINION, LEAD_CONTACT, LEAD_EXTENSION, PHONE)),
)
# A consultation suggestion: the committee and leaders; units read it on the item page only.
SUGGESTION = matrix(PAGE_DENIED, **each((*STAFF, "leader"), Expect(200, (SUGGESTION_REPLY,))), citizen=LOGIN)
SUGGESTION_API = matrix(API_DENIED, **each((*STAFF, "leader"), Expect(200)), citizen=NO_SESSION)
# An opinion report: its author and the information office (and administrators).
REPORT = matrix(
    PAGE_DENIED, **each(("info", "admin", "member"), Expect(200, (OTHER_TITLE,), (OTHER_REPLY,))), citizen=LOGIN
)
REPORT_API = {**REPORT, "citizen": NO_SESSION}


def _pages(w: World) -> dict[str, tuple[str, dict[str, Expect]]]:
    item, other, p = w.objs["item"], w.objs["other_item"], w.objs["proposal"]
    lead_a = w.objs["assignments"]["lead"]
    return {
        "item page": (reverse("handling:item", args=[item.pk]), JOINT_ITEM_PAGE),
        "item API": (reverse("handling_api:item-detail", args=[item.pk]), JOINT_ITEM_API),
        "item API list": (reverse("handling_api:item-list") + "?limit=100", ITEM_LIST),
        "other unit's item page": (reverse("handling:item", args=[other.pk]), OTHER_ITEM_PAGE),
        "assignments API": (reverse("handling_api:assignment-list") + "?limit=100", ASSIGNMENT_LIST),
        "lead assignment API": (reverse("handling_api:assignment-detail", args=[lead_a.pk]), LEAD_ASSIGNMENT),
        "replies API": (reverse("handling_api:reply-list") + "?limit=100", REPLY_LIST),
        "requests API": (reverse("handling_api:request-list") + "?limit=100", REQUEST_LIST),
        "proposal page": (reverse("proposals:detail", args=[p.pk]), PROPOSAL),
        "proposal API": (reverse("proposal-detail", args=[p.pk]), PROPOSAL_API),
        "proposal API replies": (reverse("proposal-replies", args=[p.pk]), PROPOSAL_API_REPLIES),
        "other unit's reply letter": (
            reverse("proposals:reply_letter", args=[p.pk, w.objs["p_replies"]["co1"].pk]),
            OTHER_UNITS_LETTER,
        ),
        "proposals compilation (docx)": (reverse("proposals:compilation"), COMMITTEE_EXPORT),
        "proposals history (xlsx)": (reverse("proposals:history_export"), HISTORY_EXPORT),
        "tracking page": (reverse("portal:status", args=[w.objs["message"].tracking_code]), TRACKING),
        "suggestion page": (reverse("consultations:suggestion", args=[w.objs["suggestion"].pk]), SUGGESTION),
        "suggestion API": (
            reverse("consultations_api:consultation-suggestion-detail", args=[w.objs["suggestion"].pk]),
            SUGGESTION_API,
        ),
        "report page": (reverse("opinions:detail", args=[w.objs["report"].pk]), REPORT),
        "report API": (reverse("opinions_api:opinion-report-detail", args=[w.objs["report"].pk]), REPORT_API),
    }


def _text(response: Any) -> str:
    """The response as text; an .xlsx or .docx is read from the XML parts of its zip."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            return " ".join(z.read(n).decode(errors="replace") for n in z.namelist() if n.endswith(".xml"))
    return response.content.decode(errors="replace")


@pytest.mark.django_db
def test_each_role_reads_only_what_is_its_own_on_every_item_bearing_page(world: World) -> None:
    wrong: list[str] = []
    for name, (url, expect) in _pages(world).items():
        assert set(expect) == set(ROLES), f"{name}: write down what each role reads"
        for role, e in expect.items():
            r = _client(world, role).get(url)
            if r.status_code != e.status:
                wrong.append(f"{role:>9} {name}: status {r.status_code}, expected {e.status}")
                continue
            text = _text(r)
            wrong += [f"{role:>9} {name}: does not show {s!r}" for s in e.shows if s not in text]
            wrong += [f"{role:>9} {name}: shows {s!r}" for s in e.hides if s in text]
    assert wrong == [], "\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_notifications_quote_nothing_a_unit_may_not_read(world: World) -> None:
    for role, hidden in (
        ("co1", (CO2_OPINION, LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION, PHONE)),
        ("co2", (CO1_OPINION, LEAD_REPLY, LEAD_CONTACT, LEAD_EXTENSION, PHONE)),
        ("other", (*JOINT, PHONE)),
        ("lead", (PHONE, P_REPLY_B)),
    ):
        texts = " ".join(f"{n.title} {n.body}" for n in Notification.objects.filter(recipient=world.users[role]))
        assert [s for s in hidden if s in texts] == [], role
