"""Web benchmark: the unit workbench and the dispatcher queue against a hello-world view.

One command (``./bench/run web --items 100000``):
1. a throwaway PostgreSQL cluster (initdb/pg_ctl, as an unprivileged user when run as root, on a
   free loopback port, removed at the end), or the database in DATABASE_URL if given;
2. N items with their assignments, messages and replies (bulk_create), then VACUUM ANALYZE;
3. gunicorn with bench.settings (DEBUG off, /bench/hello on) on a free 127.0.0.1 port;
4. sessions for a dispatcher and for the staff of the busiest unit;
5. per page, a fixed-time load at C connections (wrk, or a bounded Python generator without it).

Prints one JSON object per page on stdout: page, requests_per_second, p50_ms, p95_ms,
hello_requests_per_second, ratio (= rps / hello rps) and context; progress goes to stderr.
With --runs R, the figures are the medians of R rounds (each round measures hello and every page).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from pg import HOST, PY, ROOT, Postgres, django_env, free_port, log, manage

TARGETS = {"ratio": 0.25, "p95_ms": 50.0}


# --- the server ---------------------------------------------------------------------------------


def webdata(env: dict[str, str], *args: str, capture: bool = False) -> str:
    r = subprocess.run(
        [PY, str(ROOT / "bench" / "webdata.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return r.stdout or ""


class Server:
    def __init__(self, env: dict[str, str], workers: int, work: Path) -> None:
        self.port = free_port()
        self.log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--backlog",
                "256",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.base = f"http://{HOST}:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {work / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        log(f"gunicorn, {workers} workers, on {self.base}")
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# A browser that has loaded one page sends its CSRF cookie with every later request; without it
# Django would make and set a new one on every response, which no real session does.
CSRF_COOKIE = secrets.token_hex(16)


def cookie(session: str) -> str:
    return f"sessionid={session}; csrftoken={CSRF_COOKIE}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_page(base: str, url: str, session: str) -> int:
    """One request before the load: the page must answer 200 to this session, not a redirect to login."""
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(base + url, headers={"Cookie": cookie(session)})
    try:
        with opener.open(req, timeout=30) as r:
            body = r.read()
            if r.status != 200:
                raise SystemExit(f"{url} answered {r.status}")
            return len(body)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{url} answered {e.code} for the benchmark session") from None


# --- load generators ----------------------------------------------------------------------------


def load_wrk(base: str, url: str, session: str, connections: int, duration: int) -> dict[str, float]:
    threads = min(2, connections)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-H",
        f"Cookie: {cookie(session)}",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
        base + url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    m = re.search(r"^WRK_JSON (.*)$", out, flags=re.M)
    if not m:
        raise SystemExit(f"wrk printed no report:\n{out}")
    raw = json.loads(m.group(1))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["non_2xx_3xx"] + raw["socket_errors"],
    }


def load_python(base: str, url: str, session: str, connections: int, duration: int) -> dict[str, float]:
    """A bounded threaded generator: C threads, each one request at a time, for ``duration`` seconds."""
    port = int(base.rsplit(":", 1)[1])
    stop_at = time.monotonic() + duration
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        mine: list[float] = []
        while time.monotonic() < stop_at and len(mine) < 1_000_000:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            t = time.perf_counter()
            try:
                conn.request("GET", url, headers={"Cookie": cookie(session)})
                r = conn.getresponse()
                r.read()
                if r.status >= 400:
                    with lock:
                        errors[0] += 1
                if r.will_close:
                    conn.close()
                    conn = None
            except OSError:
                with lock:
                    errors[0] += 1
                conn = None
                continue
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(connections)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else 0.0

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": errors[0],
    }


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/run web", description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument(
        "--proposals", type=int, default=0, help="also seed N proposals (pages proposal-review, -unit, -search)"
    )
    ap.add_argument("--duration", type=int, default=10, help="seconds per page and round (max 60)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers (2-4 on this machine)")
    ap.add_argument("--runs", type=int, default=1, help="rounds; the figures are medians")
    ap.add_argument("--pages", default="workbench,queue", help="comma-separated: workbench, queue, api-items, ...")
    ap.add_argument("--explain", action="store_true", help="print each page's queries and plans to stderr")
    ap.add_argument("--profile", action="store_true", help="profile each page in-process (cProfile, stderr), no load")
    ap.add_argument(
        "--cold",
        action="store_true",
        help="pages reuse nothing loaded before (as if every request followed a commit)",
    )
    ap.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="keep the PostgreSQL cluster in DIR and reuse it (and its seeded items) on the next run",
    )
    args = ap.parse_args()
    if not (1 <= args.duration <= 60 and 1 <= args.connections <= 64 and 1 <= args.runs <= 5):
        ap.error("duration 1-60 s, connections 1-64, runs 1-5")
    if not (1 <= args.workers <= 8 and 1 <= args.items <= 2_000_000 and 0 <= args.proposals <= 1_000_000):
        ap.error("workers 1-8, items up to 2,000,000, proposals up to 1,000,000")
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    load = load_wrk if generator == "wrk" else load_python

    work = Path(tempfile.mkdtemp(prefix="xieshang-bench."))
    (work / "var").mkdir()
    pg: Postgres | None = None
    server: Server | None = None

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url:
            pg = Postgres(args.keep)
            database_url = pg.start()
        env = django_env(database_url, work)
        if args.cold:
            env["XIESHANG_BENCH_COLD"] = "1"
        log("migrate, collectstatic")
        manage(env, "migrate", "-v0")
        if not (ROOT / "static" / "vendor" / "htmx.min.js").exists():
            manage(env, "vendor_assets", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        log(f"seeding {args.items} items")
        webdata(env, "seed", str(args.items))
        if args.proposals:
            log(f"seeding {args.proposals} proposals")
            webdata(env, "seed-proposals", str(args.proposals))
        if args.keep:
            # A kept cluster has been through earlier runs' migrations and loads: fresh statistics.
            webdata(env, "analyze")
        info = json.loads(webdata(env, "sessions", capture=True))
        log(
            f"{info['items']} items; {info['pending_items']} waiting in the queue; unit {info['unit']}: "
            f"{info['unit_assignments']} assignments, {info['unit_open_assignments']} open"
        )
        if info.get("proposals"):
            log(
                f"{info['proposals']} proposals; {info['proposals_submitted']} waiting for review; "
                f"{info['proposals_of_unit']} assigned to the unit"
            )
        pages = info["pages"]
        wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
        missing = [p for p in wanted if p not in pages]
        if missing:
            log(f"not available: {', '.join(missing)}; measuring the API lists instead")
            wanted = [p for p in wanted if p in pages] or ["api-assignments", "api-items"]
        if args.explain:
            webdata(env, "explain", *wanted)
        if args.profile:
            webdata(env, "profile", *wanted)
            return 0
        server = Server(env, args.workers, work)
        sessions = info["sessions"]
        for name in ["hello", *wanted]:
            url, who = pages[name]
            size = check_page(server.base, url, sessions[who])
            log(f"{name}: {url} answers 200 ({size} bytes); warming up")
            load(server.base, url, sessions[who], args.connections, 2)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in ["hello", *wanted]}
        for r in range(args.runs):
            for name in rounds:
                url, who = pages[name]
                result = load(server.base, url, sessions[who], args.connections, args.duration)
                rounds[name].append(result)
                log(
                    f"round {r + 1}/{args.runs} {name}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
                    f"p95 {result['p95_ms']:.1f} ms, errors {result['errors']}"
                )

        def med(name: str, key: str) -> float:
            return statistics.median(x[key] for x in rounds[name])

        hello_rps = med("hello", "rps")
        for name in wanted:
            rps, p95 = med(name, "rps"), med(name, "p95_ms")
            ratio = rps / hello_rps if hello_rps else 0.0
            print(
                json.dumps(
                    {
                        "page": name,
                        "url": pages[name][0],
                        "requests_per_second": round(rps, 1),
                        "p50_ms": round(med(name, "p50_ms"), 2),
                        "p95_ms": round(p95, 2),
                        "p99_ms": round(med(name, "p99_ms"), 2),
                        "hello_requests_per_second": round(hello_rps, 1),
                        "hello_p95_ms": round(med("hello", "p95_ms"), 2),
                        "ratio": round(ratio, 3),
                        "meets_targets": ratio >= TARGETS["ratio"] and p95 <= TARGETS["p95_ms"],
                        "errors": int(sum(x["errors"] for x in rounds[name])),
                        "items": info["items"],
                        **({"proposals": info["proposals"]} if info.get("proposals") else {}),
                        "connections": args.connections,
                        "duration_s": args.duration,
                        "runs": args.runs,
                        "workers": args.workers,
                        "generator": generator,
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if server is not None:
            server.stop()
        if pg is not None:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
