"""Routing bench: training time, predictions per second and peak RSS of one fit on the whole
labelled file, then k-fold CV macro-F1, per-class F1 and confusion matrix of the insight router.
On the same folds it measures three baselines and prints the router's gain over each: the plain
model of the issue (sklearn character 1-3-gram TF-IDF + LinearSVC), one class-balanced
LinearSVC on the router's own features (the router without naive-Bayes scaling), the
router's own margins without the neighbour vote, and the router without its word block.

    .venv/bin/python bench/insight_routing.py [--data ../shared/data/routing/messages_dev.csv] [--folds 5] [--seed 0]

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

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import confusion_matrix, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from xieshang.insight.routing import BLOCKS, SVM_C, _features, train_router  # noqa: E402


def main() -> None:
    default = Path(os.environ.get("XIESHANG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "routing"
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(default / "messages_dev.csv"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
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
    plain_f1 = []
    same_features_f1 = []
    margins_only_f1 = []
    without_words_f1 = []
    characters_only = [b for b in BLOCKS if b[0] != "words"]
    joined = [f"{t} {d}" for t, d in zip(titles, texts, strict=True)]
    for tr, te in StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(texts, y):
        tr_titles, tr_texts = [titles[i] for i in tr], [texts[i] for i in tr]
        te_titles, te_texts = [titles[i] for i in te], [texts[i] for i in te]
        m = train_router(tr_titles, tr_texts, list(y[tr]))
        p = m.predict(te_titles, te_texts)
        pred[te] = p
        fold_f1.append(f1_score(y[te], p, average="macro"))
        X_tr = _features(m.vectorisers, tr_titles, tr_texts, fit=False, blocks=BLOCKS)
        X_te = _features(m.vectorisers, te_titles, te_texts, fit=False, blocks=BLOCKS)
        margins = m.classifier.decision_function(X_te)
        margins_only_f1.append(f1_score(y[te], np.asarray(m.labels)[margins.argmax(axis=1)], average="macro"))
        m_chars = train_router(tr_titles, tr_texts, list(y[tr]), blocks=characters_only)
        without_words_f1.append(f1_score(y[te], m_chars.predict(te_titles, te_texts), average="macro"))
        svm = LinearSVC(C=SVM_C, class_weight="balanced").fit(X_tr, y[tr])
        same_features_f1.append(f1_score(y[te], svm.predict(X_te), average="macro"))
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        plain = LinearSVC().fit(vec.fit_transform([joined[i] for i in tr]), y[tr])
        plain_f1.append(f1_score(y[te], plain.predict(vec.transform([joined[i] for i in te])), average="macro"))
    mean = float(np.mean(fold_f1))
    per_class = f1_score(y, pred.astype(str), labels=labels, average=None)
    print(
        json.dumps(
            {
                "what": f"cv{args.folds}",
                "seed": args.seed,
                "macro_f1_mean": round(mean, 4),
                "baseline_plain_char13_svc": round(float(np.mean(plain_f1)), 4),
                "gain_over_plain": round(mean - float(np.mean(plain_f1)), 4),
                "baseline_same_features_linear_svc": round(float(np.mean(same_features_f1)), 4),
                "gain_over_same_features": round(mean - float(np.mean(same_features_f1)), 4),
                "baseline_without_neighbour_vote": round(float(np.mean(margins_only_f1)), 4),
                "gain_over_without_neighbour_vote": round(mean - float(np.mean(margins_only_f1)), 4),
                "baseline_without_words": round(float(np.mean(without_words_f1)), 4),
                "gain_over_without_words": round(mean - float(np.mean(without_words_f1)), 4),
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
