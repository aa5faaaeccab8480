"""Working days against the holiday table (seeded from chinese-calendar by a migration)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xieshang.core.errors import PermissionDeniedError
from xieshang.workdays import services
from xieshang.workdays.calendar import Unit, add_period, is_workday, working_days_between
from xieshang.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 23, 59, 59, tzinfo=TZ)


def test_five_working_days_from_30_september_2022_end_on_12_october():
    # 1–7 October are the National Day holiday; Saturday 8 and Sunday 9 October are swapped working days
    deadline = add_period(at(2022, 9, 30), 5, Unit.WORKDAY)
    assert deadline.at == end_of(2022, 10, 12)
    assert deadline.uncertain is False


def test_a_swapped_saturday_counts_as_a_working_day():
    assert is_workday(dt.date(2022, 10, 8)) is True
    assert is_workday(dt.date(2022, 10, 7)) is False
    # from the last holiday, one working day is the swapped Saturday itself
    assert add_period(at(2022, 10, 7), 1, Unit.WORKDAY).at == end_of(2022, 10, 8)
    # and an ordinary Saturday is not a working day
    assert add_period(at(2022, 10, 14), 1, Unit.WORKDAY).at == end_of(2022, 10, 17)


def test_counting_starts_the_day_after_and_ignores_the_hour():
    late = add_period(at(2022, 9, 30, hour=23), 5, Unit.WORKDAY)
    early = add_period(at(2022, 9, 30, hour=0), 5, Unit.WORKDAY)
    assert late.at == early.at == end_of(2022, 10, 12)
    assert working_days_between(at(2022, 9, 30), at(2022, 10, 12)) == 5


def test_a_year_without_data_counts_monday_to_friday_and_is_uncertain():
    assert not CalendarYear.objects.filter(year=2041).exists()
    # Friday 4 January 2041 + 3 working days: Mon 7, Tue 8, Wed 9
    deadline = add_period(at(2041, 1, 4), 3, Unit.WORKDAY)
    assert deadline.at == end_of(2041, 1, 9)
    assert deadline.uncertain is True


def test_a_deadline_reaching_into_an_unknown_year_is_uncertain():
    known = max(CalendarYear.objects.values_list("year", flat=True))
    deadline = add_period(at(known, 12, 24), 10, Unit.WORKDAY)
    assert deadline.at.year == known + 1
    assert deadline.uncertain is True


def test_the_admin_can_mark_a_year_known(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    services.calendar_day_set(actor=admin, date=dt.date(2041, 1, 1), is_workday=False, name="元旦")
    services.calendar_year_mark_known(actor=admin, year=2041, source="国办发明电〔2040〕7号")
    deadline = add_period(at(2040, 12, 31), 1, Unit.WORKDAY)
    # 31 December 2040 is a Monday; 1 January 2041 is now a holiday, so the next working day is the 2nd
    assert deadline.at == end_of(2041, 1, 2)
    assert deadline.uncertain is False


def test_only_an_administrator_changes_the_table(django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x")
    with pytest.raises(PermissionDeniedError):
        services.calendar_day_set(actor=staff, date=dt.date(2041, 1, 2), is_workday=False, name="假日")
    with pytest.raises(PermissionDeniedError):
        services.calendar_year_mark_known(actor=staff, year=2041, source="x")
    assert not CalendarYear.objects.filter(year=2041).exists()


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (3, Unit.DAY, end_of(2022, 10, 3)),
        (1, Unit.MONTH, end_of(2022, 10, 30)),
        (2, Unit.HOUR, at(2022, 9, 30, hour=12)),
    ],
)
def test_other_units_ignore_the_holiday_table(amount, unit, expected):
    assert add_period(at(2022, 9, 30), amount, unit).at == expected


def test_month_end_is_clamped():
    assert add_period(at(2023, 1, 31), 1, Unit.MONTH).at == end_of(2023, 2, 28)


def test_negative_amounts_and_unknown_units_are_refused():
    with pytest.raises(ValueError):
        add_period(at(2022, 9, 30), -1, Unit.WORKDAY)
    with pytest.raises(ValueError):
        add_period(at(2022, 9, 30), 1, "fortnight")
