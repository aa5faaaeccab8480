"""The demo's texts and fixed records are data: JSON files in ``xieshang/demo/data/``, read here once."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def load(name: str) -> Any:
    """The contents of ``data/<name>.json``."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
