"""How likely two texts are about the same matter, given their similarity (calibration).

A cosine of 0.12 says little to a person: on the dev gold set most pairs at that cosine are the
same matter, while a shared template can reach 0.04. So a similarity shown to a user is first
mapped to a probability measured on labelled data, and the user is shown only what is likely,
in words (很可能 / 可能).

The map is an isotonic regression (non-decreasing step function) of "same matter" on the demoted
cosine ``SimilarityIndex.same_matter`` returns, fitted on the pairs that query finds for the
members of the dev gold set (``calibrate_samematter``). Two maps are kept: one for texts by
different authors and one for texts by the same author (a citizen writing again about their
case), since the second is the same matter far more often at the same cosine. A pair the gold set
does not label counts as *not* the same matter (the conservative reading), and each matter weighs
the same however many messages it has, so no single large matter sets the curve.

The fitted table is ``calibration.json`` beside this module: a few dozen numbers derived from the
dev data, with the cross-validated figures the command measured (see ``docs/insight.md``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

TABLE = Path(__file__).with_name("calibration.json")

# The words a user sees and the probabilities they stand for. These are meanings, not tuned
# settings: "likely" is better than even, "very likely" is right at least four times in five.
LIKELY = 0.5
VERY_LIKELY = 0.8
WORDS = ((VERY_LIKELY, _("very likely")), (LIKELY, _("likely")))


@dataclass(frozen=True)
class Curve:
    """A non-decreasing map from a cosine to a probability (linear between the fitted points)."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, score: float) -> float:
        if not self.x:
            return 0.0
        return float(np.interp(float(score), self.x, self.y))

    def score_at(self, p: float) -> float | None:
        """The lowest cosine whose probability reaches ``p`` (None when none does)."""
        for x, y in zip(self.x, self.y, strict=True):
            if y >= p:
                return x
        return None

    def as_dict(self) -> dict[str, list[float]]:
        return {"x": [round(v, 5) for v in self.x], "y": [round(v, 4) for v in self.y]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Curve:
        x = tuple(float(v) for v in d.get("x", ()))
        y = tuple(float(v) for v in d.get("y", ()))
        if len(x) != len(y) or any(b < a for a, b in itertools.pairwise(x)):
            raise ValueError("calibration curve is not a non-decreasing table")
        return cls(x, y)


@dataclass(frozen=True)
class Calibration:
    other_author: Curve
    same_author: Curve

    def probability(self, score: float, *, same_author: bool = False) -> float:
        return (self.same_author if same_author else self.other_author)(score)


def fit_curve(scores: Sequence[float], labels: Sequence[int], weights: Sequence[float] | None = None) -> Curve:
    """Isotonic fit of ``labels`` (1 same matter, 0 not) on ``scores``; the table of its steps."""
    from sklearn.isotonic import IsotonicRegression

    if not len(scores):
        return Curve((), ())
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    iso.fit(np.asarray(scores, dtype=float), np.asarray(labels, dtype=float), sample_weight=weights)
    xs, ys = iso.X_thresholds_, iso.y_thresholds_
    return Curve(tuple(float(v) for v in xs), tuple(float(v) for v in ys))


@lru_cache(maxsize=1)
def default() -> Calibration:
    """The committed calibration table; an empty one (nothing shown as likely) if it is unreadable."""
    try:
        data = json.loads(TABLE.read_text(encoding="utf-8"))
        return Calibration(Curve.from_dict(data["other_author"]), Curve.from_dict(data["same_author"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Calibration(Curve((), ()), Curve((), ()))


def probability(score: float, *, same_author: bool = False) -> float:
    return default().probability(score, same_author=same_author)


def words(p: float) -> str:
    """很可能 / 可能 for a probability, "" below "likely"."""
    for cut, word in WORDS:
        if p >= cut:
            return str(word)
    return ""


def likely(hits: Iterable[tuple[Any, float, bool]]) -> list[tuple[Any, float, float]]:
    """(id, cosine, probability) of the ``(id, cosine, same author)`` hits that are likely, in order."""
    cal = default()
    out = []
    for doc_id, score, mine in hits:
        p = cal.probability(score, same_author=mine)
        if p >= LIKELY:
            out.append((doc_id, score, p))
    return out
