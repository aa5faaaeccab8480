"""Admin for the four levels of places (区 → 镇街 → 村居 → 网格)."""

from __future__ import annotations

from django.contrib import admin

from .models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "kind", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    ordering = ["level", "code"]
    list_per_page = 100
