"""Admin for committees, terms, sessions, sectors, special committees, units, users, members and leaders."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Committee, Leader, Member, Sector, Session, SpecialCommittee, Term, Unit, User


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "short_name", "full_name"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "level", "parent", "area"]}),
        (
            _("Names on official documents"),
            {"fields": ["full_name", "proposals_organ", "office_organ", "document_code"]},
        ),
    ]
    autocomplete_fields = ["parent", "area"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "committee", "starts_on", "ends_on", "is_current"]
    list_filter = ["committee", "is_current"]
    search_fields = ["committee__name"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_on", "closes_on", "proposals_from", "proposals_until"]
    list_filter = ["term__committee", "term"]
    search_fields = ["term__committee__name"]
    list_select_related = ["term"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "committee"]
    list_filter = ["committee"]
    search_fields = ["name"]


@admin.register(SpecialCommittee)
class SpecialCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "committee"]
    list_filter = ["committee"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "area", "is_active", "committee"]
    list_filter = ["kind", "is_active", "committee"]
    search_fields = ["name", "short_name", "area__name"]
    autocomplete_fields = ["area"]
    list_select_related = ["area", "committee"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "office", "unit", "committee", "is_active", "last_login"]
    list_filter = ["role", "office", "is_active", "is_superuser", "committee"]
    search_fields = ["username", "full_name", "email", "phone", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit", "committee"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone")}),
        (_("role"), {"fields": ("role", "office", "committee", "unit")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "office", "committee", "unit", "password1", "password2"),
            },
        ),
    )


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "party", "is_standing", "is_hk_macao", "term", "user"]
    list_filter = ["term", "is_standing", "is_hk_macao", "sector", "special_committees", "gender"]
    search_fields = ["name", "workplace", "party", "user__username"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["special_committees"]
    list_select_related = ["sector", "term", "user"]
    list_per_page = 50


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "committee", "user"]
    list_filter = ["committee"]
    search_fields = ["name", "title"]
    autocomplete_fields = ["user"]
