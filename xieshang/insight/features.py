"""Fast character n-gram features computed with numpy instead of per-n-gram Python loops.

An n-gram of up to three code points gets an exact 64-bit id (no collisions); ids of longer
n-grams are hashed. ``NgramTfidf`` keeps the ids seen in training as its vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

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


def count_rows(id_lists: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(indptr, unique ids, counts) of a batch of id arrays, ids sorted within each row."""
    indptr = np.zeros(len(id_lists) + 1, dtype=np.int64)
    uids: list[np.ndarray] = []
    cnts: list[np.ndarray] = []
    for i, ids in enumerate(id_lists):
        u, k = np.unique(ids, return_counts=True)
        uids.append(u)
        cnts.append(k)
        indptr[i + 1] = indptr[i] + len(u)
    if not uids:
        return indptr, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return indptr, np.concatenate(uids), np.concatenate(cnts)


class NgramTfidf:
    """TF-IDF over character n-grams with sublinear tf and l2-normalised rows (like sklearn's)."""

    def __init__(self, sizes: Sequence[int] = (1, 2, 3), min_df: int = 1) -> None:
        self.sizes = tuple(sizes)
        self.min_df = min_df
        self.vocab = np.zeros(0, dtype=np.int64)
        self.idf = np.zeros(0, dtype=np.float32)

    def fit_transform(self, docs: Sequence[str]) -> csr_matrix:
        indptr, ids, counts = count_rows([ngram_ids(d, self.sizes) for d in docs])
        vocab, df = np.unique(ids, return_counts=True)
        keep = df >= self.min_df
        self.vocab = vocab[keep]
        n = len(docs)
        self.idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
        return self._matrix(indptr, ids, counts)

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        indptr, ids, counts = count_rows([ngram_ids(d, self.sizes) for d in docs])
        return self._matrix(indptr, ids, counts)

    @property
    def n_features(self) -> int:
        return len(self.vocab)

    def _matrix(self, indptr: np.ndarray, ids: np.ndarray, counts: np.ndarray) -> csr_matrix:
        n_rows = len(indptr) - 1
        if len(self.vocab) == 0:
            return csr_matrix((n_rows, 1), dtype=np.float32)
        pos = np.searchsorted(self.vocab, ids)
        pos_c = np.minimum(pos, len(self.vocab) - 1)
        found = self.vocab[pos_c] == ids
        rows = np.repeat(np.arange(n_rows), np.diff(indptr))[found]
        cols = pos_c[found]
        vals = ((1 + np.log(counts[found])) * self.idf[cols]).astype(np.float32)
        m = csr_matrix((vals, (rows, cols)), shape=(n_rows, len(self.vocab)), dtype=np.float32)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        inv = (1.0 / norms).astype(np.float32)
        m.data *= np.repeat(inv, np.diff(m.indptr))
        return m
