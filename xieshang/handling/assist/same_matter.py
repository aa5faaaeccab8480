"""Same matter (智能并案): one similarity index of the committee's items per process, persisted
under ``settings.XIESHANG_MODEL_DIR`` and caught up with newer items; ranking, merge groups and the
public form's hint."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from django.conf import settings

from xieshang.insight.selectors import Doc, SimilarityIndex, likelihood_words
from xieshang.insight.selectors import same_matter_groups as insight_groups

from .. import registry
from ..models import Item
from ._base import SAVE_EVERY_ADDITIONS, SAVE_EVERY_SECONDS, TEXT_CHARS, _executor

log = logging.getLogger("xieshang.handling.assist")

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
) -> list[tuple[int, float, float]] | None:
    """(item id, cosine, probability) of the committee's items likely about the same matter (the
    probability calibrated on the dev gold set, ``insight.calibration``); None while the index is
    being built."""
    index = item_index(committee_id, wait=wait)
    if index is None:
        return None
    try:
        # under the lock: saving the index briefly takes its own lock away for pickling
        with _index_lock:
            hits = index.likely_same_matter(
                (text or "")[:TEXT_CHARS], top=top, exclude=set(exclude), title=title or "", author=author
            )
        return [(int(i), s, p) for i, s, p in hits]
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
    found = {
        i.pk: i
        for i in items_scope.filter(pk__in=[pk for pk, *_ in hits], committee_id=item.committee_id)
        .exclude(pk=item.pk)
        .exclude(status=Item.Status.DECLINED)
    }
    out = []
    for pk, s, p in hits:
        if pk in found:
            found[pk].similarity = s
            found[pk].probability = p
            found[pk].likelihood = likelihood_words(p)
            out.append(found[pk])
    return out[:top]


_pools: dict[str, SimilarityIndex] = {}
_pool_lock = threading.Lock()


def rank_same_matter(
    text: str, candidates: Sequence[tuple[int, str, str]], *, top: int = 5, title: str = ""
) -> list[tuple[int, float]] | None:
    """(id, probability) of ``candidates`` — (id, title, text) — likely about the same matter as
    ``text``, best first (the probability calibrated as for items, ``insight.calibration``).

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
        hits = index.likely_same_matter((text or "")[:TEXT_CHARS], top=top, title=title)
        return [(int(pk), float(p)) for pk, _s, p in hits]
    except Exception:
        log.exception("assist: ranking similar texts failed")
        return None


def merge_groups(docs: Sequence[tuple[int, str, str]]) -> list[list[int]]:
    """Suggested merge groups — ids of two or more documents about the same matter, largest first."""
    return [
        [int(i) for i in g] for g in insight_groups([Doc(id=pk, title=t, text=x[:TEXT_CHARS]) for pk, t, x in docs])
    ]


OPEN_STATES = (Item.Status.PENDING, Item.Status.HANDLING, Item.Status.REPLIED)


def open_same_matter(committee_id: int, title: str, text: str, *, wait: float = 0.5) -> list[int]:
    """Ids of the committee's items still being handled that are about the same matter as the text.

    For public pages: time-boxed (an index still being built answers with nothing) and ids only,
    so the caller decides what, if anything, of those items may be shown.
    """
    if len(((title or "") + (text or "")).strip()) < 8:
        return []
    hits = same_matter_ids(committee_id, title, text, top=20, wait=wait) or []
    ids = [pk for pk, *_ in hits]
    open_ids = set(
        Item.objects.filter(pk__in=ids, committee_id=committee_id, status__in=OPEN_STATES).values_list("pk", flat=True)
    )
    return [pk for pk in ids if pk in open_ids]
