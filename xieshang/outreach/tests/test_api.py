"""The outreach API: counts for staff, visits scoped like the pages, a visit logged once per token."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from xieshang.outreach import services
from xieshang.outreach.models import Visit

from .conftest import DAY, log

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_counts_for_the_office_only(office, host):
    r = client_for(office).get("/api/v1/outreach/counts/?year=2026")
    assert r.status_code == 200 and len(r.json()) == 10 and r.json()[0]["key"] == "station_people_served"
    assert client_for(host).get("/api/v1/outreach/counts/").status_code == 403


def test_visit_logged_once_and_warned_off_duty(station, host, members):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    body = {
        "token": str(uuid.uuid4()),
        "station": station.pk,
        "visited_on": DAY.isoformat(),
        "duty_member": members[1].pk,
        "visitor": "何女士",
        "kind": "suggestion",
        "matter": "建议增设长者饭堂",
    }
    c = client_for(host)
    r = c.post("/api/v1/outreach/visits/", body, content_type="application/json")
    assert r.status_code == 400 and "不在本站值班表上" in r.json()["detail"]
    body["duty_member"] = members[0].pk
    assert c.post("/api/v1/outreach/visits/", body, content_type="application/json").status_code == 201
    assert c.post("/api/v1/outreach/visits/", body, content_type="application/json").status_code == 200
    assert Visit.objects.count() == 1


def test_visits_scoped_and_dispose_refused_for_a_wrong_type(station, host, members, committee):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    visit = log(station, host, members[0], kind="consult", matter="咨询社保办理地点")
    assert client_for(members[1].user).get("/api/v1/outreach/visits/").json()["count"] == 0
    assert client_for(host).get("/api/v1/outreach/visits/").json()["count"] == 1
    r = client_for(host).post(
        f"/api/v1/outreach/visits/{visit.pk}/dispose/", {"disposal": "opinion"}, content_type="application/json"
    )
    assert r.status_code == 400 and "不作为提案或社情民意信息" in r.json()["detail"]
    r = client_for(members[1].user).post(
        f"/api/v1/outreach/visits/{visit.pk}/dispose/",
        {"disposal": "answered", "note": "好"},
        content_type="application/json",
    )
    assert r.status_code == 404
