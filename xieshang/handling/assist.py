"""Smart assistance on the loop's pages: routing suggestions, same matter, hotspots and reply checks.

This module is the glue between items and ``xieshang.insight`` (which knows only text and ids):

* routing: the insight router predicts unit names; they are mapped onto the committee's active
  units. What was suggested and what the dispatcher chose is kept in ``RouteDecision``; past lead
  assignments are the training samples of the next run.
* same matter: one ``SimilarityIndex`` of the committee's items per process, persisted under
  ``settings.XIESHANG_MODEL_DIR``, built from the database when the file is missing or damaged
  and brought up to date with the items accepted since (it remembers the highest item id).
* hotspots and reply checks call insight on the items' text.

Nothing here raises into a page: a failure logs and answers "no suggestion", because a
suggestion never blocks a human decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from xieshang.insight import services as insight_services
from xieshang.insight.models import RouterTraining
from xieshang.insight.selectors import Doc, ReplyFlag, SimilarityIndex, check_reply, route_suggest
from xieshang.insight.selectors import hotspots as insight_hotspots
from xieshang.insight.selectors import same_matter_groups as insight_groups
from xieshang.organisations.models import Unit

from . import registry
from .models import Assignment, Item, RouteDecision

log = logging.getLogger(__name__)

# Seconds a page waits for a model or an index before it shows "being prepared" and polls.
WAIT_SECONDS = 2.5
# Texts are cut before they go to insight: routing reads 1,200 characters, similarity 1,500.
TEXT_CHARS = 2000
HOTSPOT_MAX_ITEMS = 5000
# Runner-up units below this confidence are not offered: a "0%" choice is noise to a dispatcher.
MIN_CONFIDENCE = 0.05
HOTSPOT_CACHE_SECONDS = 300
# The index file is rewritten after this many additions or this many seconds, not on every page.
SAVE_EVERY_ADDITIONS = 20
SAVE_EVERY_SECONDS = 600

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="assist")


def min_history() -> int:
    """Past lead assignments needed before the committee's own history replaces the shipped data."""
    return int(getattr(settings, "XIESHANG_ROUTING_MIN_HISTORY", 50))


# --- routing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    confidence: float

    @property
    def percent(self) -> int:
        """The confidence in whole percent; never 100: a suggestion is never certain."""
        return min(99, round(self.confidence * 100))


class _Router:
    """Loads the insight router once per process, in the background, so no page waits for a training."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.future: Future[Any] | None = None
        self.loaded_at: dt.datetime | None = None

    def ready(self, wait: float = 0.0) -> bool:
        with self.lock:
            self._refresh_if_retrained()
            if self.future is None:
                self.future = _executor.submit(insight_services.load_current_model)
            future = self.future
        try:
            future.result(timeout=wait)
        except FutureTimeout:
            return False
        except Exception:
            log.exception("assist: loading the routing model failed")
            with self.lock:
                self.future = None
            return False
        with self.lock:
            if self.loaded_at is None:
                self.loaded_at = timezone.now()
        return True

    def loaded(self) -> bool:
        """Whether the model is in memory now (no loading is started, no waiting)."""
        with self.lock:
            future = self.future
        return future is not None and future.done() and not future.cancelled() and future.exception() is None

    def _refresh_if_retrained(self) -> None:
        # A training run in another process (the task worker) wrote a new file: reload it here.
        if self.loaded_at is None:
            return
        latest = (
            RouterTraining.objects.filter(status=RouterTraining.Status.DONE)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        if latest and latest > self.loaded_at:
            insight_services.forget_model()
            self.future = None
            self.loaded_at = None

    def forget(self) -> None:
        with self.lock:
            self.future = None
            self.loaded_at = None


router = _Router()


def _units_by_name(committee_id: int) -> dict[str, Unit]:
    units = Unit.objects.filter(committee_id=committee_id, is_active=True)
    out: dict[str, Unit] = {}
    for u in units:
        if u.short_name:
            out.setdefault(u.short_name, u)
    for u in units:
        out[u.name] = u
    return out


def suggest_units(committee_id: int, title: str, text: str) -> list[UnitSuggestion]:
    """The router's top labels that name an active unit of the committee, best first."""
    try:
        raw = route_suggest((text or "")[:TEXT_CHARS], (title or "")[:200])
        units = _units_by_name(committee_id) if raw else {}
        out: list[UnitSuggestion] = []
        for s in raw:
            unit = units.get(s.label)
            if out and s.confidence < MIN_CONFIDENCE:
                break
            if unit is not None and all(o.unit.pk != unit.pk for o in out):
                out.append(UnitSuggestion(unit, float(s.confidence)))
        return out
    except Exception:
        log.exception("assist: routing suggestion failed")
        return []


