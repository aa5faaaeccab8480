"""Bodies an attacker or a broken client sends: numbers no database column holds, JSON nested
50,000 deep, ids that are not numbers. Each is a Chinese 400/404 in JSON and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import User

from .conftest import Driver, World

pytestmark = pytest.mark.django_db

BIG = 99999999999999999999  # 20 digits: more than a bigint holds


def client_for(user: User) -> APIClient:
    c = APIClient()
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    "body",
    [
        {"mode": "single", "lead_units": [BIG]},
        {"mode": "joint", "lead_units": [1], "co_units": [BIG]},
        {"mode": "single", "lead_units": [str(BIG)]},
    ],
)
def test_unit_ids_beyond_a_database_integer_are_a_chinese_400(
    world: World, drive: Driver, body: dict[str, Any]
) -> None:
    item = drive.accept()
    r = client_for(world.office).post(f"/api/v1/items/{item.pk}/assign/", body, format="json")
    assert r.status_code == 400, r.content
    assert "数值超出范围" in r.json()["detail"] and "单位" in r.json()["detail"]
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING and not item.assignments.exists()


def test_reassign_and_return_request_refuse_a_unit_id_beyond_range(world: World, drive: Driver) -> None:
    item = drive.single(world.dept1)
    a = item.assignments.get()
    r = client_for(world.office).post(
        f"/api/v1/assignments/{a.pk}/reassign/", {"unit": BIG, "reason": "改派"}, format="json"
    )
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "改派单位：数值超出范围。"
    staff = world.unit_user(world.dept1)
    r = client_for(staff).post(
        f"/api/v1/assignments/{a.pk}/request-return/", {"reason": "不属职责", "suggested_unit": BIG}, format="json"
    )
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "建议承办单位：数值超出范围。"
    assert Assignment.objects.filter(item=item).count() == 1


def test_json_nested_fifty_thousand_deep_is_a_400_not_a_recursion_error(world: World, drive: Driver) -> None:
    item = drive.accept()
    c = client_for(world.office)
    for body in ("[" * 50_000, '{"a":' * 50_000, "[" * 50_000 + "]" * 50_000):
        r = c.post(f"/api/v1/items/{item.pk}/decline/", data=body, content_type="application/json")
        assert r.status_code == 400, r.content[:200]
        assert r.json()["detail"] == "请求内容无法解析，请以 JSON 提交。"
    # an ordinary body with brackets inside its strings still goes through
    r = c.post(f"/api/v1/items/{item.pk}/decline/", {"reason": "重复[" * 40}, format="json")
    assert r.status_code == 200, r.content
