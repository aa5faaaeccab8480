"""Shapes of the loop's API v1: what a caller sees and what a transition accepts.

Output serializers only read; every write goes through ``services``. Input serializers only parse
and label the fields in Chinese, the rules themselves stay in the services.

What a caller may read on an item (assignments, co-unit opinions, replies, history, the contact
details of the person who raised it) is decided by ``permissions`` — the same functions the item
page uses. Users are shown by name, never with their own contact details.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import permissions as perms
from . import registry
from .models import Assignment, Contact, CoOpinion, Item, Rating, Reply, Request, Supervision


def _viewer(serializer: serializers.BaseSerializer) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class LoopUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class LoopItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


class LoopItemListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    channel_label = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    # "" until the matter is assigned: the schema says so (enum or blank)
    mode = serializers.ChoiceField(label="交办方式", choices=Item.Mode.choices, allow_blank=True, read_only=True)
    area_name = serializers.CharField(source="area.name", default="", read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "reference",
            "title",
            "channel",
            "channel_label",
            "kind",
            "category",
            "area",
            "area_name",
            "status",
            "status_label",
            "mode",
            "mode_label",
            "is_urgent",
            "is_supervised",
            "is_overdue",
            "escalated_to_district",
            "returned_count",
            "due_at",
            "accepted_at",
            "assigned_at",
            "closed_at",
            "version",
        ]
        read_only_fields = fields

    def get_channel_label(self, item: Item) -> str:
        return registry.channel_label(item.channel)


class LoopContactSerializer(serializers.ModelSerializer):
    method_label = serializers.CharField(source="get_method_display", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "method", "method_label", "happened_at", "note", "created_at"]
        read_only_fields = fields


class LoopCoOpinionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoOpinion
        fields = ["id", "body", "created_at"]
        read_only_fields = fields


class LoopCoUnitOpinionSerializer(LoopCoOpinionSerializer):
    unit = LoopUnitRefSerializer(source="assignment.unit", read_only=True)

    class Meta(LoopCoOpinionSerializer.Meta):
        fields = ["id", "unit", "body", "created_at"]
        read_only_fields = fields


class LoopReplySerializer(serializers.ModelSerializer):
    review_label = serializers.CharField(source="get_review_display", read_only=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "round",
            "body",
            "category",
            "adopted_count",
            "measures",
            "resolved",
            "review",
            "review_label",
            "review_note",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = fields


class LoopRequestSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "reason",
            "requested_until",
            "suggested_unit",
            "decision_note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class LoopRatingSerializer(serializers.ModelSerializer):
    value_label = serializers.CharField(source="get_value_display", read_only=True)
    recorded_by_staff = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["id", "round", "rater_key", "rater_label", "value", "value_label", "comment", "recorded_by_staff"]
        read_only_fields = fields

    def get_recorded_by_staff(self, rating: Rating) -> bool:
        return rating.recorded_by_id is not None


class LoopAssignmentListSerializer(serializers.ModelSerializer):
    item = LoopItemRefSerializer(read_only=True)
    unit = LoopUnitRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    effective_due_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "item",
            "unit",
            "role",
            "role_label",
            "status",
            "status_label",
            "round",
            "assigned_at",
            "sign_due_at",
            "objection_until",
            "contact_due_at",
            "reply_due_at",
            "extended_until",
            "effective_due_at",
            "deadline_uncertain",
            "signed_at",
            "first_contact_at",
            "replied_at",
            "closed_at",
            "rating_due_at",
            "is_overdue",
            "rehandle_count",
            "resolved",
            "successor",
            "version",
        ]
        read_only_fields = fields


class LoopAssignmentDetailSerializer(LoopAssignmentListSerializer):
    replies = LoopReplySerializer(many=True, read_only=True)
    requests = LoopRequestSerializer(many=True, read_only=True)
    contacts = LoopContactSerializer(many=True, read_only=True)
    opinions = LoopCoOpinionSerializer(many=True, read_only=True)
    ratings = LoopRatingSerializer(many=True, read_only=True)

    class Meta(LoopAssignmentListSerializer.Meta):
        fields = [*LoopAssignmentListSerializer.Meta.fields, "replies", "requests", "contacts", "opinions", "ratings"]
        read_only_fields = fields


class LoopSupervisionSerializer(serializers.ModelSerializer):
    leader_name = serializers.SerializerMethodField()

    class Meta:
        model = Supervision
        fields = ["id", "leader", "leader_name", "note", "created_at"]
        read_only_fields = fields

    def get_leader_name(self, sup: Supervision) -> str:
        return str(sup.leader) if sup.leader_id else ""


class LoopHistoryEntrySerializer(serializers.Serializer):
    action = serializers.CharField(read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    actor_label = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class LoopDetailRowSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    value = serializers.CharField(read_only=True)


class LoopRaterSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class LoopChoiceSerializer(serializers.Serializer):
    value = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class LoopItemDetailSerializer(LoopItemListSerializer):
    text = serializers.CharField(read_only=True)
    assignments = serializers.SerializerMethodField()
    co_opinions = serializers.SerializerMethodField()
    supervisions = LoopSupervisionSerializer(many=True, read_only=True)
    history = serializers.SerializerMethodField()
    source_details = serializers.SerializerMethodField()
    raters = serializers.SerializerMethodField()
    reply_categories = serializers.SerializerMethodField()
    adoptable_suggestions = serializers.SerializerMethodField()

    class Meta(LoopItemListSerializer.Meta):
        fields = [
            *LoopItemListSerializer.Meta.fields,
            "text",
            "assignments",
            "co_opinions",
            "supervisions",
            "history",
            "source_details",
            "raters",
            "reply_categories",
            "adoptable_suggestions",
        ]
        read_only_fields = fields

    @extend_schema_field(LoopAssignmentDetailSerializer(many=True))
    def get_assignments(self, item: Item) -> list[dict[str, Any]]:
        # The same rule as the item page: ``permissions.visible_assignments``.
        qs = perms.visible_assignments(_viewer(self), item).select_related("unit")
        qs = qs.prefetch_related("replies", "requests", "contacts", "opinions", "ratings").order_by("role", "id")
        data = LoopAssignmentDetailSerializer(qs, many=True, context=self.context).data
        return list(data)

    @extend_schema_field(LoopCoUnitOpinionSerializer(many=True))
    def get_co_opinions(self, item: Item) -> list[dict[str, Any]]:
        # Addressed to the lead unit, which answers for the co-units too (会办); a co-unit finds its
        # own under its assignment.
        qs = perms.opinions_addressed_to(_viewer(self), item).select_related("assignment__unit").order_by("id")
        return list(LoopCoUnitOpinionSerializer(qs, many=True).data)

    @extend_schema_field(LoopHistoryEntrySerializer(many=True))
    def get_history(self, item: Item) -> list[dict[str, Any]]:
        return list(LoopHistoryEntrySerializer(perms.visible_history(_viewer(self), item), many=True).data)

    @extend_schema_field(LoopDetailRowSerializer(many=True))
    def get_source_details(self, item: Item) -> list[dict[str, str]]:
        # The channel decides what to show of the person behind the item; the full phone number
        # is revealed to dispatchers only, who call people back and record offline ratings.
        try:
            hook = getattr(registry.get(item.channel), "source_details", None)
        except LookupError:
            hook = None
        if hook is None:
            return []
        reveal = perms.may_see_contact(_viewer(self), item)
        rows = hook([item], reveal).get(item.pk, [])
        return [{"label": label, "value": value} for label, value in rows]

    @extend_schema_field(LoopRaterSerializer(many=True))
    def get_raters(self, item: Item) -> list[dict[str, str]]:
        try:
            raters = registry.get(item.channel).raters(item)
        except LookupError:
            return []
        return [{"key": r.key, "label": r.label} for r in raters]

    @extend_schema_field(LoopChoiceSerializer(many=True))
    def get_reply_categories(self, item: Item) -> list[dict[str, str]]:
        try:
            categories = registry.get(item.channel).reply_categories
        except LookupError:
            return []
        return [{"value": value, "label": label} for value, label in categories]

    @extend_schema_field(LoopChoiceSerializer(many=True))
    def get_adoptable_suggestions(self, item: Item) -> list[dict[str, Any]]:
        """The item's numbered suggestions a reply picks from (``adopted_suggestions``); empty where a
        reply states a number instead."""
        try:
            hook = registry.get(item.channel).adoptable
        except LookupError:
            return []
        return [{"value": pk, "label": label} for pk, label in (hook(item) if hook else [])]


# --- transition bodies --------------------------------------------------------------------------

VERSION_HELP = "可选：读取时的 version；若记录已被他人改动，返回 409，不作任何更改。"


class LoopVersionedInput(serializers.Serializer):
    version = serializers.IntegerField(label="版本号", required=False, min_value=0, help_text=VERSION_HELP)


class LoopAssignInput(LoopVersionedInput):
    mode = serializers.ChoiceField(label="交办方式", choices=Item.Mode.choices)
    lead_units = serializers.ListField(
        label="承办（主办）单位", child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=50
    )
    co_units = serializers.ListField(
        label="会办单位", child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=50
    )
    reason = serializers.CharField(label="交办说明", required=False, allow_blank=True, default="", max_length=5000)
    category = serializers.CharField(label="分类", required=False, allow_null=True, default=None, max_length=50)


class LoopReasonInput(LoopVersionedInput):
    reason = serializers.CharField(label="理由", allow_blank=True, max_length=5000)


class LoopReassignInput(LoopReasonInput):
    unit = serializers.IntegerField(label="改派单位", min_value=1)


class LoopRequestReturnInput(LoopReasonInput):
    suggested_unit = serializers.IntegerField(label="建议承办单位", required=False, allow_null=True, min_value=1)


class LoopRequestExtensionInput(LoopReasonInput):
    until = serializers.DateField(label="延期至")


class LoopDecideInput(LoopVersionedInput):
    approve = serializers.BooleanField(label="是否同意")
    note = serializers.CharField(label="审批意见", required=False, allow_blank=True, default="", max_length=5000)


class LoopContactInput(LoopVersionedInput):
    method = serializers.ChoiceField(label="沟通方式", choices=Contact.Method.choices)
    happened_at = serializers.DateTimeField(label="沟通时间")
    note = serializers.CharField(label="沟通情况", required=False, allow_blank=True, default="", max_length=5000)


class LoopCoOpinionInput(LoopVersionedInput):
    body = serializers.CharField(label="会办意见", allow_blank=True, max_length=20000)


class LoopReplyInput(LoopVersionedInput):
    body = serializers.CharField(label="答复内容", allow_blank=True, max_length=20000)
    category = serializers.CharField(label="答复类别", max_length=20)
    adopted_count = serializers.IntegerField(
        label="采纳建议条数", required=False, default=0, min_value=0, max_value=100
    )
    adopted_suggestions = serializers.ListField(
        label="采纳的建议",
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=200,
        help_text="提案等逐条列出建议的事项：本单位采纳的建议 id（见事项的 adoptable_suggestions），采纳条数由此得出。",
    )
    measures = serializers.CharField(label="采取的措施", required=False, allow_blank=True, default="", max_length=20000)
    resolved = serializers.BooleanField(label="是否已解决", required=False, default=False)


class LoopReviewInput(LoopVersionedInput):
    passed = serializers.BooleanField(label="是否通过")
    category = serializers.CharField(label="答复类别", required=False, allow_blank=True, default="", max_length=20)
    note = serializers.CharField(label="审核意见", required=False, allow_blank=True, default="", max_length=5000)


class LoopRateInput(LoopVersionedInput):
    rater_key = serializers.CharField(label="评价人", max_length=40)
    value = serializers.ChoiceField(label="评价", choices=Rating.Value.choices)
    comment = serializers.CharField(label="评价意见", required=False, allow_blank=True, default="", max_length=5000)


class LoopSuperviseInput(LoopVersionedInput):
    note = serializers.CharField(label="督办意见", allow_blank=True, max_length=5000)
    leader = serializers.IntegerField(label="督办领导", required=False, allow_null=True, min_value=1)
