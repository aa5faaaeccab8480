"""The engine's one way: transition tables answer refusals with the allowed states (page and API
alike), nothing is written on GET, 交办 settles the routing suggestion itself (page and API), past
histories are imported through the same moves, and deadline recounts are audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.core.transitions import TransitionConflict
from xieshang.handling import assist
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply, RouteDecision
from xieshang.handling.transitions import ASSIGNMENT, ITEM, REQUEST, REVIEW, allowed_actions, item_actions
from xieshang.organisations.models import Unit
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from .conftest import CHANNEL, at

S = Assignment.Status


def api(user):
    c = APIClient()
    c.force_login(user)
    return c


# --- transition tables ---------------------------------------------------------------------------


def test_every_state_of_every_loop_model_is_in_its_table():
    for machine, states in (
        (ITEM, Item.Status.values),
        (ASSIGNMENT, S.values),
        (REQUEST, ["pending", "approved", "refused", "withdrawn"]),
        (REVIEW, Reply.Review.values),
    ):
        reached = set(machine.targets()) | {s for v in machine.targets().values() for s in v}
        assert set(states) <= reached, machine.name


def test_a_move_the_table_does_not_allow_answers_409_with_the_allowed_states(world, drive):
    item = drive.single(world.dept1)
    a = drive.lead(item)
    drive.sign(a)
    r = api(world.unit_user(world.dept1)).post(f"/api/v1/assignments/{a.pk}/sign/", {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert body["state"] == S.SIGNED and body["allowed_states"] == [S.NEW]
    assert "不能签收" in body["detail"]
    r = api(world.office).post(f"/api/v1/items/{item.pk}/assign/", {"mode": "single", "lead_units": [world.dept2.pk]})
    assert r.status_code == 409
    assert (r.json()["state"], r.json()["allowed_states"]) == (Item.Status.HANDLING, [Item.Status.PENDING])
    assert Assignment.objects.filter(item=item).count() == 1


def test_services_refuse_with_the_table(world, drive):
    item = drive.single(world.dept1)
    a = drive.lead(item)
    with pytest.raises(TransitionConflict) as exc:
        loop.assignment_reply(assignment_id=a.pk, actor=world.unit_user(world.dept1), body="答复", category="a")
    assert exc.value.allowed_states == [S.SIGNED]


def test_every_transition_takes_the_version_read(world, drive):
    item = drive.single(world.dept1)
    a = drive.lead(item)
    stale = a.version
    drive.sign(a)
    with pytest.raises(ConflictError, match="已过时"):
        loop.assignment_escalate(assignment_id=a.pk, actor=world.office, reason="不属本级", expected_version=stale)
    item.refresh_from_db()
    with pytest.raises(ConflictError, match="已过时"):
        loop.item_supervise(item_id=item.pk, actor=world.office, note="请加快", expected_version=item.version - 1)
    assert not item.supervisions.exists()


def test_the_page_and_the_table_agree_on_the_buttons(world, drive):
    item = drive.accept()
    assert item_actions(item) == {"assign", "decline", "supervise"}
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    item.refresh_from_db()
    assert item_actions(item) == {"supervise"}
    lead, co = drive.lead(item), drive.lead(item, world.dept2)
    assert {"sign", "request_return", "escalate", "reassign"} <= allowed_actions(lead)
    assert "reply" not in allowed_actions(lead)
    drive.sign(lead)
    drive.sign(co)
    lead.refresh_from_db()
    co.refresh_from_db()
    assert "reply" in allowed_actions(lead) and "co_opinion" not in allowed_actions(lead)
    assert "co_opinion" in allowed_actions(co) and "reply" not in allowed_actions(co)


# --- nothing written on GET; 交办 settles the routing suggestion -------------------------------------


def _counts():
    return RouteDecision.objects.count(), AuditEntry.objects.count()


def test_the_item_page_and_the_panel_write_nothing(client, world, drive, monkeypatch):
    item = drive.accept()
    shown = [assist.UnitSuggestion(world.dept2, 0.8)]
    monkeypatch.setattr(assist.router, "ready", lambda wait=0.0: True)
    monkeypatch.setattr(assist, "index_ready", lambda committee_id: True)
    monkeypatch.setattr(assist, "same_matter_items", lambda *a, **k: [])
    monkeypatch.setattr(assist, "suggest_units", lambda *a, **k: shown)
    client.force_login(world.office)
    before = _counts()
    page = client.get(reverse("handling:item", args=[item.pk]))
    panel = client.get(reverse("handling:assist_panel", args=[item.pk]))
    model = client.get(reverse("handling:assist_model"))
    assert (page.status_code, panel.status_code, model.status_code) == (200, 200, 200)
    assert f'data-assist-unit="{world.dept2.pk}"' in panel.content.decode()
    assert _counts() == before


def _router_shows(monkeypatch, suggestions):
    monkeypatch.setattr(assist.router, "loaded", lambda: True)
    monkeypatch.setattr(assist, "suggest_units", lambda *a, **k: suggestions)


def test_api_assign_settles_the_routing_decision(world, drive, monkeypatch):
    _router_shows(monkeypatch, [assist.UnitSuggestion(world.dept2, 0.7), assist.UnitSuggestion(world.dept1, 0.2)])
    item = drive.accept()
    r = api(world.office).post(
        f"/api/v1/items/{item.pk}/assign/", {"mode": "single", "lead_units": [world.dept2.pk]}, format="json"
    )
    assert r.status_code == 200, r.content
    row = RouteDecision.objects.get(item=item)
    assert (row.suggested_unit, row.chosen_unit, row.accepted, row.decided_by) == (
        world.dept2,
        world.dept2,
        True,
        world.office,
    )
    assert [s["unit"] for s in row.suggestions] == [world.dept2.pk, world.dept1.pk]
    assert assist.acceptance(world.committee.pk).decided == 1


def test_a_refused_assign_records_no_routing_decision(world, drive, monkeypatch):
    _router_shows(monkeypatch, [assist.UnitSuggestion(world.dept2, 0.7)])
    item = drive.accept()
    r = api(world.office).post(f"/api/v1/items/{item.pk}/assign/", {"mode": "split", "lead_units": [world.dept2.pk]})
    assert r.status_code == 400
    assert not RouteDecision.objects.exists()


def test_the_suggestion_passed_by_the_caller_is_checked(world, drive):
    item = drive.accept()
    loop.item_assign(
        item_id=item.pk,
        actor=world.office,
        mode=Item.Mode.SINGLE,
        lead_units=[world.dept1],
        suggestion=[(world.dept2.pk, 0.6)],
    )
    row = RouteDecision.objects.get(item=item)
    assert (row.suggested_unit, row.chosen_unit, row.accepted) == (world.dept2, world.dept1, False)
    other = drive.accept()
    foreign = Unit.objects.create(committee=world.other_committee, name="外区住建局")
    bad = [(foreign.pk, 0.6)]
    loop.item_assign(
        item_id=other.pk, actor=world.office, mode=Item.Mode.SINGLE, lead_units=[world.dept1], suggestion=bad
    )
    assert not RouteDecision.objects.filter(item=other).exists()


def test_an_open_suggestion_kept_earlier_is_settled_by_the_assignment(world, drive):
    item = drive.accept()
    RouteDecision.objects.create(item=item, suggested_unit=world.dept1, confidence=0.5, suggestions=[])
    drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    row = RouteDecision.objects.get(item=item)
    assert row.decided_at is not None and row.accepted is True


# --- past histories ---------------------------------------------------------------------------------


def test_an_imported_history_gets_the_rule_s_deadlines_and_audit_rows(world, clock):
    clock.set(at(2025, 6, 1))
    accepted = at(2024, 9, 2, 9)  # a Monday
    item = loop.item_import_history(
        actor=world.office,
        committee=world.committee,
        channel=CHANNEL,
        title="关于增设社区停车位的建议",
        text="老旧小区停车难，建议增设停车位。",
        accepted_at=accepted,
        mode=Item.Mode.JOINT,
        lead_units=[world.dept1],
        co_units=[world.dept2],
        replies=[loop.PastReply(unit=world.dept1, category="a", body="已新增停车位。", adopted_count=2)],
        ratings=[loop.PastRating(label="张委员", value="satisfied")],
    )
    assert item.status == Item.Status.CLOSED and item.accepted_at == item.assigned_at == accepted
    lead = item.assignments.get(role="lead")
    co = item.assignments.get(role="co")
    rule = loop.rule_for(CHANNEL)
    assert (rule.reply_amount, rule.reply_unit) == (10, TimeUnit.WORKDAY)
    assert lead.reply_due_at == add_period(accepted, 10, TimeUnit.WORKDAY).at
    assert lead.reply_due_at - accepted < dt.timedelta(days=20)  # working days, not +90 days
    assert lead.sign_due_at == add_period(accepted, 1, TimeUnit.WORKDAY).at
    assert (lead.status, co.status) == (S.CLOSED, S.CLOSED)
    assert lead.replied_at == lead.reply_due_at and lead.ratings.get().rater_label == "张委员"
    assert lead.replies.get().review == Reply.Review.PASSED
    actions = list(AuditEntry.objects.filter(thread=item.thread).values_list("action", flat=True))
    for action in ("accept", "assign", "sign", "reply", "rate", "close", "item_close", "import_history"):
        assert action in actions, action
    assert not RouteDecision.objects.exists()


def test_an_imported_history_is_for_the_office_and_for_past_times(world, clock):
    clock.set(at(2025, 6, 1))
    kw = {"committee": world.committee, "channel": CHANNEL, "title": "关于停车位的建议", "text": "停车难。"}
    with pytest.raises(PermissionDeniedError, match="只有"):
        loop.item_import_history(actor=world.unit_user(world.dept1), accepted_at=at(2024, 9, 2), **kw)
    with pytest.raises(ServiceError, match="过去"):
        loop.item_import_history(actor=world.office, accepted_at=timezone.now() + dt.timedelta(days=1), **kw)
    assert not Item.objects.exists()
    queued = loop.item_import_history(actor=world.office, accepted_at=at(2024, 9, 2), **kw)
    assert queued.status == Item.Status.PENDING and not queued.assignments.exists()


# --- deadline recounts -------------------------------------------------------------------------------


def test_recount_deadlines_is_audited_and_versioned(world, drive):
    item = drive.single(world.dept1)
    a = drive.lead(item)
    # the record moved back a year: its deadlines still count from the old clock
    start = a.clock_started_at - dt.timedelta(days=365)
    Assignment.objects.filter(pk=a.pk).update(clock_started_at=start)
    version = Assignment.objects.get(pk=a.pk).version
    old_due = a.reply_due_at
    assert loop.recount_deadlines([item.pk]) == 1
    a.refresh_from_db()
    assert a.version == version + 1
    assert a.reply_due_at == add_period(start, 10, TimeUnit.WORKDAY).at
    entry = AuditEntry.objects.get(thread=item.thread, action="deadline_recounted")
    assert entry.actor_label == "系统"
    assert entry.data["reply_due_at"]["from"] == timezone.localtime(old_due).isoformat()
    assert entry.data["reply_due_at"]["to"] == timezone.localtime(a.reply_due_at).isoformat()
    # a second run finds nothing to change
    assert loop.recount_deadlines([item.pk]) == 0
    assert AuditEntry.objects.filter(action="deadline_recounted").count() == 1


def test_the_item_page_shows_the_buttons_the_table_allows(client, world, drive):
    item = drive.single(world.dept1)
    a = drive.lead(item)
    client.force_login(world.unit_user(world.dept1))
    ctx = client.get(reverse("handling:item", args=[item.pk])).context
    shown = ctx["page"].assignments[0]
    assert "sign" in shown.allowed and "sign" in shown.forms and "reply" not in shown.forms
    assert ctx["item_actions"] == {"supervise"}
    drive.sign(a)
    ctx = client.get(reverse("handling:item", args=[item.pk])).context
    shown = ctx["page"].assignments[0]
    assert "sign" not in shown.forms and {"reply", "contact"} <= set(shown.forms) & shown.allowed
