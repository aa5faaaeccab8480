"""PNG and PDF of a committee-year's scorecard, drawn by Debian's Chromium (headless) from the page itself.

The page is rendered here (print layout, no navigation) and handed to Chromium through Playwright's
request routing together with the static files it loads (the stylesheet, ECharts, the chart
script), so no server has to run. Chinese text is set in the system's CJK fonts (Debian's
``fonts-noto-cjk``). Playwright is a development dependency; without it the export says so.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory

from xieshang.core.errors import ServiceError
from xieshang.organisations.models import Committee

from . import views

CHROMIUM = os.environ.get("XIESHANG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
ORIGIN = "http://scorecard.invalid"


def page_html(committee: Committee, year: int) -> str:
    request = RequestFactory().get(f"/scorecard/{year}/", {"print": "1"})
    request.user = AnonymousUser()
    context = views.page_context(committee, year, request.user, print_mode=True)
    return render_to_string("scorecard/year.html", context, request=request)


def _serve(route: Any, html: str) -> None:
    url = route.request.url
    path = url.removeprefix(ORIGIN).split("?", 1)[0]
    if path == "/":
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        return
    if path.startswith("/static/"):
        found = finders.find(path.removeprefix("/static/"))
        if isinstance(found, str) and Path(found).is_file():
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            route.fulfill(status=200, content_type=kind, body=Path(found).read_bytes())
            return
    route.fulfill(status=404, body="")


def render(committee: Committee, year: int, fmt: str) -> bytes:
    """The scorecard as ``png`` (the whole page, 2× for print) or ``pdf`` (A4, backgrounds printed)."""
    if fmt not in ("png", "pdf"):
        raise ServiceError("导出格式应为 png 或 pdf。")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ServiceError("导出图片和 PDF 需要 Playwright（开发依赖）和 Debian 的 chromium。") from None
    if not Path(CHROMIUM).exists():
        raise ServiceError(f"找不到 Chromium（{CHROMIUM}）：请安装 Debian 软件包 chromium 和 fonts-noto-cjk。")
    html = page_html(committee, year)
    charts = html.count('class="sc-chart')
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(
                viewport={"width": 1200, "height": 900}, device_scale_factor=2 if fmt == "png" else 1, locale="zh-CN"
            )
            page.route("**/*", lambda route: _serve(route, html))
            page.goto(f"{ORIGIN}/", wait_until="load")
            page.wait_for_function(f"document.querySelectorAll('.sc-chart canvas').length >= {charts}")
            page.evaluate("document.fonts.ready")
            if fmt == "pdf":
                return page.pdf(format="A4", print_background=True, margin={"top": "10mm", "bottom": "10mm"})
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()
