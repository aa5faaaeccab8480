"""Every role against every page and API endpoint of the loop, with the status each must get.

The URLs come from the resolver (namespaces ``handling``, ``portal`` and ``handling_api``), so a
page added later is covered at once: a URL with no row in ``EXPECTED`` fails
``test_every_loop_url_has_an_expectation`` until someone writes down who may reach it.

Each request runs inside a savepoint that is rolled back, so an allowed action (which really
changes the item) leaves the same world for the next role. Actions are sent with a valid body, so
what decides the answer is who asks, not what they typed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, DeadlineRule, Item, Reply, Request
from xieshang.insight.models import RouterTraining
from xieshang.messages.services import message_submit
from xieshang.organisations.models import Committee, Leader, Unit, User
from xieshang.organisations.tests.factories import UserFactory
from xieshang.portal.views import RECEIPTS, TRACKED

ROLES = ("anonymous", "citizen", "member", "unit_own", "unit_other", "leader", "office", "admin")
NAMESPACES = ("handling", "portal", "handling_api")
PHONE = "13800138000"


def statuses(spec: str) -> dict[str, int]:
    """'302 302 403 ...' in the order of ROLES."""
    codes = [int(c) for c in spec.split()]
    assert len(codes) == len(ROLES), spec
    return dict(zip(ROLES, codes, strict=True))


@dataclass(frozen=True)
class Row:
    method: str
    target: str  # which object of the world the URL points at
    expect: dict[str, int]
    body: Callable[[Any], dict[str, Any]] | None = None
    json: bool = False


def _form_body(prefix: str, **fields: Any) -> Callable[[Any], dict[str, Any]]:
    def build(w: Any) -> dict[str, Any]:
        p = prefix(w)
        return {(f"{p}-{k}" if p else k): (v(w) if callable(v) else v) for k, v in fields.items()}

    return build


def _no_prefix(w: Any) -> str:
    return ""


# Pages: anonymous visitors are sent to the login page (302), signed-in users without the role get
# 403, objects outside the user's scope 404. A permitted action redirects (302) to the item page.
# API: no session -> 403; outside the scope -> 404; not allowed -> 403; done -> 200.
PAGE_LIST_OFFICE = statuses("302 302 403 403 403 403 200 200")
EXPECTED: dict[str, Row] = {
    # --- pages of the loop ---------------------------------------------------------------
    "handling:queue": Row("GET", "", PAGE_LIST_OFFICE),
    "handling:workbench": Row("GET", "", statuses("302 302 403 200 200 403 403 403")),
    "handling:supervision": Row("GET", "", statuses("302 302 403 403 403 200 200 200")),
    "handling:metrics": Row("GET", "", statuses("302 302 403 403 403 200 200 200")),
    "handling:item": Row("GET", "fresh_item", statuses("302 302 404 200 404 200 200 200")),
    "handling:item_assign": Row(
        "POST",
        "queued",
        statuses("302 302 404 404 404 403 302 302"),
        _form_body(_no_prefix, mode="single", lead_units=lambda w: w.dept1.pk),
    ),
    # 显示完整号码: only the unit holding the item; the office already sees the number, so it is refused.
    "handling:item_contact_reveal": Row(
        "POST", "fresh_item", statuses("302 302 404 200 404 403 403 403"), _form_body(_no_prefix)
    ),
    "handling:item_decline": Row(
        "POST", "queued", statuses("302 302 404 404 404 403 302 302"), _form_body(_no_prefix, reason="重复留言")
    ),
    "handling:item_supervise": Row(
        "POST", "fresh_item", statuses("302 302 404 403 404 302 302 302"), _form_body(_no_prefix, note="请加快办理")
    ),
    "handling:assignment_sign": Row(
        "POST", "fresh", statuses("302 302 404 302 404 403 403 403"), _form_body(_no_prefix)
    ),
    "handling:assignment_contact": Row(
        "POST",
        "signed",
        statuses("302 302 404 302 404 403 403 403"),
        _form_body(
            lambda w: f"c{w.signed.pk}",
            method="phone",
            happened_at=lambda w: timezone.localtime(w.now - dt.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        ),
    ),
    "handling:assignment_return": Row(
        "POST",
        "fresh",
        statuses("302 302 404 302 404 403 403 403"),
        _form_body(lambda w: f"r{w.fresh.pk}", reason="不属于本单位职责"),
    ),
    "handling:assignment_extend": Row(
        "POST",
        "fresh",
        statuses("302 302 404 302 404 403 403 403"),
        _form_body(
            lambda w: f"e{w.fresh.pk}",
            until=lambda w: (timezone.localtime(w.fresh.reply_due_at) + dt.timedelta(days=5)).date().isoformat(),
            reason="需要调研",
        ),
    ),
    "handling:assignment_opinion": Row(
        "POST", "co", statuses("302 302 404 302 404 403 403 403"), _form_body(lambda w: f"o{w.co.pk}", body="同意")
    ),
    "handling:assignment_reply": Row(
        "POST",
        "signed",
        statuses("302 302 404 302 404 403 403 403"),
        _form_body(lambda w: f"p{w.signed.pk}", category="solved", body="已处理完毕。"),
    ),
    "handling:assignment_escalate": Row(
        "POST",
        "fresh",
        statuses("302 302 404 302 404 403 302 302"),
        _form_body(lambda w: f"u{w.fresh.pk}", reason="需区级统筹"),
    ),
    "handling:assignment_reassign": Row(
        "POST",
        "fresh",
        statuses("302 302 404 403 404 403 302 302"),
        _form_body(lambda w: f"g{w.fresh.pk}", unit=lambda w: w.dept3.pk, reason="属交通局职责"),
    ),
    "handling:request_decide": Row(
        "POST",
        "request",
        statuses("302 302 404 403 404 403 302 302"),
        _form_body(lambda w: f"d{w.request.pk}", decision="approve"),
    ),
    "handling:reply_review": Row(
        "POST",
        "reply",
        statuses("302 302 404 403 404 403 302 302"),
        _form_body(lambda w: f"v{w.reply.pk}", decision="pass"),
    ),
    # Smart assistance: the dispatcher's tools answer "not found" to everyone else, as the item does.
    "handling:assist_panel": Row("GET", "fresh_item", statuses("302 302 404 404 404 404 200 200")),
    "handling:reply_check": Row(
        "POST", "signed", statuses("302 302 404 200 404 404 200 200"), _form_body(_no_prefix, body="已处理完毕。")
    ),
    "handling:hotspots": Row("GET", "", statuses("302 302 403 403 403 200 200 200")),
    "handling:assist_model": Row("GET", "", statuses("302 302 403 403 403 403 200 200")),
    # A training is already running in the world, so an allowed click shows it and starts nothing.
    "handling:assist_train": Row("POST", "", statuses("302 302 403 403 403 403 302 302"), _form_body(_no_prefix)),
    "handling:assist_training": Row("GET", "training", statuses("302 302 403 403 403 403 200 200")),
    # --- the public portal ---------------------------------------------------------------
    "portal:index": Row("GET", "", statuses("200 200 200 200 200 200 200 200")),
    "portal:submit": Row("GET", "", statuses("200 200 200 200 200 200 200 200")),
    # The receipt is shown only in the browser that submitted the message.
    "portal:receipt": Row("GET", "message", statuses("404 200 404 404 404 404 404 404")),
    "portal:communities": Row("GET", "", statuses("200 200 200 200 200 200 200 200")),
    "portal:track": Row("GET", "", statuses("200 200 200 200 200 200 200 200")),
    "portal:same_matter": Row(
        "POST",
        "",
        statuses("200 200 200 200 200 200 200 200"),
        _form_body(_no_prefix, title="路灯不亮", text="小区门口的路灯坏了两个星期。"),
    ),
    # Progress and rating only after the code and the phone number were checked in this browser.
    "portal:status": Row("GET", "message", statuses("302 200 302 302 302 302 302 302")),
    "portal:rate": Row(
        "POST",
        "message",
        statuses("302 302 302 302 302 302 302 302"),
        _form_body(_no_prefix, assignment=lambda w: w.awaiting.pk, value="satisfied"),
    ),
    # --- API v1 ----------------------------------------------------------------------------
    "handling_api:item-list": Row("GET", "", statuses("403 403 200 200 200 200 200 200")),
    "handling_api:item-detail": Row("GET", "fresh_item", statuses("403 403 404 200 404 200 200 200")),
    "handling_api:item-assign": Row(
        "POST",
        "queued",
        statuses("403 403 404 404 404 403 200 200"),
        lambda w: {"mode": "single", "lead_units": [w.dept1.pk]},
        json=True,
    ),
    "handling_api:item-decline": Row(
        "POST", "queued", statuses("403 403 404 404 404 403 200 200"), lambda w: {"reason": "重复留言"}, json=True
    ),
    "handling_api:item-supervise": Row(
        "POST", "fresh_item", statuses("403 403 404 403 404 200 200 200"), lambda w: {"note": "请加快"}, json=True
    ),
    "handling_api:assignment-list": Row("GET", "", statuses("403 403 200 200 200 200 200 200")),
    "handling_api:assignment-detail": Row("GET", "fresh", statuses("403 403 404 200 404 200 200 200")),
    "handling_api:assignment-sign": Row("POST", "fresh", statuses("403 403 404 200 404 403 403 403"), json=True),
    "handling_api:assignment-contact": Row(
        "POST",
        "signed",
        statuses("403 403 404 200 404 403 403 403"),
        lambda w: {"method": "phone", "happened_at": (w.now - dt.timedelta(hours=1)).isoformat()},
        json=True,
    ),
    "handling_api:assignment-request-return": Row(
        "POST", "fresh", statuses("403 403 404 200 404 403 403 403"), lambda w: {"reason": "不属于本单位"}, json=True
    ),
    "handling_api:assignment-request-extension": Row(
        "POST",
        "fresh",
        statuses("403 403 404 200 404 403 403 403"),
        lambda w: {
            "until": (timezone.localtime(w.fresh.reply_due_at) + dt.timedelta(days=5)).date().isoformat(),
            "reason": "需要调研",
        },
        json=True,
    ),
    "handling_api:assignment-co-opinion": Row(
        "POST", "co", statuses("403 403 404 200 404 403 403 403"), lambda w: {"body": "同意"}, json=True
    ),
    "handling_api:assignment-reply": Row(
        "POST",
        "signed",
        statuses("403 403 404 200 404 403 403 403"),
        lambda w: {"body": "已处理。", "category": "solved"},
        json=True,
    ),
    # Staff record the rating of a citizen who has no account; nobody else rates for them.
    "handling_api:assignment-rate": Row(
        "POST",
        "awaiting",
        statuses("403 403 404 403 404 403 200 200"),
        lambda w: {"rater_key": "citizen", "value": "satisfied"},
        json=True,
    ),
    "handling_api:assignment-escalate": Row(
        "POST", "fresh", statuses("403 403 404 200 404 403 200 200"), lambda w: {"reason": "需区级统筹"}, json=True
    ),
    "handling_api:assignment-reassign": Row(
        "POST",
        "fresh",
        statuses("403 403 404 403 404 403 200 200"),
        lambda w: {"unit": w.dept3.pk, "reason": "属交通局职责"},
        json=True,
    ),
    "handling_api:request-list": Row("GET", "", statuses("403 403 200 200 200 200 200 200")),
    "handling_api:request-detail": Row("GET", "request", statuses("403 403 404 200 404 200 200 200")),
    "handling_api:request-decide": Row(
        "POST", "request", statuses("403 403 404 403 404 403 200 200"), lambda w: {"approve": True}, json=True
    ),
    "handling_api:reply-list": Row("GET", "", statuses("403 403 200 200 200 200 200 200")),
    "handling_api:reply-detail": Row("GET", "reply", statuses("403 403 404 200 404 200 200 200")),
    "handling_api:reply-review": Row(
        "POST", "reply", statuses("403 403 404 403 404 403 200 200"), lambda w: {"passed": True}, json=True
    ),
}


def loop_urls() -> dict[str, list[str]]:
    """URL name -> its keyword arguments, for every named URL in the loop's namespaces."""
    found: dict[str, list[str]] = {}

    def walk(patterns: list[Any], namespaces: list[str]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, [*namespaces, p.namespace] if p.namespace else namespaces)
            elif isinstance(p, URLPattern) and p.name and namespaces and namespaces[0] in NAMESPACES:
                kwargs = list(getattr(p.pattern, "converters", {}) or p.pattern.regex.groupindex)
                found[":".join([*namespaces, p.name])] = kwargs

    walk(get_resolver().url_patterns, [])
    return found


