"""Same-matter evaluator: recall@5, precision of the top min(group - 1, 10) and B-cubed F1 of the
``matters`` groups on a gold CSV (matter_id, matter_label, 留言编号, role), with the same code the
platform and ``manage.py similar`` / ``manage.py matters`` use.

    .venv/bin/python bench/insight_samematter.py \
        --corpus ../shared/data/messageboard/hot_messages.csv \
        --gold ../shared/data/messageboard/samematter_dev.csv

Prints one JSON object; see xieshang/insight/evaluation.py for the definitions ("judged" drops
messages the gold file does not label from each ranking; "strict" counts them as wrong). In the
same run, ``baseline`` holds the plain method the issue quotes for scale: scikit-learn character
2-3-gram TF-IDF cosine over title and text, its groups the connected components of the pairs
with cosine >= t among each message's 10 nearest, for several t (the best t on the gold file, so
the comparison favours the baseline); ``ratio`` divides the platform's figures by it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(USE_TZ=True, TIME_ZONE="Asia/Shanghai")

from xieshang.insight.documents import Doc, read_corpus  # noqa: E402
from xieshang.insight.evaluation import RANK_DEPTH, Gold, bcubed, ranking_metrics, read_gold, same_matter_report  # noqa: E402

THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)


def plain_baseline(docs: Sequence[Doc], gold: Gold) -> dict[str, float]:
    ids = [str(d.id) for d in docs]
    X = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit_transform([f"{d.title} {d.text}" for d in docs])
    S = (X @ X.T).toarray()
    np.fill_diagonal(S, -1)
    order = np.argsort(-S, axis=1)[:, :RANK_DEPTH]
    ranked = {ids[i]: [ids[j] for j in order[i]] for i in range(len(ids))}
    result = {k: round(v, 4) for k, v in ranking_metrics(gold, lambda i: ranked.get(i, [])).items()}
    near = order[:, :10]
    best: dict[str, float] = {}
    for t in THRESHOLDS:
        rows = np.repeat(np.arange(len(ids)), near.shape[1])
        cols = near.ravel()
        keep = S[rows, cols] >= t
        graph = coo_matrix((np.ones(int(keep.sum())), (rows[keep], cols[keep])), shape=S.shape)
        _n, comp = connected_components(graph, directed=False)
        groups: dict[int, list[str]] = {}
        for i, c in enumerate(comp):
            groups.setdefault(int(c), []).append(ids[i])
        scores = bcubed(gold, [g for g in groups.values() if len(g) > 1])
        result[f"bcubed_f1_t{t}"] = round(scores["bcubed_f1"], 4)
        if scores["bcubed_f1"] > best.get("bcubed_f1", -1):
            best = scores
    result["bcubed_f1"] = round(best["bcubed_f1"], 4)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--gold", required=True)
    args = parser.parse_args()
    docs = read_corpus(args.corpus)
    gold = read_gold(args.gold)
    start = time.perf_counter()
    result: dict[str, float | int] = dict(same_matter_report(docs, gold))
    result["seconds"] = round(time.perf_counter() - start, 1)
    base = plain_baseline(docs, gold)
    result["baseline"] = base  # type: ignore[assignment]
    result["ratio"] = {k: round(result[k] / base[k], 3) for k in base if k in result and base[k]}  # type: ignore[assignment]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
