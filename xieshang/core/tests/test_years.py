"""The year a page opens on and the years its picker offers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xieshang.core.years import choose_year

TODAY = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _clock() -> object:
    with time_machine.travel(TODAY, tick=False):
        yield


def test_this_year_when_it_holds_records() -> None:
    c = choose_year(None, [2022, 2026, 2026])
    assert (c.year, c.years, c.has_records, c.empty_hint) == (2026, [2026, 2022], True, "")


def test_latest_earlier_year_when_this_year_is_empty() -> None:
    c = choose_year(None, [2021, 2022])
    assert c.year == 2022 and c.years == [2026, 2022, 2021] and c.has_records


def test_asked_year_wins_and_an_empty_one_says_so() -> None:
    c = choose_year("2026", [2021, 2022])
    assert c.year == 2026 and not c.has_records
    assert c.empty_hint == "2026年暂无记录。可选择其他年度查看，例如 2022 年。"


@pytest.mark.parametrize("typed", ["abc", "", "99999999999999999999", "1800", "2022'--"])
def test_a_typed_year_that_is_not_a_year_reads_as_the_default(typed: str) -> None:
    assert choose_year(typed, [2022]).year == 2022


def test_nothing_anywhere_opens_on_this_year_and_offers_it() -> None:
    c = choose_year(None, [])
    assert (c.year, c.years, c.empty_hint) == (2026, [2026], "2026年暂无记录。")


def test_lists_may_show_every_year() -> None:
    assert choose_year(None, [2022], allow_all=True).year is None
    assert choose_year("", [2022], allow_all=True).year is None
    assert choose_year("2022", [2022], allow_all=True).year == 2022
    assert choose_year(None, [2022], allow_all=True).empty_hint == ""


def test_an_asked_year_outside_the_records_is_offered() -> None:
    assert choose_year("2019", [2022]).years == [2026, 2022, 2019]