def test_every_loop_url_has_an_expectation() -> None:
    urls = loop_urls()
    assert {ns.split(":")[0] for ns in urls} >= {"handling", "handling_api"}
    missing = sorted(set(urls) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(urls))
    assert missing == [], f"URLs without a row in EXPECTED (write down who may reach them): {missing}"
    assert stale == [], f"rows in EXPECTED for URLs that no longer exist: {stale}"


# --- the world ---------------------------------------------------------------------------------


class World:
    pass


def _submit(w: World, title: str) -> Item:
    msg, _ = message_submit(
        committee=w.committee,
        submission_token=uuid.uuid4(),
        kind="suggestion",
        title=title,
        text="小区门口道路破损多时，雨天积水严重，希望尽快修复。",
        name="黄女士",
        phone=PHONE,
    )
    w.messages[msg.item_id] = msg
    return msg.item


def build_world() -> World:
    w = World()
    w.now = timezone.now()
    w.messages = {}
    w.committee = Committee.objects.create(name="禅城区政协", level=Committee.Level.DISTRICT)
    district = Area.objects.create(code="M440604", name="禅城区", level=Area.Level.DISTRICT)
    Area.objects.create(code="M440604011", name="张槎街道", level=Area.Level.STREET, parent=district)
    w.dept1 = Unit.objects.create(committee=w.committee, name="区住建局")
    w.dept2 = Unit.objects.create(committee=w.committee, name="区教育局")
    w.dept3 = Unit.objects.create(committee=w.committee, name="区交通局")
    # Replies of suggestions go through the office's review, so every step of the loop has a URL here.
    DeadlineRule.objects.create(
        channel="message",
        kind="suggestion",
        name="群众留言（建议，需审核）",
        reply_amount=13,
        extension_max_amount=30,
        extension_max_unit="workday",
        review_required=True,
    )
    c = {"committee": w.committee}
    w.users = {
        "member": UserFactory(member=True, **c),
        "unit_own": UserFactory(role=User.Role.UNIT, unit=w.dept1, **c),
        "unit_other": UserFactory(role=User.Role.UNIT, unit=w.dept2, **c),
        "leader": UserFactory(leader=True, **c),
        "office": UserFactory(office=True, **c),
        "admin": UserFactory(admin=True, **c),
    }
    Leader.objects.create(committee=w.committee, name="李明", title="区委副书记", user=w.users["leader"])
    office, own = w.users["office"], w.users["unit_own"]

    def assign(item: Item, leads: list[Unit], cos: list[Unit] = ()) -> Item:
        mode = Item.Mode.JOINT if cos else Item.Mode.SINGLE
        loop.item_assign(item_id=item.pk, actor=office, mode=mode, lead_units=leads, co_units=list(cos))
        return item

    def mine(item: Item) -> Assignment:
        return item.assignments.get(unit=w.dept1)

    w.queued = _submit(w, "尚未交办的留言")
    w.fresh_item = assign(_submit(w, "刚交办的留言"), [w.dept1])
    w.fresh = mine(w.fresh_item)
    w.signed = mine(assign(_submit(w, "已签收的留言"), [w.dept1]))
    loop.assignment_sign(assignment_id=w.signed.pk, actor=own)
    joint = assign(_submit(w, "会办的留言"), [w.dept2], [w.dept1])
    w.co = mine(joint)
    loop.assignment_sign(assignment_id=w.co.pk, actor=own)
    replied = mine(assign(_submit(w, "已答复待审核的留言"), [w.dept1]))
    loop.assignment_sign(assignment_id=replied.pk, actor=own)
    w.reply = loop.assignment_reply(assignment_id=replied.pk, actor=own, body="已修复。", category="solved")
    requested = mine(assign(_submit(w, "申请退回的留言"), [w.dept1]))
    w.request = loop.assignment_request_return(assignment_id=requested.pk, actor=own, reason="不属于本单位职责")
    awaiting_item = assign(_submit(w, "待评价的留言"), [w.dept1])
    w.awaiting = mine(awaiting_item)
    loop.assignment_sign(assignment_id=w.awaiting.pk, actor=own)
    r = loop.assignment_reply(assignment_id=w.awaiting.pk, actor=own, body="已修复。", category="solved")
    loop.reply_review(reply_id=r.pk, actor=office, passed=True)
    w.message = w.messages[awaiting_item.pk]
    w.training = RouterTraining.objects.create(status=RouterTraining.Status.RUNNING)
    for name in ("fresh", "signed", "co", "awaiting"):
        getattr(w, name).refresh_from_db()
    assert isinstance(w.reply, Reply) and isinstance(w.request, Request)
    return w


