"""Forms of the outreach pages: they parse input; the services decide."""

from __future__ import annotations

import uuid

from django import forms

from xieshang.handling.models import Rating

from .models import Visit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label="来访日期", widget=DATE)
    duty_member = forms.TypedChoiceField(label="接待委员", coerce=int)
    visitor = forms.CharField(label="来访人", max_length=50)
    contact = forms.CharField(label="联系方式", max_length=50, required=False)
    people = forms.IntegerField(label="来访人数", min_value=1, max_value=200, initial=1)
    kind = forms.ChoiceField(
        label="事项类型", choices=[("suggestion", "意见建议"), ("personal", "个人诉求"), ("consult", "咨询")]
    )
    matter = forms.CharField(label="反映事项", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    off_duty_reason = forms.CharField(
        label="非值班接待原因", max_length=200, required=False, help_text="接待委员不在当天值班表上时填写，如临时替班。"
    )
    message = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duty_member"].choices = [(m.pk, m.name) for m in members]
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


DISPOSAL_CHOICES = [
    ("answered", "当场答复"),
    ("proposal", "转为委员提案草稿"),
    ("opinion", "转为社情民意信息"),
    ("referred", "转有关部门办理（进入办理闭环）"),
]


class DisposeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    disposal = forms.ChoiceField(label="处置方式", choices=DISPOSAL_CHOICES, widget=forms.RadioSelect)
    note = forms.CharField(
        label="处置说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="当场答复的，填写答复内容。",
    )
    title = forms.CharField(label="标题", required=False, max_length=100, help_text="转提案、社情民意或转办时使用。")
    text = forms.CharField(
        label="正文", required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text="转社情民意信息时必填。"
    )

    def __init__(self, *args, visit: Visit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if visit is not None:
            from .models import DISPOSALS_BY_KIND

            allowed = DISPOSALS_BY_KIND[visit.kind]
            self.fields["disposal"].choices = [c for c in DISPOSAL_CHOICES if c[0] in allowed]
            self.initial.setdefault("version", visit.version)


class FeedbackForm(forms.Form):
    told_on = forms.DateField(label="反馈日期", widget=DATE)
    note = forms.CharField(label="反馈情况", required=False, max_length=500)
    rating = forms.ChoiceField(label="来访群众评价", required=False, choices=[("", "暂不录入"), *Rating.Value.choices])
    comment = forms.CharField(label="评价意见", required=False, max_length=500, help_text="不满意时必填。")


class RosterForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DATE)
    months = forms.IntegerField(label="月数", min_value=1, max_value=24, initial=3)
    days = forms.CharField(label="每月接待日", initial="10,20", help_text="用逗号分隔，如 10,20。")
    members = forms.TypedMultipleChoiceField(label="值班委员（按顺序轮流）", coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, m.name) for m in members]

    def clean_days(self) -> list[int]:
        try:
            days = sorted({int(x) for x in self.cleaned_data["days"].replace("，", ",").split(",") if x.strip()})
        except ValueError:
            raise forms.ValidationError("请填写 1 到 31 之间的日期，用逗号分隔。") from None
        if not days or any(not 1 <= d <= 31 for d in days):
            raise forms.ValidationError("请填写 1 到 31 之间的日期，用逗号分隔。")
        return days


class SwapForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    other = forms.TypedChoiceField(label="与该班次对调", coerce=int, required=False, empty_value=None)
    member = forms.TypedChoiceField(label="或由委员替班", coerce=int, required=False, empty_value=None)
    note = forms.CharField(label="调班说明", required=False, max_length=200)


class MessageForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label="姓名或称呼", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))
    text = forms.CharField(label="留言内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class AppealRateForm(forms.Form):
    value = forms.ChoiceField(label="企业评价", choices=Rating.Value.choices)
    comment = forms.CharField(label="评价意见", required=False, max_length=500, help_text="不满意时必填。")
