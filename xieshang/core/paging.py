"""Pages of a list whose total is already known (counted once, or reused), without a second count."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


def counted_page(number: Any, total: int, per_page: int, rows: Any = ()) -> Page:
    """Page ``number`` of ``total`` rows, clamped as ``Paginator.get_page`` does (not a number:
    the first page; past the end: the last), holding ``rows``."""
    paginator = Paginator((), per_page)
    paginator.count = total
    try:
        n = paginator.validate_number(number)
    except PageNotAnInteger:
        n = 1
    except EmptyPage:
        n = paginator.num_pages
    return Page(rows, n, paginator)
