"""Admin for the loop: deadline rules are edited here; the loop's records are only looked at.

Every change of an item or assignment goes through ``services`` (locked, permission-checked,
audited), so the admin shows them read-only and links to the item page, where the office acts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from xieshang.core import audit

from . import registry
from .models import Assignment, DeadlineRule, Item, Rating, Reply, Request, RouteDecision, Supervision


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "channel_label",
        "kind",
        "reply_amount",
        "reply_unit",
        "extension_max_amount",
        "extension_max_unit",
        "review_required",
        "auto_escalate",
    ]
    list_filter = ["channel", "review_required", "auto_escalate"]
    search_fields = ["name", "channel", "kind"]
    # the channel and kind tie the row to a registered channel; changing them would orphan it
    readonly_fields = ["channel", "kind"]
    fieldsets = [
        (None, {"fields": ["name", "channel", "kind"]}),
        (
            _("deadlines"),
            {
                "fields": [
                    ("sign_amount", "sign_unit"),
                    ("objection_amount", "objection_unit"),
                    ("contact_amount", "contact_unit"),
                    ("reply_amount", "reply_unit"),
                    ("extension_max_amount", "extension_max_unit"),
                    ("opinion_amount", "opinion_unit"),
                    "remind_days_before",
                    "rating_days",
                ],
                "description": "修改后对新交办的事项生效；节假日表变更时，在办事项按新规则重算期限。",
            },
        ),
        (None, {"fields": ["review_required", "auto_escalate"]}),
    ]

    @admin.display(description=_("channel"), ordering="channel")
    def channel_label(self, obj: DeadlineRule) -> str:
        return registry.channel_label(obj.channel)

    def has_add_permission(self, request: Any) -> bool:
        # rows are created from the channel's registered defaults on first use
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records that only the loop's services may change."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ViewOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class AssignmentInline(ViewOnlyInline):
    model = Assignment
    fk_name = "item"
    fields = ["unit", "role", "status", "round", "assigned_at", "signed_at", "reply_due_at", "extended_until"]
    readonly_fields = fields


class SupervisionInline(ViewOnlyInline):
    model = Supervision
    fields = ["leader", "note", "created_by", "created_at"]
    readonly_fields = fields


def _item_page(item_id: int) -> str:
    try:
        return reverse("handling:item", args=[item_id])
    except NoReverseMatch:
        return ""


@admin.register(Item)
class ItemAdmin(ViewOnlyAdmin):
    list_display = ["reference", "title", "channel_label", "status", "mode", "is_overdue", "due_at", "item_page"]
    list_filter = ["channel", "status", "mode", "is_overdue", "is_supervised", "is_urgent", "committee"]
    search_fields = ["title", "text"]
    date_hierarchy = "accepted_at"
    list_select_related = ["committee"]
    inlines = [AssignmentInline, SupervisionInline]
    readonly_fields = ["item_page", "history"]
    fieldsets = [
        (None, {"fields": ["item_page", "committee", "channel", "kind", "title", "text", "area", "category"]}),
        (
            _("status"),
            {
                "fields": [
                    "status",
                    "mode",
                    ("is_urgent", "is_supervised", "is_overdue", "escalated_to_district"),
                    "returned_count",
                    ("accepted_at", "assigned_at", "due_at", "closed_at"),
                    ("source_type", "source_id"),
                    "created_by",
                ]
            },
        ),
        (_("history"), {"fields": ["history"]}),
    ]

    @admin.display(description=_("channel"), ordering="channel")
    def channel_label(self, obj: Item) -> str:
        return registry.channel_label(obj.channel)

    @admin.display(description="办理页面")
    def item_page(self, obj: Item) -> str:
        url = _item_page(obj.pk)
        return format_html('<a href="{}">查看办理记录并办理</a>', url) if url else "—"

    @admin.display(description="办理记录")
    def history(self, obj: Item) -> str:
        rows = [
            (
                f"{e.created_at:%Y-%m-%d %H:%M}",
                e.actor_label or (e.actor.get_username() if e.actor else ""),
                e.action,
                f"{e.from_state} → {e.to_state}" if e.from_state or e.to_state else "",
                e.reason,
            )
            for e in audit.history(obj.thread)
        ]
        if not rows:
            return "—"
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>状态</th><th>理由</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            body,
        )


@admin.register(Assignment)
class AssignmentAdmin(ViewOnlyAdmin):
    list_display = ["item", "unit", "role", "status", "round", "reply_due_at", "is_overdue"]
    list_filter = ["status", "role", "is_overdue", "unit"]
    search_fields = ["item__title", "unit__name"]
    list_select_related = ["item", "unit"]


@admin.register(Request)
class RequestAdmin(ViewOnlyAdmin):
    list_display = ["assignment", "kind", "status", "requested_until", "created_at", "decided_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["assignment__item", "assignment__unit"]


@admin.register(Reply)
class ReplyAdmin(ViewOnlyAdmin):
    list_display = ["assignment", "round", "category", "review", "created_at"]
    list_filter = ["review", "category"]
    list_select_related = ["assignment__item", "assignment__unit"]


@admin.register(Rating)
class RatingAdmin(ViewOnlyAdmin):
    list_display = ["assignment", "round", "rater_label", "value", "recorded_by", "created_at"]
    list_filter = ["value"]
    list_select_related = ["assignment__item", "assignment__unit", "recorded_by"]


@admin.register(RouteDecision)
class RouteDecisionAdmin(ViewOnlyAdmin):
    list_display = ["item", "suggested_unit", "confidence", "chosen_unit", "accepted", "decided_by", "decided_at"]
    list_filter = ["accepted"]
    search_fields = ["item__title", "suggested_unit__name", "chosen_unit__name"]
    list_select_related = ["item", "suggested_unit", "chosen_unit", "decided_by"]
