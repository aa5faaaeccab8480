"""Writes of the insight app: training and saving the routing model, recording training runs.

Insight works on text and ids only; it imports no other Xieshang app.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import psutil
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import defaults
from .routing import SOURCE_FOLDS, RouterModel, compare_sources, train_router

log = logging.getLogger(__name__)

_model_lock = threading.Lock()
# "" is the server's model; any other key a committee's own (see ``committee_key``)
_model_cache: dict[str, RouterModel | None] = {}
_COMMITTEE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
Committee = str | int | None


@dataclass(frozen=True)
class RouteReport:
    """Summary of a training run."""

    n_train: int
    labels: list[str]
    train_seconds: float
    peak_rss_mb: float
    label_counts: dict[str, int] = field(default_factory=dict)
    path: str = ""


def committee_key(committee: Committee) -> str:
    """The key of a committee's own routing model; "" (the server's model) for None or "".

    A city runs many committees on one server, each routing to its own units. The key is part of
    a file name, so it is limited to letters, digits, "_" and "-" (a primary key or a slug).
    """
    if committee is None:
        return ""
    key = str(committee).strip()
    if not key:
        return ""
    if not _COMMITTEE_KEY.fullmatch(key):
        raise ValueError("委员会标识只能包含字母、数字、下划线和连字符（最多 64 个字符）。")
    return key


def model_path(committee: Committee = None) -> Path:
    """File of the server's routing model, or of a committee's own one."""
    name = Path(defaults.get("INSIGHT_ROUTER_FILE"))
    key = committee_key(committee)
    if key:
        name = Path(f"{name.stem}-{key}{name.suffix}")
    return Path(settings.XIESHANG_MODEL_DIR) / name


def save_model(model: RouterModel, path: Path | None = None) -> Path:
    """Write ``model`` atomically: a temporary file in the same folder, then a rename."""
    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".router-", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp, compress=3)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def route_train(
    samples: Iterable[tuple[str, str, str]],
    *,
    progress: Callable[[float], None] | None = None,
    save: bool = True,
    committee: Committee = None,
) -> RouteReport:
    """Train the router on ``(title, text, label)`` samples, save it and make it current.

    Labels are whatever the platform routes to (categories or unit names). Raises ValueError
    (message in Chinese) when no sample has both text and label or the committee key is not
    valid. Side effects: writes XIESHANG_MODEL_DIR/router.joblib (``router-<committee>.joblib``
    for a committee) and replaces that model cached in this process.
    """
    key = committee_key(committee)
    titles: list[str] = []
    texts: list[str] = []
    labels: list[str] = []
    for title, text, label in samples:
        titles.append(title or "")
        texts.append(text or "")
        labels.append((label or "").strip())
    start = time.perf_counter()
    model = train_router(titles, texts, labels, progress=progress)
    seconds = time.perf_counter() - start
    path = ""
    if save:
        path = str(save_model(model, model_path(key)))
    with _model_lock:
        _model_cache[key] = model
    if progress:
        progress(1.0)
    return RouteReport(
        n_train=model.n_train,
        labels=list(model.labels),
        train_seconds=round(seconds, 2),
        peak_rss_mb=round(peak_rss_mb(), 1),
        label_counts=model.label_counts,
        path=path,
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB."""
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:  # pragma: no cover - not on Linux
        return psutil.Process().memory_info().rss / 2**20


def shared_routing_file() -> Path:
    return Path(settings.XIESHANG_SHARED_DATA) / "routing" / "messages_dev.csv"


def shared_data_available() -> bool:
    """Whether the shipped labelled messages are on this server."""
    return shared_routing_file().is_file()


