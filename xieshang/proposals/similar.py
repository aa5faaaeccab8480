"""Similar existing proposals, shown while a member drafts (提交前提示相似提案).

Uses the shared ``insight`` same-matter index when it is installed; otherwise a character-bigram
overlap (Dice coefficient) over titles and suggestions of recent proposals, which needs no
word segmentation and works for Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
CANDIDATES = 2000
INSIGHT_MIN_SCORE = 0.1


def _bigrams(text: str) -> set[str]:
    t = _NON_WORD.sub("", text or "")
    return {t[i : i + 2] for i in range(len(t) - 1)}


def bigram_similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _insight_rank(text: str, candidates: list[tuple[int, str]], limit: int) -> list[tuple[int, float]] | None:
    """Rank with the shared same-matter index (character n-grams with idf weights) when it is installed."""
    try:
        from xieshang.insight.similarity import SimilarityIndex
    except ImportError:
        return None
    try:
        index = SimilarityIndex(max_terms=0, query_terms=0).build((pk, "", body) for pk, body in candidates)
        ranked = index.query(text, top=limit)
    except Exception:  # noqa: BLE001 - a failing optional helper must not stop drafting
        return None
    return [(int(pk), float(score)) for pk, score in ranked if score >= INSIGHT_MIN_SCORE]


def similar_proposals(
    text: str, pool: QuerySet[Any], *, exclude_id: int | None = None, limit: int = 5, threshold: float = 0.18
) -> list[tuple[Any, float]]:
    """The proposals in ``pool`` most like ``text`` (title plus content), best first, with a score 0–1."""
    if len((text or "").strip()) < 4:
        return []
    qs = pool
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = list(qs.order_by("-id").values_list("id", "title", "suggestions")[:CANDIDATES])
    candidates = [(pk, f"{title} {title} {sugg[:300]}") for pk, title, sugg in rows]
    ranked = _insight_rank(text, candidates, limit)
    if ranked is None:
        scored = ((pk, bigram_similarity(text, body)) for pk, body in candidates)
        ranked = sorted((r for r in scored if r[1] >= threshold), key=lambda r: r[1], reverse=True)[:limit]
    by_id = {p.pk: p for p in pool.model.objects.filter(pk__in=[pk for pk, _ in ranked])}
    return [(by_id[pk], score) for pk, score in ranked if pk in by_id]


def top_ids(scored: Iterable[tuple[Any, float]]) -> list[int]:
    return [p.pk for p, _ in scored]
