from django.contrib import admin

from .models import Activity, Plan, Suggestion, Topic


class ReadOnly(admin.ModelAdmin):
    """Changes go through the services (permission checks, audit); the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnly):
    list_display = ("title", "year", "is_published")


@admin.register(Topic)
class TopicAdmin(ReadOnly):
    list_display = ("title", "source", "status", "plan")
    list_filter = ("status", "source")
    search_fields = ("title",)


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ("title", "kind", "starts_at", "status")
    list_filter = ("kind", "status")
    search_fields = ("title",)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnly):
    list_display = ("title", "topic", "created_at")
    search_fields = ("title",)