def route_suggestion_record(item: Item, suggestions: Sequence[UnitSuggestion]) -> RouteDecision | None:
    """Keep what was suggested for ``item`` (one open row per item, refreshed on each showing)."""
    if not suggestions:
        return None
    best = suggestions[0]
    data = [{"unit": s.unit.pk, "name": s.unit.name, "confidence": round(s.confidence, 4)} for s in suggestions]
    try:
        with transaction.atomic():
            row = RouteDecision.objects.select_for_update().filter(item=item, decided_at__isnull=True).first()
            if row is None:
                return RouteDecision.objects.create(
                    item=item, suggested_unit=best.unit, confidence=best.confidence, suggestions=data
                )
            if row.suggested_unit_id != best.unit.pk or row.suggestions != data:
                row.suggested_unit = best.unit
                row.confidence = best.confidence
                row.suggestions = data
                row.save(update_fields=["suggested_unit", "confidence", "suggestions"])
            return row
    except IntegrityError:  # two tabs showed the panel at once; the other one recorded it
        return RouteDecision.objects.filter(item=item, decided_at__isnull=True).first()


def route_decision_settle(*, item_id: int, chosen: Sequence[Unit], actor: Any = None) -> RouteDecision | None:
    """Record the dispatcher's choice against the open suggestion: accepted when it names the suggested unit."""
    try:
        with transaction.atomic():
            row = RouteDecision.objects.select_for_update().filter(item_id=item_id, decided_at__isnull=True).first()
            if row is None:
                return None
            chosen_ids = [u.pk for u in chosen]
            row.chosen_unit_id = chosen_ids[0] if chosen_ids else None
            row.accepted = row.suggested_unit_id is not None and row.suggested_unit_id in chosen_ids
            row.decided_by = actor if getattr(actor, "pk", None) else None
            row.decided_at = timezone.now()
            row.save(update_fields=["chosen_unit", "accepted", "decided_by", "decided_at"])
            return row
    except Exception:
        log.exception("assist: recording the routing decision of item %s failed", item_id)
        return None


def route_decisions_settle_from_assignments(committee_id: int) -> int:
    """Settle open suggestions of items that were assigned elsewhere (e.g. from a proposal's page)."""
    settled = 0
    rows = RouteDecision.objects.filter(
        decided_at__isnull=True, item__committee_id=committee_id, item__assignments__role=Assignment.Role.LEAD
    ).distinct()
    for row in rows[:500]:
        leads = list(
            Unit.objects.filter(
                assignments__item_id=row.item_id,
                assignments__role=Assignment.Role.LEAD,
                assignments__assigned_at__gte=row.created_at,
            ).order_by("assignments__assigned_at", "assignments__id")
        )
        if leads and route_decision_settle(item_id=row.item_id, chosen=leads) is not None:
            settled += 1
    return settled


@dataclass(frozen=True)
class Acceptance:
    decided: int
    accepted: int
    days: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


def acceptance(committee_id: int, days: int = 90) -> Acceptance:
    """采纳率 of routing suggestions: accepted ÷ decided, decisions of the last ``days`` days."""
    since = timezone.now() - dt.timedelta(days=days)
    agg = RouteDecision.objects.filter(
        item__committee_id=committee_id, decided_at__gte=since, suggested_unit__isnull=False
    ).aggregate(decided=Count("id"), accepted=Count("id", filter=Q(accepted=True)))
    return Acceptance(decided=agg["decided"] or 0, accepted=agg["accepted"] or 0, days=days)


# --- training -------------------------------------------------------------------------------------

_NOT_A_LABEL = (Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN, Assignment.Status.ESCALATED)


