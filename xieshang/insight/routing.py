"""The routing model (智能交办): category or handling unit from a message's title and text.

Features are the union of character 1-2-grams of title and text, of the title alone and of the
head (title and first 150 characters), after removing masked place codes, and of the words of
title and text (jieba's dictionary through rjieba, words of two or more characters), each TF-IDF
weighted with sublinear term frequency (``features.NgramTfidf``, ``features.WordTfidf``).
``NaiveBayesSVM`` scores them: one linear SVM per class over the features scaled by their
naive-Bayes log-count ratio for that class, positives weighted up for the small classes (macro-F1
rewards them). ``NeighbourVote`` adds the labels of the most similar training messages, weighted by
similarity: past messages about the same kind of matter vote for the unit that handled them.
Confidences are a softmax of the sum with a fixed temperature. The words come from rjieba (0.06 ms
a message) rather than the jieba package (0.7-0.9 ms on the routed text: too slow for 1,000
predictions/s with the rest).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from . import text as tx
from .features import NgramTfidf, WordTfidf, release_free_memory

# Temperature of the softmax over margins plus neighbour votes: under 5-fold CV on the shipped data
# (seed 0), scale 4 gave the lowest expected calibration error (0.023, 10 bins; mean top confidence
# 0.938 for accuracy 0.931; scales 3 and 5 gave 0.030 and 0.031).
SOFTMAX_SCALE = 4.0
TITLE_WEIGHT = 0.6
# The title and first sentences again as their own block: the subject is stated there.
HEAD_WEIGHT = 0.6
HEAD_CHARS = 150
# Words add what characters and bigrams split (针织厂, 拖欠工资); under 5-fold CV on the shipped data
# weight 0.7 gave +0.0029 / -0.0008 / +0.0013 / +0.0015 macro-F1 (seeds 0-3), 10-fold +0.0014.
WORD_WEIGHT = 0.7
# A message's category is decided in its first paragraphs; the cut keeps prediction fast.
ROUTE_CHARS = 1200

# The neighbour vote: the NEIGHBOURS most similar training messages, by cosine over the features
# found in fewer than NEIGHBOUR_MAX_DF of them (common characters and bigrams say little about the
# matter and make the product slow), added to the margins with NEIGHBOUR_WEIGHT. Under 5-fold CV on
# the shipped data it gave +0.0041 / +0.0049 / +0.0037 / +0.0017 macro-F1 (seeds 0-3); all features
# gave about the same at four times the cost (0.59 against 0.14 ms a message); k 5-10 and weights
# 0.2-0.5 came within 0.003 of each other.
NEIGHBOURS = 5
NEIGHBOUR_WEIGHT = 0.3
NEIGHBOUR_MAX_DF = 0.05
NEIGHBOUR_CHUNK = 256
# A message is compared with every kept training message, so a committee with many years of
# assignments keeps only its latest NEIGHBOUR_MAX_ROWS for the vote (the SVMs still learn from all).
NEIGHBOUR_MAX_ROWS = 20_000

# Additive smoothing of the per-class document counts in the naive-Bayes ratios.
NB_ALPHA = 1.0
SVM_C = 1.0
RANDOM_STATE = 0

Progress = Callable[[float], None]


class NaiveBayesSVM:
    """One-vs-rest linear SVMs on naive-Bayes-scaled features (NBSVM, Wang and Manning 2012).

    For class c each feature is multiplied by r_c = log((p_c / |p_c|) / (q_c / |q_c|)), where p_c
    and q_c count the training documents of c and of the other classes that contain the feature,
    plus ``alpha``. A feature seen mostly in one class is stretched for that class's SVM and
    shrunk for the others. Since the scaling is per feature, the model is linear in the unscaled
    features: ``coef_[c] = w_c * r_c``, so predicting costs one sparse product.
    """

    def __init__(self, C: float = SVM_C, alpha: float = NB_ALPHA) -> None:
        self.C = C
        self.alpha = alpha
        self.classes_ = np.zeros(0, dtype=object)
        self.coef_ = np.zeros((0, 0), dtype=np.float32)
        self.intercept_ = np.zeros(0, dtype=np.float32)

    def fit(self, X: csr_matrix, y: Sequence[str], progress: Progress | None = None) -> NaiveBayesSVM:
        X = csr_matrix(X)
        self.classes_, y_index = np.unique(np.asarray(y), return_inverse=True)
        k = len(self.classes_)
        n, n_features = X.shape
        # how many documents contain each feature: all, and (in the loop) those of class c
        total = np.bincount(X.indices, minlength=n_features).astype(np.float64)
        self.coef_ = np.zeros((k, n_features), dtype=np.float32)
        self.intercept_ = np.zeros(k, dtype=np.float32)
        # the scaled values of every class in one float64 buffer, as liblinear needs (no second
        # converted copy, and no class's copy alive while the next is made)
        values = np.empty(X.nnz, dtype=np.float64)
        for c in range(k):
            mine = np.bincount(X[y_index == c].indices, minlength=n_features).astype(np.float64)
            pos = mine + self.alpha
            neg = total - mine + self.alpha
            ratio = np.log(pos / pos.sum()) - np.log(neg / neg.sum())
            np.take(ratio, X.indices, out=values)
            values *= X.data
            scaled = csr_matrix((values, X.indices, X.indptr), shape=X.shape, copy=False)
            yc = (y_index == c).astype(np.int8)
            # the class's examples weigh as in a class-balanced multi-class fit
            # a fixed seed for liblinear's coordinate order: the same data give the same model
            svm = LinearSVC(
                C=self.C, class_weight={1: n / (k * max(1, int(yc.sum()))), 0: 1.0}, random_state=RANDOM_STATE
            )
            svm.fit(scaled, yc)
            self.coef_[c] = svm.coef_[0] * ratio
            self.intercept_[c] = svm.intercept_[0]
            del scaled, svm
            if progress:
                progress((c + 1) / k)
        return self

    def decision_function(self, X: csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.coef_.T) + self.intercept_


class NeighbourVote:
    """Label votes of the ``k`` training messages most similar to each message (k-NN).

    Keeps the training rows (the last ``max_rows`` given: callers pass them oldest first),
    restricted to the features found in fewer than ``max_df`` of them and l2-normalised again. A
    message's vote for a class is the summed cosine of its neighbours of that class over the summed
    cosine of all ``k``: between 0 and 1, summing to 1 (0 everywhere when it shares no kept feature
    with any training message).
    """

    def __init__(
        self, k: int = NEIGHBOURS, max_df: float = NEIGHBOUR_MAX_DF, max_rows: int = NEIGHBOUR_MAX_ROWS
    ) -> None:
        self.k = k
        self.max_df = max_df
        self.max_rows = max_rows
        self.columns = np.zeros(0, dtype=np.int64)
        self.memory_t = csr_matrix((0, 0), dtype=np.float32)  # kept features x training rows
        self.labels = np.zeros(0, dtype=np.int32)
        self.n_classes = 0

    def fit(self, X: csr_matrix, y_index: np.ndarray, n_classes: int) -> NeighbourVote:
        X = csr_matrix(X)[-self.max_rows :]
        y_index = np.asarray(y_index)[-self.max_rows :]
        df = np.bincount(X.indices, minlength=X.shape[1])
        # with few messages every feature is in more than max_df of them: keep those in one
        self.columns = np.flatnonzero(df < max(self.max_df * X.shape[0], 2))
        self.memory_t = csr_matrix(self._restrict(X).T, dtype=np.float32)
        self.labels = np.asarray(y_index, dtype=np.int32)
        self.n_classes = n_classes
        return self

    def _restrict(self, X: csr_matrix) -> csr_matrix:
        # rows without a kept feature stay zero; with no feature kept at all (a few look-alike
        # messages) there is nothing to vote with
        kept = csr_matrix(X[:, self.columns], dtype=np.float32)
        return kept if kept.shape[1] == 0 else normalize(kept, norm="l2", copy=False)

    def votes(self, X: csr_matrix) -> np.ndarray:
        n = X.shape[0]
        out = np.zeros((n, self.n_classes))
        k = min(self.k, len(self.labels))
        if k == 0 or n == 0:
            return out
        Q = self._restrict(csr_matrix(X))
        for start in range(0, n, NEIGHBOUR_CHUNK):
            sims = (Q[start : start + NEIGHBOUR_CHUNK] @ self.memory_t).toarray()
            best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            top = np.take_along_axis(sims, best, axis=1)
            rows = np.repeat(np.arange(len(sims)), k)
            block = np.zeros((len(sims), self.n_classes))
            np.add.at(block, (rows, self.labels[best].ravel()), top.ravel())
            total = top.sum(axis=1, keepdims=True)
            out[start : start + len(sims)] = np.divide(block, total, out=np.zeros_like(block), where=total > 0)
        return out


@dataclass
class RouterModel:
    """A trained router: vectorisers, the classifier and a summary of its training data."""

    labels: list[str]
    vectorisers: list[NgramTfidf | WordTfidf]
    classifier: NaiveBayesSVM | LinearSVC  # LinearSVC in models saved before version 3
    n_train: int
    label_counts: dict[str, int] = field(default_factory=dict)
    version: int = 5
    blocks: list[tuple[str, tuple[int, ...], float]] | None = None
    neighbours: NeighbourVote | None = None  # models saved before version 4 have none

    def scores(self, titles: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        """Class probabilities, one row per message, columns in ``self.labels`` order."""
        z = self._margins(titles, texts, every_vote=True) * SOFTMAX_SCALE
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        return np.asarray(p)

    def predict(self, titles: Sequence[str], texts: Sequence[str]) -> list[str]:
        """The best label for each message (the label of the highest score)."""
        if not texts:
            return []
        return [self.labels[i] for i in self._margins(titles, texts, every_vote=False).argmax(axis=1)]

    def _margins(self, titles: Sequence[str], texts: Sequence[str], *, every_vote: bool) -> np.ndarray:
        """SVM margins plus neighbour votes. A message's votes sum to at most 1, so they move the
        gap between two classes by at most NEIGHBOUR_WEIGHT: where the best margin leads the
        second by more, the votes cannot change the best label, and without ``every_vote`` they
        are not computed there: for 91 % of the messages of one half of the shipped data, with a
        model trained on the other half (2,060 against 1,335 predictions/s, the same labels)."""
        # models saved before the head block have no ``blocks`` and two vectorisers; models saved
        # before version 5 have no word block
        blocks = getattr(self, "blocks", None) or BLOCKS[: len(self.vectorisers)]
        X = _features(self.vectorisers, titles, texts, fit=False, blocks=blocks)
        if len(self.labels) == 1:
            return np.zeros((X.shape[0], 1))
        margins = np.asarray(self.classifier.decision_function(X), dtype=np.float64)
        if margins.ndim == 1:  # a LinearSVC (before version 3) gives one margin for two classes
            margins = np.column_stack([-margins, margins]) / 2
        neighbours = getattr(self, "neighbours", None)
        if neighbours is not None:
            if every_vote:
                margins += NEIGHBOUR_WEIGHT * neighbours.votes(X)
            else:
                two = np.partition(margins, -2, axis=1)
                rows = np.flatnonzero(two[:, -1] - two[:, -2] <= NEIGHBOUR_WEIGHT)
                if len(rows):
                    margins[rows] += NEIGHBOUR_WEIGHT * neighbours.votes(X[rows])
        return margins

    def top(self, title: str, text: str, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` best labels with their confidence for one message."""
        p = self.scores([title], [text])[0]
        order = np.argsort(-p)[:k]
        return [(self.labels[i], float(p[i])) for i in order]


