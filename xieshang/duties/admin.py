import json

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from xieshang.core.errors import ServiceError

from . import scheme, services
from .models import (
    Attendance,
    Honour,
    LeaveRequest,
    MediaReport,
    Meeting,
    MemberFeature,
    PointsScheme,
    RulesDocument,
    Speech,
)


class ReadOnly(admin.ModelAdmin):
    """Changes go through the services (permission checks, audit); the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("title", "kind", "starts_at", "organiser")
    list_filter = ("kind",)
    search_fields = ("title",)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnly):
    list_display = ("meeting", "member", "leader", "status", "recorded_by")
    list_filter = ("status", "meeting__kind")


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnly):
    list_display = ("meeting", "member", "kind", "status", "requested_at")
    list_filter = ("status", "kind")


@admin.register(RulesDocument)
class RulesDocumentAdmin(ReadOnly):
    list_display = ("title", "adopted_by", "adopted_on")


@admin.register(Honour)
class HonourAdmin(ReadOnly):
    list_display = ("member", "title", "year", "awarded_on")
    list_filter = ("kind", "year")


@admin.register(MemberFeature)
class MemberFeatureAdmin(ReadOnly):
    list_display = ("number", "title", "published_on")


@admin.register(MediaReport)
class MediaReportAdmin(ReadOnly):
    list_display = ("title", "outlet", "published_on")
    search_fields = ("title", "outlet")


@admin.register(Speech)
class SpeechAdmin(ReadOnly):
    list_display = ("title", "member", "form", "given_on")


class PointsSchemeForm(forms.ModelForm):
    weights = forms.CharField(
        label="积分规则（JSON）",
        widget=forms.Textarea(attrs={"rows": 24, "cols": 80}),
        help_text="缺省的项目按默认方案计算。等次为 [[分数线, 名称], …]，须有一档分数线为 0。",
    )

    class Meta:
        model = PointsScheme
        fields = ("committee", "name", "weights")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        value = self.instance.weights if self.instance.pk else scheme.DEFAULT
        self.initial["weights"] = json.dumps(value, ensure_ascii=False, indent=2)

    def clean_weights(self):
        text = self.cleaned_data["weights"]
        try:
            data = json.loads(text)
            scheme.parse(data)
        except ValueError as exc:
            raise ValidationError(f"积分方案无法解析：不是有效的 JSON（{exc}）。") from None
        except ServiceError as exc:
            raise ValidationError(exc.message) from None
        return data


@admin.register(PointsScheme)
class PointsSchemeAdmin(admin.ModelAdmin):
    """Edited here; saved through ``services.points_scheme_save`` (checked, versioned, audited)."""

    form = PointsSchemeForm
    list_display = ("committee", "name", "updated_at", "updated_by")

    def get_readonly_fields(self, request, obj=None):
        return ("committee",) if obj else ()

    def save_model(self, request, obj, form, change):
        try:
            saved = services.points_scheme_save(
                actor=request.user, committee=obj.committee, weights=form.cleaned_data["weights"], name=obj.name
            )
        except ServiceError as exc:
            # the form has checked the weights; what is left is the actor's permission (403, not a 500)
            raise PermissionDenied(exc.message) from None
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
