"""The outreach pages: who reaches what, the visitor log form with its warning, the public finder."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xieshang.organisations.tests.factories import UserFactory
from xieshang.outreach import services
from xieshang.outreach.models import StationMessage, Visit

from .conftest import log

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def today_shift(station, host, members):
    return services.shift_add(actor=host, station_id=station.pk, on=timezone.localdate(), member=members[0])


def test_host_home_shows_today_duty_and_open_visits(station, host, members, today_shift):
    log(station, host, members[0], on=timezone.localdate(), visitor="何女士")
    r = client_for(host).get(reverse("outreach:home"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "今日值班" in body and "陈委员" in body and "何女士" in body and "联系站工作台" in body


def test_pages_answer_by_role(station, host, members, office, committee, today_shift):
    visit = log(station, host, members[0], on=timezone.localdate())
    citizen_like = UserFactory(role="unit", committee=committee)
    other_host = UserFactory(role="host", committee=committee)
    cases = [
        ("outreach:home", (), {host: 200, members[0].user: 200, office: 200, citizen_like: 403}),
        ("outreach:overview", (), {host: 403, members[0].user: 403, office: 200}),
        ("outreach:station", (station.pk,), {host: 200, other_host: 404, members[0].user: 200, office: 200}),
        ("outreach:visit", (visit.pk,), {host: 200, other_host: 404, members[1].user: 404, members[0].user: 200}),
        ("outreach:count", ("station_people_served",), {office: 200, host: 403}),
    ]
    for name, args, expected in cases:
        for user, code in expected.items():
            assert client_for(user).get(reverse(name, args=args)).status_code == code, (name, user.role)
    assert Client().get(reverse("outreach:home")).status_code == 302


def test_log_form_warns_when_the_member_is_not_on_duty_and_takes_a_reason(station, host, members, today_shift):
    c = client_for(host)
    url = reverse("outreach:visit_new", args=[station.pk])
    data = {
        "token": str(uuid.uuid4()),
        "visited_on": timezone.localdate().isoformat(),
        "duty_member": members[1].pk,
        "visitor": "何女士",
        "people": 1,
        "kind": "suggestion",
        "matter": "建议在社区增设长者饭堂",
    }
    r = c.post(url, data)
    assert r.status_code == 400 and "不在本站值班表上" in r.content.decode() and not Visit.objects.exists()
    r = c.post(url, {**data, "off_duty_reason": "临时替班"})
    assert r.status_code == 302 and Visit.objects.get().off_duty_reason == "临时替班"
    c.post(url, {**data, "off_duty_reason": "临时替班"})
    assert Visit.objects.count() == 1


def test_dispose_refuses_a_type_the_matter_cannot_become(station, host, members, today_shift):
    visit = log(station, host, members[0], on=timezone.localdate(), kind="personal", matter="个人社保问题咨询")
    r = client_for(host).post(
        reverse("outreach:visit_dispose", args=[visit.pk]), {"disposal": "proposal", "version": visit.version}
    )
    assert r.status_code == 400
    visit.refresh_from_db()
    assert visit.status == "open"


def test_station_page_shows_figures_by_period(station, host, members, office, today_shift):
    log(station, host, members[0], on=timezone.localdate(), people=4)
    r = client_for(office).get(reverse("outreach:station", args=[station.pk]), {"period": "month"})
    body = r.content.decode()
    assert r.status_code == 200 and "联系服务群众" in body and ">4<" in body


def test_resident_finds_the_station_by_street_and_leaves_one_message(station, street, members, today_shift):
    c = Client()
    r = c.get(reverse("outreach:public_stations"))
    assert "石湾镇街道" in r.content.decode()
    r = c.get(reverse("outreach:public_stations"), {"street": street.pk})
    body = r.content.decode()
    assert station.name in body and "陈委员" in body and "<script" not in body.split("</head>")[1]
    token = str(uuid.uuid4())
    data = {"token": token, "name": "何女士", "phone": "13800138000", "text": "想预约接待日反映路灯问题"}
    url = reverse("outreach:public_station", args=[station.pk])
    r1 = c.post(url, data)
    r2 = c.post(url, data)
    assert r1.status_code == r2.status_code == 302 and StationMessage.objects.count() == 1
    assert "留言已收到" in c.get(r1["Location"]).content.decode()
    assert Client().get(r1["Location"]).status_code == 404


def test_public_message_flood_is_refused_politely(station):
    c = Client()
    url = reverse("outreach:public_station", args=[station.pk])
    for _ in range(3):
        c.post(url, {"token": str(uuid.uuid4()), "name": "何女士", "phone": "13800138000", "text": "路灯坏了两周"})
    r = c.post(url, {"token": str(uuid.uuid4()), "name": "何女士", "phone": "13800138000", "text": "路灯坏了两周"})
    assert r.status_code == 400 and "谢谢您的理解" in r.content.decode()
    assert StationMessage.objects.count() == 3


def test_nothing_is_written_on_get(station, host, members, today_shift):
    before = dt.datetime.now()
    client_for(host).get(reverse("outreach:visit_new", args=[station.pk]))
    assert not Visit.objects.exists() and before