KWARG_VALUES: dict[str, Callable[[Any], Any]] = {
    "item_id": lambda obj: obj.pk,
    "assignment_id": lambda obj: obj.pk,
    "request_id": lambda obj: obj.pk,
    "reply_id": lambda obj: obj.pk,
    "pk": lambda obj: obj.pk,
    "token": lambda obj: obj.submission_token,
    "code": lambda obj: obj.tracking_code,
    "training_id": lambda obj: obj.pk,
}


def _url(w: World, name: str, kwargs: list[str], row: Row) -> str:
    if not kwargs:
        return reverse(name)
    obj = getattr(w, row.target)
    unknown = [k for k in kwargs if k not in KWARG_VALUES]
    assert not unknown, f"{name}: add how to fill {unknown} to KWARG_VALUES"
    return reverse(name, kwargs={k: KWARG_VALUES[k](obj) for k in kwargs})


def _client(w: World, role: str) -> Client:
    c = Client()
    if role in w.users:
        c.force_login(w.users[role])
    elif role == "citizen":
        # The citizen's browser: it submitted the message and checked its code with the phone number.
        session = c.session
        session[RECEIPTS] = [str(w.message.submission_token)]
        session[TRACKED] = {w.message.tracking_code: PHONE}
        session.save()
    return c


