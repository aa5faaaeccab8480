"""The harness itself: pages render in Chromium at desktop and phone size, static files resolve."""

from __future__ import annotations

import json

import pytest

from xieshang.organisations.tests.factories import UserFactory

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_login_page_renders_with_styles_and_scripts(request, live_server, size, browser_errors):
    page = request.getfixturevalue("page" if size == "desktop" else "phone_page")
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text() == "登录"
    # the vendored htmx (static/vendor, copied by `manage.py vendor_assets`) and the site's CSS loaded
    page.wait_for_function("() => typeof window.htmx === 'object'")
    assert page.evaluate("() => [...document.styleSheets].some(s => s.href && s.href.includes('app.css'))")
    button = page.locator("main button[type=submit]")
    assert button.is_visible()
    box = button.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["x"] + box["width"] <= viewport["width"], "login button is off screen"
    assert_accessible(page)
    screenshot(page, f"smoke-login-{size}")
    assert browser_errors == []


def test_healthz_renders_in_chromium(page, live_server):
    response = page.goto(f"{live_server.url}/healthz")
    assert response is not None and response.status == 200
    assert json.loads(page.locator("body").inner_text()) == {"status": "ok", "database": "ok"}
    screenshot(page, "smoke-healthz")


def test_static_vendor_files_are_served(page, live_server):
    for path in ("/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js", "/static/css/app.css"):
        response = page.request.get(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert len(response.body()) > 100, path


def test_member_signs_in_at_phone_size(phone_page, live_server, login, browser_errors):
    user = UserFactory(member=True, username="weiyuan1", full_name="周文博")
    login(phone_page, user)
    assert "周文博" in phone_page.locator("header").inner_text()
    assert_accessible(phone_page)
    screenshot(phone_page, "smoke-member-home-phone")
    assert browser_errors == []


def test_wrong_password_shows_a_chinese_message(page, live_server, browser_errors):
    UserFactory(member=True, username="weiyuan2")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "weiyuan2")
    page.fill("#id_password", "not-the-password")
    page.click("main button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "用户名或密码不正确" in page.locator(".errorlist").inner_text()
    assert browser_errors == []
