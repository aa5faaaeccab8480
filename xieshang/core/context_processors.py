"""Navigation for the signed-in user's role."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from . import unchanged

# (url name, label, roles that see it; empty = everyone signed in).
# Each app appends its own entries from its AppConfig.ready() with register_nav().
NAV: list[tuple[str, StrOrPromise, tuple[str, ...]]] = [
    ("handling:queue", _("Assignment centre"), ("office", "admin")),
    ("handling:workbench", _("Handling workbench"), ("unit",)),
    ("handling:supervision", _("Supervised items"), ("leader", "office", "admin")),
    ("handling:metrics", _("Handling statistics"), ("office", "admin", "leader")),
    ("handling:hotspots", _("Hotspot analysis"), ("office", "leader", "admin")),
    ("handling:assist_model", _("Routing model"), ("office", "admin")),
]


# The menu's areas, in the order they are shown. An entry's area is its URL namespace unless it
# registers another (statistics gather in one area); an area with one entry shows that entry itself,
# an area with several shows its name and opens a list (a drawer section on a phone).
NAV_GROUPS: dict[str, StrOrPromise] = {
    "handling": _("Assigning and supervising"),
    "proposals": _("Proposals"),
    "opinions": _("Opinion reports"),
    "consultations": _("Consultation"),
    "outreach": _("Reaching the public"),
    "duties": _("Duties"),
    "stats": _("Statistics"),
}
# url name -> area, for entries outside their namespace's area.
NAV_GROUP: dict[str, str] = {"handling:metrics": "stats", "handling:hotspots": "stats", "scorecard:index": "stats"}


# Entries that, beyond the role, need the app's own permission (e.g. only the information office
# among the office staff edits opinion reports): url name -> the app's permission check.
NAV_WHEN: dict[str, Callable[[Any], bool]] = {}


def register_nav(
    url_name: str,
    label: StrOrPromise,
    roles: tuple[str, ...] = (),
    *,
    when: Callable[[Any], bool] | None = None,
    group: str | None = None,
) -> None:
    """Add a menu entry for ``roles`` (empty: everyone signed in); ``when`` is the app's own
    permission check beyond the role, ``group`` the menu area (default: the URL namespace)."""
    if all(entry[0] != url_name for entry in NAV):
        NAV.append((url_name, label, roles))
        if when is not None:
            NAV_WHEN[url_name] = when
        if group is not None:
            NAV_GROUP[url_name] = group


def _grouped(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The links by menu area, areas in NAV_GROUPS order (unknown areas last, in order of first entry)."""
    order = list(NAV_GROUPS)
    groups: dict[str, dict[str, Any]] = {}
    for link in links:
        key = link["group"]
        group = groups.setdefault(key, {"key": key, "label": NAV_GROUPS.get(key, link["label"]), "links": []})
        group["links"].append(link)
    for group in groups.values():
        group["active"] = any(link["active"] for link in group["links"])
    return sorted(groups.values(), key=lambda g: order.index(g["key"]) if g["key"] in order else len(order))


@functools.cache
def _nav_url(name: str, urlconf: str, prefix: str) -> str | None:
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_links": [], "nav_groups": []}
    role = "admin" if user.is_superuser else user.role
    links = []
    for name, label, roles in NAV:
        if roles and role not in roles and not (role == "admin" and "office" in roles):
            continue
        if name in NAV_WHEN and not NAV_WHEN[name](user):
            continue
        # Reversed once per process (and URL configuration), not on every page.
        url = _nav_url(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
        if url is None:
            continue
        group = NAV_GROUP.get(name) or name.partition(":")[0]
        links.append({"url": url, "label": label, "active": request.path.startswith(url), "group": group})
    # The query is built only when the figure is not kept (building it costs as much as the rest).
    unread = unchanged.while_unchanged(
        ("unread_notifications", user.pk), lambda: user.notifications.filter(read_at__isnull=True).count()
    )
    return {"nav_links": links, "nav_groups": _grouped(links), "unread_notifications": unread}
