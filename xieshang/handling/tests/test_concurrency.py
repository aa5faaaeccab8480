"""Two people acting on the same thing at the same moment, on PostgreSQL's real row locks.

The main thread holds the item's row lock while both workers start, so both are certainly
waiting on it when it is released: one goes first, the other must find the state changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from xieshang.core.errors import ConflictError
from xieshang.core.models import AuditEntry, Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply, Request
from xieshang.organisations.models import User

from .conftest import at, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (SELECT ... FOR UPDATE); set DATABASE_URL=postgres://... to run",
    ),
]


def race(item_id: int, *calls: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the calls in threads that all wait behind a lock on the item, then let them go at once."""
    results: list[tuple[str, Any]] = [("missing", None)] * len(calls)
    started = threading.Barrier(len(calls) + 1)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            started.wait(timeout=10)
            results[i] = ("ok", fn())
        except ConflictError as exc:
            results[i] = ("conflict", exc)
        except Exception as exc:  # noqa: BLE001 (reported in the assertion below)
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    with transaction.atomic():
        Item.objects.select_for_update().get(pk=item_id)
        for t in threads:
            t.start()
        started.wait(timeout=10)
        time.sleep(0.3)  # both workers are now blocked on the row lock
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def outcome(results: list[tuple[str, Any]]) -> list[str]:
    assert all(kind in ("ok", "conflict") for kind, _ in results), results
    return sorted(kind for kind, _ in results)


def second_staff(world, unit):
    return make_user("staffB", User.Role.UNIT, world.committee, unit)


def test_two_staff_signing_the_same_assignment_one_wins(drive, world):
    item = drive.single()
    a = drive.lead(item)
    first, second = world.unit_user(world.dept1), second_staff(world, world.dept1)
    results = race(
        item.pk,
        lambda: loop.assignment_sign(assignment_id=a.pk, actor=first),
        lambda: loop.assignment_sign(assignment_id=a.pk, actor=second),
    )
    assert outcome(results) == ["conflict", "ok"]
    assert AuditEntry.objects.filter(action="sign").count() == 1
    a.refresh_from_db()
    assert (a.status, a.version) == (Assignment.Status.SIGNED, 1)


def test_two_staff_replying_at_once_leave_one_reply(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    first, second = world.unit_user(world.dept1), second_staff(world, world.dept1)

    def reply(who, body):
        return lambda: loop.assignment_reply(assignment_id=a.pk, actor=who, body=body, category="a")

    results = race(item.pk, reply(first, "答复甲：已新增停车位。"), reply(second, "答复乙：已列入计划。"))
    assert outcome(results) == ["conflict", "ok"]
    winner = next(value for kind, value in results if kind == "ok")
    assert list(Reply.objects.values_list("pk", flat=True)) == [winner.pk]
    assert AuditEntry.objects.filter(action="reply").count() == 1


def test_two_officers_deciding_the_same_request_leave_one_decision(drive, world):
    item = drive.single()
    a = drive.lead(item)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="非本单位")
    results = race(
        item.pk,
        lambda: loop.request_decide(request_id=req.pk, actor=world.office, approve=True, note="同意"),
        lambda: loop.request_decide(request_id=req.pk, actor=world.office2, approve=False, note="不同意"),
    )
    assert outcome(results) == ["conflict", "ok"]
    winner = next(value for kind, value in results if kind == "ok")
    req.refresh_from_db()
    assert (req.status, req.decided_by_id) == (winner.status, winner.decided_by_id)
    a.refresh_from_db()
    expected = Assignment.Status.RETURNED if req.status == Request.Status.APPROVED else Assignment.Status.NEW
    assert a.status == expected
    assert AuditEntry.objects.filter(action__startswith="return_").count() == 1


def test_two_dispatchers_assigning_the_same_item_leave_one_assignment_set(drive, world):
    item = drive.accept()
    results = race(
        item.pk,
        lambda: loop.item_assign(item_id=item.pk, actor=world.office, mode="single", lead_units=[world.dept1]),
        lambda: loop.item_assign(
            item_id=item.pk, actor=world.office2, mode="split", lead_units=[world.dept2, world.dept3]
        ),
    )
    assert outcome(results) == ["conflict", "ok"]
    item.refresh_from_db()
    units = sorted(item.assignments.values_list("unit__name", flat=True))
    assert units in (["区住建局"], ["区交通局", "区教育局"])
    assert item.mode == ("single" if units == ["区住建局"] else "split")
    assert AuditEntry.objects.filter(action="assign").count() == 1


def test_two_scans_at_once_send_each_notice_once(drive, world, clock):
    item = drive.single()
    clock.set(at(2024, 3, 19, 9))
    results = race(item.pk, loop.scan_deadlines, loop.scan_deadlines)
    assert outcome(results) == ["ok", "ok"]
    assert sum(value["overdue"] for _, value in results) == 1
    staff = world.unit_user(world.dept1)
    assert Notification.objects.filter(recipient=staff, title__startswith="已超期").count() == 1
    assert Notification.objects.filter(recipient=staff, title__startswith="请尽快签收").count() == 1
