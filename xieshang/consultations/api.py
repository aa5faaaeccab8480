"""API v1 of consultation work: topics, activities, sign-in and suggestions with their conversion.

Reads use ``permissions`` scopes (outside them: 404); each write is a POST that calls one service;
a refusal becomes ``{"detail": "中文信息"}`` with 400/403/404/409.
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from xieshang.core import api as core_api
from xieshang.core.api import ERRORS, Pagination, Router, parse
from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.organisations.models import Member, Unit, User

from . import metrics, selectors, services
from . import permissions as perms
from .models import Activity, Participant, Suggestion, Topic


class TopicSerializer(serializers.ModelSerializer):
    plan_year = serializers.IntegerField(source="plan.year", default=None, allow_null=True, read_only=True)
    conversion = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "source",
            "proposer_name",
            "status",
            "plan_year",
            "lead",
            "outcome",
            "conversion",
        ]

    def get_conversion(self, obj: Topic) -> dict[str, Any]:
        return metrics.topic_conversion(obj.pk)


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "kind", "name", "organisation", "attendance", "signed_in_at"]


class ActivitySerializer(serializers.ModelSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "topic",
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "organiser",
            "status",
            "minutes",
            "signin_opens_at",
            "signin_closes_at",
            "participants",
        ]


class SuggestionSerializer(serializers.ModelSerializer):
    converted = serializers.BooleanField(read_only=True)
    item_status = serializers.CharField(source="item.status", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "topic",
            "activity",
            "source",
            "title",
            "text",
            "raised_by",
            "item",
            "item_status",
            "converted",
            "created_at",
        ]


class TopicInput(serializers.Serializer):
    submission_token = serializers.UUIDField(label="提交令牌")
    title = serializers.CharField(label="议题名称", max_length=100)
    description = serializers.CharField(label="议题说明", max_length=5000)


class SelectInput(serializers.Serializer):
    year = serializers.IntegerField(label="列入年度", min_value=2000, max_value=2100)
    lead = serializers.CharField(label="牵头单位", max_length=100, required=False, default="", allow_blank=True)
    note = serializers.CharField(label="意见", max_length=2000, required=False, default="", allow_blank=True)


class ActivityInput(serializers.Serializer):
    kind = serializers.ChoiceField(label="活动类型", choices=Activity.Kind.choices)
    title = serializers.CharField(label="活动名称", max_length=150)
    topic_id = serializers.IntegerField(label="议题", required=False, allow_null=True, default=None)
    starts_at = serializers.DateTimeField(label="开始时间")
    ends_at = serializers.DateTimeField(label="结束时间")
    location = serializers.CharField(label="地点", max_length=150, required=False, default="", allow_blank=True)
    organiser = serializers.CharField(label="组织单位", max_length=100, required=False, default="", allow_blank=True)
    agenda = serializers.CharField(label="议程", max_length=5000, required=False, default="", allow_blank=True)


class InviteInput(serializers.Serializer):
    kind = serializers.ChoiceField(label="类别", choices=Participant.Kind.choices)
    member_id = serializers.IntegerField(label="委员", required=False, allow_null=True, default=None)
    user_id = serializers.IntegerField(label="账号", required=False, allow_null=True, default=None)
    name = serializers.CharField(label="姓名", max_length=50, required=False, default="", allow_blank=True)
    organisation = serializers.CharField(label="单位职务", max_length=100, required=False, default="", allow_blank=True)


class SignInInput(serializers.Serializer):
    token = serializers.CharField(label="签到码", max_length=500)


class SuggestionInput(serializers.Serializer):
    submission_token = serializers.UUIDField(label="提交令牌")
    activity_id = serializers.IntegerField(label="活动", required=False, allow_null=True, default=None)
    topic_id = serializers.IntegerField(label="议题", required=False, allow_null=True, default=None)
    title = serializers.CharField(label="建议标题", max_length=150)
    text = serializers.CharField(label="建议内容", max_length=5000)
    raised_by = serializers.CharField(label="提出人", max_length=100, required=False, default="", allow_blank=True)
    source = serializers.ChoiceField(label="来源", choices=Suggestion.Source.choices, default="activity")
    source_label = serializers.CharField(label="来源说明", max_length=100, required=False, default="", allow_blank=True)


class SendInput(serializers.Serializer):
    unit_id = serializers.IntegerField(label="承办单位")


class RateInput(serializers.Serializer):
    value = serializers.ChoiceField(label="评价", choices=["satisfied", "basic", "unsatisfied"])
    comment = serializers.CharField(label="意见", max_length=2000, required=False, default="", allow_blank=True)


class TopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TopicSerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        return selectors.topics_for(self.request.user, status=p.get("status", ""), year=core_api.year(p))

    def get_object(self) -> Topic:
        return perms.get_topic_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request=TopicInput,
        responses={200: TopicSerializer, 201: TopicSerializer, **ERRORS},
        summary="提出议题（委员、单位、机关）",
    )
    def create(self, request, *args, **kwargs):
        if request.user.committee_id is None:
            raise PermissionDeniedError("账号未关联政协组织。")
        topic, created = services.topic_propose(
            committee=request.user.committee, actor=request.user, **parse(TopicInput, request)
        )
        return Response(TopicSerializer(topic).data, status=201 if created else 200)

    @extend_schema(request=SelectInput, responses={200: TopicSerializer, **ERRORS}, summary="列入年度协商计划")
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        topic = self.get_object()
        topic = services.topic_select(actor=request.user, topic_id=topic.pk, **parse(SelectInput, request))
        return Response(TopicSerializer(topic).data)


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivitySerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        return selectors.activities_for(
            self.request.user, kind=p.get("kind", ""), year=core_api.year(p)
        ).prefetch_related("participants")

    def get_object(self) -> Activity:
        return perms.get_activity_for(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ActivityInput, responses={201: ActivitySerializer, **ERRORS}, summary="安排活动")
    def create(self, request, *args, **kwargs):
        d = parse(ActivityInput, request)
        if request.user.committee_id is None:
            raise PermissionDeniedError("账号未关联政协组织。")
        topic_id = d.pop("topic_id")
        topic = Topic.objects.filter(pk=topic_id, committee_id=request.user.committee_id).first() if topic_id else None
        if topic_id and topic is None:
            raise ServiceError("议题不存在。")
        a = services.activity_create(actor=request.user, committee=request.user.committee, topic=topic, **d)
        return Response(ActivitySerializer(a).data, status=201)

    @extend_schema(request=InviteInput, responses={200: ActivitySerializer, **ERRORS}, summary="邀请参加人员")
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        a = self.get_object()
        d = parse(InviteInput, request)
        member_id, user_id = d.pop("member_id"), d.pop("user_id")
        member = Member.objects.filter(pk=member_id, committee_id=a.committee_id).first() if member_id else None
        user = User.objects.filter(pk=user_id, committee_id=a.committee_id).first() if user_id else None
        if (member_id and member is None) or (user_id and user is None):
            raise ServiceError("人员不存在。")
        services.participant_add(actor=request.user, activity_id=a.pk, member=member, user=user, **d)
        return Response(ActivitySerializer(self.get_object()).data)


class SignInView(APIView):
    @extend_schema(request=SignInInput, responses={200: ParticipantSerializer, **ERRORS}, summary="扫码签到")
    def post(self, request):
        p = services.activity_sign_in(token=parse(SignInInput, request)["token"], actor=request.user)
        return Response(ParticipantSerializer(p).data)


class SuggestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SuggestionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        qs = selectors.suggestions_for(self.request.user, topic_id=core_api.number(p, "topic"))
        year = core_api.year(p)
        return qs.filter(created_at__year=year) if year else qs

    def get_object(self) -> Suggestion:
        s = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if s is None:
            raise NotFoundError("未找到该建议。")
        return s

    @extend_schema(
        request=SuggestionInput,
        responses={200: SuggestionSerializer, 201: SuggestionSerializer, **ERRORS},
        summary="记录协商建议",
    )
    def create(self, request, *args, **kwargs):
        d = parse(SuggestionInput, request)
        cid = request.user.committee_id
        activity_id, topic_id = d.pop("activity_id"), d.pop("topic_id")
        activity = Activity.objects.filter(pk=activity_id, committee_id=cid).first() if activity_id else None
        topic = Topic.objects.filter(pk=topic_id, committee_id=cid).first() if topic_id else None
        if (activity_id and activity is None) or (topic_id and topic is None):
            raise ServiceError("活动或议题不存在。")
        s, created = services.suggestion_record(actor=request.user, activity=activity, topic=topic, **d)
        return Response(SuggestionSerializer(self.get_queryset().get(pk=s.pk)).data, status=201 if created else 200)

    @extend_schema(request=SendInput, responses={200: SuggestionSerializer, **ERRORS}, summary="交承办单位办理")
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        s = self.get_object()
        unit = Unit.objects.filter(pk=parse(SendInput, request)["unit_id"], committee_id=s.committee_id).first()
        services.suggestion_send(actor=request.user, suggestion_id=s.pk, unit=unit)
        return Response(SuggestionSerializer(self.get_object()).data)

    @extend_schema(request=RateInput, responses={200: SuggestionSerializer, **ERRORS}, summary="回头看评价")
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        s = self.get_object()
        services.suggestion_follow_up_rate(actor=request.user, suggestion_id=s.pk, **parse(RateInput, request))
        return Response(SuggestionSerializer(self.get_object()).data)


class FiguresView(APIView):
    @extend_schema(
        summary="年度协商数据（视察、调研报告、协商会、微协商、专家、建议及转化率）", responses={200: dict, **ERRORS}
    )
    def get(self, request):
        if not perms.sees_all(request.user) or request.user.committee_id is None:
            raise PermissionDeniedError("只有政协机关和区领导可以查看协商统计。")
        year = core_api.year(request.query_params) or timezone.localdate().year
        return Response({"year": year, **selectors.year_figures(request.user.committee_id, year)})


router = Router()
router.register("consultation-topics", TopicViewSet, basename="consultation-topic")
router.register("consultation-activities", ActivityViewSet, basename="consultation-activity")
router.register("consultation-suggestions", SuggestionViewSet, basename="consultation-suggestion")

app_name = "consultations_api"
urlpatterns = [
    path("", include(router.urls)),
    path("consultation-signin/", SignInView.as_view(), name="signin"),
    path("consultation-figures/", FiguresView.as_view(), name="figures"),
]
