"""In-app notifications, with an e-mail copy sent by a background task after commit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Notification

_muted: ContextVar[bool] = ContextVar("xieshang_notify_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Send no notices inside the block: for records made about the past (an import of an earlier
    year's histories, the demo year), whose notices would only flood today's inboxes."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(recipients: Iterable[Any], *, title: str, body: str = "", url: str = "", dedupe_key: str = "") -> int:
    """Notify each user once; with ``dedupe_key`` a repeated call for the same user adds nothing."""
    if _muted.get():
        return 0
    created = 0
    # a 200-character item title plus a prefix would overflow the column (an error on PostgreSQL)
    title = title if len(title) <= 200 else title[:199] + "…"
    for user in {u.pk: u for u in recipients if u is not None}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(recipient=user, title=title, body=body, url=url, dedupe_key=dedupe_key)
        except IntegrityError:
            continue
        created += 1
        if user.email:
            from .tasks import send_notification_email

            text = f"{body}\n{_absolute(url)}".strip()
            transaction.on_commit(
                lambda u=user, text=text: send_notification_email.enqueue(email=u.email, subject=title, body=text),
                robust=True,
            )
    return created


def _absolute(url: str) -> str:
    """A link in an e-mail needs the site's address; ``XIESHANG_SITE_URL`` gives it (e.g. https://zx.example.cn)."""
    base = getattr(settings, "XIESHANG_SITE_URL", "")
    return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else url
