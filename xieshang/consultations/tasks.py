"""Background work of the consultation app."""

from __future__ import annotations

from django_tasks import task

from .notices import scan_activity_notices


@task()
def scan_consultation_notices() -> dict[str, int]:
    return scan_activity_notices()
