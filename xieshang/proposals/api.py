"""API v1 of proposals: drafts, review actions, merge, assignment, handling state, replies and ratings.

Reads use ``permissions.proposals_visible_to`` (outside the scope: 404, as on the pages); each
transition is a POST action that parses its body (``core.api.parse``) and calls one service. Refusals
are ``{"detail": "中文信息"}`` with 400/403/404/409; a move the proposal's state does not allow is 409
with ``state`` and ``allowed_states`` (``transitions.PROPOSAL``, ``core.api``). Unit actions (签收、沟通、
答复) and reply review are the loop's endpoints under ``/api/v1/assignments/`` and ``/api/v1/replies/``.
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from xieshang.core import api
from xieshang.core.api import ERRORS, ID_REGEX, Pagination, Router, parse
from xieshang.core.errors import ServiceError

from . import permissions as perms
from . import selectors
from . import services as ps
from .models import Category, NotFiledGround, Proposal, Proposer, PublishedReply, Suggestion


class ProposerOut(serializers.ModelSerializer):
    class Meta:
        model = Proposer
        fields = ["order", "name", "member", "confirmed_at", "declined_at"]


class SuggestionOut(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = ["id", "number", "text"]


class ProposalOut(serializers.ModelSerializer):
    proposers = ProposerOut(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    handling = serializers.ChoiceField(
        choices=Proposal.Handling.choices, read_only=True, help_text="办理状态，取自办理事项（未立案为空）"
    )
    handling_label = serializers.CharField(source="get_handling_display", read_only=True)
    merged_into_number = serializers.CharField(source="merged_into.number_label", read_only=True, default="")
    suggestion_items = SuggestionOut(many=True, read_only=True, help_text="逐条建议（由“建议”按编号拆分）")

    class Meta:
        model = Proposal
        fields = [
            "id", "number_label", "title", "kind", "proposer_kind", "organisation_name", "category",
            "situation", "analysis", "suggestions", "suggestion_count", "suggested_units", "integrity",
            "status", "status_label", "handling", "handling_label", "merged_into", "merged_into_number",
            "item", "is_key", "is_excellent", "year", "submitted_at", "proposers", "suggestion_items", "version",
        ]  # fmt: skip


class DraftIn(serializers.Serializer):
    token = serializers.UUIDField(required=False)
    title = serializers.CharField(label="提案标题", max_length=120)
    category = serializers.ChoiceField(label="提案类别", choices=Category.choices, required=False, allow_blank=True)
    situation = serializers.CharField(label="情况", required=False, allow_blank=True)
    analysis = serializers.CharField(label="分析", required=False, allow_blank=True)
    suggestions = serializers.CharField(label="建议", required=False, allow_blank=True)
    suggested_units = serializers.CharField(label="建议承办单位", required=False, allow_blank=True, max_length=200)
    integrity = serializers.ChoiceField(
        label="诚信声明", choices=Proposal.Integrity.choices, required=False, allow_blank=True
    )
    declared = serializers.BooleanField(label="承诺", required=False, default=False)
    cosigners = serializers.ListField(child=serializers.IntegerField(), required=False, label="联名委员")


class NoteIn(serializers.Serializer):
    note = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class FileIn(NoteIn):
    category = serializers.ChoiceField(label="提案类别", choices=Category.choices, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)


class NotFileIn(serializers.Serializer):
    ground = serializers.ChoiceField(label="不予立案理由", choices=NotFiledGround.choices)
    note = serializers.CharField(label="给提案人的说明")


class MergeIn(NoteIn):
    lead = serializers.IntegerField(label="主案")


class ConsentIn(serializers.Serializer):
    agree = serializers.BooleanField(label="是否同意")


class AssignIn(NoteIn):
    mode = serializers.ChoiceField(label="交办方式", choices=[("single", "单办"), ("split", "分办"), ("joint", "会办")])
    lead_units = serializers.ListField(child=serializers.IntegerField(), label="主办单位")
    co_units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, label="会办单位")


class RateIn(serializers.Serializer):
    assignment = serializers.IntegerField(label="交办记录")
    value = serializers.ChoiceField(
        label="评价", choices=[("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")]
    )
    comment = serializers.CharField(label="意见", required=False, allow_blank=True, default="")
    rater = serializers.CharField(label="评价人", required=False, allow_blank=True, default="")


class ReplyOut(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    unit = serializers.CharField(source="assignment.unit.name")
    category = serializers.CharField()
    adopted_count = serializers.IntegerField()
    adopted_suggestions = serializers.ListField(
        source="adopted_ids",
        child=serializers.IntegerField(),
        help_text="本答复采纳的建议（proposal 的 suggestion_items 中的 id）",
    )
    body = serializers.CharField()
    review = serializers.CharField()
    created_at = serializers.DateTimeField()


class PublishedOut(serializers.ModelSerializer):
    number_label = serializers.CharField(source="proposal.number_label")

    class Meta:
        model = PublishedReply
        fields = ["id", "number_label", "title", "unit_name", "body", "published_at"]


def _responses(result: Any, status: int = 200) -> dict[int, Any]:
    return {status: result, **ERRORS}


_LIST_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="检索：案号、标题、正文、提案人、承办单位"),
    OpenApiParameter("status", OpenApiTypes.STR, description="提案状态，可用逗号分隔多个"),
    OpenApiParameter("handling", OpenApiTypes.STR, description="办理状态（取自办理事项），可用逗号分隔多个"),
    OpenApiParameter("year", OpenApiTypes.INT, description="年度，如 2022"),
    OpenApiParameter("key", OpenApiTypes.BOOL, description="只看（或排除）重点提案"),
    OpenApiParameter("excellent", OpenApiTypes.BOOL, description="只看（或排除）优秀提案"),
]


@extend_schema_view(
    list=extend_schema(parameters=_LIST_FILTERS, responses=_responses(ProposalOut(many=True))),
    retrieve=extend_schema(responses={200: ProposalOut, 404: ERRORS[404]}),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Proposals the caller may see: members their own and co-signed, staff and leaders the committee's,
    units those assigned to them. ``?q=`` searches number, title, text, proposers and units."""

    serializer_class = ProposalOut
    pagination_class = Pagination
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        params = self.request.query_params
        qs = selectors.with_people(perms.proposals_visible_to(self.request.user)).prefetch_related("suggestion_items")
        if statuses := api.choices(params, "status", list(Proposal.Status.values)):
            qs = qs.filter(status__in=statuses)
        handling = [h for h in Proposal.Handling.values if h]
        if states := api.choices(params, "handling", handling):
            qs = qs.filter(handling__in=states)
        if (year := api.year(params)) is not None:
            qs = qs.filter(year=year)
        if (key := api.flag(params, "key")) is not None:
            qs = qs.filter(is_key=key)
        if (excellent := api.flag(params, "excellent")) is not None:
            qs = qs.filter(is_excellent=excellent)
        return selectors.search(qs, params.get("q", "")[:100]).order_by("-id")

    def get_object(self):
        return perms.get_proposal_for(self.request.user, self.kwargs["pk"])

    def _out(self, p: Proposal, status: int = 200) -> Response:
        return Response(ProposalOut(perms.get_proposal_for(self.request.user, p.pk)).data, status=status)

    @extend_schema(request=DraftIn, responses=_responses(ProposalOut, 201))
    def create(self, request):
        d = parse(DraftIn, request)
        cosigners = d.pop("cosigners", [])
        p = ps.proposal_save_draft(actor=request.user, data=d, token=d.get("token"))
        if cosigners:
            ps.proposal_set_cosigners(actor=request.user, proposal_id=p.pk, member_ids=cosigners)
        return self._out(p, 201)

    @extend_schema(request=None, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._out(ps.proposal_submit(actor=request.user, proposal_id=self.get_object().pk))

    @extend_schema(request=ConsentIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        d = parse(ConsentIn, request)
        return self._out(ps.proposal_cosign(actor=request.user, proposal_id=self.get_object().pk, agree=d["agree"]))

    @extend_schema(request=FileIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="file")
    def file_(self, request, pk=None):
        d = parse(FileIn, request)
        p = ps.proposal_file(
            actor=request.user,
            proposal_id=self.get_object().pk,
            category=d.get("category") or None,
            note=d["note"],
            expected_version=d.get("version"),
        )
        return self._out(p)

    @extend_schema(request=NotFileIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="not-file")
    def not_file(self, request, pk=None):
        d = parse(NotFileIn, request)
        return self._out(ps.proposal_not_file(actor=request.user, proposal_id=self.get_object().pk, **d))

    @extend_schema(request=NoteIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        d = parse(NoteIn, request)
        return self._out(ps.proposal_return(actor=request.user, proposal_id=self.get_object().pk, note=d["note"]))

    @extend_schema(request=NoteIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="to-suggestion")
    def to_suggestion(self, request, pk=None):
        d = parse(NoteIn, request)
        p = ps.proposal_to_suggestion(actor=request.user, proposal_id=self.get_object().pk, note=d["note"])
        return self._out(p)

    @extend_schema(request=NoteIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="to-opinion")
    def to_opinion(self, request, pk=None):
        d = parse(NoteIn, request)
        p = ps.proposal_propose_opinion(actor=request.user, proposal_id=self.get_object().pk, note=d["note"])
        return self._out(p)

    @extend_schema(request=ConsentIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"], url_path="opinion-consent")
    def opinion_consent(self, request, pk=None):
        d = parse(ConsentIn, request)
        p = ps.proposal_opinion_consent(actor=request.user, proposal_id=self.get_object().pk, agree=d["agree"])
        return self._out(p)

    @extend_schema(request=MergeIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        d = parse(MergeIn, request)
        lead = perms.get_proposal_for(request.user, d["lead"])
        p = ps.proposal_merge(actor=request.user, proposal_id=self.get_object().pk, lead_id=lead.pk, note=d["note"])
        return self._out(p)

    @extend_schema(request=NoteIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def unmerge(self, request, pk=None):
        d = parse(NoteIn, request)
        return self._out(ps.proposal_unmerge(actor=request.user, proposal_id=self.get_object().pk, note=d["note"]))

    @extend_schema(request=AssignIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        d = parse(AssignIn, request)
        p = self.get_object()
        ps.proposal_assign(
            actor=request.user,
            proposal_id=p.pk,
            mode=d["mode"],
            lead_unit_ids=d["lead_units"],
            co_unit_ids=d["co_units"],
            note=d["note"],
        )
        return self._out(p)

    @extend_schema(request=None, responses=_responses(ReplyOut(many=True)))
    @action(detail=True, methods=["get"], pagination_class=None)  # every reply of one proposal, unpaged
    def replies(self, request, pk=None):
        info = selectors.handling_of(self.get_object(), request.user)
        replies = info.get("replies", [])
        adopted = selectors.adopted_by_reply([r.pk for r in replies])
        for r in replies:
            r.adopted_ids = [s.pk for s in adopted[r.pk]]
        return Response(ReplyOut(replies, many=True).data)

    @extend_schema(request=RateIn, responses=_responses(ProposalOut))
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        d = parse(RateIn, request)
        p = self.get_object()
        info = selectors.handling_of(p)
        if not info or d["assignment"] not in {a.pk for a in info["assignments"]}:
            raise ServiceError("该答复不属于这件提案。")
        ps.proposal_rate(
            actor=request.user,
            assignment_id=d["assignment"],
            value=d["value"],
            comment=d["comment"],
            rater_key=d["rater"] or None,
        )
        return self._out(p)


class PublishedReplyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published replies (public, contact details redacted)."""

    serializer_class = PublishedOut
    pagination_class = Pagination
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        return selectors.published_replies(self.request.query_params.get("q", "")[:100])


router = Router()
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("published-replies", PublishedReplyViewSet, basename="published-reply")

urlpatterns = [path("", include(router.urls))]
