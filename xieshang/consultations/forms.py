"""Forms only parse input; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.organisations.models import Member, Unit, User

from .models import Activity, Attachment, Participant, Topic

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TopicForm(forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label="议题名称", max_length=100)
    description = forms.CharField(
        label="议题说明",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="想协商解决什么问题、涉及哪些群众、有什么初步建议。",
    )


class PublicTopicForm(TopicForm):
    proposer_name = forms.CharField(label="姓名或称呼", max_length=50)
    proposer_phone = forms.CharField(label="联系电话", max_length=20, help_text="仅供工作人员联系核实，不会公开。")


class SelectForm(forms.Form):
    year = forms.IntegerField(
        label="列入年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    lead = forms.CharField(label="牵头单位（专委会）", max_length=100, required=False)
    note = forms.CharField(label="主席会议意见", max_length=2000, required=False)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="活动类型", choices=Activity.Kind.choices)
    title = forms.CharField(label="活动名称", max_length=150)
    topic = forms.ModelChoiceField(label="所属议题", queryset=Topic.objects.none(), required=False)
    starts_at = forms.DateTimeField(label="开始时间", widget=DT)
    ends_at = forms.DateTimeField(label="结束时间", widget=DT)
    location = forms.CharField(label="地点", max_length=150, required=False)
    area = forms.ModelChoiceField(label="所在村居（微协商、微视察）", queryset=Area.objects.none(), required=False)
    organiser = forms.CharField(label="组织单位", max_length=100, required=False)
    agenda = forms.CharField(
        label="议程",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text="协商会：情况通报、提问、答复、发言等环节。",
    )
    # shown (as a box to tick) only once the service has warned that the time is late
    confirm_schedule = forms.BooleanField(label="确认按此时间安排", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(committee_id=committee_id, status="selected")

    def ask_to_confirm_schedule(self) -> None:
        self.fields["confirm_schedule"].widget = forms.CheckboxInput()
        self.fields["area"].queryset = Area.objects.filter(level=Area.Level.COMMUNITY).order_by("name")


class AccountChoiceField(forms.ModelChoiceField):
    """An account shown by the person's name and unit (or role), not by its login name."""

    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        where = obj.unit.name if obj.unit_id else obj.get_role_display()
        return f"{obj.display_name}（{where}）"


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Participant.Kind.choices)
    member = forms.ModelChoiceField(label="委员", queryset=Member.objects.none(), required=False)
    user = AccountChoiceField(label="或选择账号（领导、单位人员）", queryset=User.objects.none(), required=False)
    name = forms.CharField(label="或填写姓名（专家、群众）", max_length=50, required=False)
    organisation = forms.CharField(label="单位职务", max_length=100, required=False)

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(committee_id=committee_id).order_by("name")
        self.fields["user"].queryset = (
            User.objects.filter(committee_id=committee_id, role__in=["leader", "unit", "office"], is_active=True)
            .select_related("unit")
            .order_by("role", "full_name")
        )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="活动纪要", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Attachment.Kind.choices)
    title = forms.CharField(label="名称", max_length=150)
    file = forms.FileField(label="文件")


class ResearchReportForm(forms.Form):
    title = forms.CharField(label="报告标题", max_length=150)
    summary = forms.CharField(label="摘要", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    completed_on = forms.DateField(label="完成日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    file = forms.FileField(label="报告文件", required=False)


class SuggestionForm(forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label="建议标题", max_length=150)
    text = forms.CharField(label="建议内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    raised_by = forms.CharField(label="提出人", max_length=100, required=False)


class SendForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none())

    def __init__(self, *args, committee_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(committee_id=committee_id, is_active=True)


class RateForm(forms.Form):
    value = forms.ChoiceField(
        label="回头看评价", choices=[("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")]
    )
    comment = forms.CharField(label="评价意见", max_length=2000, required=False)
