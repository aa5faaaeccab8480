"""Routing suggestions (智能交办): the router's units for an item, what was suggested and chosen
(``RouteDecision``, settled by ``services.item_assign``), its acceptance, training samples and plans,
the model's state."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from xieshang.areas.selectors import path_name, path_names
from xieshang.insight import services as insight_services
from xieshang.insight.models import RouterTraining
from xieshang.insight.selectors import route_suggest
from xieshang.organisations.models import Unit

from ..models import Assignment, Item, RouteDecision
from ._base import MIN_CONFIDENCE, TEXT_CHARS, _executor, min_history

log = logging.getLogger("xieshang.handling.assist")

# --- routing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSuggestion:
    unit: Unit
    confidence: float

    @property
    def percent(self) -> int:
        """The confidence in whole percent; never 100: a suggestion is never certain."""
        return min(99, round(self.confidence * 100))


class _Router:
    """Loads the insight router once per process, in the background, so no page waits for a training."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.future: Future[Any] | None = None
        self.loaded_at: dt.datetime | None = None

    def ready(self, wait: float = 0.0) -> bool:
        with self.lock:
            self._refresh_if_retrained()
            if self.future is None:
                self.future = _executor.submit(insight_services.load_current_model)
            future = self.future
        try:
            future.result(timeout=wait)
        except FutureTimeout:
            return False
        except Exception:
            log.exception("assist: loading the routing model failed")
            with self.lock:
                self.future = None
            return False
        with self.lock:
            if self.loaded_at is None:
                self.loaded_at = timezone.now()
        return True

    def loaded(self) -> bool:
        """Whether the model is in memory now (no loading is started, no waiting)."""
        with self.lock:
            future = self.future
        return future is not None and future.done() and not future.cancelled() and future.exception() is None

    def _refresh_if_retrained(self) -> None:
        # A training run in another process (the task worker) wrote a new file: reload it here.
        if self.loaded_at is None:
            return
        latest = (
            RouterTraining.objects.filter(status=RouterTraining.Status.DONE)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        if latest and latest > self.loaded_at:
            insight_services.forget_model()
            self.future = None
            self.loaded_at = None

    def forget(self) -> None:
        with self.lock:
            self.future = None
            self.loaded_at = None


router = _Router()


def _units_by_name(committee_id: int) -> dict[str, Unit]:
    units = Unit.objects.filter(committee_id=committee_id, is_active=True)
    out: dict[str, Unit] = {}
    for u in units:
        if u.short_name:
            out.setdefault(u.short_name, u)
    for u in units:
        out[u.name] = u
    return out


def router_title(title: str, area: str = "") -> str:
    """What the router reads as an item's title: the names of the place it was filed under, then its
    title. A district routes by place as well as by kind (属地管理: a 镇街's building matters go to
    that 镇街), and many messages do not name their place in the text; ``bench/routing_curve.py``
    measured top-1 unit accuracy 0.853 → 0.902 after 5,000 decisions with the place given."""
    title = (title or "")[:200]
    return f"{area} {title}" if area else title


def _area_name(area_id: int | None) -> str:
    return path_name(area_id) if area_id else ""


def suggest_units(committee_id: int, title: str, text: str, area_id: int | None = None) -> list[UnitSuggestion]:
    """The router's top labels that name an active unit of the committee, best first; ``area_id``
    is the area the item was filed under."""
    try:
        raw = route_suggest((text or "")[:TEXT_CHARS], router_title(title, _area_name(area_id)))
        units = _units_by_name(committee_id) if raw else {}
        out: list[UnitSuggestion] = []
        for s in raw:
            unit = units.get(s.label)
            if out and s.confidence < MIN_CONFIDENCE:
                break
            if unit is not None and all(o.unit.pk != unit.pk for o in out):
                out.append(UnitSuggestion(unit, float(s.confidence)))
        return out
    except Exception:
        log.exception("assist: routing suggestion failed")
        return []


def route_suggestion_record(item: Item, suggestions: Sequence[UnitSuggestion]) -> RouteDecision | None:
    """Keep what was suggested for ``item`` as an open row, for a caller that shows the suggestion and
    assigns later in its own steps (the demo). ``services.item_assign`` settles it; pages never call this."""
    if not suggestions:
        return None
    best = suggestions[0]
    data = [{"unit": s.unit.pk, "name": s.unit.name, "confidence": round(s.confidence, 4)} for s in suggestions]
    try:
        with transaction.atomic():
            row = RouteDecision.objects.select_for_update().filter(item=item, decided_at__isnull=True).first()
            if row is None:
                return RouteDecision.objects.create(
                    item=item, suggested_unit=best.unit, confidence=best.confidence, suggestions=data
                )
            if row.suggested_unit_id != best.unit.pk or row.suggestions != data:
                row.suggested_unit = best.unit
                row.confidence = best.confidence
                row.suggestions = data
                row.save(update_fields=["suggested_unit", "confidence", "suggestions"])
            return row
    except IntegrityError:  # two tabs showed the panel at once; the other one recorded it
        return RouteDecision.objects.filter(item=item, decided_at__isnull=True).first()


def route_decision_settle(*, item_id: int, chosen: Sequence[Unit], actor: Any = None) -> RouteDecision | None:
    """Record the dispatcher's choice against the open suggestion: accepted when it names the suggested unit."""
    try:
        with transaction.atomic():
            row = RouteDecision.objects.select_for_update().filter(item_id=item_id, decided_at__isnull=True).first()
            if row is None:
                return None
            chosen_ids = [u.pk for u in chosen]
            row.chosen_unit_id = chosen_ids[0] if chosen_ids else None
            row.accepted = row.suggested_unit_id is not None and row.suggested_unit_id in chosen_ids
            row.decided_by = actor if getattr(actor, "pk", None) else None
            row.decided_at = timezone.now()
            row.save(update_fields=["chosen_unit", "accepted", "decided_by", "decided_at"])
            return row
    except Exception:
        log.exception("assist: recording the routing decision of item %s failed", item_id)
        return None


@dataclass(frozen=True)
class Acceptance:
    decided: int
    accepted: int
    days: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


def acceptance(committee_id: int, days: int = 90) -> Acceptance:
    """采纳率 of routing suggestions: accepted ÷ decided, decisions of the last ``days`` days."""
    since = timezone.now() - dt.timedelta(days=days)
    agg = RouteDecision.objects.filter(
        item__committee_id=committee_id, decided_at__gte=since, suggested_unit__isnull=False
    ).aggregate(decided=Count("id"), accepted=Count("id", filter=Q(accepted=True)))
    return Acceptance(decided=agg["decided"] or 0, accepted=agg["accepted"] or 0, days=days)


# --- training -------------------------------------------------------------------------------------

_NOT_A_LABEL = (Assignment.Status.RETURNED, Assignment.Status.WITHDRAWN, Assignment.Status.ESCALATED)


def training_samples(committee_id: int) -> list[tuple[str, str, str]]:
    """(title, text, unit name) of the committee's past lead assignments.

    An assignment that was returned, withdrawn or escalated went to the wrong unit for the
    matter, so it teaches nothing; its successor does.
    """
    rows = list(
        Assignment.objects.filter(item__committee_id=committee_id, role=Assignment.Role.LEAD)
        .exclude(status__in=_NOT_A_LABEL)
        .order_by("id")
        .values_list("item__title", "item__text", "unit__name", "item__area_id")
    )
    names = path_names() if any(a for *_r, a in rows) else {}
    return [
        (router_title(t or "", names.get(a, "") if a else ""), (x or "")[:TEXT_CHARS], u) for t, x, u, a in rows if u
    ]


@dataclass(frozen=True)
class TrainingPlan:
    samples: list[tuple[str, str, str]] | None
    source: str  # "history", "shared" or "" (nothing to train on)
    n_history: int

    @property
    def available(self) -> bool:
        return bool(self.source)

    @property
    def source_label(self) -> str:
        if self.source == "history":
            return f"本会历史交办记录（{self.n_history} 条）"
        if self.source == "shared":
            return "平台预置数据（类别对应到本会承办单位）"
        return "暂无可用数据（本会交办记录不足两个单位，且服务器上没有平台预置数据）"


def training_plan(committee_id: int) -> TrainingPlan:
    """The committee's history once it has ``min_history()`` samples over two units; else the shipped data."""
    samples = training_samples(committee_id)
    labels = {s[2] for s in samples}
    if len(samples) >= min_history() and len(labels) >= 2:
        return TrainingPlan(samples, "history", len(samples))
    if shared_data_present():
        return TrainingPlan(None, "shared", len(samples))
    if len(labels) >= 2:
        # no shipped data on this server: the little history there is beats nothing
        return TrainingPlan(samples, "history", len(samples))
    return TrainingPlan(None, "", len(samples))


def shared_data_present() -> bool:
    return (Path(settings.XIESHANG_SHARED_DATA) / "routing" / "messages_dev.csv").is_file()


def training_running() -> RouterTraining | None:
    recent = timezone.now() - dt.timedelta(hours=2)
    return (
        RouterTraining.objects.filter(
            status__in=(RouterTraining.Status.QUEUED, RouterTraining.Status.RUNNING), created_at__gte=recent
        )
        .order_by("-created_at")
        .first()
    )


def training_start(committee_id: int) -> tuple[RouterTraining | None, bool]:
    """Enqueue a retraining unless one is already queued or running; returns (run, started).

    (None, False) when there is nothing to train on.
    """
    current = training_running()
    if current is not None:
        return current, False
    plan = training_plan(committee_id)
    if not plan.available:
        return None, False
    run = insight_services.router_training_start(plan.samples)
    router.forget()
    run.refresh_from_db()
    return run, True


def trainings(limit: int = 10) -> list[RouterTraining]:
    return list(RouterTraining.objects.order_by("-created_at", "-id")[:limit])


# Reading a saved model takes well under a second; training one from the shipped data (no file yet)
# takes longer, and the page then shows the counts as unknown rather than wait.
MODEL_INFO_WAIT = 2.0


@dataclass(frozen=True)
class ModelInfo:
    exists: bool
    path: str
    updated_at: dt.datetime | None
    size_mb: float
    last_done: RouterTraining | None
    # from the model this process has loaded; None while it is still loading
    n_labels: int | None = None
    n_train: int | None = None


def model_info() -> ModelInfo:
    """The server's model file and, once this process has loaded it (in the background; the page
    waits for that at most ``MODEL_INFO_WAIT`` seconds), how many units it can suggest and how many
    records it learned from."""
    path = insight_services.model_path()
    last = RouterTraining.objects.filter(status=RouterTraining.Status.DONE).order_by("-finished_at").first()
    try:
        st = path.stat()
    except OSError:
        return ModelInfo(False, str(path), None, 0.0, last)
    updated = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
    model = insight_services.load_current_model() if router.ready(wait=MODEL_INFO_WAIT) else None
    return ModelInfo(
        True,
        str(path),
        updated,
        round(st.st_size / 2**20, 1),
        last,
        n_labels=len(model.labels) if model is not None else None,
        n_train=model.n_train if model is not None else None,
    )
