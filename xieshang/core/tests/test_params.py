from __future__ import annotations

import pytest

from xieshang.core.params import to_int, to_year


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), ("x", None), (None, None), ("", None), ("99999999999999999999", None), ("-3", -3)],
)
def test_to_int_reads_what_a_column_can_hold(raw, expected) -> None:
    assert to_int(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("2022", 2022), ("99999999999999999999", None), ("12", None)])
def test_to_year(raw, expected) -> None:
    assert to_year(raw) == expected
    assert to_year(raw, 2000) == (expected or 2000)
