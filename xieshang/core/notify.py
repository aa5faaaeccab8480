"""In-app notifications, with an e-mail copy sent by a background task after commit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from .hant import for_reader
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


def notify(
    recipients: Iterable[Any], *, title: str | Promise, body: str | Promise = "", url: str = "", dedupe_key: str = ""
) -> int:
    """Notify each user once; with ``dedupe_key`` a repeated call for the same user adds nothing.

    The notice and its e-mail are written in the recipient's language (``User.language``): a title or
    body given as a lazy translation (``gettext_lazy``, ``format_lazy``) is rendered for each of them."""
    if _muted.get():
        return 0
    created = 0
    for user in {u.pk: u for u in recipients if u is not None}.values():
        with translation.override(getattr(user, "reads_in", None) or settings.LANGUAGE_CODE):
            # A lazy text is rendered in the recipient's language; a plain one (written in
            # Simplified Chinese) is converted for a 繁體 reader.
            text_title, text_body = for_reader(str(title)), for_reader(str(body))
            prefix = gettext("[Xieshang]")
        # a 200-character item title plus a prefix would overflow the column (an error on PostgreSQL)
        text_title = text_title if len(text_title) <= 200 else text_title[:199] + "…"
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user, title=text_title, body=text_body, url=url, dedupe_key=dedupe_key
                )
        except IntegrityError:
            continue
        created += 1
        if user.email:
            from .tasks import send_notification_email

            text = f"{text_body}\n{_absolute(url)}".strip()
            transaction.on_commit(
                lambda u=user, subject=text_title, text=text, prefix=prefix: send_notification_email.enqueue(
                    email=u.email, subject=subject, body=text, prefix=prefix
                ),
                robust=True,
            )
    return created


def _absolute(url: str) -> str:
    """A link in an e-mail needs the site's address; ``XIESHANG_SITE_URL`` gives it (e.g. https://zx.example.cn)."""
    base = getattr(settings, "XIESHANG_SITE_URL", "")
    return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else url
