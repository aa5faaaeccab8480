"""Demo histories: loop records made now, through the services, and moved to when they happened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from xieshang.core import audit
from xieshang.core.models import AuditEntry
from xieshang.handling import services as loop
from xieshang.handling.demo import Timeline, audit_mark, move_back, working_day
from xieshang.handling.models import Item, Reply, Request
from xieshang.handling.tests.conftest import at


def _stamps(obj: models.Model) -> dict[str, dt.datetime]:
    return {
        f.name: v
        for f in obj._meta.concrete_fields
        if isinstance(f, models.DateTimeField) and (v := getattr(obj, f.name)) is not None
    }


def _fresh(obj: models.Model) -> models.Model:
    return type(obj)._default_manager.get(pk=obj.pk)


def test_move_back_moves_every_record_of_the_item_and_nothing_else(world, drive, clock):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    request = loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(a.unit), until=dt.date(2024, 3, 29), reason="需协调多部门。"
    )
    reply = drive.reply(a)
    other = drive.single(unit=world.dept2)
    records = [item, a, request, reply, other, world.member]
    before = {(type(r), r.pk): _stamps(_fresh(r)) for r in records}
    entries = {e.pk: e.created_at for e in AuditEntry.objects.all()}

    move_back([item.pk], dt.timedelta(days=3, hours=5), records={type(world.member): [world.member.pk]})

    delta = dt.timedelta(days=3, hours=5)
    for r in [item, a, request, reply, world.member]:
        after = _stamps(_fresh(r))
        assert after == {k: v - delta for k, v in before[(type(r), r.pk)].items()}, r
    assert _stamps(_fresh(other)) == before[(Item, other.pk)]
    # a date (the day an extension asks for) moves by whole days
    assert Request.objects.get(pk=request.pk).requested_until == dt.date(2024, 3, 26)
    for e in AuditEntry.objects.all():
        moved = e.thread == f"item:{item.pk}"
        assert e.created_at == entries[e.pk] - (delta if moved else dt.timedelta(0)), e


def test_a_timeline_places_each_step_on_its_day_and_counts_the_deadlines_of_then(world, drive, clock):
    # The steps run now (March 2024); the matter was assigned on the Friday before National Day 2022.
    history = Timeline()
    history.at(at(2022, 9, 29, 10))
    item = drive.accept()
    history.items.add(item.pk)
    history.at(at(2022, 9, 30, 10))
    drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    a = drive.lead(item)
    history.at(at(2022, 9, 30, 15))
    drive.sign(a)
    history.at(at(2022, 10, 12, 16))
    reply = drive.reply(a)
    history.at(at(2022, 10, 13, 10))
    drive.passed(reply)
    history.at(at(2022, 10, 20, 11))
    drive.rate(a, "satisfied")
    history.settle()

    item.refresh_from_db()
    a.refresh_from_db()
    reply = Reply.objects.get(pk=reply.pk)
    assert (item.accepted_at, item.assigned_at, a.signed_at) == (
        at(2022, 9, 29, 10),
        at(2022, 9, 30, 10),
        at(2022, 9, 30, 15),
    )
    assert (reply.created_at, reply.reviewed_at) == (at(2022, 10, 12, 16), at(2022, 10, 13, 10))
    assert a.closed_at == item.closed_at == at(2022, 10, 20, 11)
    # counted in 2022's working days: 1 October to 7 October off, Saturday 8 and Sunday 9 at work
    assert a.sign_due_at == at(2022, 10, 8, 23, 59) + dt.timedelta(seconds=59)
    assert a.objection_until == at(2022, 10, 12, 23, 59) + dt.timedelta(seconds=59)
    assert a.reply_due_at == at(2022, 10, 19, 23, 59) + dt.timedelta(seconds=59)
    assert a.rating_due_at == at(2022, 10, 28, 23, 59) + dt.timedelta(seconds=59)
    assert not a.deadline_uncertain
    times = list(AuditEntry.objects.filter(thread=item.thread).order_by("id").values_list("created_at", flat=True))
    assert times[0] == at(2022, 9, 29, 10) and times[-1] == at(2022, 10, 20, 11) and times == sorted(times)
    assert working_day(at(2022, 9, 30, 10), 1) == dt.date(2022, 10, 8)
    assert working_day(at(2022, 9, 30, 10), 0) == dt.date(2022, 9, 30)


def test_a_timeline_refuses_steps_out_of_order(clock):
    history = Timeline()
    history.at(at(2022, 9, 30, 10))
    with pytest.raises(ValueError, match="out of order"):
        history.at(at(2022, 9, 29, 10))


def test_a_timeline_hands_out_days_that_end_on_their_day_and_moves_only_the_rows_added_to_a_thread(world, drive, clock):
    # now − then is whole days and 0.4 of a day at the first step, and 0.6 at the second: a day handed
    # out at the first step must still move by the first step's whole days, not by the sum of two roundings
    history = Timeline()
    history.at(at(2022, 10, 10, 23, 24))
    item = drive.single()
    history.items.add(item.pk)
    a = drive.lead(item)
    drive.sign(a)
    request = loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(a.unit), until=history.place(dt.date(2022, 10, 31)), reason="需协调。"
    )
    note = audit.record(thread="note:1", target=item, action="note")
    history.threads.add("note:1")
    assert history.place(at(2022, 10, 10, 23, 24)) == timezone.now()
    history.at(at(2022, 10, 11, 18, 36))
    history.settle()
    assert Request.objects.get(pk=request.pk).requested_until == dt.date(2022, 10, 31)
    assert AuditEntry.objects.get(pk=note.pk).created_at == at(2022, 10, 10, 23, 24)

    # the thread goes on in another history: only its new rows move there
    later = Timeline()
    mark = audit_mark()
    later.at(at(2022, 10, 12, 10))
    added = audit.record(thread="note:1", target=item, action="note")
    later.track_audit(["note:1"], after=mark)
    later.settle()
    assert AuditEntry.objects.get(pk=note.pk).created_at == at(2022, 10, 10, 23, 24)
    assert AuditEntry.objects.get(pk=added.pk).created_at == at(2022, 10, 12, 10)
