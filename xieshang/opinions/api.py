"""API v1 of opinion reports and bulletin issues, scoped like the pages.

Reads use ``permissions`` scopes (outside them: 404); each write is a POST that parses its body
and calls one service; a refusal becomes ``{"detail": "中文信息"}`` with 400/403/404/409.
"""

from __future__ import annotations

from django.urls import include, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from xieshang.core import api as core_api
from xieshang.core.api import ERRORS, Pagination, Router, parse
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.organisations.models import Leader, Member, Unit

from . import permissions as perms
from . import scoring, selectors, services
from .models import Adoption, BulletinIssue, BulletinRelease, Instruction, OpinionReport


class AdoptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adoption
        fields = ["level", "adopted_on", "issue_label", "note"]


class InstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instruction
        fields = ["leader_name", "leader_title", "level", "given_on", "text"]


class ReportSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_label", read_only=True)
    issue = serializers.CharField(source="issue.label", default=None, read_only=True)
    adoptions = AdoptionSerializer(many=True, read_only=True)
    instructions = InstructionSerializer(many=True, read_only=True)
    item_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = OpinionReport
        fields = [
            "id",
            "reference",
            "title",
            "text",
            "status",
            "author_kind",
            "author",
            "sector_name",
            "party",
            "is_hk_macao",
            "submitted_at",
            "return_reason",
            "issue",
            "adoptions",
            "instructions",
            "item_id",
            "version",
        ]


class IssueSerializer(serializers.ModelSerializer):
    reports = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    recipients = serializers.SerializerMethodField()

    class Meta:
        model = BulletinIssue
        fields = ["id", "label", "year", "number", "status", "note", "released_at", "reports", "recipients"]

    def get_recipients(self, obj: BulletinIssue) -> list[str]:
        return [r.recipient_name for r in obj.releases.all()]


class SubmitInput(serializers.Serializer):
    submission_token = serializers.UUIDField(label="提交令牌")
    title = serializers.CharField(label="标题", max_length=100)
    text = serializers.CharField(label="正文", max_length=20000)
    author_kind = serializers.ChoiceField(label="报送名义", choices=OpinionReport.AuthorKind.choices, default="member")
    author_org = serializers.CharField(label="名称", max_length=100, required=False, default="")
    member_id = serializers.IntegerField(label="反映人", required=False, allow_null=True, default=None)
    confirm_single = serializers.BooleanField(label="确认一事", required=False, default=False)


class EditInput(serializers.Serializer):
    title = serializers.CharField(label="标题", max_length=100)
    text = serializers.CharField(label="正文", max_length=20000)
    note = serializers.CharField(label="修改说明", max_length=200, required=False, default="")
    version = serializers.IntegerField(label="版本", required=False, allow_null=True, default=None)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(label="理由", max_length=2000, required=False, default="", allow_blank=True)


class AdoptionInput(serializers.Serializer):
    level = serializers.ChoiceField(label="采用单位", choices=Adoption.Level.choices)
    adopted_on = serializers.DateField(label="采用日期")
    issue_label = serializers.CharField(label="期号", max_length=100, required=False, default="", allow_blank=True)
    note = serializers.CharField(label="备注", max_length=200, required=False, default="", allow_blank=True)


class InstructionInput(serializers.Serializer):
    leader_id = serializers.IntegerField(label="批示领导", required=False, allow_null=True, default=None)
    leader_name = serializers.CharField(label="领导姓名", max_length=50, required=False, default="", allow_blank=True)
    leader_title = serializers.CharField(label="职务", max_length=100, required=False, default="", allow_blank=True)
    level = serializers.ChoiceField(label="领导级别", choices=Instruction.Level.choices)
    given_on = serializers.DateField(label="批示日期")
    text = serializers.CharField(label="批示内容", max_length=5000)


class TransferInput(serializers.Serializer):
    unit_id = serializers.IntegerField(label="承办单位")
    reason = serializers.CharField(label="转办说明", max_length=500, required=False, default="", allow_blank=True)


class IssueInput(serializers.Serializer):
    year = serializers.IntegerField(label="年份", required=False, allow_null=True, default=None)
    note = serializers.CharField(label="编者按", max_length=200, required=False, default="", allow_blank=True)


class ReportIdInput(serializers.Serializer):
    report_id = serializers.IntegerField(label="信息")