def _prep(title: str, text: str) -> tuple[str, str]:
    # Masked place codes (A市, A2区) occur in every class; their n-grams only add noise.
    title = tx.strip_place_codes(tx.clean(title))
    body = tx.strip_place_codes(tx.clean(text)[:ROUTE_CHARS])
    return title, body


# (input, n-gram sizes, weight) of each feature block; "words" is a block of words, not characters.
# With naive-Bayes scaling, characters and bigrams did better than 1-3-grams (+0.003 macro-F1 over
# 30 CV folds); a model saved with other blocks keeps its own.
BLOCKS: list[tuple[str, tuple[int, ...], float]] = [
    ("full", (1, 2), 1.0),
    ("title", (1, 2), TITLE_WEIGHT),
    ("head", (1, 2), HEAD_WEIGHT),
    ("words", (1,), WORD_WEIGHT),
]


def _make_vectorisers(
    n: int, blocks: Sequence[tuple[str, tuple[int, ...], float]] = BLOCKS
) -> list[NgramTfidf | WordTfidf]:
    # With few examples every n-gram is rare; min_df=2 would leave nothing to learn from.
    min_df = 2 if n >= 200 else 1
    return [
        WordTfidf(tx.content_words, min_df=min_df)
        if name == "words"
        else NgramTfidf(sizes, min_df=1 if name == "title" else min_df)
        for name, sizes, _w in blocks
    ]