def training_samples(committee_id: int) -> list[tuple[str, str, str]]:
    """(title, text, unit name) of the committee's past lead assignments.

    An assignment that was returned, withdrawn or escalated went to the wrong unit for the
    matter, so it teaches nothing; its successor does.
    """
    rows = (
        Assignment.objects.filter(item__committee_id=committee_id, role=Assignment.Role.LEAD)
        .exclude(status__in=_NOT_A_LABEL)
        .order_by("id")
        .values_list("item__title", "item__text", "unit__name")
    )
    return [(t or "", (x or "")[:TEXT_CHARS], u) for t, x, u in rows if u]


@dataclass(frozen=True)
class TrainingPlan:
    samples: list[tuple[str, str, str]] | None
    source: str  # "history", "shared" or "" (nothing to train on)
    n_history: int

    @property
    def available(self) -> bool:
        return bool(self.source)

    @property
    def source_label(self) -> str:
        if self.source == "history":
            return f"本会历史交办记录（{self.n_history} 条）"
        if self.source == "shared":
            return "平台预置数据（类别对应到本会承办单位）"
        return "暂无可用数据（本会交办记录不足两个单位，且服务器上没有平台预置数据）"


def training_plan(committee_id: int) -> TrainingPlan:
    """The committee's history once it has ``min_history()`` samples over two units; else the shipped data."""
    samples = training_samples(committee_id)
    labels = {s[2] for s in samples}
    if len(samples) >= min_history() and len(labels) >= 2:
        return TrainingPlan(samples, "history", len(samples))
    if shared_data_present():
        return TrainingPlan(None, "shared", len(samples))
    if len(labels) >= 2:
        # no shipped data on this server: the little history there is beats nothing
        return TrainingPlan(samples, "history", len(samples))
    return TrainingPlan(None, "", len(samples))


def shared_data_present() -> bool:
    return (Path(settings.XIESHANG_SHARED_DATA) / "routing" / "messages_dev.csv").is_file()


def training_running() -> RouterTraining | None:
    recent = timezone.now() - dt.timedelta(hours=2)
    return (
        RouterTraining.objects.filter(
            status__in=(RouterTraining.Status.QUEUED, RouterTraining.Status.RUNNING), created_at__gte=recent
        )
        .order_by("-created_at")
        .first()
    )


def training_start(committee_id: int) -> tuple[RouterTraining | None, bool]:
    """Enqueue a retraining unless one is already queued or running; returns (run, started).

    (None, False) when there is nothing to train on.
    """
    current = training_running()
    if current is not None:
        return current, False
    plan = training_plan(committee_id)
    if not plan.available:
        return None, False
    run = insight_services.router_training_start(plan.samples)
    router.forget()
    run.refresh_from_db()
    return run, True


def trainings(limit: int = 10) -> list[RouterTraining]:
    return list(RouterTraining.objects.order_by("-created_at", "-id")[:limit])


# Reading a saved model takes well under a second; training one from the shipped data (no file yet)
# takes longer, and the page then shows the counts as unknown rather than wait.
MODEL_INFO_WAIT = 2.0


@dataclass(frozen=True)
class ModelInfo:
    exists: bool
    path: str
    updated_at: dt.datetime | None
    size_mb: float
    last_done: RouterTraining | None
    # from the model this process has loaded; None while it is still loading
    n_labels: int | None = None
    n_train: int | None = None


def model_info() -> ModelInfo:
    """The server's model file and, once this process has loaded it (in the background; the page
    waits for that at most ``MODEL_INFO_WAIT`` seconds), how many units it can suggest and how many
    records it learned from."""
    path = insight_services.model_path()
    last = RouterTraining.objects.filter(status=RouterTraining.Status.DONE).order_by("-finished_at").first()
    try:
        st = path.stat()
    except OSError:
        return ModelInfo(False, str(path), None, 0.0, last)
    updated = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
    model = insight_services.load_current_model() if router.ready(wait=MODEL_INFO_WAIT) else None
    return ModelInfo(
        True,
        str(path),
        updated,
        round(st.st_size / 2**20, 1),
        last,
        n_labels=len(model.labels) if model is not None else None,
        n_train=model.n_train if model is not None else None,
    )


# --- same matter ------------------------------------------------------------------------------------


class ItemIndex(SimilarityIndex):
    """The same-matter index of one committee's items; remembers the highest item id it holds."""

    committee_id: int = 0
    max_item_id: int = 0
    unsaved: int = 0
    saved_at: float = 0.0


