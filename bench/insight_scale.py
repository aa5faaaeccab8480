"""Scale bench of the same-matter index (xieshang.insight.similarity.SimilarityIndex).

Builds an index over N generated texts (sentences of the shared messages recombined at random,
or synthetic Chinese text when the shared data is absent), then times queries of new texts and
incremental adds. Prints JSON lines. Baseline measured in the same run: brute-force cosine over
a 10k-document subset (dense scan of every document's vector), and the same query path on an
index of the 10k subset.

    .venv/bin/python bench/insight_scale.py --n 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xieshang.insight.similarity import SimilarityIndex  # noqa: E402


def sentences(data: Path) -> list[str]:
    out: list[str] = []
    for name in ("messageboard/hot_messages.csv", "routing/messages_dev.csv"):
        path = data / name
        if not path.is_file():
            continue
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for s in re.split(r"[。！？!?\n]", row.get("detail") or ""):
                    s = s.strip()
                    if 8 <= len(s) <= 120:
                        out.append(s)
    if not out:
        rng = random.Random(0)
        chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
        out = ["".join(rng.choice(chars) for _ in range(rng.randint(10, 40))) for _ in range(50000)]
    return out


def generate(pool: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    k = len(pool)
    return ["。".join(pool[rng.randrange(k)] for _ in range(rng.randint(2, 5))) for _ in range(n)]


def rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_queries(index: SimilarityIndex, queries: list[str]) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        index.query(q, top=10)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--data", default=os.environ.get("XIESHANG_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    parser.add_argument("--save", default="", help="also save the index to this path and report its file size")
    args = parser.parse_args()

    pool = sentences(Path(args.data))
    t = time.perf_counter()
    texts = generate(pool, args.n, seed=1)
    gen_s = time.perf_counter() - t
    queries = generate(pool, args.queries, seed=2)
    # half of the queries are edited copies of indexed texts (a repeat message), half are new
    rng = random.Random(3)
    queries = [(texts[rng.randrange(args.n)][5:] + "，请尽快处理") if i % 2 else q for i, q in enumerate(queries)]

    t = time.perf_counter()
    index = SimilarityIndex()
    index.build((i, title, text) for i, (title, text) in enumerate(texts_as_docs(texts)))
    build_s = time.perf_counter() - t
    p50, p95 = time_queries(index, queries)
    print(
        json.dumps(
            {
                "what": "index",
                "n": args.n,
                "generate_seconds": round(gen_s, 1),
                "build_seconds": round(build_s, 1),
                "index_mb": round(index.nbytes / 2**20, 1),
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "peak_rss_mb": round(rss_mb(), 1),
            }
        ),
        flush=True,
    )

    # incremental adds without rebuild
    new = generate(pool, 2000, seed=4)
    t = time.perf_counter()
    for i, text in enumerate(new):
        index.add(args.n + i, text)
    add_ms = (time.perf_counter() - t) * 1000 / len(new)
    hit = index.query(new[-1], top=1)
    p50a, p95a = time_queries(index, queries[:100])
    print(
        json.dumps(
            {
                "what": "incremental_add",
                "added": len(new),
                "add_ms_mean": round(add_ms, 3),
                "last_added_found": bool(hit and hit[0][0] == args.n + len(new) - 1),
                "p50_ms_after_add": round(p50a, 2),
                "p95_ms_after_add": round(p95a, 2),
            }
        ),
        flush=True,
    )
    if args.save:
        t = time.perf_counter()
        index.save(args.save)
        print(
            json.dumps(
                {
                    "what": "save",
                    "file_mb": round(Path(args.save).stat().st_size / 2**20, 1),
                    "seconds": round(time.perf_counter() - t, 1),
                }
            ),
            flush=True,
        )

    # baselines on a 10k subset, same run
    sub = texts[:10_000]
    small = SimilarityIndex().build((i, title, text) for i, (title, text) in enumerate(texts_as_docs(sub)))
    p50s, p95s = time_queries(small, queries)
    brute_times = []
    # brute force: score every document of the subset with its full vector
    rows = [small.vector("", s) for s in sub]
    for q in queries:
        t0 = time.perf_counter()
        qf, qw = small.vector("", q)
        qmap = dict(zip(qf.tolist(), qw.tolist(), strict=True))
        scores = [sum(qmap.get(f, 0.0) * w for f, w in zip(rf.tolist(), rw.tolist(), strict=True)) for rf, rw in rows]
        np.argsort(scores)[-10:]
        brute_times.append((time.perf_counter() - t0) * 1000)
    bp95 = float(np.percentile(brute_times, 95))
    print(
        json.dumps(
            {
                "what": "baseline_10k",
                "index_p50_ms": round(p50s, 2),
                "index_p95_ms": round(p95s, 2),
                "bruteforce_p50_ms": round(float(np.percentile(brute_times, 50)), 2),
                "bruteforce_p95_ms": round(bp95, 2),
                "ratio_bruteforce10k_p95_over_index_n_p95": round(bp95 / p95, 2) if p95 else None,
                "ratio_index_n_p95_over_index10k_p95": round(p95 / p95s, 2) if p95s else None,
            }
        ),
        flush=True,
    )


def texts_as_docs(texts: list[str]):  # type: ignore[no-untyped-def]
    for text in texts:
        yield ("", text)


if __name__ == "__main__":
    main()
