"""Query budgets: the host's desk, a station page, the overview, the set-up list and the public finder
run the same number of queries with a few rows as with many (no query per station, visit or shift)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xieshang.organisations.tests.factories import AreaFactory, MemberFactory
from xieshang.outreach import services

from .conftest import log

pytestmark = pytest.mark.django_db


def grow(n, *, office, committee, street, host, term, station, members):
    """n more stations on n communities with members, shifts, visits and messages; more visits at ``station``."""
    today = timezone.localdate()
    for i in range(n):
        community = AreaFactory(community=True, code=f"Q-C-{i}-{uuid.uuid4().hex[:6]}", name=f"社区{i}", parent=street)
        ms = [MemberFactory(term=term, name=f"委员{i}-{j}", with_user=True) for j in range(2)]
        s = services.station_create(
            actor=office,
            committee=committee,
            name=f"联系点{i}-{uuid.uuid4().hex[:4]}",
            kind="point",
            area=community,
            host=host,
            members=ms,
            duty_days=[10, 20] if i % 2 else [],
        )
        services.shift_add(actor=office, station_id=s.pk, on=today, member=ms[0])
        services.shift_add(actor=office, station_id=s.pk, on=today + dt.timedelta(days=200), member=ms[1])
        for k, m in enumerate(ms):
            services.shift_add(actor=office, station_id=s.pk, on=today + dt.timedelta(days=k + 1), member=m)
        log(s, host, ms[0], on=today, visitor=f"来访人{i}")
        services.station_message_leave(
            station_id=s.pk,
            submission_token=uuid.uuid4(),
            name="何女士",
            phone=f"1380013{i:04d}",
            text="想预约接待日反映问题",
        )
    for _ in range(n):
        log(station, host, members[0], on=today)


def count(client: Client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def world(office, committee, street, host, term, station, members):
    services.shift_add(actor=office, station_id=station.pk, on=timezone.localdate(), member=members[0])
    log(station, host, members[0], on=timezone.localdate())
    return {
        "office": office,
        "committee": committee,
        "street": street,
        "host": host,
        "term": term,
        "station": station,
        "members": members,
    }


def test_pages_keep_their_query_count_as_rows_grow(world, django_assert_max_num_queries):
    host, office = Client(), Client()
    host.force_login(world["host"])
    office.force_login(world["office"])
    anon = Client()
    s = world["station"]
    pages = [
        (host, reverse("outreach:home"), {}, 30),
        (host, reverse("outreach:station", args=[s.pk]), {}, 30),
        (office, reverse("outreach:station", args=[s.pk]), {}, 30),
        (office, reverse("outreach:overview"), {}, 30),
        (office, reverse("outreach:setup"), {}, 20),
        (anon, reverse("outreach:public_stations"), {"street": world["street"].pk}, 12),
        (anon, reverse("outreach:public_station", args=[s.pk]), {}, 12),
    ]
    few = [count(c, url, **p) for c, url, p, _ in pages]
    grow(12, **world)
    many = [count(c, url, **p) for c, url, p, _ in pages]
    assert many == few, list(zip([u for _, u, _, _ in pages], few, many, strict=True))
    for c, url, p, budget in pages:
        with django_assert_max_num_queries(budget):
            c.get(url, p)


def test_count_drill_down_links_each_record_without_a_query_per_row(office, committee):
    c = Client()
    c.force_login(office)
    today = timezone.localdate()
    team = services.team_create(actor=office, committee=committee, name="志愿服务队", founded_on=dt.date(2020, 1, 1))

    def serve(n):
        vs = [
            services.volunteer_add(
                actor=office, team_id=team.pk, name=f"志愿者{uuid.uuid4().hex[:6]}", joined_on=dt.date(2020, 1, 1)
            )
            for _ in range(n)
        ]
        services.service_record(
            actor=office,
            team_id=team.pk,
            submission_token=uuid.uuid4(),
            served_on=today,
            activity="服务",
            volunteer_ids=[v.pk for v in vs],
        )

    url = reverse("outreach:count", args=["volunteer_service_times"])
    serve(1)
    few = count(c, url, year=today.year)
    serve(20)
    many = count(c, url, year=today.year)
    assert many == few
    body = c.get(url, {"year": today.year}).content.decode()
    assert reverse("outreach:office_team", args=[team.pk]) in body


def test_a_team_page_and_its_edit_pages_keep_their_query_count_as_volunteers_grow(office, committee, term):
    c = Client()
    c.force_login(office)
    today = timezone.localdate()
    team = services.team_create(actor=office, committee=committee, name="志愿服务队", founded_on=dt.date(2020, 1, 1))
    e = services.enterprise_create(actor=office, committee=committee, name="某企业")

    def more(n):
        for _ in range(n):
            v = services.volunteer_add(
                actor=office, team_id=team.pk, name=f"志愿者{uuid.uuid4().hex[:6]}", joined_on=dt.date(2020, 1, 1)
            )
            services.volunteer_leave(actor=office, volunteer_id=v.pk, left_on=dt.date(2021, 1, 1))
            m = MemberFactory(term=term)
            services.enterprise_link(actor=office, enterprise_id=e.pk, member=m, on=today)

    pages = [
        reverse("outreach:office_team", args=[team.pk]),
        reverse("outreach:office_teams"),
        reverse("outreach:team_edit", args=[team.pk]),
        reverse("outreach:enterprise_edit", args=[e.pk]),
    ]
    more(1)
    few = [count(c, url) for url in pages]
    more(15)
    many = [count(c, url) for url in pages]
    assert many == few, list(zip(pages, few, many, strict=True))