def shared_samples(mapping: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(title, text, label) from the shared data's messages_dev.csv; [] when the file is absent.

    With a non-empty ``mapping`` labels are mapped through it and unmapped categories dropped;
    None or {} keeps the contest categories.
    """
    path = shared_routing_file()
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        label = (row.get("label") or "").strip()
        if mapping:
            label = mapping.get(label, "")
        if label:
            out.append((row.get("title") or "", row.get("detail") or "", label))
    return out


def _read_model(path: Path) -> RouterModel | None:
    if not path.is_file():
        return None
    try:
        loaded = joblib.load(path)
    except Exception:  # a damaged file must not break the dispatcher's page
        log.exception("insight: cannot read router model %s", path)
        return None
    return loaded if isinstance(loaded, RouterModel) else None


def load_current_model(committee: Committee = None) -> RouterModel | None:
    """The process's router: cached, else read from disk, else trained from the shared data, else None.

    The shared-data model predicts units: categories are mapped through INSIGHT_CATEGORY_UNITS.
    A committee without a model of its own gets the server's model (its file is looked for on
    each call, so a model another process trained for it is picked up).
    """
    key = committee_key(committee)
    if key:
        with _model_lock:
            if key in _model_cache:
                return _model_cache[key]
            own = _read_model(model_path(key))
            if own is not None:
                _model_cache[key] = own
                return own
    with _model_lock:
        if "" in _model_cache:
            return _model_cache[""]
        path = model_path()
        model = _read_model(path)
        if model is None:
            # no history yet: the shipped categories, mapped to the committee's units
            samples = shared_samples(defaults.get("INSIGHT_CATEGORY_UNITS"))
            if samples:
                model = train_router(*map(list, zip(*samples, strict=True)))
                try:
                    save_model(model, path)
                except OSError:
                    log.warning("insight: cannot save router model to %s", path)
        _model_cache[""] = model
        return model


def forget_model() -> None:
    """Drop the cached models so the next suggestion reloads them (tests, after a deploy)."""
    with _model_lock:
        _model_cache.clear()


def router_training_start(samples: list[tuple[str, str, str]] | None = None, committee: Committee = None) -> object:
    """Record a training run and enqueue ``tasks.retrain_router`` for it; returns the RouterTraining.

    With ``samples`` None the run trains on the shared data with categories mapped to units
    through INSIGHT_CATEGORY_UNITS. With a ``committee`` the run trains that committee's own
    model; an invalid key raises ValueError before anything is recorded.
    """
    from .models import RouterTraining
    from .tasks import retrain_router

    key = committee_key(committee)
    run = RouterTraining.objects.create(n_samples=len(samples) if samples is not None else 0, committee=key)
    payload = [list(s) for s in samples] if samples is not None else None
    retrain_router.enqueue(run.pk, payload)
    run.refresh_from_db()
    return run


def _history_chosen_before() -> bool:
    """Whether the server's model was ever trained on anything but the shipped data (a finished
    run not recorded as "shipped"): then the current model is not the shipped data's, and the
    history, once ahead, only widens its lead, so it is not measured again."""
    from .models import RouterTraining

    return (
        RouterTraining.objects.filter(committee="", status=RouterTraining.Status.DONE)
        .exclude(metrics__source="shipped")
        .exists()
    )


def router_training_run(training_id: int, samples: list[list[str]] | None) -> None:
    """Run a recorded training: status running -> done (metrics) or failed (error), with progress."""
    from .models import TRAINING, RouterTraining

    with transaction.atomic():
        run = RouterTraining.objects.select_for_update().get(pk=training_id)
        TRAINING.move(run, "start")
        run.started_at = timezone.now()
        run.progress = 0.0
        run.save(update_fields=["status", "started_at", "progress"])
    data = (
        [(s[0], s[1], s[2]) for s in samples]
        if samples is not None
        else shared_samples(defaults.get("INSIGHT_CATEGORY_UNITS"))
    )
    choice: dict[str, object] = {"source": "history" if samples is not None else "shipped"}
    if samples is not None and len(data) >= SOURCE_FOLDS and not run.committee and not _history_chosen_before():
        # until a committee's decisions measurably route better than the shipped data, keep that:
        # the current model is the shipped data's (built from it when there is no file yet)
        shipped = shared_samples(defaults.get("INSIGHT_CATEGORY_UNITS"))
        if shipped:
            choice = compare_sources(data, load_current_model())
            if choice["source"] == "shipped":
                data = shipped
    last = [0.0]

    def progress(f: float) -> None:
        if f - last[0] >= 0.05 or f >= 1.0:
            last[0] = f
            RouterTraining.objects.filter(pk=training_id).update(progress=round(min(f, 1.0), 3))

    try:
        report = route_train(data, progress=progress, committee=run.committee or None)
    except Exception as exc:
        failed = TRAINING.transitions["fail"]
        RouterTraining.objects.filter(pk=training_id, status__in=failed.sources).update(
            status=failed.target, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    done = TRAINING.transitions["finish"]
    RouterTraining.objects.filter(pk=training_id, status__in=done.sources).update(
        status=done.target,
        progress=1.0,
        n_samples=report.n_train,
        finished_at=timezone.now(),
        metrics={
            "n_train": report.n_train,
            "labels": report.labels,
            "train_seconds": report.train_seconds,
            "peak_rss_mb": report.peak_rss_mb,
            "label_counts": report.label_counts,
            **choice,
        },
    )