def _features(
    vectorisers: list[NgramTfidf | WordTfidf],
    titles: Sequence[str],
    texts: Sequence[str],
    *,
    fit: bool,
    blocks: Sequence[tuple[str, tuple[int, ...], float]] = BLOCKS,
) -> csr_matrix:
    pairs = [_prep(t, d) for t, d in zip(titles, texts, strict=True)]
    inputs = {
        "full": [(t + " " + d).strip() for t, d in pairs],
        "title": [t for t, _ in pairs],
        "head": [(t + " " + d[:HEAD_CHARS]).strip() for t, d in pairs],
    }
    inputs["words"] = inputs["full"]
    parts = []
    for vec, (name, _sizes, w) in zip(vectorisers, blocks, strict=True):
        m = vec.fit_transform(inputs[name]) if fit else vec.transform(inputs[name])
        parts.append(m * np.float32(w))
    return hstack(parts, format="csr")


def train_router(
    titles: Sequence[str],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    progress: Progress | None = None,
    blocks: Sequence[tuple[str, tuple[int, ...], float]] = BLOCKS,
) -> RouterModel:
    """Fit a router. ``labels`` must hold at least one non-empty label; ``blocks`` (the feature
    blocks) is there for comparisons."""
    report = progress or (lambda _f: None)
    keep = [i for i, y in enumerate(labels) if y and (tx.clean(texts[i]) or tx.clean(titles[i]))]
    if not keep:
        raise ValueError("没有可用于训练的样本（需要非空的文本和标签）。")
    titles = [titles[i] or "" for i in keep]
    texts = [texts[i] or "" for i in keep]
    y = [labels[i] for i in keep]
    report(0.05)
    vecs = _make_vectorisers(len(y), blocks)
    X = _features(vecs, titles, texts, fit=True, blocks=blocks)
    release_free_memory()
    report(0.4)
    classes = sorted(set(y))
    clf = NaiveBayesSVM()
    neighbours = None
    if len(classes) > 1:
        clf.fit(X, y, progress=lambda f: report(0.4 + 0.55 * f))
        neighbours = NeighbourVote().fit(X, np.searchsorted(clf.classes_, np.asarray(y)), len(clf.classes_))
    report(0.95)
    return RouterModel(
        labels=[str(c) for c in clf.classes_] if len(classes) > 1 else classes,
        vectorisers=vecs,
        classifier=clf,
        n_train=len(y),
        label_counts=dict(Counter(y)),
        blocks=list(blocks),
        neighbours=neighbours,
    )