_indexes: dict[int, ItemIndex] = {}
_index_lock = threading.Lock()
_building: dict[int, Future[ItemIndex]] = {}


def _index_path(committee_id: int) -> Path:
    return Path(settings.XIESHANG_MODEL_DIR) / f"items-{int(committee_id)}.joblib"


AUTHOR_LOOKUP_CHUNK = 500


def item_authors(rows: Iterable[tuple[int, str, str | None, int | None]]) -> dict[int, str]:
    """{item id: author} for (item id, channel, source type, source id) rows, "" where unknown.

    The author is who wrote the source record, as its channel knows them (``Channel.authors``: a
    citizen's hashed phone, a member), else the source record itself. Whoever keyed the item in (a
    clerk entering letters) is not its author. The same-matter index ranks a text by the same author
    higher, grouping links two such texts more readily, and heat counts distinct authors.
    """
    rows = list(rows)
    by_channel: dict[str, list[int]] = defaultdict(list)
    for _pk, channel, _st, sid in rows:
        if sid:
            by_channel[channel].append(sid)
    known: dict[tuple[str, int], str] = {}
    for channel, sids in by_channel.items():
        try:
            lookup = registry.get(channel).authors
        except LookupError:
            lookup = None
        for start in range(0, len(sids) if lookup is not None else 0, AUTHOR_LOOKUP_CHUNK):
            got = lookup(sids[start : start + AUTHOR_LOOKUP_CHUNK])  # type: ignore[misc]
            known.update({(channel, sid): key for sid, key in got.items() if key})
    return {
        pk: known.get((channel, sid), f"{st}:{sid}") if sid else ""
        for pk, channel, st, sid in rows  # type: ignore[misc]
    }


def _item_rows(committee_id: int, after: int = 0) -> list[tuple[int, str, str, str]]:
    qs = (
        Item.objects.filter(committee_id=committee_id, pk__gt=after)
        .order_by("pk")
        .values_list("pk", "title", "text", "channel", "source_type", "source_id")
    )
    rows = list(qs)
    authors = item_authors((pk, ch, st, sid) for pk, _t, _x, ch, st, sid in rows)
    return [(pk, title or "", (text or "")[:TEXT_CHARS], authors[pk]) for pk, title, text, *_rest in rows]


def _build(committee_id: int, rows: list[tuple[int, str, str, str]]) -> ItemIndex:
    index = ItemIndex(max_terms=0 if len(rows) < 20000 else 128)
    index.build(rows)
    index.committee_id = committee_id
    index.max_item_id = max((r[0] for r in rows), default=0)
    _save(index)
    return index


def _load(committee_id: int) -> ItemIndex | None:
    path = _index_path(committee_id)
    if not path.is_file():
        return None
    try:
        index = ItemIndex.load(path)
    except Exception:  # damaged or written by another version: rebuilt from the database
        log.warning("assist: cannot read the same-matter index %s; rebuilding", path, exc_info=True)
        return None
    if index.committee_id != committee_id or getattr(index, "authors", None) is None:
        return None  # another committee's, or saved before authors were kept: rebuilt
    index.saved_at = time.monotonic()
    index.unsaved = 0
    return index


def _save(index: ItemIndex) -> None:
    try:
        index.save(_index_path(index.committee_id))
        index.unsaved = 0
        index.saved_at = time.monotonic()
    except Exception:
        log.warning("assist: cannot save the same-matter index of committee %s", index.committee_id, exc_info=True)


def _catch_up(index: ItemIndex) -> None:
    """Add the items accepted since the index was built (or last brought up to date)."""
    rows = _item_rows(index.committee_id, after=index.max_item_id)
    if not rows:
        return
    for pk, title, text, author in rows:
        index.add(pk, text, title=title, author=author)
    index.max_item_id = rows[-1][0]
    index.unsaved += len(rows)
    if index.unsaved >= SAVE_EVERY_ADDITIONS or time.monotonic() - index.saved_at > SAVE_EVERY_SECONDS:
        _save(index)


