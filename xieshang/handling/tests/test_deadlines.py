"""Deadlines in working days on the official calendar, and how they move when the calendar does."""

from __future__ import annotations

import pytest

from xieshang.core.models import AuditEntry
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import User
from xieshang.workdays import services as workdays
from xieshang.workdays.calendar import Unit as TimeUnit
from xieshang.workdays.calendar import add_period

from .conftest import at

pytestmark = pytest.mark.django_db
S = Assignment.Status


def end_of(year, month, day):
    return at(year, month, day, 23, 59).replace(second=59)


def fresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def admin(db):
    return User.objects.create_superuser(username="root", password="x", email="root@example.org")


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        # National Day 2022: 1-7 October off, Saturday 8 and Sunday 9 October worked
        (at(2022, 9, 30, 10), 5, TimeUnit.WORKDAY, end_of(2022, 10, 12)),
        (at(2022, 9, 30, 23, 30), 5, TimeUnit.WORKDAY, end_of(2022, 10, 12)),
        (at(2022, 9, 30, 10), 1, TimeUnit.WORKDAY, end_of(2022, 10, 8)),
        (at(2022, 10, 3, 10), 2, TimeUnit.WORKDAY, end_of(2022, 10, 9)),
        (at(2022, 10, 8, 10), 1, TimeUnit.WORKDAY, end_of(2022, 10, 9)),
        # a plain weekend: Friday + 1 working day is Monday
        (at(2024, 3, 8, 17), 1, TimeUnit.WORKDAY, end_of(2024, 3, 11)),
        (at(2024, 3, 8, 17), 3, TimeUnit.DAY, end_of(2024, 3, 11)),
        (at(2024, 3, 8, 17), 2, TimeUnit.HOUR, at(2024, 3, 8, 19)),
        # months clamp to the last day of a shorter month
        (at(2024, 1, 31, 9), 1, TimeUnit.MONTH, end_of(2024, 2, 29)),
        (at(2024, 11, 30, 9), 3, TimeUnit.MONTH, end_of(2025, 2, 28)),
    ],
)
def test_working_day_edge_cases(start, amount, unit, due):
    assert add_period(start, amount, unit).at == due


def test_assignment_on_the_eve_of_national_day_is_due_after_the_holiday(drive, world, clock):
    clock.set(at(2022, 9, 30, 10))
    item = drive.single()
    a = drive.lead(item)
    assert a.sign_due_at == end_of(2022, 10, 8)  # the swapped Saturday is a working day
    assert a.objection_until == end_of(2022, 10, 12)  # 5 working days
    assert a.deadline_uncertain is False


def test_deadline_recomputed_when_a_holiday_is_added(drive, world, clock, admin, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    assert a.reply_due_at == end_of(2024, 3, 18)
    clock.set(at(2024, 3, 19, 9))
    loop.scan_deadlines()
    assert fresh(a).is_overdue

    with django_capture_on_commit_callbacks(execute=True):
        workdays.calendar_day_set(actor=admin, date=at(2024, 3, 12).date(), is_workday=False, name="台风停工")
    a, item = fresh(a), fresh(item)
    assert a.reply_due_at == end_of(2024, 3, 19)
    assert a.sign_due_at == end_of(2024, 3, 5)  # before the new holiday: unchanged
    assert a.is_overdue is False
    assert (item.due_at, item.is_overdue) == (end_of(2024, 3, 19), False)
    entry = AuditEntry.objects.get(thread=item.thread, action="deadline_recomputed")
    assert entry.data == {"reply_due_at": "2024-03-19T23:59:59+08:00"}

    # running it again changes nothing
    assert loop.recompute_open_deadlines() == 0


def test_recompute_counts_from_the_restarted_clock_and_keeps_an_approved_extension(drive, world, clock, admin):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    a1, a2 = item.assignments.get(unit=world.dept1), item.assignments.get(unit=world.dept2)
    drive.replied_and_passed(a1)
    clock.set(at(2024, 3, 11, 10))
    drive.rate(a1, "unsatisfied", comment="未解决")
    assert fresh(a1).reply_due_at == end_of(2024, 3, 25)
    req = loop.assignment_request_extension(
        assignment_id=a2.pk, actor=world.unit_user(world.dept2), until=at(2024, 3, 29).date(), reason="需协调"
    )
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)

    workdays.calendar_day_set(actor=admin, date=at(2024, 3, 20).date(), is_workday=False, name="临时假日")
    loop.recompute_open_deadlines()
    a1, a2 = fresh(a1), fresh(a2)
    assert a1.reply_due_at == end_of(2024, 3, 26)
    assert a2.reply_due_at == end_of(2024, 3, 18)  # the new holiday falls after it
    assert a2.effective_due_at == end_of(2024, 3, 29)
    assert fresh(item).due_at == end_of(2024, 3, 26)


def test_deadline_in_a_year_without_calendar_is_uncertain(
    drive, world, clock, admin, django_capture_on_commit_callbacks
):
    clock.set(at(2026, 12, 21, 9))
    item = drive.single()
    a = drive.lead(item)
    # 2027 is not in the table yet: Monday to Friday count, so New Year's Day is a working day
    assert (a.reply_due_at, a.deadline_uncertain) == (end_of(2027, 1, 4), True)
    assert (a.sign_due_at, a.objection_until) == (end_of(2026, 12, 22), end_of(2026, 12, 28))

    with django_capture_on_commit_callbacks(execute=True):
        workdays.calendar_year_mark_known(actor=admin, year=2027, source="国务院办公厅通知")
    a = fresh(a)
    assert (a.reply_due_at, a.deadline_uncertain) == (end_of(2027, 1, 4), False)

    with django_capture_on_commit_callbacks(execute=True):
        workdays.calendar_day_set(actor=admin, date=at(2027, 1, 1).date(), is_workday=False, name="元旦")
    assert fresh(a).reply_due_at == end_of(2027, 1, 5)


def test_scan_runs_from_the_command_and_the_task(drive, world, clock):
    import io
    import json

    from django.core.management import call_command

    from xieshang.handling.tasks import scan_deadlines

    a = drive.lead(drive.single())
    drive.sign(a)
    clock.set(at(2024, 3, 19, 9))
    out = io.StringIO()
    call_command("scan_deadlines", stdout=out)
    assert json.loads(out.getvalue()) == {"reminded": 0, "overdue": 1, "escalated": 0, "closed_unrated": 0}
    result = scan_deadlines.enqueue()
    assert result.return_value == {"reminded": 0, "overdue": 0, "escalated": 0, "closed_unrated": 0}
    assert fresh(a).is_overdue
