"""Similar existing proposals, shown while a member drafts (提交前提示相似提案).

Ranks recent proposals with the shared same-matter index (through ``handling.assist``); a
character-bigram overlap (Dice coefficient) stands in only if that index cannot be built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from xieshang.handling import assist
from xieshang.insight.selectors import likelihood_words

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
CANDIDATES = 2000


def _bigrams(text: str) -> set[str]:
    t = _NON_WORD.sub("", text or "")
    return {t[i : i + 2] for i in range(len(t) - 1)}


def bigram_similarity(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def similar_proposals(
    text: str, pool: QuerySet[Any], *, exclude_id: int | None = None, limit: int = 5, threshold: float = 0.18
) -> list[tuple[Any, str]]:
    """The proposals in ``pool`` likely about the same matter as ``text`` (title plus content), best
    first, each with how likely in words (很可能 / 可能).

    Ranked by the shared same-matter index (``handling.assist.rank_same_matter``), whose probability
    is calibrated; ``threshold`` is the minimum bigram overlap of the fallback used only when that
    index cannot be built, whose overlap is not a probability: its proposals are worded 文字相近.
    """
    if len((text or "").strip()) < 4:
        return []
    qs = pool
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    rows = list(qs.order_by("-id").values_list("id", "title", "suggestions")[:CANDIDATES])
    likely = assist.rank_same_matter(text, [(pk, title, sugg or "") for pk, title, sugg in rows], top=limit)
    if likely is None:
        scored = ((pk, bigram_similarity(text, f"{title} {title} {sugg[:300]}")) for pk, title, sugg in rows)
        best = sorted((r for r in scored if r[1] >= threshold), key=lambda r: r[1], reverse=True)[:limit]
        ranked = [(pk, gettext("similar wording")) for pk, _score in best]
    else:
        ranked = [(pk, likelihood_words(p)) for pk, p in likely]
    by_id = {p.pk: p for p in pool.model.objects.filter(pk__in=[pk for pk, _ in ranked])}
    return [(by_id[pk], words) for pk, words in ranked if pk in by_id]


def top_ids(scored: Iterable[tuple[Any, Any]]) -> list[int]:
    return [p.pk for p, _ in scored]
