"""The demo app is installed by the demo and test settings only: production has no ``seed_demo``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _manage(settings: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    env.setdefault("DATABASE_URL", "postgres://xieshang@127.0.0.1:5432/xieshang")  # production requires one
    return subprocess.run(  # noqa: S603 - fixed argv: this interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def test_production_does_not_install_the_demo_and_has_no_seed_demo_command() -> None:
    r = _manage(
        "config.settings.production",
        "shell",
        "-c",
        "from django.conf import settings; print('xieshang.demo' in settings.INSTALLED_APPS)",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "False"
    r = _manage("config.settings.production", "help", "--commands")
    assert r.returncode == 0, r.stderr
    commands = r.stdout.split()
    assert "scan_deadlines" in commands
    assert not [c for c in commands if c.startswith("seed_demo")]


@pytest.mark.parametrize("settings", ["config.settings.local", "config.settings.test"])
def test_the_demo_and_the_tests_install_it(settings: str) -> None:
    r = _manage(settings, "help", "--commands")
    assert r.returncode == 0, r.stderr
    assert {"seed_demo", "seed_demo_proposals", "seed_demo_opinions", "seed_demo_consultations"} <= set(
        r.stdout.split()
    )
