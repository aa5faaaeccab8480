"""The scorecard: the JSON command, manual figures with their source, the page and its drill-down."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.duties import services as duties
from xieshang.scorecard import services
from xieshang.scorecard.models import ManualFigure

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("scorecard", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_json_command_prints_every_indicator_of_the_committee_year(w):
    for day in (dt.date(2022, 1, 5), dt.date(2022, 2, 5)):
        duties.media_report_add(
            actor=w.office, committee=w.committee, title="报道", outlet="珠江时报", published_on=day
        )
    services.manual_figure_set(
        actor=w.office, committee=w.committee, year=2022, key="city_brain_savings", value="1.3", source="区数据局"
    )
    data = run("--committee", "ceshi", "--year", "2022", "--format", "json")
    assert data["committee"] == "ceshi" and data["year"] == 2022
    rows = {r["key"]: r for r in data["indicators"]}
    assert rows["media_reports"] == {
        "key": "media_reports",
        "label": "媒体报道政协做法",
        "value": 2,
        "unit": "篇次",
        "source": "computed",
        "section": 5,
    }
    assert rows["city_brain_savings"]["value"] == 1.3 and rows["city_brain_savings"]["source"] == "manual"
    assert rows["village_window_reduction"]["value"] is None
    assert [r["section"] for r in data["indicators"]] == sorted(r["section"] for r in data["indicators"])


@pytest.mark.parametrize(
    "args, words",
    [
        (["--committee", "nowhere", "--year", "2022"], "没有标识为「nowhere」"),
        (["--committee", "ceshi", "--year", "1999"], "没有「1999」年度"),
        (["--committee", "ceshi", "--year", "2099"], "没有「2099」年度"),
        (["--committee", "ceshi", "--year", "二〇二二"], "年度"),
    ],
)
def test_a_year_or_committee_that_does_not_exist_is_refused(w, args, words):
    with pytest.raises(CommandError) as e:
        call_command("scorecard", *args, stdout=StringIO())
    assert words in str(e.value)


def test_a_manual_figure_without_a_source_is_refused_and_nothing_changes(w):
    with pytest.raises(ServiceError, match="数据来源"):
        services.manual_figure_set(
            actor=w.office, committee=w.committee, year=2022, key="city_brain_cost_reduction", value="60.2", source="  "
        )
    with pytest.raises(ServiceError, match="自动统计"):
        services.manual_figure_set(
            actor=w.office, committee=w.committee, year=2022, key="media_reports", value="145", source="估计"
        )
    with pytest.raises(ServiceError, match="无法识别"):
        services.manual_figure_set(
            actor=w.office,
            committee=w.committee,
            year=2022,
            key="city_brain_cost_reduction",
            value="六十",
            source="区数据局",
        )
    with pytest.raises(ServiceError, match="年度"):
        services.manual_figure_set(
            actor=w.office,
            committee=w.committee,
            year=1990,
            key="city_brain_cost_reduction",
            value="60",
            source="区数据局",
        )
    with pytest.raises(PermissionDeniedError):
        services.manual_figure_set(
            actor=w.members[0].user,
            committee=w.committee,
            year=2022,
            key="city_brain_cost_reduction",
            value="60",
            source="x",
        )
    assert not ManualFigure.objects.exists()
    figure = services.manual_figure_set(
        actor=w.office,
        committee=w.committee,
        year=2022,
        key="city_brain_cost_reduction",
        value="60.2%",
        source="区数据局",
    )
    assert figure.value == Decimal("60.20") and figure.entered_by == w.office
    assert AuditEntry.objects.filter(action="manual_figure_set", reason="区数据局").count() == 1


def test_the_page_shows_big_numbers_with_last_year_and_drills_down_to_the_records(client, w):
    for day in (dt.date(2022, 1, 5), dt.date(2022, 2, 5), dt.date(2021, 2, 5)):
        duties.media_report_add(
            actor=w.office, committee=w.committee, title=f"报道{day:%Y}", outlet="珠江时报", published_on=day
        )
    client.force_login(w.office)
    page = client.get("/scorecard/2022/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "一图读懂" in html and "媒体报道政协做法" in html
    assert 'href="/scorecard/2022/media_reports/"' in html
    assert "2021年 1篇次" in html
    assert "<script>" not in html  # CSP: charts read json_script data from a static file
    drill = client.get("/scorecard/2022/media_reports/").content.decode()
    assert drill.count("报道2022") == 2 and "报道2021" not in drill
    assert client.get("/scorecard/1999/").status_code == 404
    assert client.get("/scorecard/2022/nothing/").status_code == 404
    assert client.get("/scorecard/2022/city_brain_savings/").status_code == 404  # manual: no record list
    assert client.get("/scorecard/2022/export.gif").status_code == 404
    picked = client.get("/scorecard/", {"year": "2021"})
    assert picked.status_code == 302 and picked["Location"].endswith("/scorecard/2021/")


def test_office_enters_a_manual_figure_on_the_page_and_members_do_not_see_the_scorecard(client, w):
    client.force_login(w.office)
    client.post("/scorecard/2022/manual/", {"key": "village_window_reduction", "value": "44", "source": ""})
    assert not ManualFigure.objects.exists()
    client.post(
        "/scorecard/2022/manual/", {"key": "village_window_reduction", "value": "44", "source": "区政务服务数据管理局"}
    )
    assert ManualFigure.objects.get().value == 44
    assert "区政务服务数据管理局" in client.get("/scorecard/2022/").content.decode()
    client.logout()
    client.force_login(w.members[0].user)
    assert client.get("/scorecard/2022/").status_code == 404
    assert client.get("/scorecard/2022/manual/").status_code == 404


def test_drill_down_rows_of_the_committee_s_own_records_open_their_record_pages(client, w):
    from xieshang.organisations.models import User
    from xieshang.organisations.tests.factories import UserFactory

    report = duties.media_report_add(
        actor=w.office, committee=w.committee, title="政协报道", outlet="珠江时报", published_on=dt.date(2022, 3, 5)
    )
    rule = duties.rules_document_add(
        actor=w.office, committee=w.committee, title="委员履职管理办法", adopted_on=dt.date(2022, 4, 1)
    )
    client.force_login(w.office)
    media = client.get("/scorecard/2022/media_reports/").content.decode()
    assert f'href="/duties/records/media/{report.pk}/edit/"' in media
    rules = client.get("/scorecard/2022/rules_established/").content.decode()
    assert f'href="/duties/records/rules/{rule.pk}/edit/"' in rules and "主席会议审议通过" in rules
    record_page = client.get(f"/duties/records/media/{report.pk}/edit/")
    assert record_page.status_code == 200 and "政协报道" in record_page.content.decode()
    # a district leader sees the scorecard, not the office's record pages: the row is there without a link
    leader = UserFactory(committee=w.committee, role=User.Role.LEADER, username="leader_ceshi")
    client.force_login(leader)
    media = client.get("/scorecard/2022/media_reports/").content.decode()
    assert "政协报道" in media and "/duties/records/" not in media
