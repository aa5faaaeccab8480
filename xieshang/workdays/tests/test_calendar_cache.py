"""The holiday table as pages read it: counted by bisection, re-checked every few seconds at most."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from xieshang.workdays import calendar, services
from xieshang.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside_transaction(monkeypatch):
    """Pages run outside a transaction; tests run inside one, so pretend for the cache's check."""
    calendar._cached = None
    monkeypatch.setattr(calendar, "_in_transaction", lambda: False)
    yield
    calendar._cached = None


@pytest.fixture
def admin():
    return get_user_model().objects.create_superuser(username="root-cache", password="x-1234567-y")


def _loop_count(t, first: dt.date, last: dt.date) -> int:
    n, d = 0, first
    while d < last:
        d += dt.timedelta(days=1)
        n += t.is_workday(d)
    return n


def test_counting_by_bisection_agrees_with_walking_the_days():
    CalendarDay.objects.update_or_create(date=dt.date(2031, 5, 1), defaults={"is_workday": False})
    CalendarDay.objects.update_or_create(date=dt.date(2031, 5, 4), defaults={"is_workday": True})  # a Sunday
    CalendarDay.objects.update_or_create(date=dt.date(2031, 5, 3), defaults={"is_workday": False})  # already off
    t = calendar.table()
    days = [dt.date(2022, 9, 25) + dt.timedelta(days=k) for k in range(0, 40, 3)]
    days += [dt.date(2031, 4, 27) + dt.timedelta(days=k) for k in range(12)]
    for first in days:
        for last in days:
            assert t.workdays_after(first, last) == _loop_count(t, first, last), (first, last)


def test_a_page_reuses_the_table_it_checked_a_moment_ago(outside_transaction, django_assert_num_queries):
    first = calendar.table(fresh=False)
    with django_assert_num_queries(0):
        assert calendar.table(fresh=False) is first
    # a deadline computation always checks
    with django_assert_num_queries(2):
        calendar.table()


def test_a_change_through_the_services_is_seen_at_once(outside_transaction, admin):
    calendar.table(fresh=False)
    services.calendar_day_set(actor=admin, date=dt.date(2031, 6, 2), is_workday=False, name="测试假日")
    assert not calendar.table(fresh=False).is_workday(dt.date(2031, 6, 2))


def test_a_change_made_by_another_process_is_seen_after_the_check_interval(outside_transaction, monkeypatch):
    day = dt.date(2031, 6, 3)
    assert calendar.table(fresh=False).is_workday(day)
    # bulk_create sends no post_save: as if another server process had changed the table
    CalendarDay.objects.bulk_create([CalendarDay(date=day, is_workday=False, name="另一进程")])
    assert calendar.table(fresh=False).is_workday(day)  # still this process's copy
    monkeypatch.setattr(calendar, "CHECK_EVERY_SECONDS", 0.0)
    assert not calendar.table(fresh=False).is_workday(day)


def test_inside_a_transaction_the_table_is_always_checked(django_assert_num_queries):
    calendar.table()
    with django_assert_num_queries(2):
        calendar.table(fresh=False)
