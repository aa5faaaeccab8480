"""Lenient readers for numbers in a page's query string or form: a value that is not a number, or
is out of range, reads as the default instead of raising (a typed URL never causes a 500)."""

from __future__ import annotations

from typing import Any, TypeVar

D = TypeVar("D")

_BIGGEST = 2**63 - 1  # a database integer


def to_int(value: Any, default: D = None) -> int | D:  # type: ignore[assignment]
    """``value`` as an integer a database column can hold, else ``default``."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if -_BIGGEST <= number <= _BIGGEST else default


def to_year(value: Any, default: D = None) -> int | D:  # type: ignore[assignment]
    """``value`` as a calendar year (1949–9999), else ``default``."""
    number = to_int(value)
    return number if number is not None and 1949 <= number <= 9999 else default
