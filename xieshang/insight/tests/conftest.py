from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def shared_data() -> Path:
    path = Path(settings.XIESHANG_SHARED_DATA)
    if not (path / "messageboard" / "hot_messages.csv").is_file():
        pytest.skip("shared data absent: settings.XIESHANG_SHARED_DATA has no messageboard/hot_messages.csv")
    return path


@pytest.fixture
def model_dir(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    from xieshang.insight import services

    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    services.forget_model()
    yield settings.XIESHANG_MODEL_DIR
    services.forget_model()