class ReleaseInput(serializers.Serializer):
    recipients = serializers.ListField(
        label="报送对象", child=serializers.ChoiceField(choices=BulletinRelease.Recipient.choices)
    )
    other_recipient = serializers.CharField(label="其他报送单位", max_length=100, required=False, default="")


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    pagination_class = Pagination

    def get_queryset(self):
        p = self.request.query_params
        return selectors.reports_for(
            self.request.user,
            status=p.get("status", ""),
            year=core_api.year(p),
            q=(p.get("q") or "")[:50],
        ).prefetch_related("adoptions", "instructions")

    def get_object(self) -> OpinionReport:
        return perms.get_report_for(self.request.user, self.kwargs["pk"])

    def _out(self, report_id: int) -> Response:
        return Response(ReportSerializer(perms.get_report_for(self.request.user, report_id)).data)

    @extend_schema(
        request=SubmitInput,
        responses={200: ReportSerializer, 201: ReportSerializer, **ERRORS},
        summary="报送社情民意信息",
    )
    def create(self, request, *args, **kwargs):
        d = parse(SubmitInput, request)
        member, member_id = None, d.pop("member_id")
        if member_id:
            member = Member.objects.filter(pk=member_id, committee_id=request.user.committee_id).first()
            if member is None:
                raise ServiceError("反映人不存在。")
        report, created = services.report_submit(actor=request.user, member=member, **d)
        return Response(ReportSerializer(report).data, status=201 if created else 200)

    @extend_schema(request=EditInput, responses={200: ReportSerializer, **ERRORS}, summary="编辑（信息科）")
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        report = self.get_object()
        d = parse(EditInput, request)
        services.report_edit(actor=request.user, report_id=report.pk, expected_version=d.pop("version"), **d)
        return self._out(report.pk)

    @extend_schema(request=ReasonInput, responses={200: ReportSerializer, **ERRORS}, summary="采用（本级）")
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        report = self.get_object()
        services.report_adopt(actor=request.user, report_id=report.pk, note=parse(ReasonInput, request)["reason"])
        return self._out(report.pk)

    @extend_schema(request=ReasonInput, responses={200: ReportSerializer, **ERRORS}, summary="不采用")
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        report = self.get_object()
        services.report_decline(actor=request.user, report_id=report.pk, reason=parse(ReasonInput, request)["reason"])
        return self._out(report.pk)

    @extend_schema(request=ReasonInput, responses={200: ReportSerializer, **ERRORS}, summary="退回修改")
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        report = self.get_object()
        services.report_return(actor=request.user, report_id=report.pk, reason=parse(ReasonInput, request)["reason"])
        return self._out(report.pk)

    @extend_schema(request=AdoptionInput, responses={200: ReportSerializer, **ERRORS}, summary="登记上级或党委政府采用")
    @action(detail=True, methods=["post"])
    def adoptions(self, request, pk=None):
        report = self.get_object()
        services.report_record_adoption(actor=request.user, report_id=report.pk, **parse(AdoptionInput, request))
        return self._out(report.pk)

    @extend_schema(request=InstructionInput, responses={200: ReportSerializer, **ERRORS}, summary="登记领导批示")
    @action(detail=True, methods=["post"])
    def instructions(self, request, pk=None):
        report = self.get_object()
        d = parse(InstructionInput, request)
        leader_id = d.pop("leader_id")
        leader = Leader.objects.filter(pk=leader_id, committee_id=report.committee_id).first() if leader_id else None
        if leader_id and leader is None:
            raise ServiceError("批示领导不存在。")
        services.report_record_instruction(actor=request.user, report_id=report.pk, leader=leader, **d)
        return self._out(report.pk)

    @extend_schema(request=TransferInput, responses={200: ReportSerializer, **ERRORS}, summary="转办")
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        report = self.get_object()
        d = parse(TransferInput, request)
        unit = Unit.objects.filter(pk=d["unit_id"], committee_id=report.committee_id).first()
        services.report_transfer(actor=request.user, report_id=report.pk, unit=unit, reason=d["reason"])
        return self._out(report.pk)


class IssueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IssueSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return perms.issues_visible_to(self.request.user).prefetch_related("reports", "releases")

    def get_object(self) -> BulletinIssue:
        return perms.get_issue_for(self.request.user, self.kwargs["pk"])

    def _out(self, issue_id: int) -> Response:
        return Response(IssueSerializer(perms.get_issue_for(self.request.user, issue_id)).data)

    @extend_schema(request=IssueInput, responses={201: IssueSerializer, **ERRORS}, summary="新建一期（期号自动顺延）")
    def create(self, request, *args, **kwargs):
        d = parse(IssueInput, request)
        if request.user.committee_id is None:
            raise ServiceError("账号未关联政协组织。")
        issue = services.issue_create(actor=request.user, committee=request.user.committee, **d)
        return Response(IssueSerializer(issue).data, status=201)

    @extend_schema(request=ReportIdInput, responses={200: IssueSerializer, **ERRORS}, summary="编入信息")
    @action(detail=True, methods=["post"])
    def add(self, request, pk=None):
        issue = self.get_object()
        services.issue_add_report(actor=request.user, issue_id=issue.pk, **parse(ReportIdInput, request))
        return self._out(issue.pk)

    @extend_schema(request=ReportIdInput, responses={200: IssueSerializer, **ERRORS}, summary="移出信息")
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        issue = self.get_object()
        services.issue_remove_report(actor=request.user, issue_id=issue.pk, **parse(ReportIdInput, request))
        return self._out(issue.pk)

    @extend_schema(request=ReleaseInput, responses={200: IssueSerializer, **ERRORS}, summary="签发报送")
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        issue = self.get_object()
        services.issue_release(actor=request.user, issue_id=issue.pk, **parse(ReleaseInput, request))
        return self._out(issue.pk)


class StatsView(APIView):
    @extend_schema(summary="采用率（按反映人、界别、党派）", responses={200: dict, **ERRORS})
    def get(self, request):
        if not perms.is_information_office(request.user):
            raise PermissionDeniedError("只有信息科工作人员可以查看采用统计。")
        year = core_api.year(request.query_params) or timezone.localdate().year
        data = selectors.adoption_stats(request.user, year)
        data["points"] = scoring.points_table(request.user.committee_id) if request.user.committee_id else {}
        return Response({"year": year, **data})


router = Router()
router.register("opinion-reports", ReportViewSet, basename="opinion-report")
router.register("bulletin-issues", IssueViewSet, basename="bulletin-issue")

app_name = "opinions_api"
urlpatterns = [path("", include(router.urls)), path("opinion-stats/", StatsView.as_view(), name="stats")]