def item_index(committee_id: int, *, wait: float | None = None) -> ItemIndex | None:
    """The committee's index, up to date with the database; None while it is still being built.

    With ``wait`` None the build (if needed) happens here; otherwise it runs in the background
    and this waits at most ``wait`` seconds. The rows are read in the caller's thread.
    """
    try:
        with _index_lock:
            index = _indexes.get(committee_id)
        if index is None:
            index = _load(committee_id)
            if index is None:
                with _index_lock:
                    future = _building.get(committee_id)
                    if future is None:
                        rows = _item_rows(committee_id)
                        future = _executor.submit(_build, committee_id, rows)
                        _building[committee_id] = future
                try:
                    index = future.result(timeout=wait)
                except FutureTimeout:
                    return None
                finally:
                    if future.done():
                        with _index_lock:
                            _building.pop(committee_id, None)
            with _index_lock:
                index = _indexes.setdefault(committee_id, index)
        with _index_lock:
            _catch_up(index)
        return index
    except Exception:
        log.exception("assist: same-matter index of committee %s unavailable", committee_id)
        return None


def index_ready(committee_id: int) -> bool:
    return committee_id in _indexes


def forget_indexes() -> None:
    """Drop the indexes held by this process (tests; after the model folder is replaced)."""
    with _index_lock:
        _indexes.clear()
        _building.clear()


def same_matter_ids(
    committee_id: int,
    title: str,
    text: str,
    *,
    exclude: Iterable[int] = (),
    top: int = 10,
    wait: float | None = None,
    author: str = "",
) -> list[tuple[int, float]] | None:
    """(item id, score) of the committee's items about the same matter; None while the index is being built."""
    index = item_index(committee_id, wait=wait)
    if index is None:
        return None
    try:
        # under the lock: saving the index briefly takes its own lock away for pickling
        with _index_lock:
            hits = index.same_matter(
                (text or "")[:TEXT_CHARS], top=top, exclude=set(exclude), title=title or "", author=author
            )
        return [(int(i), s) for i, s in hits]
    except Exception:
        log.exception("assist: same-matter query failed")
        return []


def same_matter_items(item: Item, items_scope: Any, *, top: int = 5, wait: float | None = None) -> list[Item] | None:
    """Items of ``item``'s committee (within ``items_scope``) probably about the same matter, best first."""
    hits = same_matter_ids(
        item.committee_id,
        item.title,
        item.text,
        exclude={item.pk},
        top=top + 5,
        wait=wait,
        author=item_authors([(item.pk, item.channel, item.source_type, item.source_id)])[item.pk],
    )
    if hits is None:
        return None
    score = dict(hits)
    found = {
        i.pk: i
        for i in items_scope.filter(pk__in=list(score), committee_id=item.committee_id)
        .exclude(pk=item.pk)
        .exclude(status=Item.Status.DECLINED)
    }
    out = []
    for pk, s in hits:
        if pk in found:
            found[pk].similarity = s
            out.append(found[pk])
    return out[:top]


_pools: dict[str, SimilarityIndex] = {}
_pool_lock = threading.Lock()


def rank_same_matter(
    text: str, candidates: Sequence[tuple[int, str, str]], *, top: int = 5, title: str = ""
) -> list[tuple[int, float]] | None:
    """(id, score) of ``candidates`` — (id, title, text) — about the same matter as ``text``, best first.

    The index of a pool is kept in this process while the pool does not change (same ids and
    texts), so a drafting page that refreshes does not rebuild it. None when insight failed.
    """
    try:
        digest = hashlib.blake2b(digest_size=16)
        for pk, t, x in candidates:
            digest.update(f"{pk}\x1f{t}\x1f{len(x)}\x1e".encode())
        key = digest.hexdigest()
        with _pool_lock:
            index = _pools.get(key)
        if index is None:
            index = SimilarityIndex(max_terms=0).build((pk, t, x[:TEXT_CHARS]) for pk, t, x in candidates)
            with _pool_lock:
                if len(_pools) > 8:
                    _pools.clear()
                _pools[key] = index
        return [(int(pk), float(s)) for pk, s in index.same_matter((text or "")[:TEXT_CHARS], top=top, title=title)]
    except Exception:
        log.exception("assist: ranking similar texts failed")
        return None


def merge_groups(docs: Sequence[tuple[int, str, str]]) -> list[list[int]]:
    """Suggested merge groups — ids of two or more documents about the same matter, largest first."""
    return [
        [int(i) for i in g] for g in insight_groups([Doc(id=pk, title=t, text=x[:TEXT_CHARS]) for pk, t, x in docs])
    ]


