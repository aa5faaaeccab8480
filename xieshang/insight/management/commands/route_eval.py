from __future__ import annotations

import resource
import time
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from sklearn.metrics import accuracy_score, f1_score

from ...documents import CorpusError, read_labelled
from ...routing import train_router
from ._common import dumps


class Command(BaseCommand):
    help = "在 A 上训练交办模型并在 B 上评估（CSV 列 id,title,detail,label），输出一行 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True)
        parser.add_argument("--test", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            _, t_titles, t_texts, t_labels = read_labelled(opts["train"])
            _, e_titles, e_texts, e_labels = read_labelled(opts["test"])
        except CorpusError as exc:
            raise CommandError(str(exc)) from exc
        start = time.perf_counter()
        try:
            model = train_router(t_titles, t_texts, t_labels)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        train_seconds = time.perf_counter() - start
        start = time.perf_counter()
        pred = model.predict(e_titles, e_texts)
        predict_seconds = time.perf_counter() - start
        y = np.array(e_labels)
        result = {
            "macro_f1": round(float(f1_score(y, pred, average="macro", zero_division=0)), 4),
            "accuracy": round(float(accuracy_score(y, pred)), 4),
            "n_train": model.n_train,
            "n_test": len(e_labels),
            "train_seconds": round(train_seconds, 2),
            "predict_per_second": round(len(e_labels) / predict_seconds, 1) if predict_seconds else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        self.stdout.write(dumps(result))
