"""The steps every write shares: lock the row, check its version, save with a version bump.

Each state change in every app is one service that (1) locks the row with
:func:`lock` — optionally refusing a stale ``expected_version`` —, (2) checks the actor's
permission (the app's ``permissions.py``) and the move (the model's transition table,
``core.transitions``), (3) saves with :func:`save` (``update_fields`` plus ``version``), (4) writes
an audit row (``core.audit.record``), and (5) queues side effects with ``transaction.on_commit``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .errors import ConflictError, NotFoundError

M = TypeVar("M", bound=models.Model)

STALE = "{name}刚刚已被他人处理，页面上的信息已过时。请刷新后查看最新状态再操作。"


def as_id(value: Any) -> int | None:
    """A database id from user input, or ``None`` when it cannot be one (not digits, out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 18:
        return None
    number = int(text)
    return number if number > 0 else None


def lock(
    queryset: models.QuerySet[M] | type[M],
    pk: Any,
    *,
    name: str,
    expected_version: int | None = None,
) -> M:
    """The row locked for this transaction (``SELECT … FOR UPDATE``).

    ``name`` is the record as the user calls it (该事项, 该提案). A missing row, or an id that cannot
    be one, is :class:`NotFoundError`; a row whose ``version`` differs from ``expected_version`` is
    :class:`ConflictError` (someone acted first; nothing is changed).
    """
    qs = queryset.objects.all() if isinstance(queryset, type) else queryset
    key = as_id(pk)
    # of=("self",): lock the record itself, whatever the queryset joins in (PostgreSQL refuses to lock
    # the nullable side of an outer join, which select_related of a nullable key makes).
    obj = qs.select_for_update(of=("self",)).filter(pk=key).first() if key is not None else None
    if obj is None:
        raise NotFoundError(f"未找到{name.removeprefix('该')}。")
    check_version(obj, expected_version, name=name)
    return obj


def check_version(obj: models.Model, expected_version: int | None, *, name: str) -> None:
    if expected_version is not None and getattr(obj, "version", None) != expected_version:
        raise ConflictError(STALE.format(name=name))


def save(obj: models.Model, *fields: str) -> None:
    """Save the named fields, bumping ``version`` when the model has one."""
    names = list(fields)
    if hasattr(obj, "version"):
        obj.version += 1  # type: ignore[attr-defined]
        names.append("version")
    obj.save(update_fields=names)
