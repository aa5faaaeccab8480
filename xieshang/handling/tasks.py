"""Background work of the loop, run by the task worker (Django Tasks API, database backend)."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def scan_deadlines() -> dict[str, int]:
    return services.scan_deadlines()


@task()
def recompute_deadlines() -> int:
    return services.recompute_open_deadlines()
