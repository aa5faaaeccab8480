"""Background work shared by all apps."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification_email(*, email: str, subject: str, body: str, prefix: str = "[协商]") -> None:
    """``prefix`` comes in the recipient's language (``notify``); the default serves tasks queued before it."""
    # a title typed with a line break would make the mail header invalid and the task fail
    subject = " ".join(subject.split())[:150]
    send_mail(
        subject=f"{prefix} {subject}", message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email]
    )
