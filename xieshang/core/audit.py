"""Write audit rows. Every service that changes state calls :func:`record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def record(
    *,
    thread: str,
    target: models.Model,
    action: str,
    actor: Any = None,
    actor_label: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (getattr(user, "display_name", "") or getattr(user, "username", "") if user else "")
    return AuditEntry.objects.create(
        thread=thread,
        target=f"{target._meta.label_lower}:{target.pk}",
        action=action,
        actor=user,
        actor_label=label,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def history(thread: str) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(thread=thread).select_related("actor").order_by("created_at", "id")
