"""Background tasks (Django Tasks API) of the insight app."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def retrain_router(training_id: int, samples: list[list[str]] | None = None) -> None:
    """Retrain the routing model for the RouterTraining row ``training_id``.

    ``samples`` are [title, text, unit_label] triples from the platform's past assignments; None
    trains on the shared data with categories mapped to units. Progress and the outcome are
    written to the row, which a page polls.
    """
    services.router_training_run(training_id, samples)
