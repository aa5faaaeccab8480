"""Figures the office enters by hand for a committee-year (from outside the platform), with their source.

Every other figure of the scorecard is computed from records through ``core.indicators``.
Only ``services.py`` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ManualFigure(models.Model):
    committee = models.ForeignKey("organisations.Committee", verbose_name=_("committee"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    key = models.CharField(_("indicator"), max_length=60)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, help_text=_("Where the figure comes from"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"))
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("manual figure")
        verbose_name_plural = _("manual figures")
        ordering = ["-year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "key"], name="manual_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.key} = {self.value}"