@pytest.mark.django_db
def test_each_role_gets_the_expected_status_on_every_loop_url() -> None:
    w = build_world()
    urls = loop_urls()
    wrong: list[str] = []
    for name, kwargs in sorted(urls.items()):
        row = EXPECTED.get(name)
        if row is None:
            continue  # reported by test_every_loop_url_has_an_expectation
        url = _url(w, name, kwargs, row)
        for role in ROLES:
            with transaction.atomic():
                client = _client(w, role)
                body = row.body(w) if row.body else {}
                if row.method == "GET":
                    r = client.get(url)
                elif row.json:
                    r = client.post(url, body, content_type="application/json")
                else:
                    r = client.post(url, body)
                if r.status_code != row.expect[role]:
                    detail = (
                        r.content.decode(errors="replace")[:160].replace("\n", " ") if r.status_code != 302 else r.url
                    )
                    wrong.append(
                        f"{role:>10} {row.method} {name} {url}: {r.status_code} (expected {row.expect[role]}) {detail}"
                    )
                if "Content-Security-Policy" not in r.headers:
                    wrong.append(f"{role:>10} {row.method} {name}: no Content-Security-Policy header")
                to_login = r.status_code == 302 and r.url.startswith(reverse("login"))
                if role in ("anonymous", "citizen") and name.startswith("handling:") and not to_login:
                    wrong.append(f"{role:>10} {name}: not sent to the login page")
                transaction.set_rollback(True)
    assert wrong == [], "\n" + "\n".join(wrong)


