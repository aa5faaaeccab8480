"""Forms of the loop's pages: they parse input; the services decide."""

from __future__ import annotations

import calendar
import datetime as dt

from django import forms
from django.utils import timezone

from xieshang.organisations.models import Unit

from .models import Contact, Item

TEXT_LIMIT = 20000
NOTE_LIMIT = 5000


class VersionedForm(forms.Form):
    """Carries the version of the record the user saw, so a stale page answers with a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [("pending", "待交办"), ("", "全部状态"), *Item.Status.choices]

    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    channel = forms.ChoiceField(label="来源", required=False)
    area = forms.TypedChoiceField(label="镇街", required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label="只看超期", required=False)
    q = forms.CharField(label="标题", required=False, max_length=100)

    def __init__(self, *args, channels: list[tuple[str, str]], areas: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "全部来源"), *channels]
        self.fields["area"].choices = [("", "全部镇街"), *[(a.pk, a.name) for a in areas]]


class AssignForm(VersionedForm):
    mode = forms.ChoiceField(
        label="交办方式",
        choices=[
            (Item.Mode.SINGLE, "单办（一个单位办理）"),
            (Item.Mode.SPLIT, "分办（多个单位分别答复）"),
            (Item.Mode.JOINT, "会办（主办单位牵头，会办单位协办）"),
        ],
        widget=forms.RadioSelect,
        initial=Item.Mode.SINGLE,
    )
    lead_units = UnitsChoiceField(label="承办（主办）单位", queryset=Unit.objects.none())
    co_units = UnitsChoiceField(label="会办单位", queryset=Unit.objects.none(), required=False)
    reason = forms.CharField(
        label="交办意见", required=False, max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_units"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["lead_units"].error_messages["required"] = "请选择承办单位。"
        self.fields["lead_units"].error_messages["invalid_choice"] = "所选承办单位不可用。"
        self.fields["co_units"].error_messages["invalid_choice"] = "所选会办单位不可用。"


class DeclineForm(forms.Form):
    reason = forms.CharField(label="不予受理的理由", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(VersionedForm):
    unit = UnitChoiceField(label="改派至", queryset=Unit.objects.none())
    reason = forms.CharField(label="改派理由", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].error_messages["required"] = "请选择改派的单位。"
        self.fields["unit"].error_messages["invalid_choice"] = "所选单位不可用。"


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="审批", choices=[("approve", "同意"), ("refuse", "不同意")])
    note = forms.CharField(
        label="审批意见", required=False, max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核", choices=[("pass", "通过"), ("reject", "驳回重办")])
    category = forms.ChoiceField(label="答复类别", required=False)
    note = forms.CharField(
        label="审核意见", required=False, max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "不改变类别"), *categories]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "驳回时请说明理由。")
        return data


class SignForm(VersionedForm):
    pass


class ContactForm(forms.Form):
    method = forms.ChoiceField(
        label="沟通方式",
        choices=[
            (Contact.Method.PHONE, "电话"),
            (Contact.Method.MEETING, "当面"),
            (Contact.Method.FORUM, "座谈"),
            (Contact.Method.EMAIL, "电子邮件"),
            (Contact.Method.LETTER, "信函"),
            (Contact.Method.OTHER, "其他"),
        ],
    )
    happened_at = forms.DateTimeField(
        label="沟通时间",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请填写正确的沟通时间。", "required": "请填写沟通时间。"},
    )
    note = forms.CharField(
        label="沟通情况", required=False, max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(VersionedForm):
    reason = forms.CharField(label="申请退回的理由", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))
    suggested_unit = UnitChoiceField(label="建议承办单位", queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested_unit"].queryset = units


class ExtensionForm(forms.Form):
    until = forms.DateField(
        label="申请延期至",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写正确的日期。", "required": "请填写延期后的日期。"},
    )
    reason = forms.CharField(label="延期理由", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))


class OpinionForm(forms.Form):
    body = forms.CharField(label="会办意见", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 5}))


class ReplyForm(VersionedForm):
    category = forms.ChoiceField(label="答复类别")
    body = forms.CharField(label="答复内容", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 8}))
    adopted_count = forms.IntegerField(label="采纳建议条数", min_value=0, max_value=100, initial=0, required=False)
    measures = forms.CharField(
        label="采取的措施", required=False, max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved = forms.BooleanField(label="问题已解决", required=False)

    def __init__(
        self,
        *args,
        categories: list[tuple[str, str]],
        adoptable: list[tuple[int, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择"), *categories]
        self.fields["category"].error_messages["required"] = "请选择答复类别。"
        self.adoptable = adoptable
        if adoptable is not None:
            # The item's suggestions, one checkbox each: the reply records which ones are adopted.
            del self.fields["adopted_count"]
            self.fields["adopted"] = forms.TypedMultipleChoiceField(
                label="采纳的建议",
                choices=adoptable,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="勾选本单位采纳的建议；未勾选的视为未采纳。" if adoptable else "该提案没有逐条列出的建议。",
                error_messages={"invalid_choice": "所勾选的建议不是本事项提出的建议，请刷新页面后重新勾选。"},
            )
            order = ["category", "body", "adopted", "measures", "resolved", "version"]
            self.order_fields([f for f in order if f in self.fields])


class EscalateForm(forms.Form):
    reason = forms.CharField(label="上报理由", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))


class SuperviseForm(forms.Form):
    note = forms.CharField(label="督办意见", max_length=NOTE_LIMIT, widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    """A statistics period: a year, a month of a year or a custom range of dates (both inclusive)."""

    period = forms.ChoiceField(
        label="统计周期", choices=[("year", "按年"), ("month", "按月"), ("custom", "自定义")], required=False
    )
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label="月份", min_value=1, max_value=12, required=False)
    start = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label="排名依据", required=False)
    channel = forms.ChoiceField(label="来源渠道", required=False)

    def __init__(
        self, *args, indicators: list[tuple[str, str]], channels: list[tuple[str, str]] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = indicators
        self.fields["channel"].choices = [("", "全部渠道"), *channels]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        period = data.get("period") or "year"
        data["period"] = period
        year = data.get("year") or today.year
        data["year"] = year
        if period == "month":
            month = data.get("month") or today.month
            data["month"] = month
            first = dt.date(year, month, 1)
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
        elif period == "custom":
            first, last = data.get("start"), data.get("end")
            if not first or not last:
                raise forms.ValidationError("自定义周期请填写开始日期和结束日期。")
            if last < first:
                raise forms.ValidationError("结束日期不能早于开始日期。")
            if (last - first).days > 366 * 5:
                raise forms.ValidationError("自定义周期最长 5 年。")
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        tz = timezone.get_current_timezone()
        data["range"] = (
            dt.datetime.combine(first, dt.time.min, tzinfo=tz),
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )
        data["label"] = f"{first:%Y-%m-%d} 至 {last:%Y-%m-%d}"
        return data
