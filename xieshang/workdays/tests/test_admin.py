"""The holiday table's admin saves through workdays.services: audited, deadlines recomputed, no deletes."""

from __future__ import annotations

import datetime as dt

import pytest

from xieshang.core.models import AuditEntry
from xieshang.organisations.tests.factories import UserFactory
from xieshang.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True))
    return client


def test_adding_a_holiday_in_the_admin_goes_through_the_service(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            "/admin/workdays/calendarday/add/", {"date": "2041-03-05", "is_workday": "", "name": "临时休假"}
        )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2041, 3, 5))
    assert day.is_workday is False
    assert AuditEntry.objects.filter(thread="calendar", action="calendar_day_set").count() == 1
    # the service queued the calendar_changed signal that recomputes open deadlines
    assert len(callbacks) >= 1


def test_marking_a_year_known_in_the_admin(admin_client):
    response = admin_client.post("/admin/workdays/calendaryear/add/", {"year": "2041", "source": "国办发明电"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2041).source == "国办发明电"
    assert AuditEntry.objects.filter(thread="calendar", action="calendar_year_known").exists()


def test_rows_cannot_be_deleted_and_their_date_is_fixed(admin_client):
    day = CalendarDay.objects.filter(date__year=2022, name="国庆节").first()
    assert day is not None
    assert admin_client.get(f"/admin/workdays/calendarday/{day.pk}/delete/").status_code == 403
    page = admin_client.get(f"/admin/workdays/calendarday/{day.pk}/change/")
    assert page.status_code == 200
    assert b'name="date"' not in page.content


def test_the_changelist_searches_and_filters(admin_client):
    response = admin_client.get("/admin/workdays/calendarday/", {"q": "国庆", "is_workday__exact": "0"})
    assert response.status_code == 200
    assert "国庆节" in response.content.decode()


def test_staff_without_superuser_cannot_reach_the_table(client):
    client.force_login(UserFactory(office=True, is_staff=True))
    assert client.get("/admin/workdays/calendarday/add/").status_code == 403
