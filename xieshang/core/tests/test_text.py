"""The one text policy: invisible and control characters removed, the rest kept, limits counted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xieshang.core.errors import ServiceError
from xieshang.core.text import clean_text, strip_invisible


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("道路\x00积水", "道路积水"),  # NUL
        ("道路\x0b积水\x7f", "道路积水"),  # vertical tab from Word, DEL
        ("道\u200b路\u200d积\ufeff水", "道路积水"),  # zero-width space / joiner, byte-order mark
        ("电话\u202e0008\u202c", "电话0008"),  # right-to-left override and pop
        ("文件\u2066名\u2069", "文件名"),  # direction isolates
        ("坏\ud800字", "坏字"),  # a lone surrogate (JSON "\ud800"), which PostgreSQL refuses
        ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        ("缩进\t保留", "缩进\t保留"),
        ("e\u0301", "\u00e9"),  # NFC
    ],
)
def test_what_cannot_be_shown_is_removed_and_the_rest_kept(raw: str, kept: str) -> None:
    assert clean_text(raw, field="内容", limit=100) == kept


def test_required_short_long_and_single_line() -> None:
    with pytest.raises(ServiceError, match="请填写标题"):
        clean_text(" \u200b\x00 ", field="标题", limit=10)
    assert clean_text("", field="备注", limit=10, required=False) == ""
    with pytest.raises(ServiceError, match="理由太短，请至少写 5 个字"):
        clean_text("太短", field="理由", limit=100, min_len=5)
    with pytest.raises(ServiceError, match="内容不能超过 3 字（现有 4 字）"):
        clean_text("一二三四", field="内容", limit=3)
    assert clean_text("  张\n 三\t ", field="姓名", limit=10, single_line=True) == "张 三"
    # invisible characters do not count against the limit
    assert clean_text("一\u200b二\u200b三", field="内容", limit=3) == "一二三"


@given(st.text())
def test_cleaned_text_never_holds_a_character_the_policy_removes(raw: str) -> None:
    out = strip_invisible(raw)
    assert "\x00" not in out and "\r" not in out
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in out)
    assert not any(c in out for c in "\u200b\u200e\u200f\u202a\u202e\u2066\u2069\ufeff")
    out.encode("utf-8")  # always storable
    assert strip_invisible(out) == out  # idempotent


@given(st.text(alphabet=st.characters(categories=["Lo", "Nd", "Zs"]), max_size=50))
def test_visible_text_is_kept_as_typed_apart_from_trimming(raw: str) -> None:
    if raw.strip():
        assert clean_text(raw, field="内容", limit=100) == strip_invisible(raw).strip()
