"""Citizens' messages (群众留言): the first channel into the loop."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Kind(models.TextChoices):
        CONSULT = "consult", _("enquiry")
        COMPLAINT = "complaint", _("complaint")
        SUGGESTION = "suggestion", _("suggestion")
        URGENT = "urgent", _("urgent")

    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    item = models.OneToOneField(
        "handling.Item",
        verbose_name=_("handling item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONSULT)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    submission_token = models.UUIDField(_("submission token"), unique=True)
    publish_consent = models.BooleanField(_("may be published"), default=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen message")
        verbose_name_plural = _("citizen messages")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
