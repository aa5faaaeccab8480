"""Routing bench: k-fold CV macro-F1, per-class F1 and confusion matrix of the insight router,
then training time, predictions per second and peak RSS of one fit on the whole labelled file.

    .venv/bin/python bench/insight_routing.py [--data ../shared/data/routing/messages_dev.csv] [--folds 5]

Prints JSON lines. Uses the same code as ``manage.py route_eval`` (xieshang.insight.routing).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from xieshang.insight.routing import train_router  # noqa: E402


def main() -> None:
    default = Path(os.environ.get("XIESHANG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "routing"
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(default / "messages_dev.csv"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    with open(args.data, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("label")]
    titles = [r["title"] for r in rows]
    texts = [r["detail"] for r in rows]
    y = np.array([r["label"] for r in rows])

    start = time.perf_counter()
    model = train_router(titles, texts, list(y))
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(titles, texts)
    pred_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "what": "fit_all",
                "n_train": len(y),
                "train_seconds": round(train_s, 2),
                "predict_per_second": round(len(y) / pred_s, 1),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )

    labels = sorted(set(y))
    pred = np.empty(len(y), dtype=object)
    fold_f1 = []
    for tr, te in StratifiedKFold(args.folds, shuffle=True, random_state=0).split(texts, y):
        m = train_router([titles[i] for i in tr], [texts[i] for i in tr], list(y[tr]))
        p = m.predict([titles[i] for i in te], [texts[i] for i in te])
        pred[te] = p
        fold_f1.append(f1_score(y[te], p, average="macro"))
    per_class = f1_score(y, pred.astype(str), labels=labels, average=None)
    print(
        json.dumps(
            {
                "what": f"cv{args.folds}",
                "macro_f1_mean": round(float(np.mean(fold_f1)), 4),
                "macro_f1_folds": [round(float(f), 4) for f in fold_f1],
                "accuracy": round(float(np.mean(pred.astype(str) == y)), 4),
                "per_class_f1": {lab: round(float(f), 4) for lab, f in zip(labels, per_class, strict=True)},
                "labels": labels,
                "confusion_matrix": confusion_matrix(y, pred.astype(str), labels=labels).tolist(),
            },
            ensure_ascii=False,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
