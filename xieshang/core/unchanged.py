"""Reuse what was read from the database until anything is committed to it.

PostgreSQL's snapshot (``xmin:xmax:in-progress ids``) names the set of committed transactions a
statement sees. Two equal snapshots see the same rows in every table, so a figure, a page of rows,
a session or a user read under one is still exact under the other; any write anywhere takes a new
transaction id and changes the text. Each process keeps what it read, keyed by that text.

A request that only reads (GET, HEAD, OPTIONS) takes the snapshot once, at its first use, and
everything it reuses belongs to that one state. Other requests, tasks and commands take it afresh
at every use, so what they read after their own writes is never served under an older state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")

LIMIT = 4096
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_store: OrderedDict[tuple[Any, ...], tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()
_request = threading.local()
_UNSET = object()
READ_NOW: Any = object()


def enabled() -> bool:
    return bool(getattr(settings, "XIESHANG_REUSE_UNCHANGED", True))


def _read_snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def committed_state() -> str | None:
    """The snapshot as text, or None where reuse cannot be exact (not PostgreSQL, inside a
    transaction, or turned off with ``XIESHANG_REUSE_UNCHANGED = False``)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or not enabled():
        return None
    if getattr(_request, "read_only", False):
        state = getattr(_request, "state", _UNSET)
        if state is _UNSET:
            state = _request.state = _read_snapshot()
        return state
    return _read_snapshot()


def while_unchanged(
    key: tuple[Any, ...],
    compute: Callable[[], T],
    state: Any = READ_NOW,
    *,
    fresh: Callable[[T], bool] | None = None,
) -> T:
    """``compute()``, reused by this process until anything is committed to the database.

    ``state`` is ``committed_state()``, read before computing: a commit in between makes every
    later snapshot differ, so nothing is ever served for a state it was not computed from.
    ``fresh(value)``, when given, may also retire a kept value for reasons of its own (the clock).
    """
    if state is READ_NOW:
        state = committed_state()
    if state is None:
        return compute()
    hit = _store.get(key)
    if hit is not None and hit[0] == state and (fresh is None or fresh(hit[1])):
        return hit[1]
    value = compute()
    with _lock:
        _store[key] = (state, value)
        _store.move_to_end(key)
        while len(_store) > LIMIT:
            _store.popitem(last=False)
    return value


def forget() -> None:
    """Drop everything kept (tests that change settings or the database behind the process's back)."""
    with _lock:
        _store.clear()


def _started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    method = (environ or {}).get("REQUEST_METHOD", "")
    _request.read_only = method in SAFE_METHODS
    _request.state = _UNSET


def _finished(sender: Any, **kwargs: Any) -> None:
    _request.read_only = False
    _request.state = _UNSET


request_started.connect(_started, dispatch_uid="xieshang.core.unchanged.started")
request_finished.connect(_finished, dispatch_uid="xieshang.core.unchanged.finished")
