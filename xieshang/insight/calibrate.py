"""Fitting and checking the same-matter calibration (``calibration``) on a gold set.

``pairs`` collects, for each member of a gold matter, the documents the platform's query ranks
first (``RANK_DEPTH``) with their cosine and whether they share its author, labelled 1 when the gold
set puts them in the same matter and 0 otherwise (a pair the gold set does not judge counts as 0:
the conservative reading). ``weights`` gives each matter the same total weight.

``cross_validate`` splits the matters into random halves, fits on one and measures on the other:
the Brier score, and for the pairs the platform would show, how often they are right (precision of
"很可能" and of "可能") and what share of the same-matter pairs they cover. ``resample`` rebuilds
the index on random halves of the unlabelled part of the corpus and reports where the curve
crosses the two words' probabilities, so the spread shows how much the map depends on the corpus.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import numpy as np

from . import calibration as cal
from .documents import Doc
from .evaluation import Gold
from .similarity import FEATURE_CHARS, SimilarityIndex

RANK_DEPTH = 40


@dataclass(frozen=True)
class Pair:
    matter: str
    query: str
    other: str
    score: float
    same_author: bool
    label: int  # 1 same matter (by the gold set), 0 otherwise
    judged: bool  # the gold set names the other document


def pairs(docs: Sequence[Doc], gold: Gold, index: SimilarityIndex | None = None) -> list[Pair]:
    by_id = {str(d.id): d for d in docs}
    if index is None:
        # as the platform builds a committee's index below 20,000 items: every term kept, with authors
        index = SimilarityIndex(max_terms=0).build((d.id, d.title, d.text[:FEATURE_CHARS], d.user) for d in docs)
    out: list[Pair] = []
    for matter, ids in sorted(gold.members.items()):
        for m in sorted(ids):
            d = by_id.get(m)
            if d is None:
                continue
            hits = index.pairs_for_calibration(
                d.text[:FEATURE_CHARS], RANK_DEPTH, {d.id}, title=d.title, author=str(d.user or "")
            )
            for other, score, mine in hits:
                o = str(other)
                out.append(
                    Pair(matter, m, o, float(score), bool(mine), int(gold.matter_of.get(o) == matter), o in gold.judged)
                )
    return out


def weights(ps: Sequence[Pair]) -> list[float]:
    per: dict[str, int] = {}
    for p in ps:
        per[p.matter] = per.get(p.matter, 0) + 1
    return [1.0 / per[p.matter] for p in ps]


def fit(ps: Sequence[Pair]) -> cal.Calibration:
    curves = []
    for mine in (False, True):
        sel = [p for p in ps if p.same_author == mine]
        curves.append(cal.fit_curve([p.score for p in sel], [p.label for p in sel], weights(sel)))
    return cal.Calibration(other_author=curves[0], same_author=curves[1])


def measure(c: cal.Calibration, ps: Sequence[Pair]) -> dict[str, float]:
    """Brier score and the precision/coverage of what would be shown, on ``ps`` (matter-weighted)."""
    if not ps:
        return {}
    w = np.asarray(weights(ps))
    y = np.asarray([p.label for p in ps], dtype=float)
    prob = np.asarray([c.probability(p.score, same_author=p.same_author) for p in ps])
    out = {"brier": float(np.sum(w * (prob - y) ** 2) / w.sum())}
    positives = float(np.sum(w * y)) or 1.0
    for name, lo, hi in (
        ("very_likely", cal.VERY_LIKELY, 2.0),
        ("likely", cal.LIKELY, cal.VERY_LIKELY),
        ("shown", cal.LIKELY, 2.0),
    ):
        sel = (prob >= lo) & (prob < hi)
        out[f"{name}_precision"] = float(np.sum(w[sel] * y[sel]) / w[sel].sum()) if sel.any() else float("nan")
        out[f"{name}_share"] = float(np.sum(w[sel] * y[sel]) / positives)
    return out


def spread(values: Sequence[float]) -> dict[str, float]:
    v = sorted(x for x in values if x == x)
    if not v:
        return {}
    lo = v[max(0, int(0.05 * (len(v) - 1)))]
    hi = v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]
    return {"median": round(median(v), 4), "p5": round(lo, 4), "p95": round(hi, 4)}


def cross_validate(ps: Sequence[Pair], rounds: int = 100, seed: int = 1) -> dict[str, dict[str, float]]:
    rng = random.Random(seed)
    matters = sorted({p.matter for p in ps})
    runs: dict[str, list[float]] = {}
    for _ in range(rounds):
        rng.shuffle(matters)
        first = set(matters[: len(matters) // 2])
        halves = ([p for p in ps if p.matter in first], [p for p in ps if p.matter not in first])
        for train, test in (halves, halves[::-1]):
            for k, v in measure(fit(train), test).items():
                runs.setdefault(k, []).append(v)
    return {k: spread(v) for k, v in runs.items()}


def resample(docs: Sequence[Doc], gold: Gold, rounds: int = 5, seed: int = 1) -> dict[str, dict[str, float]]:
    """Where the fitted curve (different authors) reaches the two words, over ``rounds`` corpora made
    of the gold messages and a random half of the rest."""
    rng = random.Random(seed)
    at: dict[str, list[float]] = {"score_likely": [], "score_very_likely": []}
    for _ in range(rounds):
        sub = [d for d in docs if str(d.id) in gold.judged or rng.random() < 0.5]
        c = fit(pairs(sub, gold))
        for key, p in (("score_likely", cal.LIKELY), ("score_very_likely", cal.VERY_LIKELY)):
            s = c.other_author.score_at(p)
            if s is not None:
                at[key].append(s)
    return {k: spread(v) for k, v in at.items()}
