"""Channels register themselves with the loop engine; the engine never imports a channel.

A channel names its deadlines (per kind of item), its reply categories, who rates a reply and
what should happen in the channel when the loop moves (e.g. a message is marked answered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xieshang.workdays.calendar import Unit as TimeUnit

if TYPE_CHECKING:
    from .models import Item, Reply


@dataclass(frozen=True)
class Rater:
    """Someone who rates a reply: ``key`` is stable (``citizen``, ``user:5``), ``user`` may be None."""

    key: str
    label: str
    user: Any = None


@dataclass(frozen=True)
class RuleDefaults:
    name: str
    reply: tuple[int, str]
    sign: tuple[int, str] = (1, TimeUnit.WORKDAY)
    objection: tuple[int, str] = (5, TimeUnit.WORKDAY)
    contact: tuple[int, str] | None = None
    extension_max: tuple[int, str] | None = None
    opinion: tuple[int, str] = (1, TimeUnit.MONTH)
    remind_days_before: int = 2
    rating_days: int = 15
    review_required: bool = True
    auto_escalate: bool = False


@dataclass
class Channel:
    key: str
    label: str
    rules: dict[str, RuleDefaults]
    reply_categories: list[tuple[str, str]]
    raters: Callable[[Item], list[Rater]] = lambda item: []
    source_url: Callable[[Item], str] | None = None
    on_event: Callable[[Item, str], None] | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    # Who raised each item, for staff pages: (items, reveal_contact) -> {item_id: [(label, value)]}.
    # Called with a page of items at once so a list costs one query per channel.
    source_details: Callable[[list[Item], bool], dict[int, list[tuple[str, str]]]] | None = None
    # Offices (User.Office values) whose staff assign, review and decide for this channel; empty = any office.
    # A callable is read on each check, so a channel may take it from its settings.
    dispatcher_offices: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    # Who wrote each source record, as a stable key (a citizen's hashed phone, a member): source ids
    # -> {source_id: key}. Same-matter ranking lifts a text by the same author. None: each source
    # record is its own author.
    authors: Callable[[list[int]], dict[int, str]] | None = None
    # The public sends this channel's items over months, and items about one matter come close in
    # time (a burst of messages about one blocked road): hotspots and same-matter groups weigh posting
    # times (``insight.matters.time_lift``). False for items that arrive together by design (a
    # session's proposals, a consultation's suggestions).
    bursty: bool = False
    # Items that carry numbered suggestions (a proposal's 建议): the lead unit's reply records which of
    # them it adopts instead of stating a number. ``adoptable(item) -> [(id, label)]`` offers them (the
    # reply form shows them as checkboxes); ``adopt(reply, ids)`` records the picks, already checked
    # against the offer, in the reply's transaction; the reply's ``adopted_count`` is their number.
    # None: the reply states a number of adopted suggestions, as before.
    adoptable: Callable[[Item], list[tuple[int, str]]] | None = None
    adopt: Callable[[Reply, list[int]], None] | None = None
    # ``adopted(reply_ids) -> {reply_id: {suggestion ids}}``: the picks recorded, shown to the office
    # reviewing a reply beside the suggestions offered.
    adopted: Callable[[list[int]], dict[int, set[int]]] | None = None

    def offices(self) -> tuple[str, ...]:
        value = self.dispatcher_offices
        return tuple(value() if callable(value) else value)


_channels: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    _channels[channel.key] = channel
    return channel


def get(key: str) -> Channel:
    try:
        return _channels[key]
    except KeyError:
        raise LookupError(f"unknown channel {key!r}") from None


def all_channels() -> list[Channel]:
    return list(_channels.values())


def channel_label(key: str) -> str:
    return _channels[key].label if key in _channels else key
