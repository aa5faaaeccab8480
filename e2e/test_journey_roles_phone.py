"""Each role's day on a phone (390×844): the person signs in, opens the 菜单 drawer, finds every entry
of their menu on the screen, and opens each one. A page fails on a sideways scroll, an answer of
400 or more, or an axe-core violation of serious or critical impact.

Screenshots of every page go to ``var/guide/<role>/`` (the user guides in ``docs/guide/`` use a few
of them, copied into ``docs/guide/img/``). axe-core comes from the npm registry
(``node_modules/axe-core/axe.min.js``, ``npm install``; evaluated in the page, as the pages'
Content-Security-Policy refuses an injected script tag); without it the test is skipped and says so.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from xieshang.areas.models import Area
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.outreach import services as outreach

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(settings.BASE_DIR) / "var" / "guide"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

_AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} — ` + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}
"""

# Every entry of the menu is inside the screen once the drawer (and its area) is open.
_OFF_SCREEN = """
() => [...document.querySelectorAll('#mainnav a, #mainnav summary')]
  .filter(el => el.getClientRects().length)
  .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
  .filter(([, r]) => r.left < 0 || r.right > window.innerWidth + 1)
  .map(([text, r]) => `${text} (${Math.round(r.left)}–${Math.round(r.right)})`)
"""


@pytest.fixture
def people(db: Any) -> dict[str, User | None]:
    committee = CommitteeFactory(name="中国人民政治协商会议佛山市禅城区委员会", short_name="禅城区政协")
    term = TermFactory(committee=committee)
    sector = SectorFactory(committee=committee, name="经济界")
    district = Area.objects.create(code="E440604", name="禅城区", level=Area.Level.DISTRICT)
    shiwan = Area.objects.create(code="E440604011", name="石湾镇街道", level=Area.Level.STREET, parent=district)
    member = MemberFactory(term=term, with_user=True, name="何伟明", sector=sector)
    unit = UnitFactory(committee=committee, name="区住房城乡建设和水利局")
    host = UserFactory(role=User.Role.HOST, committee=committee, username="zhanzhang", full_name="梁嘉怡")
    office = UserFactory(username="tianke", office_staff=True, committee=committee, full_name="提案委小林")
    information = UserFactory(username="xinxi", information=True, committee=committee, full_name="信息科小李")
    outreach.station_create(
        actor=office,
        committee=committee,
        name="石湾镇街道政协委员工作联系站",
        area=shiwan,
        host=host,
        address="石湾镇街道党群服务中心二楼",
        phone="0757-82700000",
        reception="每月10日、20日上午9:00-12:00",
        members=[member],
    )
    return {
        "citizen": None,
        "member": member.user,
        "unit": UserFactory(username="zhujian", unit_staff=True, unit=unit, committee=committee, full_name="陈志强"),
        "office": office,
        "information": information,
        "leader": LeaderFactory(committee=committee, with_user=True, name="张三", title="区委书记").user,
        "host": host,
    }


def _open(page: Any, url: str) -> int:
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response.status if response is not None else 0


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;void 0;"


def _check(page: Any, problems: list[str], where: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        problems.append(f"{where}: scrolls sideways by {overflow}px")
    # The pages' Content-Security-Policy forbids inline scripts, so axe is evaluated through the
    # browser's debugging channel (which the policy does not cover) rather than page.add_script_tag.
    page.evaluate(_axe_source())
    problems.extend(f"{where}: {v}" for v in page.evaluate(_AXE_RUN))


def _menu_links(page: Any, selector: str = "#mainnav a") -> list[tuple[str, str]]:
    """(label, href) of the menu's entries."""
    return page.evaluate(
        "s => [...document.querySelectorAll(s)].map(a => [a.textContent.trim(), a.getAttribute('href')])", selector
    )


@pytest.mark.parametrize("role", ["citizen", "member", "unit", "office", "information", "leader", "host"])
def test_each_role_opens_every_menu_entry_on_a_phone(phone_page, live_server, login, people, role) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE} missing): run `npm install` in the project directory")
    page = phone_page
    page.set_default_timeout(60_000)  # the shared machine can be slow
    assert page.viewport_size == PHONE
    shots = SHOTS / role
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    user = people[role]
    if user is None:
        _open(page, f"{live_server.url}/")
        links = _menu_links(page, "nav.mainnav a")
        page.screenshot(path=str(shots / "00-menu.png"), scale="css")
    else:
        login(page, user)
        # on a desktop (1280 px) the menu's areas stand in one row beside the name and the bell
        page.set_viewport_size(DESKTOP)
        rows = page.evaluate(
            "() => new Set([...document.querySelectorAll('.navgroups > li')]"
            ".map(li => li.getBoundingClientRect().top)).size"
        )
        assert rows == 1, f"{role}: the menu wraps to {rows} rows at 1280 px"
        groups = page.locator(".navgroup > summary")
        if groups.count():
            groups.first.click()
        page.screenshot(path=str(shots / "00-menu-desktop.png"), scale="css")
        if groups.count():
            page.keyboard.press("Escape")
            assert not page.locator(".navgroup[open]").count(), "Escape leaves a menu area open"
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(shots / "00-home.png"), scale="css")
        _check(page, problems, "home")
        # the menu is closed behind its 菜单 button, and opens without a script's help
        assert not page.locator("#mainnav").is_visible()
        page.click("label[for=nav-toggle]")
        assert page.locator("#mainnav").is_visible()
        for summary in page.locator("#mainnav summary").all():
            summary.click()
            off = page.evaluate(_OFF_SCREEN)
            assert not off, f"{role}: menu entries off the screen: {off}"
        links = _menu_links(page)
        page.screenshot(path=str(shots / "00-menu.png"), full_page=True, scale="css")
    assert links, f"{role} has an empty menu"
    for n, (label, href) in enumerate(links, start=1):
        status = _open(page, live_server.url + href)
        if status >= 400:
            problems.append(f"{label} {href}: answered {status}")
            continue
        page.screenshot(path=str(shots / f"{n:02d}-{href.strip('/').replace('/', '-') or 'home'}.png"), scale="css")
        _check(page, problems, f"{label} {href}")
    assert not problems, f"{role} on a phone:\n  " + "\n  ".join(problems)
