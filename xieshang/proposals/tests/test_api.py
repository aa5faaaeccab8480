import pytest
from rest_framework.test import APIClient

from xieshang.proposals.models import Proposal

from .conftest import CONTENT
from .test_services import handle_to_reply


@pytest.fixture
def api():
    return APIClient()


def test_member_drafts_submits_and_the_office_files_through_the_api(api, w, django_capture_on_commit_callbacks):
    api.force_authenticate(w.member_user(0))
    r = api.post("/api/v1/proposals/", {**CONTENT, "cosigners": [w.members[1].pk]}, format="json")
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = api.post(f"/api/v1/proposals/{pid}/submit/")
    assert r.json()["status"] == "cosigning"
    api.force_authenticate(w.member_user(1))
    assert api.post(f"/api/v1/proposals/{pid}/cosign/", {"agree": True}, format="json").json()["status"] == "submitted"
    r = api.post(f"/api/v1/proposals/{pid}/file/", {}, format="json")
    assert r.status_code == 403 and "提案委" in r.json()["detail"]
    api.force_authenticate(w.office)
    r = api.post(f"/api/v1/proposals/{pid}/file/", {"category": "城乡建设"}, format="json")
    assert r.json()["number_label"] == "第五届第三次会议第0001号"
    r = api.post(f"/api/v1/proposals/{pid}/file/", {}, format="json")
    assert r.status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            f"/api/v1/proposals/{pid}/assign/", {"mode": "single", "lead_units": [w.units[0].pk]}, format="json"
        )
    assert r.status_code == 200
    assert Proposal.objects.get(pk=pid).handling == "handling"


def test_scope_and_bad_input(api, w, run, filed):
    p = filed(0)
    api.force_authenticate(w.member_user(2))
    assert api.get(f"/api/v1/proposals/{p.pk}/").status_code == 404
    assert api.get("/api/v1/proposals/").json()["count"] == 0
    api.force_authenticate(w.office)
    r = api.post(f"/api/v1/proposals/{p.pk}/assign/", {"mode": "single"}, format="json")
    assert r.status_code == 400 and "主办单位" in r.json()["detail"]
    r = api.post(f"/api/v1/proposals/{p.pk}/not-file/", {"ground": "x", "note": "y"}, format="json")
    assert r.status_code == 400


def test_rating_through_the_api_and_non_proposer_refused(api, w, run, filed, django_capture_on_commit_callbacks):
    p = filed(0)
    a = handle_to_reply(w, run, p)
    api.force_authenticate(w.office)
    reply = api.get(f"/api/v1/proposals/{p.pk}/replies/").json()[0]
    assert reply["category"] == "B" and reply["adopted_count"] == 2
    numbers = dict(p.suggestion_items.values_list("pk", "number"))
    assert sorted(numbers[i] for i in reply["adopted_suggestions"]) == [1, 2]
    api.force_authenticate(w.member_user(1))
    r = api.post(f"/api/v1/proposals/{p.pk}/rate/", {"assignment": a.pk, "value": "satisfied"}, format="json")
    assert r.status_code == 404
    api.force_authenticate(w.member_user(0))
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/proposals/{p.pk}/rate/", {"assignment": a.pk, "value": "satisfied"}, format="json")
    assert r.status_code == 200
    assert Proposal.objects.get(pk=p.pk).handling == "closed"


def test_schema_lists_the_proposal_endpoints(api, w):
    api.force_authenticate(w.office)
    r = api.get("/api/schema/")
    text = r.content.decode()
    for route in ("/api/v1/proposals/{id}/file/", "/api/v1/proposals/{id}/assign/", "/api/v1/proposals/{id}/rate/"):
        assert route in text


def test_cosigner_and_unit_ids_beyond_a_database_integer_are_a_chinese_400(api, w, filed):
    api.force_authenticate(w.member_user(0))
    r = api.post("/api/v1/proposals/", {**CONTENT, "cosigners": [99999999999999999999]}, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "联名委员：数值超出范围。"
    assert not Proposal.objects.filter(title=CONTENT["title"]).exists()
    p = filed(0)
    api.force_authenticate(w.office)
    for body in ({"lead_units": [99999999999999999999]}, {"lead_units": [w.units[0].pk], "co_units": [2**63]}):
        r = api.post(f"/api/v1/proposals/{p.pk}/assign/", {"mode": "joint", **body}, format="json")
        assert r.status_code == 400, r.content
        assert "数值超出范围" in r.json()["detail"]
    p.refresh_from_db()
    assert p.handling != "handling"
