"""Ordinal numbers in Chinese (第五届, 第十二次会议) for any term or session number a form accepts."""

from __future__ import annotations

import pytest

from xieshang.organisations.models import _cn


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (5, "五"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (118, "一百一十八"),
        (250, "二百五十"),
        (999, "九百九十九"),
        (1000, "1000"),
    ],
)
def test_ordinals_read_as_a_committee_office_writes_them(n: int, text: str) -> None:
    assert _cn(n) == text
