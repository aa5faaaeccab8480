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
