"""Every role against every page of proposals, with the status each must get.

The URL names come from the resolver (namespace ``proposals``), so a page added later fails
``test_every_proposal_url_has_an_expectation`` until someone writes down who may reach it.
Actions (POST) are checked by what they did, inside a savepoint rolled back after each request.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from xieshang.handling.models import Rating
from xieshang.proposals import services as ps
from xieshang.proposals.models import PublishedReply

from .conftest import CONTENT
from .test_services import handle_to_reply

ROLES = ("anonymous", "author", "other_member", "unit_assigned", "unit_other", "leader", "gov", "office")


def statuses(spec: str) -> dict[str, int]:
    codes = [int(c) for c in spec.split()]
    assert len(codes) == len(ROLES), spec
    return dict(zip(ROLES, codes, strict=True))


MEMBER_OR_STAFF = statuses("302 200 200 404 404 404 200 200")
STATS = statuses("302 404 404 404 404 200 200 200")
PROPOSALS_OFFICE = statuses("302 404 404 404 404 404 404 200")
PUBLIC = statuses("200 200 200 200 200 200 200 200")
SEES_FILED = statuses("302 200 404 200 404 200 200 200")

# URL name -> (target object the URL points at, expected status per role)
EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    "mine": ("", MEMBER_OR_STAFF),
    "new": ("", MEMBER_OR_STAFF),
    "review": ("", STATS),
    "merge_suggestions": ("", PROPOSALS_OFFICE),
    "handling": ("", statuses("302 404 404 200 200 404 404 404")),
    "rates": ("", STATS),
    "key": ("", STATS),
    "compilation": ("", STATS),
    "import": ("", PROPOSALS_OFFICE),
    "history_export": ("", STATS),
    "import_template": ("", PROPOSALS_OFFICE),
    "public": ("", PUBLIC),
    "public_detail": ("publication", PUBLIC),
    "detail": ("filed", SEES_FILED),
    "edit": ("draft", statuses("302 200 404 404 404 404 404 404")),
    "attachment": ("attachment", statuses("302 200 404 404 404 404 404 404")),
    "assignment_letter": ("filed", SEES_FILED),
    "reply_letter": ("reply", SEES_FILED),
    "act": ("actions", {}),  # POST: see ACTIONS
}

# act/<action>: which roles get the action done; others are refused (a message, or 404 outside scope).
ACTIONS = {
    "rate": {"author", "office"},  # the proposer, or the office recording an offline rating
    "unpublish": {"office"},
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    out = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            out |= _names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            out.add(prefix + p.name)
    return out


def test_every_proposal_url_has_an_expectation():
    names = {n.split(":", 1)[1] for n in _names(get_resolver()) if n.startswith("proposals:")}
    assert names, "the proposals namespace is not installed"
    assert names - set(EXPECTED) == set(), "write down who may reach these URLs"
    assert set(EXPECTED) - names == set(), "these URLs no longer exist"


@pytest.fixture
def world(w, run, filed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    att = run(
        ps.attachment_add,
        actor=w.member_user(0),
        proposal_id=draft.pk,
        upload=SimpleUploadedFile("材料.pdf", b"%PDF-1.4"),
    )
    lead = filed(0, title="关于加强校园周边交通安全的建议")
    a = handle_to_reply(w, run, lead)
    reply = a.replies.get()
    other = filed(1, title="关于完善社区养老服务的建议")
    b = handle_to_reply(w, run, other)
    pub = run(ps.reply_publish, actor=w.office, proposal_id=other.pk, reply_id=b.replies.get().pk)
    users = {
        "anonymous": None,
        "author": w.member_user(0),
        "other_member": w.member_user(1),
        "unit_assigned": w.unit_users[0],
        "unit_other": w.unit_users[2],
        "leader": w.leader.user,
        "gov": w.gov,
        "office": w.office,
    }
    return {
        "users": users,
        "draft": draft,
        "attachment": att,
        "filed": lead,
        "assignment": a,
        "reply": reply,
        "other": other,
        "publication": pub,
    }


def _url(name: str, target: str, world: dict[str, Any]) -> str:
    if target == "":
        return reverse(f"proposals:{name}")
    if target == "attachment":
        return reverse(f"proposals:{name}", args=[world["draft"].pk, world["attachment"].pk])
    if target == "reply":
        return reverse(f"proposals:{name}", args=[world["filed"].pk, world["reply"].pk])
    return reverse(f"proposals:{name}", args=[world[target].pk])


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    got = {}
    for name, (target, expect) in EXPECTED.items():
        if name == "act":
            continue
        r = client.get(_url(name, target, world))
        got[name] = (r.status_code, expect[role])
    wrong = {k: v for k, v in got.items() if v[0] != v[1]}
    assert wrong == {}, f"{role}: (got, expected) {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_actions_by_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    posts = {
        "rate": (
            world["filed"],
            {"assignment": world["assignment"].pk, "rater": f"user:{world['users']['author'].pk}", "value": "basic"},
            lambda: Rating.objects.exists(),
        ),
        "unpublish": (
            world["other"],
            {"publication": world["publication"].pk, "reason": "涉及个人信息。"},
            lambda: PublishedReply.objects.filter(withdrawn_at__isnull=False).exists(),
        ),
    }
    assert set(posts) == set(ACTIONS)
    for action, (proposal, body, done) in posts.items():
        with transaction.atomic():
            r = client.post(reverse("proposals:act", args=[proposal.pk, action]), body)
            happened = done()
            transaction.set_rollback(True)
        assert happened == (role in ACTIONS[action]), (role, action)
        if role == "anonymous":
            assert r.status_code == 302 and "/login" in r["Location"]
        elif not happened:
            assert r.status_code in (302, 404), (role, action, r.status_code)
