"""What every benchmark shares: a throwaway PostgreSQL cluster and the Django environment of its runs.

``Postgres`` starts a cluster in a temporary folder (or in ``--keep DIR``, kept and reused by the next
run), as an unprivileged user when run as root, on a free loopback port; ``django_env`` and
``manage`` run the project's commands against it with the benchmark settings.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"
PG_USER = "xieshang-pg"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --- PostgreSQL ------------------------------------------------------------------------------


class Postgres:
    """A throwaway cluster in a temporary folder; stop() removes it.

    With ``keep``, the cluster lives in that folder and outlives the run: the next run with the same
    folder starts it again and finds the seeded data, so a change can be measured in a minute
    instead of reseeding 100,000 items.
    """

    def __init__(self, keep: Path | None = None) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
        if not bins:
            raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), and DATABASE_URL is not set.")
        self.bin = bins[-1].parent
        self.keep = keep
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            self.dir = keep.resolve()
        else:
            self.dir = Path(tempfile.mkdtemp(prefix="xieshang-bench-pg."))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> str:
        if self.as_root:
            try:
                pwd.getpwnam(PG_USER)
            except KeyError:
                subprocess.run(
                    ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER], check=True
                )
            shutil.chown(self.dir, user=PG_USER)
        data = self.dir / "data"
        fresh = not (data / "PG_VERSION").exists()
        if fresh:
            self._run(
                self.bin / "initdb", "-D", data, "-U", "xieshang", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
            )
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=256MB -c max_connections=50"
        )
        self.options = options
        self._run(
            self.bin / "pg_ctl", "-D", data, "-l", self.dir / "server.log", "-w", "-t", "60", "-o", options, "start"
        )
        self.started = True
        if fresh:
            self._run(self.bin / "createdb", "-h", HOST, "-p", str(self.port), "-U", "xieshang", "xieshang")
        version = subprocess.run([self.bin / "postgres", "--version"], capture_output=True, text=True).stdout.strip()
        log(f"{version} on {HOST}:{self.port} ({self.dir}{'' if fresh else ', kept from an earlier run'})")
        return f"postgres://xieshang@{HOST}:{self.port}/xieshang"

    def restart(self) -> None:
        """Stop the server process and start it again (its shared buffers empty, every connection new)."""
        self._run(
            self.bin / "pg_ctl",
            *("-D", self.dir / "data", "-l", self.dir / "server.log", "-w", "-t", "120"),
            *("-m", "fast", "-o", self.options, "restart"),
        )

    def stop(self) -> None:
        if self.started:
            # A kept cluster is shut down cleanly (the next run finds it as it was); a throwaway one at once.
            mode = "fast" if self.keep is not None else "immediate"
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self.bin / "pg_ctl", "-D", self.dir / "data", "-m", mode, "-t", "120", "stop")
            self.started = False
        if self.keep is None:
            shutil.rmtree(self.dir, ignore_errors=True)


# --- Django against the cluster ----------------------------------------------------------------------


def django_env(database_url: str, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "XIESHANG_VAR_DIR": str(work / "var"),
            "XIESHANG_BENCH_STATIC_ROOT": str(work / "static"),
            "DB_CONN_MAX_AGE": "600",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
