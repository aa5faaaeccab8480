"""Who is asking: the client's address behind a trusted proxy, and counters shared by every worker.

Production runs behind a TLS proxy (nginx), so ``REMOTE_ADDR`` is the proxy's address for every
citizen. The proxy's ``X-Forwarded-For`` names the real client, but anyone can send that header
too, so it is read only when the request comes from an address in ``XIESHANG_TRUSTED_PROXIES``
(``DJANGO_TRUSTED_PROXIES``: addresses or networks, comma-separated). The header is read from the
right: the first address that is not a trusted proxy is the client; what a client wrote further
left is never believed.

Counters live in the default cache (``CACHES``: a database table by default, Redis where
``REDIS_URL`` is set), which every worker and every restart shares.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Any) -> bool:
    networks = _networks(tuple(getattr(settings, "XIESHANG_TRUSTED_PROXIES", ())))
    return address is not None and any(address in n for n in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (see the module's note)."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    if not _trusted(_address(remote)):
        return remote
    hops = [h for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage in the header: trust nothing left of it
            return remote
        if not _trusted(address):
            return str(address)
    return remote


def count(key: str, window: int) -> int:
    """Add one to the counter ``key`` (kept ``window`` seconds from its first hit); the new value."""
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def reached(key: str, limit: int) -> bool:
    return int(cache.get(key, 0) or 0) >= limit


# --- public forms: honeypot and flood guard -------------------------------------------------------

HONEYPOT = "hp_note"
HONEYPOT_REFUSED = "提交未成功，请刷新页面后重新填写。"
SAME_TEXT = "您刚刚已提交过内容相同的留言，我们已经收到，请勿重复提交。"
TOO_MANY = "提交过于频繁，请稍后再试。如有紧急情况，请拨打服务热线。"
# One hour: the same text from the same phone or address is a repeat; a phone leaves at most
# PER_PHONE messages and an address (a community service centre helping several residents sits
# behind one) at most PER_ADDRESS.
FLOOD_WINDOW = 60 * 60
PER_PHONE = 5
PER_ADDRESS = 30


class HoneypotField(forms.CharField):
    """A field people never see (its row is ``hidden``) and bots fill in: any value refuses the form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "请勿填写此项")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1", "aria-hidden": "true"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        if value:
            raise forms.ValidationError(HONEYPOT_REFUSED)
        return ""


def _digest(*parts: str) -> str:
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _normalised(text: str) -> str:
    return "".join(str(text or "").split())


def _flood_keys(request: HttpRequest, form: str, phone: str, text: str) -> dict[str, str]:
    ip = client_ip(request)
    same = _normalised(text)
    return {
        "same_phone": f"flood:{form}:same:{_digest(phone, same)}",
        "same_address": f"flood:{form}:same-ip:{_digest(ip, same)}",
        "phone": f"flood:{form}:phone:{_digest(phone)}",
        "address": f"flood:{form}:ip:{_digest(ip)}",
    }


def flood_refusal(request: HttpRequest, *, form: str, phone: str, text: str) -> str | None:
    """Why this public submission is refused (a repeat, or too many), or ``None`` to accept it."""
    keys = _flood_keys(request, form, _normalised(phone), text)
    if reached(keys["same_phone"], 1) or reached(keys["same_address"], 1):
        return SAME_TEXT
    if reached(keys["phone"], PER_PHONE) or reached(keys["address"], PER_ADDRESS):
        return TOO_MANY
    return None


def flood_record(request: HttpRequest, *, form: str, phone: str, text: str) -> None:
    """Count an accepted public submission against its phone and its address."""
    for key in _flood_keys(request, form, _normalised(phone), text).values():
        count(key, FLOOD_WINDOW)
