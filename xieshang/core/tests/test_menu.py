"""The menu: entries grouped by area, a drawer on a phone that needs no script."""

from __future__ import annotations

import re

import pytest

from xieshang.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _menu(html: str) -> str:
    return html.split('id="mainnav"', 1)[1].split("</nav>", 1)[0]


def test_office_menu_shows_areas_with_their_entries_inside(client, committee):
    client.force_login(UserFactory(office_staff=True, committee=committee))
    menu = _menu(client.get("/handling/").content.decode())
    areas = re.findall(r"<summary>(.*?)</summary>", menu)
    # areas with several entries open a list; the order follows the office's work
    assert areas == ["交办督办", "提案", "联系群众", "统计"]
    stats = menu.split("<summary>统计</summary>", 1)[1].split("</details>", 1)[0]
    assert "办理统计" in stats and "热点分析" in stats and "年度成绩单" in stats
    # an area with one entry is the entry itself
    assert re.search(r"<li><a href=\"/consultations/\">有事禅商量</a></li>", menu)
    # the current page's area is marked, and so is the page
    assert 'class="navgroup is-active"><summary>交办督办' in menu
    assert 'href="/handling/" aria-current="page"' in menu


def test_phone_drawer_is_a_checkbox_and_its_label_before_the_menu(client, committee):
    client.force_login(UserFactory(office_staff=True, committee=committee))
    html = client.get("/handling/").content.decode()
    toggle = html.index('<input type="checkbox" id="nav-toggle"')
    assert toggle < html.index('<label for="nav-toggle"') < html.index('id="mainnav"')


def test_visitors_menu_has_no_drawer(client):
    html = client.get("/accounts/login/").content.decode()
    assert "nav-toggle" not in html
    assert "群众留言" in html
