"""Smart assistance on the loop's pages: routing suggestions, same matter, hotspots and reply checks.

This package is the glue between items and ``xieshang.insight`` (which knows only text and ids),
one module per capability:

* ``routing``: the insight router predicts unit names; they are mapped onto the committee's active
  units. What was suggested and what the dispatcher chose is kept in ``RouteDecision``, recorded
  by ``services.item_assign`` (never on showing a page); past lead assignments are the training
  samples of the next run.
* ``same_matter``: one ``SimilarityIndex`` of the committee's items per process, persisted under
  ``settings.XIESHANG_MODEL_DIR``, built from the database when the file is missing or damaged
  and brought up to date with the items accepted since (it remembers the highest item id).
* ``hotspots`` and ``reply_check`` call insight on the items' text.

Nothing here raises into a page: a failure logs and answers "no suggestion", because a
suggestion never blocks a human decision.
"""

from __future__ import annotations

from ._base import (
    HOTSPOT_CACHE_SECONDS,
    HOTSPOT_MAX_ITEMS,
    MIN_CONFIDENCE,
    SAVE_EVERY_ADDITIONS,
    SAVE_EVERY_SECONDS,
    TEXT_CHARS,
    WAIT_SECONDS,
    min_history,
)
from .hotspots import HotspotRow, bursty_channels, hotspot_rows
from .reply_check import reply_flags
from .routing import (
    MODEL_INFO_WAIT,
    Acceptance,
    ModelInfo,
    TrainingPlan,
    UnitSuggestion,
    acceptance,
    model_info,
    route_decision_settle,
    route_suggestion_record,
    router,
    shared_data_present,
    suggest_units,
    training_plan,
    training_running,
    training_samples,
    training_start,
    trainings,
)
from .same_matter import (
    AUTHOR_LOOKUP_CHUNK,
    OPEN_STATES,
    ItemIndex,
    forget_indexes,
    index_ready,
    item_authors,
    item_index,
    merge_groups,
    open_same_matter,
    rank_same_matter,
    same_matter_ids,
    same_matter_items,
)

__all__ = [
    "AUTHOR_LOOKUP_CHUNK",
    "HOTSPOT_CACHE_SECONDS",
    "HOTSPOT_MAX_ITEMS",
    "MIN_CONFIDENCE",
    "MODEL_INFO_WAIT",
    "OPEN_STATES",
    "SAVE_EVERY_ADDITIONS",
    "SAVE_EVERY_SECONDS",
    "TEXT_CHARS",
    "WAIT_SECONDS",
    "Acceptance",
    "HotspotRow",
    "ItemIndex",
    "ModelInfo",
    "TrainingPlan",
    "UnitSuggestion",
    "acceptance",
    "bursty_channels",
    "forget_indexes",
    "hotspot_rows",
    "index_ready",
    "item_authors",
    "item_index",
    "merge_groups",
    "min_history",
    "model_info",
    "open_same_matter",
    "rank_same_matter",
    "reply_flags",
    "route_decision_settle",
    "route_suggestion_record",
    "router",
    "same_matter_ids",
    "same_matter_items",
    "shared_data_present",
    "suggest_units",
    "training_plan",
    "training_running",
    "training_samples",
    "training_start",
    "trainings",
]
