"""Demo histories: each step runs through the services at its moment, under a travelling clock, so every
timestamp, deadline and audit row is written right the first time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xieshang.core.models import AuditEntry
from xieshang.demo.timeline import at, close_unrated, on, working_day
from xieshang.handling.models import Assignment, Item, Reply
from xieshang.handling.tests.conftest import Driver
from xieshang.handling.tests.conftest import at as moment


@pytest.fixture
def drive(world) -> Driver:  # type: ignore[no-untyped-def]
    return Driver(world)


def test_each_step_is_written_at_its_moment_with_the_deadlines_of_then(world, drive):
    # The matter was assigned on the Friday before National Day 2022.
    with at(moment(2022, 9, 29, 10)):
        item = drive.accept()
    with at(moment(2022, 9, 30, 10)):
        drive.assign(item, Item.Mode.SINGLE, [world.dept1])
        a = drive.lead(item)
    with at(moment(2022, 9, 30, 15)):
        drive.sign(a)
    with at(moment(2022, 10, 12, 16)):
        reply = drive.reply(a)
    with at(moment(2022, 10, 13, 10)):
        drive.passed(reply)
    with at(moment(2022, 10, 20, 11)):
        drive.rate(a, "satisfied")

    item.refresh_from_db()
    a.refresh_from_db()
    reply = Reply.objects.get(pk=reply.pk)
    assert (item.accepted_at, item.assigned_at, a.signed_at) == (
        moment(2022, 9, 29, 10),
        moment(2022, 9, 30, 10),
        moment(2022, 9, 30, 15),
    )
    assert (reply.created_at, reply.reviewed_at) == (moment(2022, 10, 12, 16), moment(2022, 10, 13, 10))
    assert a.closed_at == item.closed_at == moment(2022, 10, 20, 11)
    # counted in 2022's working days: 1 October to 7 October off, Saturday 8 and Sunday 9 at work
    assert a.sign_due_at == moment(2022, 10, 8, 23, 59) + dt.timedelta(seconds=59)
    assert a.objection_until == moment(2022, 10, 12, 23, 59) + dt.timedelta(seconds=59)
    assert a.reply_due_at == moment(2022, 10, 19, 23, 59) + dt.timedelta(seconds=59)
    assert a.rating_due_at == moment(2022, 10, 28, 23, 59) + dt.timedelta(seconds=59)
    assert not a.deadline_uncertain
    times = list(AuditEntry.objects.filter(thread=item.thread).order_by("id").values_list("created_at", flat=True))
    assert times[0] == moment(2022, 9, 29, 10) and times[-1] == moment(2022, 10, 20, 11) and times == sorted(times)
    # outside a step the clock is the real one again
    assert timezone.now().year > 2022


def test_working_days_and_local_moments(db):
    assert on(dt.date(2022, 9, 30), 10) == moment(2022, 9, 30, 10)
    assert working_day(moment(2022, 9, 30, 10), 1) == dt.date(2022, 10, 8)
    assert working_day(moment(2022, 9, 30, 10), 0) == dt.date(2022, 9, 30)


def test_a_step_needs_a_moment_with_its_time_zone():
    with pytest.raises(ValueError, match="timezone-aware"), at(dt.datetime(2022, 9, 30, 10)):
        pass


def test_a_reply_nobody_rated_is_closed_by_the_scan_when_its_period_ran_out(world, drive):
    with at(moment(2022, 9, 30, 10)):
        item = drive.single()
        a = drive.lead(item)
    with at(moment(2022, 9, 30, 15)):
        drive.sign(a)
    with at(moment(2022, 10, 12, 16)):
        drive.passed(drive.reply(a))
    a.refresh_from_db()
    assert a.status == Assignment.Status.AWAITING_RATING
    due = a.rating_due_at
    assert due is not None

    close_unrated(a)

    a.refresh_from_db()
    assert a.status != Assignment.Status.AWAITING_RATING
    assert a.closed_at == due + dt.timedelta(minutes=5)
    # a closed assignment is left as it is
    close_unrated(a)
    a.refresh_from_db()
    assert a.closed_at == due + dt.timedelta(minutes=5)
