"""Admin for the holiday table. Saving goes through ``workdays.services`` so that the change is
audited and every open deadline is recomputed; rows are never deleted (mark the day instead)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from xieshang.core.errors import ServiceError

from . import services
from .models import CalendarDay, CalendarYear


class _ThroughServices(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # the natural key cannot change: editing a row's date would silently move an exception
        return [*self.readonly_fields, self.key_field] if obj is not None else self.readonly_fields

    key_field = ""


@admin.register(CalendarDay)
class CalendarDayAdmin(_ThroughServices):
    list_display = ["date", "weekday", "is_workday", "name", "updated_at"]
    list_filter = ["is_workday", "name"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "name"]
    key_field = "date"

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = services.calendar_day_set(
                actor=request.user, date=obj.date, is_workday=obj.is_workday, name=obj.name
            )
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        messages.info(request, "节假日表已更新，所有未办结事项的办理期限将按新日历重新计算。")


@admin.register(CalendarYear)
class CalendarYearAdmin(_ThroughServices):
    list_display = ["year", "source", "updated_at"]
    search_fields = ["year", "source"]
    fields = ["year", "source"]
    key_field = "year"

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = services.calendar_year_mark_known(actor=request.user, year=obj.year, source=obj.source)
        except ServiceError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = saved.pk
        messages.info(request, f"{obj.year} 年已标记为已公布节假日安排，期限不再标注“待定”。")
