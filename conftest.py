"""Project-wide pytest hooks: tests that need PostgreSQL or ../shared/data skip clearly elsewhere."""

from __future__ import annotations

import pytest
from django.conf import settings


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
