from django.contrib import admin

from .models import ManualFigure


@admin.register(ManualFigure)
class ManualFigureAdmin(admin.ModelAdmin):
    """Entered on the scorecard's page (``services.manual_figure_set``: source required, audited); here only read."""

    list_display = ("committee", "year", "key", "value", "source", "entered_by", "entered_at")
    list_filter = ("year", "key")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
