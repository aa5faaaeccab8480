"""A change to the holiday table moves the deadlines of open assignments, and only of open ones."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from xieshang.core.models import AuditEntry
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment
from xieshang.messages import services as messages
from xieshang.organisations.tests.factories import CommitteeFactory, UnitFactory, UserFactory
from xieshang.workdays import services

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _assignment_started_on_30_september_2022(committee, office, unit) -> Assignment:
    msg, _ = messages.message_submit(
        committee=committee,
        submission_token=uuid.uuid4(),
        kind="suggestion",
        title="建议增设公交站台候车亭",
        text="佛山大道中公交站没有候车亭，雨天候车不便，建议增设。",
        name="罗女士",
        phone="13800138009",
    )
    loop.item_assign(item_id=msg.item_id, actor=office, mode="single", lead_units=[unit])
    a = Assignment.objects.get(item_id=msg.item_id)
    # the clock started on Friday 30 September 2022; recount from there with today's table
    Assignment.objects.filter(pk=a.pk).update(clock_started_at=dt.datetime(2022, 9, 30, 10, tzinfo=TZ))
    loop.recompute_open_deadlines()
    a.refresh_from_db()
    return a


@pytest.fixture
def setting():
    committee = CommitteeFactory()
    office = UserFactory(office=True, committee=committee)
    unit = UnitFactory(committee=committee)
    admin = UserFactory(admin=True, committee=committee)
    return committee, office, unit, admin


def test_adding_a_holiday_moves_an_open_deadline(setting, django_capture_on_commit_callbacks):
    committee, office, unit, admin = setting
    a = _assignment_started_on_30_september_2022(committee, office, unit)
    # 13 working days after 30 Sep 2022: 8, 9 (swapped), 10–14, 17–21 and 24 October
    assert dt.datetime.fromtimestamp(a.reply_due_at.timestamp(), TZ) == dt.datetime(2022, 10, 24, 23, 59, 59, tzinfo=TZ)

    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=admin, date=dt.date(2022, 10, 17), is_workday=False, name="临时休假")

    a.refresh_from_db()
    assert dt.datetime.fromtimestamp(a.reply_due_at.timestamp(), TZ) == dt.datetime(2022, 10, 25, 23, 59, 59, tzinfo=TZ)
    assert AuditEntry.objects.filter(thread=f"item:{a.item_id}", action="deadline_recomputed").exists()


def test_a_new_working_day_brings_an_open_deadline_forward(setting, django_capture_on_commit_callbacks):
    committee, office, unit, admin = setting
    a = _assignment_started_on_30_september_2022(committee, office, unit)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=admin, date=dt.date(2022, 10, 15), is_workday=True, name="补班")
    a.refresh_from_db()
    assert dt.datetime.fromtimestamp(a.reply_due_at.timestamp(), TZ).date() == dt.date(2022, 10, 21)


def test_replied_assignments_keep_their_deadline(setting, django_capture_on_commit_callbacks):
    committee, office, unit, admin = setting
    a = _assignment_started_on_30_september_2022(committee, office, unit)
    staff = UserFactory(unit_staff=True, unit=unit, committee=committee)
    loop.assignment_sign(assignment_id=a.pk, actor=staff)
    loop.assignment_reply(assignment_id=a.pk, actor=staff, body="已增设候车亭。", category="solved")
    a.refresh_from_db()
    before = a.reply_due_at
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=admin, date=dt.date(2022, 10, 17), is_workday=False, name="临时休假")
    a.refresh_from_db()
    assert a.reply_due_at == before
