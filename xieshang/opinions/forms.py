"""Forms only parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xieshang.organisations.models import Leader, Member, Unit

from . import rules
from .models import Adoption, BulletinRelease, Instruction, OpinionReport


class SubmitForm(forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=rules.MAX_TITLE)
    text = forms.CharField(
        label=_("Text"),
        # no form cap: the service counts against the stated limit (rules.MAX_CHARS) and says so
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=format_lazy(
            _("One matter per report, brief, at most {limit} characters: situation, causes, suggestions."),
            limit=rules.MAX_CHARS,
        ),
    )
    author_kind = forms.ChoiceField(
        label=_("Submitted in the name of"), choices=OpinionReport.AuthorKind.choices, initial="member"
    )
    author_org = forms.CharField(
        label=_("Name of the party, group, special committee or liaison group"), max_length=100, required=False
    )
    confirm_single = forms.BooleanField(label=_("This report is about one matter only"), required=False)


class OfficeSubmitForm(SubmitForm):
    member = forms.ModelChoiceField(label=_("Reported by (member)"), queryset=Member.objects.none(), required=False)

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(committee_id=committee_id).order_by("name")


class ResubmitForm(forms.Form):
    title = forms.CharField(label="标题", max_length=rules.MAX_TITLE)
    text = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}))
    confirm_single = forms.BooleanField(label="本篇只反映一件事", required=False)


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=rules.MAX_TITLE)
    text = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label="修改说明", max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)


class AdoptionForm(forms.Form):
    level = forms.ChoiceField(label="采用单位", choices=[c for c in Adoption.Level.choices if c[0] != "own"])
    adopted_on = forms.DateField(label="采用日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    issue_label = forms.CharField(label="刊物期号或文号", max_length=100, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)


class InstructionForm(forms.Form):
    leader = forms.ModelChoiceField(label="批示领导（区领导）", queryset=Leader.objects.none(), required=False)
    leader_name = forms.CharField(label="或填写领导姓名", max_length=50, required=False)
    leader_title = forms.CharField(label="职务", max_length=100, required=False)
    level = forms.ChoiceField(label="领导级别", choices=Instruction.Level.choices)
    given_on = forms.DateField(label="批示日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    text = forms.CharField(label="批示内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Leader.objects.filter(committee_id=committee_id)


class TransferForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none())
    reason = forms.CharField(label="转办说明", max_length=500, required=False)

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(committee_id=committee_id, is_active=True)


class ReleaseForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label="报送对象",
        choices=BulletinRelease.Recipient.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["party", "government", "parent"],
    )
    other_recipient = forms.CharField(label="其他报送单位", max_length=100, required=False)
