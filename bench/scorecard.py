"""Scorecard benchmark: one committee-year's whole scorecard over C committees × Y years of records.

One command (``./bench/run scorecard --committees 150 --years 10``):
1. a throwaway PostgreSQL cluster (bench/pg.py, as for the web benchmark), or the one kept in ``--keep DIR``;
2. the demo committee-year through the real services (``seed_demo``), then copied in SQL to C
   committees × Y years (bench/scorecard_data.py), then VACUUM ANALYZE; a kept cluster skips this;
3. warm: in one process, the scorecard of the middle committee's middle year (every indicator and
   the year before) once, then ``--runs`` more times: the median; beside it, in the same process, a
   ``SELECT 1`` round trip and the same computation for a committee without records (the baselines);
4. cold: ``--cold-runs`` times, the PostgreSQL server process is restarted and a fresh Python
   process sets Django up, connects and computes the scorecard once: the median of the computation
   (``cold_ms``, connection included) and of the whole process (``cold_process_ms``);
5. write overhead: the loop's transitions with the indexes the scorecard added and without them
   (dropped inside a transaction that is rolled back), medians.

Prints one JSON line on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pg import PY, ROOT, Postgres, django_env, log, manage

TARGETS = {"warm_ms": 100.0, "cold_ms": 1000.0}
DATA = str(ROOT / "bench" / "scorecard_data.py")


def data(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run([PY, DATA, *args], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE).stdout
    return json.loads(out.strip().splitlines()[-1])


def psql_count(env: dict[str, str]) -> int:
    """Rows in every table (the planner's live-row counts, fresh after ANALYZE)."""
    out = subprocess.run(
        [
            PY,
            "-c",
            "import os,sys; sys.path.insert(0, '.'); os.environ.setdefault('DJANGO_SETTINGS_MODULE','bench.settings');"
            "import django; django.setup(); from django.db import connection; c = connection.cursor();"
            "c.execute('SELECT sum(n_live_tup) FROM pg_stat_user_tables'); print(int(c.fetchone()[0] or 0))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    return int(out.strip())


def has_demo(env: dict[str, str]) -> bool:
    code = (
        "import os,sys; sys.path.insert(0, '.'); os.environ.setdefault('DJANGO_SETTINGS_MODULE','bench.settings');"
        "import django; django.setup(); from xieshang.organisations.models import Committee;"
        "print(Committee.objects.filter(slug='chancheng').exists())"
    )
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE).stdout
    return out.strip() == "True"


def sql(env: dict[str, str], statement: str) -> None:
    code = (
        "import os,sys; sys.path.insert(0, '.'); os.environ.setdefault('DJANGO_SETTINGS_MODULE','bench.settings');"
        "import django; django.setup(); from django.db import connection;"
        f"connection.cursor().execute({statement!r})"
    )
    subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True)


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/run scorecard", description=__doc__.split("\n")[0])
    ap.add_argument("--committees", type=int, default=150)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--runs", type=int, default=21, help="warm computations after the first; the median")
    ap.add_argument("--cold-runs", type=int, default=5, help="server restarts + fresh processes; the median")
    ap.add_argument("--writes", type=int, default=30, help="rounds of the loop's transitions, each way")
    ap.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="keep the PostgreSQL cluster (and the seeded records) in DIR and reuse it on the next run",
    )
    args = ap.parse_args()
    if not (1 <= args.committees <= 1000 and 2 <= args.years <= 10):
        ap.error("committees 1-1000, years 2-10")
    if not (1 <= args.runs <= 500 and 1 <= args.cold_runs <= 20 and 1 <= args.writes <= 1000):
        ap.error("runs 1-500, cold runs 1-20, writes 1-1000")
    size = f"{args.committees}x{args.years}"
    work = Path(tempfile.mkdtemp(prefix="xieshang-bench."))
    (work / "var").mkdir()
    pg: Postgres | None = None

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        pg = Postgres(args.keep)
        env = django_env(pg.start(), work)
        marker = pg.dir / "scorecard.json"
        seeded = json.loads(marker.read_text()) if marker.exists() else None
        if seeded and seeded["size"] != size:
            raise SystemExit(f"{pg.dir} holds {seeded['size']} committee-years; use another --keep DIR for {size}.")
        log("migrate")
        manage(env, "migrate", "-v0")
        if not seeded:
            t = time.monotonic()
            if has_demo(env):
                log("the demo committee-year is there already (a run stopped before copying it)")
            else:
                log("seed_demo: the demo committee-year through the services (about 5 min)")
                manage({**env, "XIESHANG_BENCH_DEMO": "1"}, "seed_demo", "--quiet-logins")
            log(f"demo year ready after {time.monotonic() - t:.0f} s; copying it to {size} committee-years")
            t2 = time.monotonic()
            copied = data(env, "copy", str(args.committees), str(args.years))["copied"]
            log(f"copied {copied:,} rows in {time.monotonic() - t2:.0f} s; VACUUM ANALYZE")
            sql(env, "VACUUM ANALYZE")
            seeded = {"size": size, "seconds": round(time.monotonic() - t)}
            if args.keep:
                marker.write_text(json.dumps(seeded))
        else:
            log(f"{size} committee-years kept from an earlier run; ANALYZE")
            sql(env, "ANALYZE")
        rows = psql_count(env)
        log(f"{rows:,} rows; load average {os.getloadavg()}")
        load_before = os.getloadavg()[0]
        warm = data(env, "warm", str(args.committees), str(args.years), str(args.runs))
        log(
            f"warm: first {warm['first_ms']} ms, median {warm['warm_ms']} ms, {warm['queries']} queries; "
            f"SELECT 1 {warm['select1_ms']} ms; no records {warm['empty_committee_ms']} ms"
        )
        colds = []
        for i in range(args.cold_runs):
            pg.restart()
            t = time.perf_counter()
            one = data(env, "cold", str(args.committees), str(args.years))
            one["process_ms"] = round((time.perf_counter() - t) * 1000, 1)
            colds.append(one)
            log(f"cold {i + 1}/{args.cold_runs}: {one}")
        writes = data(env, "writes", str(args.committees), str(args.years), str(args.writes))
        log(f"writes: {writes}")
        warm_ms = warm["warm_ms"]
        cold_ms = statistics.median(c["cold_ms"] for c in colds)
        result = {
            "rows": rows,
            "warm_ms": warm_ms,
            "cold_ms": cold_ms,
            "write_overhead_pct": writes["overhead_pct"],
            "cold_process_ms": statistics.median(c["process_ms"] for c in colds),
            "cold_setup_ms": statistics.median(c["setup_ms"] for c in colds),
            "queries": warm["queries"],
            "select1_ms": warm["select1_ms"],
            "warm_ratio_to_select1": round(warm_ms / warm["select1_ms"], 1) if warm["select1_ms"] else None,
            "empty_committee_ms": warm["empty_committee_ms"],
            "warm_ratio_to_empty": round(warm_ms / warm["empty_committee_ms"], 2)
            if warm["empty_committee_ms"]
            else None,
            "write_ms_with": writes["with_ms"],
            "write_ms_without": writes["without_ms"],
            "meets_targets": warm_ms <= TARGETS["warm_ms"] and cold_ms <= TARGETS["cold_ms"],
            "committee": warm["committee"],
            "year": warm["year"],
            "committees": args.committees,
            "years": args.years,
            "runs": args.runs,
            "cold_runs": args.cold_runs,
            "load_average": round(load_before, 2),
        }
        print(json.dumps(result, ensure_ascii=False), flush=True)
        log(f"figures of {warm['committee']} {warm['year']}: {json.dumps(warm['figures'], ensure_ascii=False)}")
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
