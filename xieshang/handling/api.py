"""API v1 of the loop: items, assignments, requests and replies, scoped to the caller.

Reads use the scopes of ``permissions`` (an object outside them answers 404, like the pages);
each transition is a POST action that parses its body and calls one service. A service's
refusal becomes ``{"detail": "中文信息"}`` with 400/403/404/409 (``core.api.exception_handler``),
and so does a body that does not parse. An optional ``version`` in a transition body is the
version the caller read: if the record changed since, the answer is 409 and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.urls import include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response

from xieshang.core.api import ERRORS, ID_REGEX, Pagination, Router, choices, date, flag, number, parse
from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.organisations.models import Leader, Unit

from . import permissions as perms
from . import serializers as s
from . import services
from .models import LIVE_STATES, Assignment, Item, Reply, Request


def _units(ids: list[int]) -> list[Unit]:
    found = Unit.objects.in_bulk(ids)
    if len(found) != len(set(ids)):
        raise ServiceError("所选承办单位不存在。")
    return [found[i] for i in ids]


def _unit_or_none(unit_id: int | None) -> Unit | None:
    return _units([unit_id])[0] if unit_id else None


# --- schema helpers ----------------------------------------------------------------------------


def _transition(summary: str, body: type[serializers.Serializer], result: Any) -> Callable[[Any], Any]:
    return extend_schema(summary=summary, request=body, responses={200: result, **ERRORS})


# --- items -------------------------------------------------------------------------------------

_ITEM_FILTERS = [
    OpenApiParameter("status", str, description="状态，可用逗号分隔多个：" + "、".join(Item.Status.values)),
    OpenApiParameter("channel", str, description="渠道，如 message"),
    OpenApiParameter("kind", str, description="事项类型"),
    OpenApiParameter("is_overdue", bool, description="是否超期"),
    OpenApiParameter("is_supervised", bool, description="是否督办"),
    OpenApiParameter("is_urgent", bool, description="是否紧急"),
    OpenApiParameter("escalated", bool, description="是否已上报至区级"),
    OpenApiParameter("unit", int, description="有该单位有效交办的事项"),
    OpenApiParameter("area", int, description="所属区域"),
    OpenApiParameter("q", str, description="标题包含"),
    OpenApiParameter("accepted_from", dt.date, description="受理日期起"),
    OpenApiParameter("accepted_to", dt.date, description="受理日期止"),
    OpenApiParameter("ordering", str, enum=["-accepted_at", "accepted_at", "due_at", "-due_at"]),
]


@extend_schema_view(
    list=extend_schema(
        summary="事项列表", parameters=_ITEM_FILTERS, responses={200: s.LoopItemListSerializer, **ERRORS}
    ),
    retrieve=extend_schema(summary="事项详情", responses={200: s.LoopItemDetailSerializer, 404: ERRORS[404]}),
)
@extend_schema(tags=["事项"])
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    serializer_class = s.LoopItemListSerializer
    queryset = Item.objects.none()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.LoopItemListSerializer if self.action == "list" else s.LoopItemDetailSerializer

    def get_queryset(self) -> QuerySet[Item]:
        qs = perms.items_visible_to(self.request.user).select_related("area")
        # A list row never shows the full text; leaving it out keeps the sorted rows narrow.
        return _filter_items(qs.defer("text"), self.request.query_params) if self.action == "list" else qs

    def get_object(self) -> Item:
        item = perms.get_item_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, item)
        return item

    def _detail(self, item_id: int) -> Response:
        item = perms.get_item_for(self.request.user, item_id)
        return Response(s.LoopItemDetailSerializer(item, context=self.get_serializer_context()).data)

    @_transition("交办（单办、分办、会办）", s.LoopAssignInput, s.LoopItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: ApiRequest, pk: str) -> Response:
        item = self.get_object()
        data = parse(s.LoopAssignInput, request)
        services.item_assign(
            item_id=item.pk,
            actor=request.user,
            mode=data["mode"],
            lead_units=_units(data["lead_units"]),
            co_units=_units(data["co_units"]),
            reason=data["reason"],
            category=data["category"],
            expected_version=data.get("version"),
        )
        return self._detail(item.pk)

    @_transition("不予受理", s.LoopReasonInput, s.LoopItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: ApiRequest, pk: str) -> Response:
        item = self.get_object()
        data = parse(s.LoopReasonInput, request)
        services.item_decline(
            item_id=item.pk, actor=request.user, reason=data["reason"], expected_version=data.get("version")
        )
        return self._detail(item.pk)

    @_transition("督办", s.LoopSuperviseInput, s.LoopItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def supervise(self, request: ApiRequest, pk: str) -> Response:
        item = self.get_object()
        data = parse(s.LoopSuperviseInput, request)
        leader = None
        if data.get("leader"):
            leader = Leader.objects.filter(pk=data["leader"], committee_id=item.committee_id).first()
            if leader is None:
                raise ServiceError("督办领导不存在。")
        services.item_supervise(
            item_id=item.pk, actor=request.user, note=data["note"], leader=leader, expected_version=data.get("version")
        )
        return self._detail(item.pk)


def _filter_items(qs: QuerySet[Item], params: Any) -> QuerySet[Item]:
    statuses = choices(params, "status", list(Item.Status.values))
    if statuses:
        qs = qs.filter(status__in=statuses)
    for name, field in (("channel", "channel"), ("kind", "kind")):
        value = (params.get(name) or "").strip()
        if value:
            qs = qs.filter(**{field: value[:30]})
    for name, field in (
        ("is_overdue", "is_overdue"),
        ("is_supervised", "is_supervised"),
        ("is_urgent", "is_urgent"),
        ("escalated", "escalated_to_district"),
    ):
        value = flag(params, name)
        if value is not None:
            qs = qs.filter(**{field: value})
    unit = number(params, "unit")
    if unit is not None:
        live = Assignment.objects.filter(item=OuterRef("pk"), unit_id=unit, status__in=LIVE_STATES)
        qs = qs.filter(Exists(live))
    area = number(params, "area")
    if area is not None:
        qs = qs.filter(area_id=area)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(title__icontains=q[:50])
    start, end = date(params, "accepted_from"), date(params, "accepted_to")
    if start:
        qs = qs.filter(accepted_at__date__gte=start)
    if end:
        qs = qs.filter(accepted_at__date__lte=end)
    ordering = params.get("ordering") or "-accepted_at"
    orderings = {
        "-accepted_at": ["-accepted_at", "-id"],
        "accepted_at": ["accepted_at", "id"],
        "due_at": ["due_at", "id"],
        "-due_at": ["-due_at", "-id"],
    }
    if ordering not in orderings:
        raise ServiceError("参数 ordering 无效，可选：" + "、".join(orderings))
    return qs.order_by(*orderings[ordering])


# --- assignments -------------------------------------------------------------------------------


def _assignment_response(request: ApiRequest, assignment_id: int) -> Response:
    qs = perms.assignments_visible_to(request.user).select_related("item", "unit")
    qs = qs.prefetch_related("replies", "requests", "contacts", "opinions", "ratings").filter(pk=assignment_id)
    found = qs.first()
    if found is None:
        raise NotFoundError("未找到该交办记录。")
    return Response(s.LoopAssignmentDetailSerializer(found, context={"request": request}).data)


_ASSIGNMENT_FILTERS = [
    OpenApiParameter("status", str, description="状态，可用逗号分隔多个：" + "、".join(Assignment.Status.values)),
    OpenApiParameter("role", str, enum=list(Assignment.Role.values), description="主办或会办"),
    OpenApiParameter("unit", int, description="承办单位"),
    OpenApiParameter("item", int, description="事项"),
    OpenApiParameter("is_overdue", bool, description="是否超期"),
    OpenApiParameter("due_before", dt.date, description="办理期限不晚于该日"),
    OpenApiParameter(
        "ordering",
        str,
        enum=["reply_due_at", "-reply_due_at", "-assigned_at"],
        description="reply_due_at 按当前有效的办理期限（含延期）排序",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="交办记录列表",
        parameters=_ASSIGNMENT_FILTERS,
        responses={200: s.LoopAssignmentListSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="交办记录详情", responses={200: s.LoopAssignmentDetailSerializer, 404: ERRORS[404]}),
)
@extend_schema(tags=["交办与办理"])
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    serializer_class = s.LoopAssignmentListSerializer
    queryset = Assignment.objects.none()

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.LoopAssignmentListSerializer if self.action == "list" else s.LoopAssignmentDetailSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        qs = perms.assignments_visible_to(self.request.user).select_related("item", "unit")
        if self.action != "list":
            return qs
        return _filter_assignments(qs.defer("item__text"), self.request.query_params)

    def get_object(self) -> Assignment:
        a = perms.get_assignment_for(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, a)
        return a

    def _detail(self, assignment_id: int) -> Response:
        return _assignment_response(self.request, assignment_id)

    def retrieve(self, request: ApiRequest, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object().pk)

    def _run(self, input_class: type[serializers.Serializer], call: Callable[[Assignment, dict[str, Any]], Any]):
        """Parse the body and call one service with ``expected_version`` taken from it."""
        a = self.get_object()
        data = parse(input_class, self.request)
        data["expected_version"] = data.pop("version", None)
        call(a, data)
        return a

    @_transition("签收", s.LoopVersionedInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopVersionedInput,
            lambda a, d: services.assignment_sign(
                assignment_id=a.pk, actor=request.user, expected_version=d["expected_version"]
            ),
        )
        return self._detail(a.pk)

    @_transition("改派（政协机关）", s.LoopReassignInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request: ApiRequest, pk: str) -> Response:
        created: list[Assignment] = []

        def call(a: Assignment, d: dict[str, Any]) -> None:
            created.append(
                services.assignment_reassign(
                    assignment_id=a.pk,
                    actor=request.user,
                    unit=_units([d["unit"]])[0],
                    reason=d["reason"],
                    expected_version=d["expected_version"],
                )
            )

        self._run(s.LoopReassignInput, call)
        return self._detail(created[0].pk)

    @_transition("申请退回", s.LoopRequestReturnInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-return")
    def request_return(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopRequestReturnInput,
            lambda a, d: services.assignment_request_return(
                assignment_id=a.pk,
                actor=request.user,
                reason=d["reason"],
                suggested_unit=_unit_or_none(d.get("suggested_unit")),
                expected_version=d["expected_version"],
            ),
        )
        return self._detail(a.pk)

    @_transition("申请延期", s.LoopRequestExtensionInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopRequestExtensionInput,
            lambda a, d: services.assignment_request_extension(
                assignment_id=a.pk,
                actor=request.user,
                until=d["until"],
                reason=d["reason"],
                expected_version=d["expected_version"],
            ),
        )
        return self._detail(a.pk)

    @_transition("记录与提出人的沟通", s.LoopContactInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopContactInput,
            lambda a, d: services.assignment_record_contact(
                assignment_id=a.pk,
                actor=request.user,
                method=d["method"],
                happened_at=d["happened_at"],
                note=d["note"],
                expected_version=d["expected_version"],
            ),
        )
        return self._detail(a.pk)

    @_transition("提交会办意见", s.LoopCoOpinionInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="co-opinion")
    def co_opinion(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopCoOpinionInput,
            lambda a, d: services.co_opinion_send(
                assignment_id=a.pk, actor=request.user, body=d["body"], expected_version=d["expected_version"]
            ),
        )
        return self._detail(a.pk)

    @_transition("答复", s.LoopReplyInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopReplyInput,
            lambda a, d: services.assignment_reply(
                assignment_id=a.pk,
                actor=request.user,
                body=d["body"],
                category=d["category"],
                adopted_count=d["adopted_count"],
                adopted=d.get("adopted_suggestions"),
                measures=d["measures"],
                resolved=d["resolved"],
                expected_version=d["expected_version"],
            ),
        )
        return self._detail(a.pk)

    @_transition("评价（本人评价，或政协机关代为录入）", s.LoopRateInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopRateInput,
            lambda a, d: services.assignment_rate(
                assignment_id=a.pk,
                rater_key=d["rater_key"],
                value=d["value"],
                comment=d["comment"],
                actor=request.user,
                expected_version=d["expected_version"],
            ),
        )
        return self._detail(a.pk)

    @_transition("上报（村居 → 镇街 → 区）", s.LoopReasonInput, s.LoopItemDetailSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: ApiRequest, pk: str) -> Response:
        a = self._run(
            s.LoopReasonInput,
            lambda a, d: services.assignment_escalate(
                assignment_id=a.pk, actor=request.user, reason=d["reason"], expected_version=d["expected_version"]
            ),
        )
        item = perms.get_item_for(request.user, a.item_id)
        return Response(s.LoopItemDetailSerializer(item, context=self.get_serializer_context()).data)


def _filter_assignments(qs: QuerySet[Assignment], params: Any) -> QuerySet[Assignment]:
    statuses = choices(params, "status", list(Assignment.Status.values))
    if statuses:
        qs = qs.filter(status__in=statuses)
    roles = choices(params, "role", list(Assignment.Role.values))
    if roles:
        qs = qs.filter(role__in=roles)
    for name in ("unit", "item"):
        value = number(params, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    overdue = flag(params, "is_overdue")
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    due = date(params, "due_before")
    if due is not None:
        qs = qs.filter(reply_due_at__date__lte=due)
    ordering = params.get("ordering") or "reply_due_at"
    # By the deadline in force (an extension moves it). Sorting on the expression also keeps
    # PostgreSQL off the plain reply_due_at index, which walks every old closed assignment
    # before reaching a unit's open ones (52 ms at 100,000 items against 3 ms for the sort).
    due = Coalesce("extended_until", "reply_due_at")
    orderings = {
        "reply_due_at": [due.asc(), "id"],
        "-reply_due_at": [due.desc(), "-id"],
        "-assigned_at": ["-assigned_at", "-id"],
    }
    if ordering not in orderings:
        raise ServiceError("参数 ordering 无效，可选：" + "、".join(orderings))
    return qs.order_by(*orderings[ordering])


# --- requests and replies --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="退回和延期申请",
        parameters=[
            OpenApiParameter("status", str, enum=list(Request.Status.values)),
            OpenApiParameter("kind", str, enum=list(Request.Kind.values)),
        ],
        responses={200: s.LoopRequestSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="申请详情", responses={200: s.LoopRequestSerializer, 404: ERRORS[404]}),
)
@extend_schema(tags=["退回和延期申请"])
class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    serializer_class = s.LoopRequestSerializer
    queryset = Request.objects.none()

    def get_queryset(self) -> QuerySet[Request]:
        visible = perms.assignments_visible_to(self.request.user)
        qs = Request.objects.filter(assignment__in=visible).order_by("-created_at", "-id")
        if self.action == "list":
            for name, allowed in (("status", Request.Status.values), ("kind", Request.Kind.values)):
                values = choices(self.request.query_params, name, list(allowed))
                if values:
                    qs = qs.filter(**{f"{name}__in": values})
        return qs

    def get_object(self) -> Request:
        pk = self.kwargs["pk"]
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise NotFoundError("未找到该申请。")
        return found

    @_transition("审批退回或延期申请（政协机关）", s.LoopDecideInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: ApiRequest, pk: str) -> Response:
        req = self.get_object()
        data = parse(s.LoopDecideInput, request)
        services.request_decide(
            request_id=req.pk,
            actor=request.user,
            approve=data["approve"],
            note=data["note"],
            expected_version=data.get("version"),
        )
        return _assignment_response(request, req.assignment_id)


@extend_schema_view(
    list=extend_schema(
        summary="答复列表",
        parameters=[OpenApiParameter("review", str, enum=list(Reply.Review.values), description="审核状态")],
        responses={200: s.LoopReplySerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="答复详情", responses={200: s.LoopReplySerializer, 404: ERRORS[404]}),
)
@extend_schema(tags=["答复审核"])
class ReplyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX
    serializer_class = s.LoopReplySerializer
    queryset = Reply.objects.none()

    def get_queryset(self) -> QuerySet[Reply]:
        visible = perms.assignments_visible_to(self.request.user)
        qs = Reply.objects.filter(assignment__in=visible).order_by("-created_at", "-id")
        if self.action == "list":
            values = choices(self.request.query_params, "review", list(Reply.Review.values))
            if values:
                qs = qs.filter(review__in=values)
        return qs

    def get_object(self) -> Reply:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFoundError("未找到该答复。")
        return found

    @_transition("审核答复（政协机关）", s.LoopReviewInput, s.LoopAssignmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: ApiRequest, pk: str) -> Response:
        reply = self.get_object()
        data = parse(s.LoopReviewInput, request)
        services.reply_review(
            reply_id=reply.pk,
            actor=request.user,
            passed=data["passed"],
            category=data["category"] or None,
            note=data["note"],
            expected_version=data.get("version"),
        )
        return _assignment_response(request, reply.assignment_id)


router = Router()
router.register("items", ItemViewSet, basename="item")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("requests", RequestViewSet, basename="request")
router.register("replies", ReplyViewSet, basename="reply")

app_name = "handling_api"
urlpatterns = [path("", include(router.urls))]
