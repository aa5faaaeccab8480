"""Read-mostly admin for outreach records; changes go through the services and pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import models


class ReadOnly(admin.ModelAdmin):
    """Outreach records change only through the services (permission, audit, the loop)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Station)
class StationAdmin(ReadOnly):
    list_display = ("name", "kind", "area", "host", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("area", "host")
    filter_horizontal = ("members",)


@admin.register(models.DutyShift)
class DutyShiftAdmin(ReadOnly):
    list_display = ("on", "station", "member", "note")
    list_filter = ("station",)
    date_hierarchy = "on"
    readonly_fields = ("station", "on", "member", "note", "version")


@admin.register(models.Visit)
class VisitAdmin(ReadOnly):
    list_display = ("visited_on", "station", "visitor", "kind", "status", "feedback_on")
    list_filter = ("status", "kind", "station")
    date_hierarchy = "visited_on"
    readonly_fields = [f.name for f in models.Visit._meta.fields]


@admin.register(models.Enterprise)
class EnterpriseAdmin(ReadOnly):
    list_display = ("name", "industry", "area")
    search_fields = ("name",)


@admin.register(models.Appeal)
class AppealAdmin(ReadOnly):
    list_display = ("raised_on", "enterprise", "title", "item")
    readonly_fields = [f.name for f in models.Appeal._meta.fields]


@admin.register(models.SupervisionGroup)
class SupervisionGroupAdmin(ReadOnly):
    list_display = ("name", "theme", "leader", "starts_on", "ends_on")


@admin.register(models.VolunteerTeam)
class VolunteerTeamAdmin(ReadOnly):
    list_display = ("name", "founded_on")
