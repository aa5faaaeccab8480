"""Background work shared by all apps."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification_email(*, email: str, subject: str, body: str) -> None:
    # a title typed with a line break would make the mail header invalid and the task fail
    subject = " ".join(subject.split())[:150]
    send_mail(subject=f"[协商] {subject}", message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[email])
