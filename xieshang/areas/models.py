"""The four levels of places: 区 → 镇街 → 村居 → 网格."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    class Level(models.IntegerChoices):
        DISTRICT = 1, _("district")
        STREET = 2, _("town or street")
        COMMUNITY = 3, _("village or community")
        GRID = 4, _("grid")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, blank=True, help_text=_("e.g. 社区居委会 or 村民委员会"))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[Area]:
        """From the parent up to the district."""
        chain: list[Area] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        names = [a.name for a in reversed(self.ancestors())] + [self.name]
        return " / ".join(names)
