"""Forms parse input only; the rules live in the services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.handling.models import Item
from xieshang.organisations.models import Member, Sector, SpecialCommittee, Unit

from .models import Category, NotFiledGround, Proposal, SupervisionActivity


class DraftForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("Proposal title"),
        max_length=120,
        help_text=_("One matter per proposal; the title names the matter, e.g. “关于……的建议”."),
    )
    category = forms.ChoiceField(
        label=_("Proposal category"), choices=[("", _("Please choose")), *Category.choices], required=False
    )
    situation = forms.CharField(
        label=_("Situation"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Situation: how things are and what the problems are."),
    )
    analysis = forms.CharField(
        label=_("Analysis"), widget=forms.Textarea, required=False, help_text=_("Analysis: the causes of the problems.")
    )
    suggestions = forms.CharField(
        label=_("Suggestions"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Suggestions: concrete and feasible; start each on its own line, numbered (一、二、三……), one number "
            "per suggestion; without numbers each line counts as one. The handling unit ticks the ones it adopts."
        ),
    )
    suggested_units = forms.CharField(label=_("Suggested handling units"), max_length=200, required=False)
    integrity = forms.ChoiceField(
        label=_("Integrity statement"), choices=Proposal.Integrity.choices, widget=forms.RadioSelect, required=False
    )
    declared = forms.BooleanField(
        label=_("I confirm that the proposal is true and meets the rules for proposals"), required=False
    )
    proposer_kind = forms.ChoiceField(
        label=_("Kind of proposer"), choices=Proposal.ProposerKind.choices, required=False
    )
    member = forms.ModelChoiceField(
        label=_("Entered on behalf of: member"), queryset=Member.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Name of the party, group, sector or team"), max_length=100, required=False
    )
    special_committee_id = forms.TypedChoiceField(
        label=_("Special committee"), coerce=int, required=False, empty_value=None
    )
    sector_id = forms.TypedChoiceField(label=_("Sector"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, staff: bool = False, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved half-written; these are checked when it is submitted.
        for name in ("situation", "analysis", "suggestions", "integrity"):
            self.fields[name].submit_required = True
        if not staff:
            for name in ("proposer_kind", "member", "organisation_name", "special_committee_id", "sector_id"):
                del self.fields[name]
        elif committee is not None:
            self.fields["member"].queryset = Member.objects.filter(committee=committee).order_by("name")
            specials = SpecialCommittee.objects.filter(committee=committee).order_by("id")
            self.fields["special_committee_id"].choices = [("", "—"), *[(x.pk, x.name) for x in specials]]
            sectors = Sector.objects.filter(committee=committee).order_by("id")
            self.fields["sector_id"].choices = [("", "—"), *[(x.pk, x.name) for x in sectors]]
        if not self.is_bound and "token" in self.fields and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4()


class CosignersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Co-signing members"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args, committee=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Member.objects.filter(committee=committee).order_by("name")
        if exclude:
            qs = qs.exclude(pk__in=exclude)
        self.fields["members"].queryset = qs


class FileForm(forms.Form):
    category = forms.ChoiceField(label="提案类别", choices=[("", "保持不变"), *Category.choices], required=False)
    note = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NotFileForm(forms.Form):
    ground = forms.ChoiceField(label="不予立案理由", choices=[("", "请选择"), *NotFiledGround.choices])
    note = forms.CharField(label="给提案人的说明", widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    lead = forms.ModelChoiceField(label="并入主案", queryset=Proposal.objects.none())
    note = forms.CharField(label="并案说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Proposal.objects.filter(
            committee_id=proposal.committee_id,
            status=Proposal.Status.FILED,
            merged_into__isnull=True,
            item__status__in=(Item.Status.PENDING, Item.Status.HANDLING),
        ).exclude(pk=proposal.pk)
        self.fields["lead"].queryset = qs.order_by("-number")
        self.fields["lead"].label_from_instance = lambda p: f"{p.number_label} {p.title}"


class AssignForm(forms.Form):
    mode = forms.ChoiceField(label="交办方式", choices=Item.Mode.choices, widget=forms.RadioSelect)
    lead_units = forms.ModelMultipleChoiceField(label="主办（承办）单位", queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label="会办单位", queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label="交办说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, committee=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(committee=committee, is_active=True).order_by("kind", "name")
        self.fields["lead_units"].queryset = units
        self.fields["co_units"].queryset = units


class RateForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    rater = forms.CharField(widget=forms.HiddenInput)
    value = forms.ChoiceField(
        label="评价",
        choices=[("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class KeyForm(forms.Form):
    decided_on = forms.DateField(label="主席会议确定日期", widget=forms.DateInput(attrs={"type": "date"}))
    leader = forms.IntegerField(label="领衔督办领导", required=False, widget=forms.Select)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].widget.choices = [("", "暂不指定")] + [(x.pk, str(x)) for x in leaders]


class ExcellentForm(forms.Form):
    year = forms.IntegerField(
        label="评选年度", min_value=1949, max_value=9999, error_messages={"required": "请填写评选年度。"}
    )
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="活动类型", choices=SupervisionActivity.Kind.choices)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=100, required=False)
    participants = forms.CharField(label="参加人员", max_length=300, required=False)
    note = forms.CharField(label="活动情况", widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    reply = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(label="公开文本", widget=forms.Textarea, help_text="电话、身份证号、电子邮箱自动隐去。")
    extra = forms.CharField(
        label="另需隐去的内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一项，如姓名、地址。",
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="历年提案及答复（.xlsx）")