# --- outreach: stations, visits, enterprises, groups, the office's set-up and the public finder -----------
#
# Roles: a member linked to an enterprise and leading a group but on no station (``member``); the
# member on duty at the station (``duty``); the station's host and another station's host; a
# handling unit's staff; a leader; the committee office. A host sees only their own stations (404
# for another's), a duty member only their duty days' visits (``visit_other``, the other member's
# day, answers 404: see the last test), a unit nothing of outreach (403 or 404), and anonymous only
# the public pages (the rest send them to the login page).

OUTREACH_ROLES = ("anonymous", "member", "duty", "host", "host_other", "unit", "leader", "office")


def o_statuses(spec: str) -> dict[str, int]:
    codes = [int(c) for c in spec.split()]
    assert len(codes) == len(OUTREACH_ROLES), spec
    return dict(zip(OUTREACH_ROLES, codes, strict=True))


@dataclass(frozen=True)
class ORow:
    method: str
    kwargs: Callable[[Any], dict[str, Any]]
    expect: dict[str, int]
    body: Callable[[Any], dict[str, Any]] | None = None


def _none(w: Any) -> dict[str, Any]:
    return {}


def _pk(attr: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


OFFICE_ONLY_GET = o_statuses("302 403 403 403 403 403 403 200")
OFFICE_ONLY_POST = o_statuses("302 403 403 403 403 403 403 302")
PUBLIC = o_statuses("200 200 200 200 200 200 200 200")
OUTREACH_EXPECTED: dict[str, ORow] = {
    # the host's and duty member's desk, the station, the visitor log
    "outreach:home": ORow("GET", _none, o_statuses("302 200 200 200 200 403 200 200")),
    "outreach:overview": ORow("GET", _none, o_statuses("302 403 403 403 403 403 200 200")),
    "outreach:count": ORow(
        "GET", lambda w: {"key": "station_people_served"}, o_statuses("302 403 403 403 403 403 200 200")
    ),
    "outreach:station": ORow("GET", _pk("station"), o_statuses("302 404 200 200 404 404 404 200")),
    "outreach:station_roster": ORow(
        "POST",
        _pk("station"),
        o_statuses("302 404 403 302 404 404 404 302"),
        lambda w: {"start": w.next_year.isoformat(), "months": 1, "days": "10,20", "members": [w.duty_m.pk]},
    ),
    "outreach:shift_add": ORow(
        "POST",
        _pk("station"),
        o_statuses("302 404 403 302 404 404 404 302"),
        lambda w: {"on": (timezone.localdate() + dt.timedelta(days=20)).isoformat(), "member": w.other_m.pk},
    ),
    "outreach:shift_remove": ORow(
        "POST",
        _pk("duty_ahead"),
        o_statuses("302 404 403 302 404 404 404 302"),
        lambda w: {"version": w.duty_ahead.version},
    ),
    "outreach:shift_swap": ORow(
        "POST",
        _pk("station"),
        o_statuses("302 404 403 302 404 404 404 302"),
        lambda w: {"shift": w.duty_ahead.pk, "member": w.other_m.pk},
    ),
    "outreach:swap_request": ORow(
        "POST",
        _pk("station"),
        o_statuses("302 404 302 403 404 404 404 403"),
        lambda w: {"shift": w.duty_ahead.pk, "to_member": w.other_m.pk},
    ),
    "outreach:swap_decide": ORow(
        "POST", _pk("swap"), o_statuses("302 404 302 302 404 404 404 302"), lambda w: {"decision": "decline"}
    ),
    "outreach:visit_new": ORow("GET", _pk("station"), o_statuses("302 404 200 200 404 404 404 200")),
    "outreach:visit": ORow("GET", _pk("visit_duty"), o_statuses("302 404 200 200 404 404 404 200")),
    "outreach:visit_dispose": ORow(
        "POST",
        _pk("visit_duty"),
        o_statuses("302 404 302 302 404 404 404 302"),
        lambda w: {"disposal": "answered", "note": "已当场解答。", "version": w.visit_duty.version},
    ),
    "outreach:visit_feedback": ORow(
        "POST",
        _pk("visit_fb"),
        o_statuses("302 404 302 302 404 404 404 302"),
        lambda w: {"told_on": timezone.localdate().isoformat(), "note": "已电话告知"},
    ),
    # enterprise linkage and groups: the linked / leading member and the office
    "outreach:enterprises": ORow("GET", _none, o_statuses("302 200 200 200 200 403 200 200")),
    "outreach:appeal": ORow("GET", _pk("appeal"), o_statuses("302 200 404 404 404 404 404 200")),
    "outreach:appeal_rate": ORow(
        "POST", _pk("appeal"), o_statuses("302 302 404 404 404 404 404 302"), lambda w: {"value": "satisfied"}
    ),
    "outreach:group": ORow("GET", _pk("group"), o_statuses("302 200 404 404 404 404 404 200")),
    "outreach:problem_raise": ORow(
        "POST",
        _pk("group"),
        o_statuses("302 302 404 404 404 404 404 302"),
        lambda w: {
            "token": str(uuid.uuid4()),
            "title": "河涌垃圾清理不及时",
            "text": "东平河支流岸边垃圾堆积多日无人清理。",
            "raised_on": timezone.localdate().isoformat(),
        },
    ),
    # the committee office's set-up pages
    "outreach:setup": ORow("GET", _none, OFFICE_ONLY_GET),
    "outreach:station_new": ORow("GET", _none, OFFICE_ONLY_GET),
    "outreach:station_edit": ORow("GET", _pk("station"), OFFICE_ONLY_GET),
    "outreach:office_enterprises": ORow("GET", _none, OFFICE_ONLY_GET),
    "outreach:office_enterprise": ORow("GET", _pk("enterprise"), OFFICE_ONLY_GET),
    "outreach:enterprise_edit": ORow("GET", _pk("enterprise"), OFFICE_ONLY_GET),
    "outreach:enterprise_link": ORow(
        "POST",
        _pk("enterprise"),
        OFFICE_ONLY_POST,
        lambda w: {"member": w.other_m.pk, "linked_on": timezone.localdate().isoformat()},
    ),
    "outreach:enterprise_unlink": ORow("POST", _pk("link"), OFFICE_ONLY_POST, _none),
    "outreach:enterprise_visit": ORow(
        "POST",
        _pk("enterprise"),
        OFFICE_ONLY_POST,
        lambda w: {
            "token": str(uuid.uuid4()),
            "kind": "enterprise",
            "visited_on": timezone.localdate().isoformat(),
            "topic": "了解企业用工",
            "went": [w.linked_m.pk],
            "met": "王强 总经理",
        },
    ),
    "outreach:enterprise_appeal": ORow(
        "POST",
        _pk("enterprise"),
        OFFICE_ONLY_POST,
        lambda w: {
            "token": str(uuid.uuid4()),
            "title": "园区公共配套不足",
            "text": "园区周边公交线路少，员工通勤困难。",
            "raised_on": timezone.localdate().isoformat(),
        },
    ),
    "outreach:office_groups": ORow("GET", _none, OFFICE_ONLY_GET),
    "outreach:group_edit": ORow("GET", _pk("group"), OFFICE_ONLY_GET),
    "outreach:office_teams": ORow("GET", _none, OFFICE_ONLY_GET),
    "outreach:team_edit": ORow("GET", _pk("team"), OFFICE_ONLY_GET),
    "outreach:volunteer_leave": ORow(
        "POST",
        _pk("volunteer"),
        OFFICE_ONLY_POST,
        lambda w: {"version": w.volunteer.version, "left_on": timezone.localdate().isoformat()},
    ),
    "outreach:office_team": ORow("GET", _pk("team"), OFFICE_ONLY_GET),
    "outreach:volunteer_add": ORow(
        "POST", _pk("team"), OFFICE_ONLY_POST, lambda w: {"name": "志愿者乙", "joined_on": "2020-01-01"}
    ),
    "outreach:service_add": ORow(
        "POST",
        _pk("team"),
        OFFICE_ONLY_POST,
        lambda w: {
            "token": str(uuid.uuid4()),
            "served_on": timezone.localdate().isoformat(),
            "activity": "核酸检测点服务",
            "volunteers": [w.volunteer.pk],
        },
    ),
    # the public finder; the "message received" page only in the browser that sent it
    "outreach:public_stations": ORow("GET", _none, PUBLIC),
    "outreach:public_station": ORow("GET", _pk("station"), PUBLIC),
    "outreach:public_sent": ORow(
        "GET", lambda w: {"token": w.message.submission_token}, o_statuses("200 404 404 404 404 404 404 404")
    ),
}


def outreach_urls() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], namespaces: list[str]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, [*namespaces, p.namespace] if p.namespace else namespaces)
            elif isinstance(p, URLPattern) and p.name and namespaces[:1] == ["outreach"]:
                found.add(":".join([*namespaces, p.name]))

    walk(get_resolver().url_patterns, [])
    return found


