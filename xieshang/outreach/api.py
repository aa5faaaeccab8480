"""API v1 of outreach: the counts, stations and the visitor log, scoped like the pages.

Reads use the ``permissions`` scopes (outside them: 404); a write parses its body and calls one
service; a refusal is ``{"detail": "中文信息"}`` with 400/403/404/409.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from xieshang.core import api as core_api
from xieshang.core import indicators
from xieshang.core.errors import NotFoundError, PermissionDeniedError
from xieshang.organisations.models import User

from . import permissions as perms
from . import services
from .indicators import KEYS
from .models import DISPOSAL_MOVE, Station, Visit


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)


class StationSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Station
        fields = ["id", "name", "kind", "area", "address", "phone", "reception"]


class VisitSerializer(serializers.ModelSerializer):
    duty_member = serializers.CharField(source="duty_member.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "station",
            "visited_on",
            "duty_member",
            "off_duty_reason",
            "visitor",
            "people",
            "kind",
            "matter",
            "status",
            "disposal_note",
            "proposal",
            "opinion_report",
            "item",
            "outcome",
            "feedback_on",
            "version",
        ]


class VisitInput(serializers.Serializer):
    token = serializers.UUIDField(label="提交令牌")
    station = serializers.IntegerField(label="联系站")
    visited_on = serializers.DateField(label="来访日期")
    duty_member = serializers.IntegerField(label="接待委员")
    visitor = serializers.CharField(label="来访人", max_length=50)
    contact = serializers.CharField(label="联系方式", max_length=50, required=False, allow_blank=True, default="")
    people = serializers.IntegerField(label="来访人数", min_value=1, max_value=200, default=1)
    kind = serializers.ChoiceField(label="事项类型", choices=Visit.Kind.values)
    matter = serializers.CharField(label="反映事项", max_length=2000)
    off_duty_reason = serializers.CharField(
        label="非值班接待原因", max_length=200, required=False, allow_blank=True, default=""
    )


class DisposeInput(serializers.Serializer):
    disposal = serializers.ChoiceField(label="处置方式", choices=list(DISPOSAL_MOVE))
    note = serializers.CharField(label="处置说明", required=False, allow_blank=True, default="")
    title = serializers.CharField(label="标题", required=False, allow_blank=True, default="")
    text = serializers.CharField(label="正文", required=False, allow_blank=True, default="")
    version = serializers.IntegerField(label="版本", required=False, allow_null=True, default=None)


class CountsView(APIView):
    @extend_schema(responses={200: CountSerializer(many=True), **core_api.ERRORS}, summary="联系群众各项统计")
    def get(self, request: Any) -> Response:
        user = request.user
        if not (perms.is_office(user) or getattr(user, "role", "") == User.Role.LEADER):
            raise PermissionDeniedError("只有政协机关工作人员和领导可以查看统计。")
        year = core_api.year(request.query_params) or 0
        if not year:
            year = timezone.localdate().year
        rows = []
        for key in KEYS:
            ind = indicators.get(key)
            value = ind.compute(user.committee, year) if ind.compute and user.committee_id else None
            rows.append(
                {"key": key, "label": ind.label, "unit": ind.unit, "definition": ind.definition, "value": value}
            )
        return Response(CountSerializer(rows, many=True).data)


class StationsView(APIView):
    @extend_schema(responses={200: StationSerializer(many=True), **core_api.ERRORS}, summary="可查看的联系站")
    def get(self, request: Any) -> Response:
        qs = perms.stations_visible_to(request.user).select_related("area").order_by("id")
        return Response(StationSerializer(qs, many=True).data)


class VisitsView(APIView):
    @extend_schema(responses={200: VisitSerializer(many=True), **core_api.ERRORS}, summary="可查看的来访登记")
    def get(self, request: Any) -> Response:
        qs = perms.visits_visible_to(request.user).select_related("duty_member").order_by("-visited_on", "-id")
        station = core_api.number(request.query_params, "station")
        if station:
            qs = qs.filter(station_id=station)
        pager = core_api.Pagination()
        page = pager.paginate_queryset(qs, request, self)
        return pager.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        request=VisitInput,
        responses={201: VisitSerializer, 200: VisitSerializer, **core_api.ERRORS},
        summary="登记来访",
    )
    def post(self, request: Any) -> Response:
        d = core_api.parse(VisitInput, request)
        visit, created = services.visit_log(
            actor=request.user,
            station_id=d["station"],
            submission_token=d["token"],
            visited_on=d["visited_on"],
            duty_member=d["duty_member"],
            visitor=d["visitor"],
            contact=d["contact"],
            people=d["people"],
            kind=d["kind"],
            matter=d["matter"],
            off_duty_reason=d["off_duty_reason"],
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DisposeView(APIView):
    @extend_schema(request=DisposeInput, responses={200: VisitSerializer, **core_api.ERRORS}, summary="处置来访事项")
    def post(self, request: Any, pk: str) -> Response:
        if perms.visits_visible_to(request.user).filter(pk=int(pk)).first() is None:
            raise NotFoundError("未找到该来访登记。")
        d = core_api.parse(DisposeInput, request)
        visit = services.visit_dispose(
            actor=request.user,
            visit_id=int(pk),
            disposal=d["disposal"],
            note=d["note"],
            title=d["title"],
            text=d["text"],
            expected_version=d["version"],
        )
        return Response(VisitSerializer(visit).data)


urlpatterns = [
    path("outreach/counts/", CountsView.as_view(), name="outreach-counts"),
    path("outreach/stations/", StationsView.as_view(), name="outreach-stations"),
    path("outreach/visits/", VisitsView.as_view(), name="outreach-visits"),
    path("outreach/visits/<int:pk>/dispose/", DisposeView.as_view(), name="outreach-visit-dispose"),
]
