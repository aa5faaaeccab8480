"""Responses agree with the OpenAPI schema the API publishes: fields that can be null or blank say
so, and a list answered whole is not declared as a page."""

from __future__ import annotations

import uuid
from typing import Any

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xieshang.organisations.models import Member, User


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable: true`` becomes "or null"; refs stay local."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def validate(schema: dict[str, Any], instance: Any, target: dict[str, Any]) -> None:
    document = {**_json_schema(target), "components": _json_schema(schema["components"])}
    jsonschema.validate(instance, document)


def component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def test_a_topic_outside_any_plan_matches_the_schema(db: Any, schema: dict[str, Any], member: Member) -> None:
    c = APIClient()
    c.force_authenticate(member.user)
    body = {
        "submission_token": str(uuid.uuid4()),
        "title": "关于河涌治理的议题",
        "description": "河涌黑臭反弹，建议开展专题协商。",
    }
    r = c.post("/api/v1/consultation-topics/", body, format="json")
    assert r.status_code == 201, r.content
    r = c.get("/api/v1/consultation-topics/")
    (row,) = r.json()["results"]
    assert row["plan_year"] is None
    validate(schema, row, {"$ref": "#/components/schemas/Topic"})


def test_an_unassigned_item_s_blank_mode_matches_the_schema(schema: dict[str, Any]) -> None:
    for name in ("LoopItemList", "LoopItemDetail"):
        validate(schema, "", component(schema, name)["properties"]["mode"])
        validate(schema, "joint", component(schema, name)["properties"]["mode"])
        with pytest.raises(jsonschema.ValidationError):
            validate(schema, "other", component(schema, name)["properties"]["mode"])


def test_a_suggestion_not_yet_sent_for_handling_matches_the_schema(schema: dict[str, Any]) -> None:
    validate(schema, None, component(schema, "Suggestion")["properties"]["item_status"])


def test_the_replies_of_a_proposal_are_declared_as_the_bare_list_they_are(
    db: Any, schema: dict[str, Any], proposals_office: User
) -> None:
    declared = schema["paths"]["/api/v1/proposals/{id}/replies/"]["get"]["responses"]["200"]
    target = declared["content"]["application/json"]["schema"]
    validate(schema, [], target)
    c = APIClient()
    c.force_authenticate(proposals_office)
    r = c.get("/api/v1/proposals/1/replies/")  # no such proposal: the 404 is the documented error shape
    assert r.status_code == 404
    validate(
        schema,
        r.json(),
        schema["paths"]["/api/v1/proposals/{id}/replies/"]["get"]["responses"]["404"]["content"]["application/json"][
            "schema"
        ],
    )