def test_every_outreach_url_has_an_expectation() -> None:
    urls = outreach_urls()
    assert sorted(urls - set(OUTREACH_EXPECTED)) == [], "outreach URLs without a row in OUTREACH_EXPECTED"
    assert sorted(set(OUTREACH_EXPECTED) - urls) == [], "rows in OUTREACH_EXPECTED for URLs that no longer exist"


# The outreach API (/api/v1/outreach/…), same roles. Without a session DRF answers 403; a list is
# scoped like the pages (what lies outside is simply absent, see the next test); a write outside the
# scope is 404, a role that may not do it 403; a visit logged is 201, a disposal 200.
OUTREACH_API_EXPECTED: dict[tuple[str, str], ORow] = {
    ("outreach-counts", "GET"): ORow("GET", _none, o_statuses("403 403 403 403 403 403 200 200")),
    ("outreach-stations", "GET"): ORow("GET", _none, o_statuses("403 200 200 200 200 200 200 200")),
    ("outreach-visits", "GET"): ORow("GET", _none, o_statuses("403 200 200 200 200 200 200 200")),
    ("outreach-visits", "POST"): ORow(
        "POST",
        _none,
        o_statuses("403 404 201 201 404 404 404 201"),
        lambda w: {
            "token": str(uuid.uuid4()),
            "station": w.station.pk,
            "visited_on": timezone.localdate().isoformat(),
            "duty_member": w.duty_m.pk,
            "visitor": "何女士",
            "kind": "suggestion",
            "matter": "建议在社区增设长者饭堂。",
        },
    ),
    ("outreach-visit-dispose", "POST"): ORow(
        "POST",
        _pk("visit_duty"),
        o_statuses("403 404 200 200 404 404 404 200"),
        lambda w: {"disposal": "answered", "note": "已当场解答。", "version": w.visit_duty.version},
    ),
}


