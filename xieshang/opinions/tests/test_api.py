import uuid

import pytest
from rest_framework.test import APIClient

from xieshang.opinions.models import OpinionReport

from .conftest import GOOD_TEXT

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_the_report_flow_through_the_api(member, info_office, leader, other_member):
    token = str(uuid.uuid4())
    body = {"submission_token": token, "title": "关于加装电梯的建议", "text": GOOD_TEXT}
    r = api(member.user).post("/api/v1/opinion-reports/", body, format="json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert api(member.user).post("/api/v1/opinion-reports/", body, format="json").status_code == 200
    assert api(other_member.user).get(f"/api/v1/opinion-reports/{rid}/").status_code == 404
    office = api(info_office)
    assert office.post(f"/api/v1/opinion-reports/{rid}/adopt/", {}, format="json").status_code == 200
    issue = office.post("/api/v1/bulletin-issues/", {}, format="json").json()
    assert (
        office.post(f"/api/v1/bulletin-issues/{issue['id']}/add/", {"report_id": rid}, format="json").status_code == 200
    )
    r = office.post(
        f"/api/v1/bulletin-issues/{issue['id']}/release/", {"recipients": ["party", "parent"]}, format="json"
    )
    assert r.json()["status"] == "released" and len(r.json()["recipients"]) == 2
    r = office.post(
        f"/api/v1/opinion-reports/{rid}/instructions/",
        {"leader_id": leader.pk, "level": "district", "given_on": "2022-06-01", "text": "请研究落实。"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["instructions"][0]["leader_name"] == "张三"
    r = office.post(
        f"/api/v1/opinion-reports/{rid}/adoptions/", {"level": "city", "adopted_on": "2022-06-02"}, format="json"
    )
    assert r.status_code == 200
    r = office.post(
        f"/api/v1/opinion-reports/{rid}/adoptions/", {"level": "city", "adopted_on": "2022-06-03"}, format="json"
    )
    assert r.status_code == 409 and "重复" in r.json()["detail"]
    assert api(member.user).get(f"/api/v1/opinion-reports/{rid}/").json()["instructions"]
    stats = office.get("/api/v1/opinion-stats/?year=" + str(OpinionReport.objects.get().submitted_at.year)).json()
    assert stats["adopted"] == 1 and stats["points"]["adopt_city"] == 5
    assert api(member.user).get("/api/v1/opinion-stats/").status_code == 403


def test_bad_input_is_a_chinese_400_and_changes_nothing(member, info_office):
    r = api(member.user).post("/api/v1/opinion-reports/", {"submission_token": "x"}, format="json")
    assert r.status_code == 400 and "提交令牌" in r.json()["detail"]
    r = api(member.user).post(
        "/api/v1/opinion-reports/",
        {"submission_token": str(uuid.uuid4()), "title": "长", "text": "字" * 1600},
        format="json",
    )
    assert r.status_code == 400 and "1500" in r.json()["detail"]
    assert OpinionReport.objects.count() == 0
