"""Pieces both bulk seeders share (items in webdata.py, proposals in proposals_data.py)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import Unit

S = Assignment.Status


def pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    r, acc = rng.random(), 0.0
    for value, w in weighted:
        acc += w
        if r < acc:
            return value
    return weighted[-1][0]


@dataclass(frozen=True)
class Pace:
    """How a channel's units handle: days to reply, hours to sign, days left to rate, share resolved."""

    reply_days: tuple[float, float]
    sign_hours: tuple[float, float]
    rating_days: int
    resolved: float


def assignment(
    rng: random.Random,
    item: Item,
    unit: Unit,
    role: str,
    status: str,
    due: dt.datetime,
    now: dt.datetime,
    pace: Pace,
) -> Assignment:
    """One assignment row in ``status`` (a co-unit's signed or rated row becomes 意见已送), with the
    timestamps that status implies."""
    start = item.assigned_at or item.accepted_at
    if role == Assignment.Role.CO and status in (S.SIGNED, S.AWAITING_RATING):
        status = S.OPINION_SENT
    open_ = status in (S.NEW, S.SIGNED, S.RETURN_REQUESTED)
    replied = None if open_ else start + dt.timedelta(days=rng.uniform(*pace.reply_days))
    return Assignment(
        item=item,
        unit=unit,
        role=role,
        status=status,
        assigned_at=start,
        clock_started_at=start,
        sign_due_at=start + dt.timedelta(days=1),
        objection_until=start + dt.timedelta(days=7),
        reply_due_at=due,
        signed_at=None if status == S.NEW else start + dt.timedelta(hours=rng.uniform(*pace.sign_hours)),
        replied_at=replied,
        first_replied_at=replied,
        closed_at=item.closed_at if status == S.CLOSED else None,
        rating_due_at=replied + dt.timedelta(days=pace.rating_days)
        if status == S.AWAITING_RATING and replied
        else None,
        is_overdue=open_ and due < now,
        resolved=None if open_ else rng.random() < pace.resolved,
        version=rng.randint(1, 5),
    )
