"""Read-mostly admin for outreach records; changes go through the services and pages."""

from __future__ import annotations

from django.contrib import admin

from . import models


@admin.register(models.Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "host", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("area", "host")
    filter_horizontal = ("members",)


@admin.register(models.DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ("on", "station", "member", "note")
    list_filter = ("station",)
    date_hierarchy = "on"
    readonly_fields = ("station", "on", "member", "note", "version")


@admin.register(models.Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_on", "station", "visitor", "kind", "status", "feedback_on")
    list_filter = ("status", "kind", "station")
    date_hierarchy = "visited_on"
    readonly_fields = [f.name for f in models.Visit._meta.fields]


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "industry", "area")
    search_fields = ("name",)


@admin.register(models.Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("raised_on", "enterprise", "title", "item")
    readonly_fields = [f.name for f in models.Appeal._meta.fields]


@admin.register(models.SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "theme", "leader", "starts_on", "ends_on")


@admin.register(models.VolunteerTeam)
class VolunteerTeamAdmin(admin.ModelAdmin):
    list_display = ("name", "founded_on")
