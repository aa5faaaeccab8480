import datetime as dt
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from xieshang.consultations import services
from xieshang.consultations.models import Suggestion
from xieshang.handling import services as loop

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_topic_to_measure_through_the_api(committee, organiser, member, other_member, unit, unit_user):
    year = timezone.localdate().year
    r = api(member.user).post(
        "/api/v1/consultation-topics/",
        {
            "submission_token": str(uuid.uuid4()),
            "title": "关于河涌治理的议题",
            "description": "河涌黑臭反弹，建议开展协商。",
        },
        format="json",
    )
    assert r.status_code == 201
    tid = r.json()["id"]
    office = api(organiser)
    assert office.post(f"/api/v1/consultation-topics/{tid}/select/", {"year": year}, format="json").status_code == 200
    start = timezone.now() + dt.timedelta(minutes=30)
    r = office.post(
        "/api/v1/consultation-activities/",
        {
            "kind": "meeting",
            "title": "河涌治理专题协商会",
            "topic_id": tid,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    r = office.post(
        f"/api/v1/consultation-activities/{aid}/invite/", {"kind": "member", "member_id": member.pk}, format="json"
    )
    assert len(r.json()["participants"]) == 1
    from xieshang.consultations.models import Activity

    token = services.signin_token(Activity.objects.get(pk=aid))
    assert api(member.user).post("/api/v1/consultation-signin/", {"token": token}, format="json").status_code == 200
    assert (
        api(other_member.user).post("/api/v1/consultation-signin/", {"token": token}, format="json").status_code == 400
    )
    assert api(other_member.user).get(f"/api/v1/consultation-activities/{aid}/").status_code == 404
    r = office.post(
        "/api/v1/consultation-suggestions/",
        {
            "submission_token": str(uuid.uuid4()),
            "activity_id": aid,
            "title": "建议：建立河长巡河制度",
            "text": "建议建立河长定期巡河并公开巡河记录。",
        },
        format="json",
    )
    sid = r.json()["id"]
    r = office.post(f"/api/v1/consultation-suggestions/{sid}/send/", {"unit_id": unit.pk}, format="json")
    assert r.status_code == 200 and r.json()["item_status"] == "handling"
    a = Suggestion.objects.get(pk=sid).item.assignments.get()
    loop.assignment_sign(assignment_id=a.pk, actor=unit_user)
    loop.assignment_reply(
        assignment_id=a.pk, actor=unit_user, body="已落实。", category="adopted", measures="建立河长巡河制度"
    )
    assert office.get(f"/api/v1/consultation-suggestions/{sid}/").json()["converted"] is True
    figures = office.get(f"/api/v1/consultation-figures/?year={year}").json()
    assert figures["suggestions_converted"] == 1 and figures["meetings"] == 1
    assert api(member.user).get("/api/v1/consultation-figures/").status_code == 403
    assert api(unit_user).get(f"/api/v1/consultation-suggestions/{sid}/").status_code == 404
