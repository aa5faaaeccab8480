"""API v1 of the loop: scopes, transitions through the services, errors as Chinese JSON, versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating, Reply, Request
from xieshang.organisations.models import User

from .conftest import Driver, World

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/items/"
ASSIGNMENTS = "/api/v1/assignments/"


def client_for(user: User | None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_login(user)
    return c


def post(user: User, url: str, body: dict[str, Any] | None = None):
    return client_for(user).post(url, body or {}, format="json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- scopes -------------------------------------------------------------------------------------


def test_each_role_lists_only_the_items_in_its_scope(world: World, drive: Driver) -> None:
    mine = drive.single(world.dept1)
    theirs = drive.single(world.dept2)
    queued = drive.accept(title="尚未交办的事项")

    assert set(ids(client_for(world.office).get(ITEMS))) == {mine.pk, theirs.pk, queued.pk}
    assert set(ids(client_for(world.leader).get(ITEMS))) == {mine.pk, theirs.pk, queued.pk}
    assert ids(client_for(world.unit_user(world.dept1)).get(ITEMS)) == [mine.pk]
    assert ids(client_for(world.unit_user(world.dept2)).get(ITEMS)) == [theirs.pk]
    assert ids(client_for(world.unit_user(world.dept3)).get(ITEMS)) == []
    assert ids(client_for(world.member).get(ITEMS)) == []
    assert ids(client_for(world.foreign_office).get(ITEMS)) == []


def test_objects_outside_the_scope_answer_404_with_a_chinese_message(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    outsider = world.unit_user(world.dept2)
    for url in (f"{ITEMS}{item.pk}/", f"{ASSIGNMENTS}{a.pk}/"):
        r = client_for(outsider).get(url)
        assert r.status_code == 404
        assert r.json()["detail"].startswith("未找到")
    r = post(outsider, f"{ASSIGNMENTS}{a.pk}/sign/")
    assert r.status_code == 404
    a.refresh_from_db()
    assert a.status == Assignment.Status.NEW
    assert client_for(world.foreign_office).get(f"{ITEMS}{item.pk}/").status_code == 404
    assert client_for(world.office).get(f"{ITEMS}99999999/").status_code == 404


def test_anonymous_callers_are_refused(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    c = APIClient()
    assert c.get(ITEMS).status_code == 403
    assert c.get(f"{ITEMS}{item.pk}/").status_code == 403
    assert c.post(f"{ASSIGNMENTS}{drive.lead(item).pk}/sign/", {}, format="json").status_code == 403


def test_a_unit_sees_its_own_assignments_but_not_the_other_units(world: World, drive: Driver) -> None:
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    staff = world.unit_user(world.dept1)
    detail = client_for(staff).get(f"{ITEMS}{item.pk}/").json()
    assert [a["unit"]["id"] for a in detail["assignments"]] == [world.dept1.pk]
    office_view = client_for(world.office).get(f"{ITEMS}{item.pk}/").json()
    assert {a["unit"]["id"] for a in office_view["assignments"]} == {world.dept1.pk, world.dept2.pk}
    listed = client_for(staff).get(ASSIGNMENTS).json()["results"]
    assert [a["unit"]["id"] for a in listed] == [world.dept1.pk]


# --- the whole loop through the API --------------------------------------------------------------


def test_office_assigns_unit_signs_replies_office_passes_and_records_the_rating(world: World, drive: Driver) -> None:
    item = drive.accept()
    office, staff = world.office, world.unit_user(world.dept1)

    r = post(office, f"{ITEMS}{item.pk}/assign/", {"mode": "single", "lead_units": [world.dept1.pk], "version": 0})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "handling"
    (a,) = body["assignments"]
    assert a["status"] == "new"

    r = post(staff, f"{ASSIGNMENTS}{a['id']}/sign/", {"version": a["version"]})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "signed"

    r = post(staff, f"{ASSIGNMENTS}{a['id']}/reply/", {"body": "已新增停车位 120 个。", "category": "a"})
    assert r.status_code == 200, r.content
    signed = r.json()
    assert signed["status"] == "replied"
    reply_id = signed["replies"][0]["id"]

    r = post(office, f"/api/v1/replies/{reply_id}/review/", {"passed": True})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "awaiting_rating"

    raters = client_for(office).get(f"{ITEMS}{item.pk}/").json()["raters"]
    assert [x["key"] for x in raters] == [f"user:{world.member.pk}"]
    r = post(office, f"{ASSIGNMENTS}{a['id']}/rate/", {"rater_key": raters[0]["key"], "value": "satisfied"})
    assert r.status_code == 200, r.content
    rated = r.json()
    assert rated["status"] == "closed"
    assert rated["ratings"][0]["recorded_by_staff"] is True
    assert Rating.objects.get().recorded_by == office
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED


def test_the_unit_cannot_rate_its_own_reply(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    drive.replied_and_passed(a)
    r = post(
        world.unit_user(world.dept1),
        f"{ASSIGNMENTS}{a.pk}/rate/",
        {"rater_key": f"user:{world.member.pk}", "value": "satisfied"},
    )
    assert r.status_code == 403
    assert "评价" in r.json()["detail"]
    assert not Rating.objects.exists()


def test_return_request_and_decision(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    r = post(
        staff, f"{ASSIGNMENTS}{a.pk}/request-return/", {"reason": "不属于本单位职责", "suggested_unit": world.dept2.pk}
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "return_requested"
    req = Request.objects.get()
    assert req.suggested_unit == world.dept2

    assert post(staff, f"/api/v1/requests/{req.pk}/decide/", {"approve": True}).status_code == 403
    pending = client_for(world.office).get("/api/v1/requests/?status=pending").json()["results"]
    assert [p["id"] for p in pending] == [req.pk]
    r = post(world.office, f"/api/v1/requests/{req.pk}/decide/", {"approve": True, "note": "同意退回"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "returned"
    r = post(world.office, f"/api/v1/requests/{req.pk}/decide/", {"approve": True})
    assert r.status_code == 409


def test_extension_request_needs_a_later_date(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    r = post(staff, f"{ASSIGNMENTS}{a.pk}/request-extension/", {"until": "2024-03-01", "reason": "需要调研"})
    assert r.status_code == 400
    assert "晚于" in r.json()["detail"]
    r = post(staff, f"{ASSIGNMENTS}{a.pk}/request-extension/", {"until": "2024-03-25", "reason": "需要调研"})
    assert r.status_code == 200, r.content
    assert r.json()["requests"][0]["kind"] == "extension"


def test_joint_handling_co_unit_opinion_reaches_the_lead_unit(world: World, drive: Driver) -> None:
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    co = item.assignments.get(unit=world.dept2)
    drive.sign(co)
    co_staff = world.unit_user(world.dept2)
    r = post(co_staff, f"{ASSIGNMENTS}{co.pk}/co-opinion/", {"body": "建议结合学位规划统筹考虑。"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "opinion_sent"
    lead_view = client_for(world.unit_user(world.dept1)).get(f"{ITEMS}{item.pk}/").json()
    assert [o["body"] for o in lead_view["co_opinions"]] == ["建议结合学位规划统筹考虑。"]
    assert client_for(co_staff).get(f"{ITEMS}{item.pk}/").json()["co_opinions"] == []


def test_contact_supervise_escalate_reassign_and_decline(world: World, drive: Driver, clock) -> None:
    item = drive.single(world.community_unit)
    a = drive.lead(item, world.community_unit)
    drive.sign(a)
    staff = world.unit_user(world.community_unit)
    happened = (clock.now - dt.timedelta(hours=1)).isoformat()
    r = post(staff, f"{ASSIGNMENTS}{a.pk}/contact/", {"method": "phone", "happened_at": happened, "note": "电话沟通"})
    assert r.status_code == 200, r.content
    assert r.json()["contacts"][0]["method"] == "phone"

    r = post(world.leader, f"{ITEMS}{item.pk}/supervise/", {"note": "请加快办理"})
    assert r.status_code == 200, r.content
    assert r.json()["is_supervised"] is True
    assert post(staff, f"{ITEMS}{item.pk}/supervise/", {"note": "自己督办"}).status_code == 403

    r = post(staff, f"{ASSIGNMENTS}{a.pk}/escalate/", {"reason": "需街道统筹"})
    assert r.status_code == 200, r.content
    street_a = item.assignments.get(unit=world.street_unit)
    assert street_a.status == Assignment.Status.NEW

    r = post(world.office, f"{ASSIGNMENTS}{street_a.pk}/reassign/", {"unit": world.dept3.pk, "reason": "属交通局职责"})
    assert r.status_code == 200, r.content
    assert r.json()["unit"]["id"] == world.dept3.pk

    queued = drive.accept(title="重复留言")
    r = post(world.office, f"{ITEMS}{queued.pk}/decline/", {"reason": "与已受理事项重复"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "declined"


# --- errors and concurrency ---------------------------------------------------------------------


def test_a_stale_version_answers_409_and_changes_nothing(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    r = post(staff, f"{ASSIGNMENTS}{a.pk}/sign/", {"version": a.version + 1})
    assert r.status_code == 409
    assert "刷新" in r.json()["detail"]
    a.refresh_from_db()
    assert a.status == Assignment.Status.NEW

    queued = drive.accept()
    r = post(world.office, f"{ITEMS}{queued.pk}/decline/", {"reason": "重复", "version": queued.version + 3})
    assert r.status_code == 409
    queued.refresh_from_db()
    assert queued.status == Item.Status.PENDING
    r = post(
        world.office, f"{ITEMS}{queued.pk}/assign/", {"mode": "single", "lead_units": [world.dept1.pk], "version": 7}
    )
    assert r.status_code == 409
    assert not queued.assignments.exists()


def test_a_double_submit_signs_once_and_the_second_gets_409(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    assert post(staff, f"{ASSIGNMENTS}{a.pk}/sign/").status_code == 200
    second = post(staff, f"{ASSIGNMENTS}{a.pk}/sign/")
    assert second.status_code == 409
    assert "签收" in second.json()["detail"]


def test_someone_else_s_action_answers_403(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    r = post(world.leader, f"{ASSIGNMENTS}{a.pk}/sign/")
    assert r.status_code == 403
    assert r.json()["detail"] == "只有承办单位的工作人员可以办理。"
    r = post(world.unit_user(world.dept1), f"{ITEMS}{drive.accept().pk}/decline/", {"reason": "x"})
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"mode": "sideways", "lead_units": [1]}, "交办方式"),
        ({"mode": "single"}, "承办（主办）单位"),
        ({"mode": "single", "lead_units": ["abc"]}, "承办（主办）单位"),
        ({"mode": "single", "lead_units": [987654]}, "承办单位不存在"),
        ({"mode": "split", "lead_units": [0]}, "承办（主办）单位"),
        ({"mode": "single", "lead_units": [1], "version": -1}, "版本号"),
    ],
)
def test_bad_transition_bodies_get_a_chinese_message_and_change_nothing(
    world: World, drive: Driver, body: dict[str, Any], fragment: str
) -> None:
    item = drive.accept()
    r = post(world.office, f"{ITEMS}{item.pk}/assign/", body)
    assert r.status_code == 400, r.content
    assert fragment in r.json()["detail"]
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING and not item.assignments.exists()


def test_a_body_that_is_not_json_gets_a_chinese_message(world: World, drive: Driver) -> None:
    item = drive.accept()
    c = client_for(world.office)
    r = c.post(f"{ITEMS}{item.pk}/decline/", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["detail"] == "请求内容无法解析，请以 JSON 提交。"
    r = c.post(f"{ITEMS}{item.pk}/decline/", data=["a"], format="json")
    assert r.status_code == 400


def test_a_rule_refusal_from_the_service_is_a_400_in_chinese(world: World, drive: Driver) -> None:
    item = drive.accept()
    r = post(world.office, f"{ITEMS}{item.pk}/decline/", {"reason": "   "})
    assert r.status_code == 400
    assert r.json()["detail"] == "请填写不予受理的理由。"
    r = post(world.office, f"{ITEMS}{item.pk}/assign/", {"mode": "split", "lead_units": [world.dept1.pk]})
    assert r.status_code == 400
    assert r.json()["detail"] == "分办须选择两个或以上承办单位。"


# --- lists: filters, pagination, queries ------------------------------------------------------


def test_list_filters_and_their_errors(world: World, drive: Driver) -> None:
    handling = drive.single(world.dept1, title="关于道路维修的建议")
    queued = drive.accept(title="关于公交线路的建议")
    c = client_for(world.office)
    assert ids(c.get(ITEMS, {"status": "pending"})) == [queued.pk]
    assert set(ids(c.get(ITEMS, {"status": "pending,handling"}))) == {queued.pk, handling.pk}
    assert ids(c.get(ITEMS, {"unit": world.dept1.pk})) == [handling.pk]
    assert ids(c.get(ITEMS, {"q": "公交"})) == [queued.pk]
    assert ids(c.get(ITEMS, {"is_overdue": "true"})) == []
    assert ids(c.get(ITEMS, {"ordering": "accepted_at"})) == [handling.pk, queued.pk]
    for params, fragment in (
        ({"status": "lost"}, "status"),
        ({"is_overdue": "maybe"}, "is_overdue"),
        ({"unit": "x"}, "unit"),
        ({"accepted_from": "2024-13-01"}, "accepted_from"),
        ({"ordering": "title"}, "ordering"),
    ):
        r = c.get(ITEMS, params)
        assert r.status_code == 400, params
        assert fragment in r.json()["detail"]
    a_ids = [a["id"] for a in c.get(ASSIGNMENTS, {"status": "new", "role": "lead"}).json()["results"]]
    assert a_ids == [drive.lead(handling).pk]
    assert c.get(ASSIGNMENTS, {"role": "boss"}).status_code == 400


def test_pagination_caps_the_page_size(world: World, drive: Driver) -> None:
    for n in range(3):
        drive.accept(title=f"事项{n}")
    body = client_for(world.office).get(ITEMS, {"limit": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    body = client_for(world.office).get(ITEMS, {"limit": 100000}).json()
    assert len(body["results"]) == 3


def _count_queries(user: User, url: str) -> int:
    c = client_for(user)
    c.get(url)  # session and first-use rows
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(world: World, drive: Driver) -> None:
    drive.single(world.dept1)
    before = {
        "items": _count_queries(world.office, ITEMS),
        "assignments": _count_queries(world.unit_user(world.dept1), ASSIGNMENTS),
    }
    for n in range(6):
        drive.single(world.dept1, title=f"更多事项{n}")
    after = {
        "items": _count_queries(world.office, ITEMS),
        "assignments": _count_queries(world.unit_user(world.dept1), ASSIGNMENTS),
    }
    assert after == before


# --- personal data and CSRF -----------------------------------------------------------------------


def test_the_citizen_phone_number_reaches_dispatchers_only(world: World, clock) -> None:
    from xieshang.messages.services import message_submit

    phone = "13912345678"
    msg, _ = message_submit(
        committee=world.committee,
        submission_token="6f1c8a52-1d1f-4a4e-9d7b-2a1a0d8e8a01",
        kind="consult",
        title="小区路灯不亮",
        text="我家楼下的路灯已经坏了两个星期，晚上出行很不方便。",
        name="黄女士",
        phone=phone,
    )
    item = msg.item
    loop.item_assign(item_id=item.pk, actor=world.office, mode="single", lead_units=[world.dept1])

    office_detail = client_for(world.office).get(f"{ITEMS}{item.pk}/")
    assert phone in office_detail.content.decode()
    for user in (world.leader, world.unit_user(world.dept1)):
        for url in (ITEMS, f"{ITEMS}{item.pk}/", ASSIGNMENTS, f"{ASSIGNMENTS}{item.assignments.get().pk}/"):
            r = client_for(user).get(url)
            assert r.status_code == 200
            assert phone not in r.content.decode(), (user.role, url)
            assert phone[-8:] not in r.content.decode().replace("*", ""), (user.role, url)


def test_unsafe_api_calls_need_the_csrf_token(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    c = APIClient(enforce_csrf_checks=True)
    c.force_login(world.unit_user(world.dept1))
    r = c.post(f"{ASSIGNMENTS}{a.pk}/sign/", {}, format="json")
    assert r.status_code == 403
    assert "CSRF" in r.json()["detail"]
    a.refresh_from_db()
    assert a.status == Assignment.Status.NEW
    token = "k" * 32  # the secret in the cookie, echoed in the header as a browser page does
    c.cookies["csrftoken"] = token
    r = c.post(f"{ASSIGNMENTS}{a.pk}/sign/", {}, format="json", HTTP_X_CSRFTOKEN="j" * 32)
    assert r.status_code == 403
    r = c.post(f"{ASSIGNMENTS}{a.pk}/sign/", {}, format="json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200, r.content


def test_http_basic_credentials_are_not_accepted(world: World) -> None:
    import base64

    world.office.set_password("S3cret-pass!")
    world.office.save()
    c = APIClient()
    c.credentials(
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{world.office.username}:S3cret-pass!".encode()).decode()
    )
    assert c.get(ITEMS).status_code == 403


def test_reply_list_for_review(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = drive.lead(item)
    drive.sign(a)
    reply = drive.reply(a)
    rows = client_for(world.office).get("/api/v1/replies/", {"review": "pending"}).json()["results"]
    assert [r["id"] for r in rows] == [reply.pk]
    assert client_for(world.unit_user(world.dept2)).get(f"/api/v1/replies/{reply.pk}/").status_code == 404
    r = post(world.office, f"/api/v1/replies/{reply.pk}/review/", {"passed": False})
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = post(world.office, f"/api/v1/replies/{reply.pk}/review/", {"passed": False, "note": "答复过于简单"})
    assert r.status_code == 200
    assert Reply.objects.get().review == Reply.Review.REJECTED


def test_a_browser_gets_json_not_a_page_that_the_csp_would_break(world: World, drive: Driver) -> None:
    drive.single(world.dept1)
    r = client_for(world.office).get(ITEMS, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["count"] == 1
