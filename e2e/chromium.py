"""Debian's Chromium as the tests start it, and a one-line diagnosis when it cannot start.

``problem()`` answers ``None`` when Playwright's driver runs and Chromium opens a page, otherwise
one line that names the missing piece (the Chromium binary, a shared library of Playwright's
Node.js driver, or Chromium's own start-up error). ``./test`` prints it as its browser check, and
every test that opens Chromium fails with that line instead of a stack trace.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

CHROMIUM = os.environ.get("XIESHANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("="):
            return line[:300]
    return text.strip()[:300]


def _driver_problem() -> str | None:
    try:
        from playwright._impl._driver import compute_driver_executable
    except ImportError as exc:
        return f"Playwright 未安装（{exc}）：请运行 ./test 安装 Python 依赖"
    node, cli = compute_driver_executable()
    try:
        run = subprocess.run([node, cli, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        return f"Playwright 的 Node.js 驱动无法执行（{node}）：{exc}"
    if run.returncode != 0:
        detail = _first_line(run.stderr or run.stdout)
        hint = ""
        if "libatomic" in detail:
            hint = "；请安装 Debian 软件包 libatomic1"
        return f"Playwright 的 Node.js 驱动无法运行：{detail}{hint}"
    return None


@functools.cache
def problem() -> str | None:
    """``None`` if Chromium starts under Playwright here, else one line saying what is missing."""
    if not Path(CHROMIUM).exists():
        return f"未找到 Chromium（{CHROMIUM}）：请安装 Debian 软件包 chromium（./test 会自动安装）"
    driver = _driver_problem()
    if driver:
        return driver
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
            try:
                page = browser.new_page()
                page.set_content("<p>ok</p>")
            finally:
                browser.close()
    except Exception as exc:  # noqa: BLE001 - any start-up failure becomes the one line we report
        return f"Chromium 无法启动：{_first_line(str(exc))}"
    return None


if __name__ == "__main__":
    import sys

    reason = problem()
    if reason:
        print(f"浏览器检查失败：{reason}")
        sys.exit(1)
    print(f"浏览器检查通过：{CHROMIUM} 可由 Playwright 启动")
