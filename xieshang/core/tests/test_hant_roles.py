"""Every role reading 繁體 sees no simplified-only character on the pages it reaches.

One committee holds a record of each kind, written in Simplified as people type them: a proposal
filed, assigned to two units (lead and co), signed, contacted, replied and the reply approved; a
citizen's message in the loop; an opinion report; a liaison station with its host, roster members
and a logged visit; an enterprise linked to a leadership member with a visit and an appeal. Each
role — member, unit staff, the proposals office, the information office, the secretariat, a leader,
the station host — signs in with 繁體 chosen and walks its pages: from the home page, every page its
menu and its pages link to, two links deep, each kind of page once. Visitors (the citizen portal)
walk the public pages the same way with the 繁體 cookie. Pages are found by following links, so a
page added later is covered without listing it here.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.core.tests.test_hant_pages import simplified_only
from xieshang.messages.services import message_submit
from xieshang.opinions import services as opinions
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import AreaFactory, UserFactory
from xieshang.organisations.tests.fixtures import GOOD_TEXT
from xieshang.outreach import services as outreach
from xieshang.proposals.tests.conftest import CONTENT, filed, run, submitted, w  # noqa: F401  (fixtures)
from xieshang.proposals.tests.test_services import handle_to_reply

# Links not followed: files (converted by ``documents``, checked in their own tests), exports and
# Chromium-drawn PDFs (slow, checked by the duty file's test), signing out, the API and its docs.
SKIP = re.compile(r"\.(pdf|docx|xlsx|png|svg|csv)$|/export|/logout|/api/|/admin/|/static/|/media/|^/language/")
DEPTH = 2
PER_ROLE = 60


@pytest.fixture
def world(w, run, filed):  # noqa: F811
    today = timezone.localdate()
    proposal = filed(3)  # the HK member's
    handle_to_reply(w, run, proposal, mode="joint")
    message_submit(
        committee=w.committee,
        submission_token=uuid.uuid4(),
        kind="suggestion",
        title="小区门口道路破损",
        text="小区门口道路破损多时，雨天积水严重，希望尽快修复。",
        name="黄女士",
        phone="13800138000",
    )
    run(
        opinions.report_submit,
        actor=w.hk.user,
        submission_token=uuid.uuid4(),
        title="关于加快老旧小区加装电梯的建议",
        text=GOOD_TEXT,
        confirm_single=True,
    )
    secretariat = UserFactory(
        committee=w.committee, role=User.Role.OFFICE, office=User.Office.SECRETARIAT, username="secretariat"
    )
    host = UserFactory(committee=w.committee, role=User.Role.HOST, username="host", full_name="梁站长")
    district = AreaFactory(level=Area.Level.DISTRICT, code="H-D-1", name="禅城区")
    street = AreaFactory(code="H-S-1", name="石湾镇街道", parent=district)
    station = outreach.station_create(
        actor=secretariat,
        committee=w.committee,
        name="石湾镇街道政协委员工作联系站",
        area=street,
        host=host,
        reception="每月10日、20日上午",
        members=[w.hk, w.members[0]],
    )
    outreach.visit_log(
        actor=host,
        station_id=station.pk,
        submission_token=uuid.uuid4(),
        visited_on=today,
        duty_member=w.hk,
        visitor="何女士",
        contact="13800138000",
        kind="suggestion",
        matter="小区旁河涌夏季有异味，建议加快截污管网建设。",
        off_duty_reason="临时接待",
    )
    enterprise = outreach.enterprise_create(actor=secretariat, committee=w.committee, name="佛山陶瓷发展有限公司")
    outreach.enterprise_link(actor=secretariat, enterprise_id=enterprise.pk, member=w.members[1], on=today)
    run(
        outreach.appeal_raise,
        actor=secretariat,
        enterprise_id=enterprise.pk,
        submission_token=uuid.uuid4(),
        title="厂区周边道路货车通行受限",
        text="企业反映厂区周边道路限行，原料运输困难，希望协调调整通行时段。",
    )
    users = {
        "member": w.hk.user,
        "unit": w.unit_users[0],
        "co unit": w.unit_users[1],
        "proposals office": w.office,
        "information office": w.info,
        "secretariat": secretariat,
        "leader": w.leader.user,
        "station host": host,
    }
    for user in users.values():
        user.language = User.Language.TRADITIONAL
        user.save(update_fields=["language"])
    return users


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'<a\b[^>]*\bhref="(/[^"#]*)"', html) if not SKIP.search(h.split("?")[0])]


def walk(client: Client, start: str = "/") -> tuple[dict[str, list[str]], dict[str, str]]:
    """Leaks by page (``view name path``) and the pages seen, following links ``DEPTH`` deep, each
    view once."""
    seen: dict[str, str] = {}
    leaks: dict[str, list[str]] = {}
    queue: deque[tuple[str, int]] = deque([(start, 0)])
    while queue and len(seen) < PER_ROLE:
        url, depth = queue.popleft()
        path = url.split("?")[0]
        try:
            view = resolve(path).view_name
        except Resolver404:
            continue
        if view in seen:
            continue
        seen[view] = url
        response = client.get(url.replace("&amp;", "&"), follow=True)
        for hop, _status in response.redirect_chain:  # a home page that sends each role to its desk
            hop_path = hop.split("?")[0]
            if hop_path.startswith("/"):
                seen.setdefault(resolve(hop_path).view_name, hop)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        found = simplified_only(html)
        if found:
            leaks[f"{view} {url}"] = found
        if depth < DEPTH:
            queue.extend((link, depth + 1) for link in _links(html))
    return leaks, seen


def _report(leaks: dict[str, list[str]]) -> str:
    return "繁體頁面上的簡體字：\n" + "\n".join(f"{page}: {', '.join(s[:8])}" for page, s in leaks.items())


def test_each_role_reading_traditional_sees_no_simplified_only_character(world: dict[str, Any]) -> None:
    leaks: dict[str, list[str]] = {}
    for role, user in world.items():
        client = Client()
        client.force_login(user)
        found, seen = walk(client)
        assert len(seen) >= 5, (role, seen)  # the walk reached the role's pages
        leaks |= {f"{role}: {page}": s for page, s in found.items()}
    # visitors: the citizen portal with the 繁體 cookie
    client = Client()
    client.cookies["django_language"] = "zh-hant"
    found, seen = walk(client, "/public/")
    assert len(seen) >= 3, seen
    leaks |= {f"visitor: {page}": s for page, s in found.items()}
    assert not leaks, _report(leaks)
