"""Forms of the public message pages: they parse input; ``services`` decides."""

from __future__ import annotations

from django import forms

from xieshang.areas.models import Area
from xieshang.core.clients import HoneypotField
from xieshang.core.writes import as_id

from .models import Message
from .services import MAX_TEXT

KIND_CHOICES = [
    (Message.Kind.CONSULT, "咨询"),
    (Message.Kind.COMPLAINT, "投诉"),
    (Message.Kind.SUGGESTION, "建议"),
    (Message.Kind.URGENT, "紧急求助"),
]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return obj.name


class MessageForm(forms.Form):
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "提交已失效，请刷新页面后重新提交。",
            "required": "提交已失效，请刷新页面后重新提交。",
        },
    )
    kind = forms.ChoiceField(
        label="留言类型",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial=Message.Kind.CONSULT,
        error_messages={"required": "请选择留言类型。", "invalid_choice": "请选择留言类型。"},
    )
    title = forms.CharField(
        label="标题",
        min_length=4,
        max_length=100,
        error_messages={
            "required": "请填写标题。",
            "min_length": "标题太短，请至少写 4 个字。",
            "max_length": "标题不能超过 100 字。",
        },
        widget=forms.TextInput(attrs={"placeholder": "一句话概括您反映的问题"}),
    )
    text = forms.CharField(
        label="留言内容",
        min_length=10,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "请写明时间、地点、具体情况和您的诉求"}),
        error_messages={
            "required": "请填写留言内容。",
            "min_length": "留言内容太短，请至少写 10 个字。",
            "max_length": f"留言内容不能超过 {MAX_TEXT} 字。",
        },
    )
    street = AreaChoiceField(
        label="所在镇街",
        queryset=Area.objects.filter(level=Area.Level.STREET).order_by("code"),
        required=False,
        empty_label="请选择镇街",
        error_messages={"invalid_choice": "所选镇街无效。"},
    )
    community = AreaChoiceField(
        label="所在村居",
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY).order_by("code"),
        required=False,
        empty_label="请选择村居（可不选）",
        error_messages={"invalid_choice": "所选村居无效。"},
    )
    name = forms.CharField(label="姓名或称呼", max_length=50, error_messages={"required": "请填写姓名或称呼。"})
    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": "请填写联系电话。"},
    )
    publish_consent = forms.BooleanField(label="同意在答复办结后公开留言和答复（隐去姓名和电话）", required=False)
    hp_note = HoneypotField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        street = None
        if self.is_bound:
            street = self.data.get(self.add_prefix("street")) or None
        street_id = as_id(street)
        if street_id is not None:
            self.fields["community"].queryset = self.fields["community"].queryset.filter(parent_id=street_id)
        elif not self.is_bound:
            self.fields["community"].queryset = self.fields["community"].queryset.none()

    def clean(self):
        data = super().clean()
        street, community = data.get("street"), data.get("community")
        if community is not None and (street is None or community.parent_id != street.pk):
            self.add_error("community", "所选村居不属于所选镇街。")
        data["area"] = community or street
        return data


class TrackForm(forms.Form):
    code = forms.CharField(
        label="查询码",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": "请输入查询码。"},
    )
    phone = forms.CharField(
        label="留言时填写的电话",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
        error_messages={"required": "请输入留言时填写的电话号码。"},
    )


class RateForm(forms.Form):
    VALUE_CHOICES = [("satisfied", "满意"), ("basic", "基本满意"), ("unsatisfied", "不满意")]

    assignment = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.ChoiceField(
        label="您对答复是否满意",
        choices=VALUE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评价：满意、基本满意或不满意。", "invalid_choice": "请选择评价。"},
    )
    comment = forms.CharField(
        label="意见或不满意的原因",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="选择“不满意”时必须填写，承办单位将据此重新办理。",
    )

    def clean(self):
        data = super().clean()
        if data.get("value") == "unsatisfied" and not (data.get("comment") or "").strip():
            self.add_error("comment", "选择不满意时，请说明不满意的原因。")
        return data
