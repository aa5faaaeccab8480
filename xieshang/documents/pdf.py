"""PDF and PNG of a rendered page, drawn by Debian's Chromium (headless) — the scorecard, a member's duty file.

The caller renders its page to HTML (print layout, no navigation); Chromium loads it through
Playwright's request routing together with the static files it asks for (stylesheets, scripts,
ECharts), so no server has to run and nothing leaves the machine. Chinese text is set in the
system's CJK fonts (Debian's ``fonts-noto-cjk``). Playwright is a development dependency; without it,
or without Chromium, :func:`render` raises a ``ServiceError`` that says what is missing.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

from xieshang.core import hant
from xieshang.core.errors import ServiceError

from . import script

CHROMIUM = os.environ.get("XIESHANG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
ORIGIN = "http://xieshang.invalid"


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


def render(
    html: str,
    fmt: str = "pdf",
    *,
    wait_for: str = "",
    width: int = 1200,
    scale: float = 1,
    pdf_options: dict[str, Any] | None = None,
) -> bytes:
    """``html`` as ``pdf`` (A4, backgrounds printed, the page's print stylesheet) or ``png`` (the whole page).

    ``wait_for`` is a JavaScript expression Chromium waits to be true before drawing (charts drawn);
    ``pdf_options`` go to Playwright's ``page.pdf`` (margins, header and footer). With zh-hant active,
    the page (as a 繁體 reader's page is converted, charts included: ``core.hant.convert_html``) and
    the header and footer are drawn in traditional script.
    """
    if fmt not in ("png", "pdf"):
        raise ServiceError("导出格式应为 png 或 pdf。")
    convert = script.converter()
    if convert is not None:  # a reader of 繁體: the page and its header and footer in traditional script
        html = hant.convert_html(html, convert)
        pdf_options = {k: convert(v) if isinstance(v, str) else v for k, v in (pdf_options or {}).items()}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ServiceError("导出图片和 PDF 需要 Playwright（开发依赖）和 Debian 的 chromium。") from None
    if not Path(CHROMIUM).exists():
        raise ServiceError(f"找不到 Chromium（{CHROMIUM}）：请安装 Debian 软件包 chromium 和 fonts-noto-cjk。")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=scale, locale="zh-CN")
            page.route("**/*", lambda route: _serve(route, html))
            page.goto(f"{ORIGIN}/", wait_until="load")
            if wait_for:
                page.wait_for_function(wait_for)
            page.evaluate("document.fonts.ready")
            if fmt == "pdf":
                return page.pdf(**{"format": "A4", "print_background": True, **(pdf_options or {})})
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()
