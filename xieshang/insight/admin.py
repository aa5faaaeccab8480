from django.contrib import admin

from .models import RouterTraining


@admin.register(RouterTraining)
class RouterTrainingAdmin(admin.ModelAdmin):
    list_display = ("id", "committee", "status", "progress", "n_samples", "created_at", "finished_at")
    readonly_fields = ("committee", "status", "progress", "n_samples", "metrics", "error", "started_at", "finished_at")
