"""Project-wide pytest hooks: tests that need PostgreSQL or ../shared/data skip clearly elsewhere."""

from __future__ import annotations

import pytest
from django.conf import settings

# Fixtures shared by every app's tests (a committee and a person in each role).
pytest_plugins = ["xieshang.organisations.tests.fixtures"]


def _database_vendor() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else engine.rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    vendor = _database_vendor()
    shared = settings.XIESHANG_SHARED_DATA
    skip_pg = pytest.mark.skip(
        reason=f"needs PostgreSQL (row locks, concurrency); this run uses {vendor}. "
        "Set DATABASE_URL=postgres://... or run ./test"
    )
    skip_shared = pytest.mark.skip(reason=f"needs the shared data folder, not found at {shared}")
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(skip_pg)
        if "shared_data" in item.keywords and not shared.is_dir():
            item.add_marker(skip_shared)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that opens Chromium fails with one line when Chromium cannot start here."""
    if "browser" in item.keywords or "chromium" in item.keywords:
        from e2e.chromium import problem

        reason = problem()
        if reason:
            pytest.fail(f"浏览器无法启动：{reason}", pytrace=False)
