"""Home, health check and notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

HOME_BY_ROLE = {
    "office": "handling:queue",
    "admin": "handling:queue",
    "unit": "handling:workbench",
    "leader": "handling:supervision",
}


# Landing pages an app adds for a role, from its AppConfig.ready(): (role, url name, condition on the user).
HOME_HOOKS: list[tuple[str, str, Callable[[Any], bool] | None]] = []


def register_home(role: str, url_name: str, when: Callable[[Any], bool] | None = None) -> None:
    if all(h[:2] != (role, url_name) for h in HOME_HOOKS):
        HOME_HOOKS.append((role, url_name, when))


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("portal:index")
    role = "admin" if request.user.is_superuser else request.user.role
    target = HOME_BY_ROLE.get(role)
    if target:
        return redirect(target)
    for hook_role, url_name, when in HOME_HOOKS:
        if hook_role == role and (when is None or when(request.user)):
            return redirect(url_name)
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.all()[:100]
    return render(request, "core/notifications.html", {"notifications": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:notifications")
