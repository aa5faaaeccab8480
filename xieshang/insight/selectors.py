"""Reads of the insight app: suggestions for routing, same matter, hotspots and reply checks.

Every function here is safe to call from a page: odd text gives empty suggestions, never an
exception, so a suggestion never blocks a human decision.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from . import text as tx
from .calibration import words as likelihood_words
from .documents import Doc
from .matters import Hotspot, group_matters
from .matters import hotspots as _hotspots
from .replycheck import ReplyFlag, check_reply
from .similarity import DocId, SimilarityIndex

log = logging.getLogger(__name__)

__all__ = [
    "Doc",
    "Hotspot",
    "ReplyFlag",
    "RouteSuggestion",
    "SimilarityIndex",
    "check_reply",
    "group_matters",
    "hotspots",
    "likelihood_words",
    "route_suggest",
    "same_matter_groups",
]


@dataclass(frozen=True)
class RouteSuggestion:
    label: str
    confidence: float  # 0..1


def route_suggest(text: str, title: str = "", committee: str | int | None = None) -> list[RouteSuggestion]:
    """Up to three labels for a new item with confidences, best first; [] when there is no model.

    Uses the current model (cached per process; see ``services.load_current_model``): the
    committee's own when ``committee`` is given and it has one, else the server's.
    """
    try:
        if not tx.is_meaningful(tx.clean(title) + tx.clean(text)):
            return []
        from .services import load_current_model

        model = load_current_model(committee)
        if model is None:
            return []
        return [RouteSuggestion(label, round(conf, 4)) for label, conf in model.top(title or "", text or "", 3)]
    except Exception:
        log.exception("insight: route_suggest failed")
        return []


def same_matter_groups(docs: Sequence[Doc]) -> list[list[DocId]]:
    """Suggested merge groups (two or more items about the same matter); [] on failure."""
    try:
        return group_matters(docs)
    except Exception:
        log.exception("insight: group_matters failed")
        return []


def hotspots(docs: Sequence[Doc], top: int = 5, *, now: datetime | None = None, by_time: bool = True) -> list[Hotspot]:
    """The hottest matters among ``docs``; [] on failure."""
    try:
        return _hotspots(docs, top, now=now, by_time=by_time)
    except Exception:
        log.exception("insight: hotspots failed")
        return []