# How many folds measure a committee's own history against the shipped data (``compare_sources``).
SOURCE_FOLDS = 3


def compare_sources(
    history: Sequence[tuple[str, str, str]], shipped: RouterModel | None, *, seed: int = 0
) -> dict[str, Any]:
    """Whether a committee's own decisions already route better than the shipped data mapped to its
    units, measured on those decisions: the shipped data's model (``shipped``) accuracy on them against the
    ``SOURCE_FOLDS``-fold cross-validated accuracy of models trained on them.

    A switch at a fixed number of decisions loses: in ``bench/routing_curve.py`` the first 50
    decisions routed worse (top-1 0.57) than the shipped data (0.70), and the history caught up only
    after some hundreds. Returns {"source": "history" | "shipped", "history_accuracy",
    "shipped_accuracy", "n_history"}.
    """
    n = len(history)
    out: dict[str, Any] = {"n_history": n}
    if shipped is None or n < SOURCE_FOLDS:
        out["source"] = "history" if n else "shipped"
        return out
    labels = [h[2] for h in history]
    guessed = shipped.predict([h[0] for h in history], [h[1] for h in history])
    shipped_acc = sum(g == y for g, y in zip(guessed, labels, strict=True)) / n
    order = list(range(n))
    random.Random(seed).shuffle(order)
    right = 0
    for k in range(SOURCE_FOLDS):
        test = order[k::SOURCE_FOLDS]
        train = [order[j] for j in range(n) if j % SOURCE_FOLDS != k]
        if len({labels[i] for i in train}) < 2:
            continue
        model = train_router([history[i][0] for i in train], [history[i][1] for i in train], [labels[i] for i in train])
        got = model.predict([history[i][0] for i in test], [history[i][1] for i in test])
        right += sum(g == labels[i] for g, i in zip(got, test, strict=True))
    history_acc = right / n
    out.update(
        source="history" if history_acc >= shipped_acc else "shipped",
        history_accuracy=round(history_acc, 4),
        shipped_accuracy=round(shipped_acc, 4),
    )
    return out
