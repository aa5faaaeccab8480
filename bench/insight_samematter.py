"""Same-matter evaluator: recall@5, precision of the top min(group - 1, 10) and B-cubed F1 of the
``matters`` groups on a gold CSV (matter_id, matter_label, 留言编号, role), with the same code the
platform and ``manage.py similar`` / ``manage.py matters`` use.

    .venv/bin/python bench/insight_samematter.py \
        --corpus ../shared/data/messageboard/hot_messages.csv \
        --gold ../shared/data/messageboard/samematter_dev.csv

Prints one JSON object; see xieshang/insight/evaluation.py for the definitions ("judged" drops
messages the gold file does not label from each ranking; "strict" counts them as wrong).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(USE_TZ=True, TIME_ZONE="Asia/Shanghai")

from xieshang.insight.documents import read_corpus  # noqa: E402
from xieshang.insight.evaluation import read_gold, same_matter_report  # noqa: E402


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
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
