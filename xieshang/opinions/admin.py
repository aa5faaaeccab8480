from django.contrib import admin

from .models import BulletinIssue, OpinionReport, ScoreRule


@admin.register(ScoreRule)
class ScoreRuleAdmin(admin.ModelAdmin):
    list_display = ("committee", "key", "points")
    list_editable = ("points",)


@admin.register(OpinionReport)
class OpinionReportAdmin(admin.ModelAdmin):
    list_display = ("title", "author_kind", "status", "submitted_at")
    list_filter = ("status", "author_kind", "is_hk_macao")
    search_fields = ("title",)

    def has_change_permission(self, request, obj=None):  # changes go through the services
        return False

    def has_add_permission(self, request):
        return False


@admin.register(BulletinIssue)
class BulletinIssueAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "released_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
