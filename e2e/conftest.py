"""Browser harness: Debian's Chromium driven by Playwright against pytest-django's live server.

Fixtures: ``browser`` (one Chromium per session), ``page`` (desktop, 1366×900) and ``phone_page``
(390×844, touch), each in a fresh context; ``login`` (sign a page in as a user); ``browser_errors``
(console errors, page errors and CSP violations seen by this test's pages). Helpers:
``accessibility_problems(page)`` / ``assert_accessible(page)`` and ``screenshot(page, name)``.
A failing test leaves a screenshot of each of its pages in ``e2e/artifacts/``.

Every test in this folder is marked ``browser``; run them with ``pytest -m browser e2e``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by tests (factories,
# assertions on rows) are plain synchronous code, so Django's async guard must be lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from e2e.chromium import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).with_name("artifacts")
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() gives every run a new temporary user-data-dir; each test gets its own context.
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


@pytest.fixture
def browser_errors() -> list[str]:
    """Console errors, uncaught exceptions and CSP violations seen by this test's pages."""
    return []


def _new_page(browser: Any, request: pytest.FixtureRequest, errors: list[str], **context_args: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **context_args)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    yield page
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = f"{_slug(request.node.nodeid)}-{context_args.get('viewport', {}).get('width', 'x')}.png"
        try:
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the test's own failure
            print(f"screenshot failed: {exc}")
    context.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest, browser_errors: list[str]) -> Iterator[Any]:
    yield from _new_page(browser, request, browser_errors, viewport=DESKTOP)


@pytest.fixture
def phone_page(
    browser: Any, live_server: Any, request: pytest.FixtureRequest, browser_errors: list[str]
) -> Iterator[Any]:
    yield from _new_page(
        browser, request, browser_errors, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )


@pytest.fixture
def login(live_server: Any) -> Callable[..., None]:
    """``login(page, user_or_username, password=DEFAULT_PASSWORD)``: sign in through the login form."""
    from xieshang.organisations.tests.factories import DEFAULT_PASSWORD

    def do(page: Any, user: Any, password: str = DEFAULT_PASSWORD) -> None:
        username = getattr(user, "username", user)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        if "/accounts/login/" in page.url:
            raise AssertionError(f"login as {username} failed; the page says: {page.inner_text('main')[:200]}")

    return do


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as e2e/artifacts/<name>.png (for looking at, and for failures)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{_slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_A11Y_JS = r"""
() => {
  const problems = [];
  const html = document.documentElement;
  if (!html.getAttribute('lang')) problems.push('<html> has no lang');
  if (!document.title.trim()) problems.push('page has no <title>');
  const h1s = [...document.querySelectorAll('h1')].filter(h => h.offsetParent !== null || h.getClientRects().length);
  if (h1s.length === 0) problems.push('page has no visible <h1>');
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.src}`);
  }
  const named = el => {
    if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title')) return true;
    if (el.closest('label')) return true;
    if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return true;
    return false;
  };
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    if (!named(el)) problems.push(`form control without label: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    // textContent too: a link inside a closed <details> (a menu area) renders no innerText but has a name
    const text = (el.innerText || '').trim() || (el.textContent || '').trim()
      || el.getAttribute('aria-label') || el.getAttribute('title')
      || (el.querySelector('img[alt]') && el.querySelector('img[alt]').alt);
    if (!text) problems.push(`${el.tagName.toLowerCase()} without an accessible name: ${el.outerHTML.slice(0, 120)}`);
  }
  const ids = {};
  for (const el of document.querySelectorAll('[id]')) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push(`duplicate id "${id}" (${n}×)`);
  return problems;
}
"""


def accessibility_problems(page: Any) -> list[str]:
    """Basic checks a person with a screen reader would trip over first (not a full WCAG audit)."""
    return list(page.evaluate(_A11Y_JS))


def assert_accessible(page: Any) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"accessibility problems on {page.url}:\n  " + "\n  ".join(problems)


def clear_artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
