"""Home, health check and notifications."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .hant import for_reader

# Where a role lands when no app gives it cards of work (kept for roles an app has not covered).
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


@dataclass(frozen=True)
class HomeCard:
    """One figure of the signed-in person's own work on the home page. ``url`` opens the list of
    exactly the records ``count`` counts (the same selector, filtered the same way)."""

    label: str
    count: int
    url: str
    group: str = ""  # the heading the card is shown under (e.g. 提案, 办理)
    tone: str = ""  # "bad" for overdue work
    order: int = 50  # lower first: what to do before what to read


# Cards of work an app adds for roles, from its AppConfig.ready(): (name, roles, provider). The
# provider gets the user and returns its cards (none when the user has nothing there); core only
# renders them, so each app keeps its own records, selectors and permissions.
HOME_CARDS: list[tuple[str, tuple[str, ...], Callable[[Any], list[HomeCard]]]] = []


def register_home_cards(name: str, roles: tuple[str, ...], provider: Callable[[Any], list[HomeCard]]) -> None:
    if all(entry[0] != name for entry in HOME_CARDS):
        HOME_CARDS.append((name, roles, provider))


def home_cards(user: Any) -> list[HomeCard]:
    role = "admin" if user.is_superuser else user.role
    cards: list[HomeCard] = []
    for _name, roles, provider in HOME_CARDS:
        if role in roles or (role == "admin" and "office" in roles):
            cards.extend(provider(user))
    # The apps write their labels in Simplified; a 繁體 reader gets them converted, as the templates are.
    cards = [dataclasses.replace(c, label=for_reader(c.label), group=for_reader(c.group)) for c in cards]
    return sorted(cards, key=lambda c: (c.order, c.group))


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("portal:index")
    role = "admin" if request.user.is_superuser else request.user.role
    for hook_role, url_name, when in HOME_HOOKS:
        if hook_role == role and (when is None or when(request.user)):
            return redirect(url_name)
    cards = home_cards(request.user)
    if not cards and role in HOME_BY_ROLE:
        return redirect(HOME_BY_ROLE[role])
    todo = [c for c in cards if c.count]
    groups: dict[str, list[HomeCard]] = {}
    for c in cards:
        groups.setdefault(c.group, []).append(c)
    return render(
        request,
        "core/home.html",
        {"cards": cards, "todo_total": sum(c.count for c in todo), "groups": list(groups.items())},
    )


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
