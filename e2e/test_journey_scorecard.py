"""The office opens the year's scorecard, drills from a figure to its records; a member prints their duty file."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from e2e.conftest import assert_accessible, screenshot
from xieshang.demo.duties import seed_duties
from xieshang.duties.tests.conftest import build
from xieshang.scorecard import services


@pytest.fixture
def world(db: Any, live_server: Any) -> Any:
    w = build(members=260, slug="chancheng")
    seed_duties(w.committee, year=2022)
    for key, value, source in [
        ("city_brain_cost_reduction", "60.2", "区政务服务数据管理局"),
        ("city_brain_savings", "1.3", "区政务服务数据管理局"),
        ("village_window_reduction", "44", "区政务服务数据管理局"),
    ]:
        services.manual_figure_set(
            actor=w.office, committee=w.committee, year=2022, key=key, value=value, source=source
        )
    # the server's first answer loads every URL module and app; on a busy machine that alone can
    # take longer than a page's time-out, so it is made before the browser opens a page
    urllib.request.urlopen(f"{live_server.url}/healthz", timeout=120).read()  # noqa: S310 - our live server
    return w


def _scorecard(page: Any, live_server: Any, login: Any, w: Any, name: str) -> None:
    login(page, w.office)
    page.goto(f"{live_server.url}/scorecard/2022/")
    figure = page.locator(".sc-figure[data-key=media_reports]")
    assert figure.locator(".sc-value").inner_text().startswith("145")
    assert "媒体报道政协做法" in figure.inner_text()
    assert page.locator(".sc-chart canvas").count() >= 4  # ECharts drew the sections' charts
    assert_accessible(page)
    screenshot(page, f"scorecard-2022-{name}")
    figure.locator("a.sc-value").click()
    page.wait_for_url("**/scorecard/2022/media_reports/")
    assert "共 145 条" in page.inner_text("main")
    assert page.locator("table.sc-records tbody tr").count() == 100  # the first page of 145
    screenshot(page, f"scorecard-drill-{name}")


def test_office_reads_the_scorecard_and_drills_down_on_a_desktop(page, live_server, login, world, browser_errors):
    _scorecard(page, live_server, login, world, "desktop")
    assert browser_errors == []


def test_office_reads_the_scorecard_and_drills_down_on_a_phone(phone_page, live_server, login, world, browser_errors):
    _scorecard(phone_page, live_server, login, world, "phone")
    assert browser_errors == []


def test_member_opens_and_prints_their_duty_file(page, phone_page, live_server, login, world, browser_errors):
    for p, name in ((page, "desktop"), (phone_page, "phone")):
        login(p, world.members[0].user)
        p.goto(f"{live_server.url}/duties/mine/?year=2022")
        assert "周文博 · 2022年度履职档案" in p.inner_text("h1")
        assert "优秀履职委员" in p.inner_text("main")
        assert_accessible(p)
        screenshot(p, f"duty-file-{name}")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf[:5] == b"%PDF-" and len(pdf) > 20_000
    assert browser_errors == []