def outreach_api_urls() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name and p.name.startswith("outreach-"):
                found.add(p.name)

    walk(get_resolver().url_patterns)
    return found


def test_every_outreach_api_url_has_an_expectation() -> None:
    urls = outreach_api_urls()
    named = {name for name, _ in OUTREACH_API_EXPECTED}
    assert sorted(urls - named) == [], "outreach API URLs without a row in OUTREACH_API_EXPECTED"
    assert sorted(named - urls) == [], "rows in OUTREACH_API_EXPECTED for URLs that no longer exist"
    for name in urls:
        view = get_resolver().resolve(reverse(name, kwargs={"pk": 1} if "dispose" in name else {})).func
        methods = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view.view_class, m)}
        missing = methods - {m for n, m in OUTREACH_API_EXPECTED if n == name}
        assert not missing, f"{name}: no row for {sorted(missing)}"


def build_outreach_world() -> World:
    from xieshang.organisations.tests.factories import MemberFactory, TermFactory
    from xieshang.outreach import services as outreach

    w = World()
    today = timezone.localdate()
    w.next_year = dt.date(today.year + 1, 1, 1)
    committee = Committee.objects.create(name="禅城区政协", level=Committee.Level.DISTRICT)
    term = TermFactory(committee=committee)
    district = Area.objects.create(code="O440604", name="禅城区", level=Area.Level.DISTRICT)
    street = Area.objects.create(code="O440604011", name="石湾镇街道", level=Area.Level.STREET, parent=district)
    c = {"committee": committee}
    office = UserFactory(office=True, **c)
    host = UserFactory(host=True, **c)
    w.duty_m = MemberFactory(term=term, name="陈委员", with_user=True)
    w.other_m = MemberFactory(term=term, name="黄委员", with_user=True)
    w.linked_m = MemberFactory(term=term, name="区政协主席", with_user=True)
    w.users = {
        "member": w.linked_m.user,
        "duty": w.duty_m.user,
        "host": host,
        "host_other": UserFactory(host=True, **c),
        "unit": UserFactory(role=User.Role.UNIT, unit=Unit.objects.create(committee=committee, name="区住建局"), **c),
        "leader": UserFactory(leader=True, **c),
        "office": office,
    }
    w.station = outreach.station_create(
        actor=office,
        committee=committee,
        name="石湾镇街道联系站",
        area=street,
        host=host,
        members=[w.duty_m, w.other_m],
    )
    outreach.station_create(
        actor=office, committee=committee, name="另一联系站", area=street, host=w.users["host_other"]
    )
    past = today - dt.timedelta(days=3)
    for on, m in ((today, w.duty_m), (past, w.other_m)):
        outreach.shift_add(actor=host, station_id=w.station.pk, on=on, member=m, past=True)
    w.duty_ahead = outreach.shift_add(
        actor=host, station_id=w.station.pk, on=today + dt.timedelta(days=5), member=w.duty_m
    )
    other_ahead = outreach.shift_add(
        actor=host, station_id=w.station.pk, on=today + dt.timedelta(days=8), member=w.other_m
    )
    w.swap = outreach.swap_request(actor=w.other_m.user, shift_id=other_ahead.pk, to_member=w.duty_m)

    def visit(on: dt.date, m: Any) -> Any:
        v, _ = outreach.visit_log(
            actor=host,
            station_id=w.station.pk,
            submission_token=uuid.uuid4(),
            visited_on=on,
            duty_member=m,
            visitor="何女士",
            kind="suggestion",
            matter="建议在社区增设长者饭堂。",
        )
        return v

    w.visit_duty = visit(today, w.duty_m)
    w.visit_other = visit(past, w.other_m)
    w.visit_fb = visit(today, w.duty_m)
    outreach.visit_dispose(actor=host, visit_id=w.visit_fb.pk, disposal="proposal", title="增设长者饭堂")
    w.enterprise = outreach.enterprise_create(actor=office, committee=committee, name="佛山某陶瓷有限公司")
    w.link = outreach.enterprise_link(actor=office, enterprise_id=w.enterprise.pk, member=w.linked_m, on=today)
    w.appeal, _ = outreach.appeal_raise(
        actor=office,
        enterprise_id=w.enterprise.pk,
        submission_token=uuid.uuid4(),
        title="园区公共配套不足",
        text="园区周边公交线路少，员工通勤困难。",
    )
    w.group = outreach.group_create(
        actor=office,
        committee=committee,
        name="河涌治理督导组",
        theme="河涌整治",
        leader=w.linked_m,
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
    )
    w.team = outreach.team_create(
        actor=office, committee=committee, name="委员志愿服务队", founded_on=dt.date(2020, 1, 1)
    )
    w.volunteer = outreach.volunteer_add(
        actor=office, team_id=w.team.pk, name="志愿者甲", joined_on=dt.date(2020, 1, 1)
    )
    w.message, _ = outreach.station_message_leave(
        station_id=w.station.pk, submission_token=uuid.uuid4(), name="何女士", phone=PHONE, text="想预约接待日反映问题"
    )
    for name in ("visit_duty", "visit_fb"):
        getattr(w, name).refresh_from_db()
    return w


