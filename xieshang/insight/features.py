"""Text features: fast character n-grams computed with numpy instead of per-n-gram Python loops,
and TF-IDF over words.

An n-gram of up to three code points gets an exact 64-bit id (no collisions); ids of longer
n-grams are hashed. ``NgramTfidf`` keeps the ids seen in training as its vocabulary.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable, Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

_M = np.int64(0x110000)  # number of Unicode code points
_OFF2 = _M
_OFF3 = _M + _M * _M
_MIX = np.uint64(0x9E3779B97F4A7C15)


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` as int64."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def ngram_ids(text: str, sizes: Sequence[int] = (1, 2, 3)) -> np.ndarray:
    """Ids of all overlapping n-grams of ``text`` for the given sizes (with repeats)."""
    c = codepoints(text)
    n = len(c)
    parts = []
    for size in sizes:
        if n < size:
            continue
        if size == 1:
            parts.append(c)
        elif size == 2:
            parts.append(_OFF2 + c[:-1] * _M + c[1:])
        elif size == 3:
            parts.append(_OFF3 + (c[:-2] * _M + c[1:-1]) * _M + c[2:])
        else:
            h = np.zeros(n - size + 1, dtype=np.uint64)
            with np.errstate(over="ignore"):
                for k in range(size):
                    h = (h ^ c[k : n - size + 1 + k].astype(np.uint64)) * _MIX
                h ^= np.uint64(size) << np.uint64(60)
            parts.append((h >> np.uint64(1)).astype(np.int64))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts)


def hash_ids(ids: np.ndarray, bits: int) -> np.ndarray:
    """Map 64-bit n-gram ids to ``bits``-bit feature numbers (multiplicative hashing)."""
    with np.errstate(over="ignore"):
        h = ids.astype(np.uint64) * _MIX
    return (h >> np.uint64(64 - bits)).astype(np.int64)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_memory() -> None:
    """Give the heap's free pages back to the system (glibc; elsewhere nothing happens).

    Building features allocates and frees many arrays. glibc raises its mmap threshold after the
    first large one is freed, so later ones come from the heap, and the freed pages stay in the
    process, counted against training: 128 MB of free heap after the 1-3-gram routing features of
    the 5,492 shipped messages, 55 MB after the 1-2-gram ones.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class NgramTfidf:
    """TF-IDF over character n-grams with sublinear tf and l2-normalised rows (like sklearn's).

    Rows are built in chunks straight into CSR arrays (int32 indices, float32 values) to keep
    peak memory low.
    """

    CHUNK = 1000

    def __init__(self, sizes: Sequence[int] = (1, 2, 3), min_df: int = 1) -> None:
        self.sizes = tuple(sizes)
        self.min_df = min_df
        self.vocab = np.zeros(0, dtype=np.int64)
        self.idf = np.zeros(0, dtype=np.float32)

    def _counts(self, docs: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [np.unique(ngram_ids(d, self.sizes), return_counts=True) for d in docs]

    def fit_transform(self, docs: Sequence[str]) -> csr_matrix:
        rows = self._counts(docs)
        all_ids = np.concatenate([u for u, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
        vocab, df = np.unique(all_ids, return_counts=True)
        del all_ids
        keep = df >= self.min_df
        self.vocab = vocab[keep]
        n = len(docs)
        self.idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        return self._matrix(rows)

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        return self._matrix(self._counts(docs))

    @property
    def n_features(self) -> int:
        return len(self.vocab)

    def _matrix(self, rows: list[tuple[np.ndarray, np.ndarray]]) -> csr_matrix:
        n_rows = len(rows)
        n_cols = max(1, len(self.vocab))
        lengths = np.zeros(n_rows, dtype=np.int64)
        indices: list[np.ndarray] = []
        data: list[np.ndarray] = []
        for start in range(0, n_rows, self.CHUNK):
            chunk = rows[start : start + self.CHUNK]
            lens = np.array([len(u) for u, _ in chunk], dtype=np.int64)
            if len(self.vocab) == 0 or lens.sum() == 0:
                continue
            ids = np.concatenate([u for u, _ in chunk])
            counts = np.concatenate([k for _, k in chunk])
            pos = np.minimum(np.searchsorted(self.vocab, ids), len(self.vocab) - 1)
            found = self.vocab[pos] == ids
            row_of = np.repeat(np.arange(len(chunk)), lens)[found]
            cols = pos[found].astype(np.int32)
            vals = ((1 + np.log(counts[found])) * self.idf[cols]).astype(np.float32)
            sq = np.bincount(row_of, weights=vals.astype(np.float64) ** 2, minlength=len(chunk))
            norms = np.sqrt(sq)
            norms[norms == 0] = 1
            vals /= norms[row_of].astype(np.float32)
            lengths[start : start + len(chunk)] = np.bincount(row_of, minlength=len(chunk))
            indices.append(cols)
            data.append(vals)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        ind = np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32)
        dat = np.concatenate(data) if data else np.zeros(0, dtype=np.float32)
        return csr_matrix((dat, ind, indptr), shape=(n_rows, n_cols), dtype=np.float32)


class WordTfidf:
    """TF-IDF over the words ``analyzer`` gives (scikit-learn's ``TfidfVectorizer``): sublinear tf,
    l2-normalised float32 rows, the same idf as ``NgramTfidf``. With no word seen in ``min_df``
    training texts it has one empty column, as ``NgramTfidf`` does."""

    def __init__(self, analyzer: Callable[[str], list[str]], min_df: int = 1) -> None:
        self.analyzer = analyzer
        self.min_df = min_df
        self.vectorizer: TfidfVectorizer | None = None

    def fit_transform(self, docs: Sequence[str]) -> csr_matrix:
        vectorizer = TfidfVectorizer(analyzer=self.analyzer, sublinear_tf=True, min_df=self.min_df, dtype=np.float32)
        try:
            X = vectorizer.fit_transform(docs)
        except ValueError:  # no word in min_df of the texts: nothing to learn from
            self.vectorizer = None
            return self.transform(docs)
        # the words left out by min_df are kept for introspection only; the saved model needs none
        if hasattr(vectorizer, "stop_words_"):
            vectorizer.stop_words_ = None
        self.vectorizer = vectorizer
        return csr_matrix(X, dtype=np.float32)

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        if self.vectorizer is None:
            return csr_matrix((len(docs), 1), dtype=np.float32)
        return csr_matrix(self.vectorizer.transform(docs), dtype=np.float32)

    @property
    def n_features(self) -> int:
        return len(self.vectorizer.vocabulary_) if self.vectorizer is not None else 1