# --- hotspots ---------------------------------------------------------------------------------------


def bursty_channels() -> frozenset[str]:
    """Channels whose items come in bursts about one matter (``registry.Channel.bursty``)."""
    return frozenset(c.key for c in registry.all_channels() if c.bursty)


@dataclass
class HotspotRow:
    rank: int
    heat: float
    period: str
    place: str
    description: str
    items: list[Item]

    @property
    def count(self) -> int:
        return len(self.items)


def hotspot_rows(
    committee_id: int, start: dt.datetime, end: dt.datetime, *, channel: str = "", top: int = 10
) -> tuple[list[HotspotRow], int]:
    """The hottest matters among the committee's items accepted in [start, end), and how many items were read.

    Cached for a few minutes per (committee, period, channel, top): grouping a few thousand items
    takes seconds.
    """
    key = f"assist:hot:{committee_id}:{start:%Y%m%d%H}:{end:%Y%m%d%H}:{channel}:{top}"
    cached = cache.get(key)
    if cached is None:
        qs = Item.objects.filter(committee_id=committee_id, accepted_at__gte=start, accepted_at__lt=end).exclude(
            status=Item.Status.DECLINED
        )
        if channel:
            qs = qs.filter(channel=channel)
        rows = list(
            qs.order_by("-accepted_at").values_list(
                "pk", "title", "text", "accepted_at", "channel", "source_type", "source_id"
            )[:HOTSPOT_MAX_ITEMS]
        )
        authors = item_authors((pk, ch, st, sid) for pk, _t, _x, _a, ch, st, sid in rows)
        docs = [
            Doc(
                id=pk,
                title=title or "",
                text=(text or "")[:TEXT_CHARS],
                time=at,
                user=authors[pk],  # none: the item counts as its own author
            )
            for pk, title, text, at, *_source in rows
        ]
        # posting times group citizens' messages (they come in bursts about one matter); a
        # session's proposals or a consultation's suggestions arrive together by design
        bursty = bursty_channels()
        by_time = all(ch in bursty for _pk, _t, _x, _a, ch, *_rest in rows)
        spots = insight_hotspots(docs, top, now=min(timezone.now(), end), by_time=by_time)
        cached = (
            [(h.rank, h.heat, h.period, h.place, h.description, [int(i) for i in h.ids]) for h in spots],
            len(rows),
        )
        cache.set(key, cached, HOTSPOT_CACHE_SECONDS)
    spots_data, n_items = cached
    ids = [i for s in spots_data for i in s[5]]
    by_id = Item.objects.select_related("area").in_bulk(ids)
    out = []
    for rank, heat, period, place, description, item_ids in spots_data:
        items = [by_id[i] for i in item_ids if i in by_id]
        areas = Counter(i.area.name for i in items if i.area_id)
        area = areas.most_common(1)[0][0] if areas else ""
        where = "，".join(p for p in (area, place) if p) or "—"
        out.append(HotspotRow(rank, heat, period, where, description, items))
    return out, n_items


# --- reply check ------------------------------------------------------------------------------------


def reply_flags(item: Item, body: str) -> list[ReplyFlag]:
    """Flags of a draft reply against the item's title and text (empty when nothing to flag or on failure)."""
    if not (body or "").strip():
        return []
    try:
        return check_reply(f"{item.title}\n{item.text}"[: TEXT_CHARS * 2], body[:20000])
    except Exception:
        log.exception("assist: reply check failed")
        return []


OPEN_STATES = (Item.Status.PENDING, Item.Status.HANDLING, Item.Status.REPLIED)


def open_same_matter(committee_id: int, title: str, text: str, *, wait: float = 0.5) -> list[int]:
    """Ids of the committee's items still being handled that are about the same matter as the text.

    For public pages: time-boxed (an index still being built answers with nothing) and ids only,
    so the caller decides what, if anything, of those items may be shown.
    """
    if len(((title or "") + (text or "")).strip()) < 8:
        return []
    hits = same_matter_ids(committee_id, title, text, top=20, wait=wait) or []
    ids = [pk for pk, _ in hits]
    open_ids = set(
        Item.objects.filter(pk__in=ids, committee_id=committee_id, status__in=OPEN_STATES).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pk in open_ids]