def _outreach_client(w: World, role: str) -> Client:
    from xieshang.outreach.views import SENT

    c = Client()
    if role in w.users:
        c.force_login(w.users[role])
    else:
        session = c.session
        session[SENT] = [str(w.message.submission_token)]
        session.save()
    return c


@pytest.mark.django_db
def test_each_role_gets_the_expected_status_on_every_outreach_url() -> None:
    w = build_outreach_world()
    wrong: list[str] = []
    for name in sorted(outreach_urls()):
        row = OUTREACH_EXPECTED.get(name)
        if row is None:
            continue  # reported by test_every_outreach_url_has_an_expectation
        url = reverse(name, kwargs=row.kwargs(w))
        for role in OUTREACH_ROLES:
            with transaction.atomic():
                client = _outreach_client(w, role)
                body = row.body(w) if row.body else {}
                r = client.get(url) if row.method == "GET" else client.post(url, body)
                if r.status_code != row.expect[role]:
                    detail = (
                        r.content.decode(errors="replace")[:160].replace("\n", " ") if r.status_code != 302 else r.url
                    )
                    wrong.append(
                        f"{role:>10} {row.method} {name} {url}: {r.status_code} (expected {row.expect[role]}) {detail}"
                    )
                public = name.startswith("outreach:public")
                if (
                    role == "anonymous"
                    and not public
                    and not (r.status_code == 302 and r.url.startswith(reverse("login")))
                ):
                    wrong.append(f"{role:>10} {name}: not sent to the login page")
                transaction.set_rollback(True)
    assert wrong == [], "\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_a_duty_member_reads_only_the_visits_of_their_own_duty_days() -> None:
    w = build_outreach_world()
    duty, host = _outreach_client(w, "duty"), _outreach_client(w, "host")
    other_day = reverse("outreach:visit", kwargs={"pk": w.visit_other.pk})
    assert duty.get(other_day).status_code == 404
    assert host.get(other_day).status_code == 200
    page = duty.get(reverse("outreach:station", kwargs={"pk": w.station.pk})).content.decode()
    assert reverse("outreach:visit", kwargs={"pk": w.visit_duty.pk}) in page and other_day not in page


@pytest.mark.django_db
def test_each_role_gets_the_expected_status_on_every_outreach_api_url() -> None:
    w = build_outreach_world()
    wrong: list[str] = []
    for (name, method), row in sorted(OUTREACH_API_EXPECTED.items()):
        url = reverse(name, kwargs=row.kwargs(w))
        for role in OUTREACH_ROLES:
            with transaction.atomic():
                client = _outreach_client(w, role)
                body = row.body(w) if row.body else {}
                r = client.get(url) if method == "GET" else client.post(url, body, content_type="application/json")
                if r.status_code != row.expect[role]:
                    detail = r.content.decode(errors="replace")[:160].replace("\n", " ")
                    wrong.append(
                        f"{role:>10} {method} {name} {url}: {r.status_code} (expected {row.expect[role]}) {detail}"
                    )
                transaction.set_rollback(True)
    assert wrong == [], "\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_outreach_api_lists_only_what_each_role_may_see() -> None:
    """A host sees only their own station and its visits; a duty member only their duty days' visits;
    another station's host, a unit and a member on no station see none of them."""
    w = build_outreach_world()
    stations = reverse("outreach-stations")
    visits = reverse("outreach-visits")
    for role in OUTREACH_ROLES[1:]:
        client = _outreach_client(w, role)
        station_ids = {s["id"] for s in client.get(stations).json()}
        visit_ids = {v["id"] for v in client.get(visits).json()["results"]}
        sees_station = role in ("duty", "host", "office")
        assert (w.station.pk in station_ids) == sees_station, role
        assert (w.visit_duty.pk in visit_ids) == sees_station, role
        assert (w.visit_other.pk in visit_ids) == (role in ("host", "office")), role
