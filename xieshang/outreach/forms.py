"""Forms of the outreach pages: they parse input; the services decide."""

from __future__ import annotations

import uuid

from django import forms

from xieshang.core.clients import HoneypotField
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


class ShiftForm(forms.Form):
    on = forms.DateField(label="值班日期", widget=DATE)
    member = forms.TypedChoiceField(label="值班委员", coerce=int)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "请选择"), *((m.pk, m.name) for m in members)]


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
    hp_note = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class AppealRateForm(forms.Form):
    value = forms.ChoiceField(label="企业评价", choices=Rating.Value.choices)
    comment = forms.CharField(label="评价意见", required=False, max_length=500, help_text="不满意时必填。")


# --- the office's set-up forms ---------------------------------------------------------------------


def _members(committee_id: int):
    from xieshang.organisations.models import Member

    return Member.objects.filter(committee_id=committee_id).order_by("name", "id")


class _Committee(forms.Form):
    """A form whose choices are the committee's own members, hosts and areas."""

    def __init__(self, *args, committee_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("members", "went", "leader", "member"):
            if name in self.fields:
                self.fields[name].queryset = _members(committee_id)


class StationForm(_Committee):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=[])
    area = forms.ModelChoiceField(label="所在镇街/村居", queryset=None, empty_label="请选择")
    host = forms.ModelChoiceField(label="站长", queryset=None, required=False, empty_label="暂不指定")
    members = forms.ModelMultipleChoiceField(
        label="进站委员",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl（手机上直接点选）可选多位委员。",
    )
    duty_days = forms.CharField(
        label="每月值班日", max_length=100, required=False, help_text="如 10,20 表示每月10日、20日接待。"
    )
    reception = forms.CharField(
        label="接待时间说明", max_length=100, required=False, help_text="如“每月10日、20日上午”；不填按值班日生成。"
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    is_active = forms.BooleanField(label="在门户网站公开（群众可查找、留言）", required=False, initial=True)

    def __init__(self, *args, committee_id: int, **kwargs):
        from xieshang.areas.models import Area
        from xieshang.organisations.models import User

        from .models import Station

        super().__init__(*args, committee_id=committee_id, **kwargs)
        self.fields["kind"].choices = Station.Kind.choices
        self.fields["area"].queryset = Area.objects.filter(
            level__in=(Area.Level.STREET, Area.Level.COMMUNITY)
        ).order_by("code")
        self.fields["area"].label_from_instance = lambda a: a.name if a.level == Area.Level.STREET else f"　{a.name}"
        self.fields["host"].queryset = User.objects.filter(role=User.Role.HOST, committee_id=committee_id)
        self.fields["host"].label_from_instance = lambda u: u.display_name


class EnterpriseForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=100)
    area = forms.ModelChoiceField(label="所在镇街", queryset=None, required=False, empty_label="—")
    industry = forms.CharField(label="行业", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        from xieshang.areas.models import Area

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(level=Area.Level.STREET).order_by("code")


class EnterpriseEditForm(_Committee, EnterpriseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    linked = forms.ModelMultipleChoiceField(
        label="挂点联系的政协领导班子成员",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="新选的成员自今天起挂点联系；取消选择的，其挂点联系于今天结束。",
    )

    def __init__(self, *args, committee_id: int, **kwargs):
        super().__init__(*args, committee_id=committee_id, **kwargs)
        self.fields["linked"].queryset = _members(committee_id)


class LinkForm(_Committee):
    member = forms.ModelChoiceField(label="挂点联系的政协领导班子成员", queryset=None, empty_label="请选择")
    linked_on = forms.DateField(label="开始日期", widget=DATE)


class OutreachVisitForm(_Committee):
    token = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="走访类型", choices=[])
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    topic = forms.CharField(label="走访主题", max_length=200)
    went = forms.ModelMultipleChoiceField(
        label="参加走访的委员", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    met = forms.CharField(
        label="走访对象",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一人：姓名 职务，如“王强 总经理”。每人计一人次。",
    )
    notes = forms.CharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        from .models import OutreachVisit

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = OutreachVisit.Kind.choices
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())

    def clean_met(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["met"].splitlines():
            parts = line.replace("，", " ").replace(",", " ").split(None, 1)
            if parts:
                rows.append((parts[0], parts[1].strip() if len(parts) > 1 else ""))
        if not rows:
            raise forms.ValidationError("请填写走访对象，每行一人。")
        if len(rows) > 200:
            raise forms.ValidationError("一次走访的对象不超过 200 人。")
        return rows


class AppealForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label="诉求标题", max_length=100)
    text = forms.CharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    raised_on = forms.DateField(label="提出日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class GroupForm(_Committee):
    name = forms.CharField(label="督导组名称", max_length=100)
    theme = forms.CharField(label="督导主题", max_length=200)
    leader = forms.ModelChoiceField(label="组长（政协领导班子成员）", queryset=None, empty_label="请选择")
    members = forms.ModelMultipleChoiceField(
        label="成员", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    starts_on = forms.DateField(label="督导期自", widget=DATE)
    ends_on = forms.DateField(label="至", widget=DATE)


class GroupEditForm(GroupForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProblemForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    title = forms.CharField(label="问题标题", max_length=100)
    text = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    raised_on = forms.DateField(label="发现日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class TeamForm(forms.Form):
    name = forms.CharField(label="服务队名称", max_length=100)
    founded_on = forms.DateField(label="成立日期", widget=DATE)


class TeamEditForm(TeamForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class LeaveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    left_on = forms.DateField(label="离队日期", widget=DATE)


class VolunteerForm(forms.Form):
    name = forms.CharField(label="志愿者姓名", max_length=50)
    joined_on = forms.DateField(label="入队日期", widget=DATE)


class ServiceForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    served_on = forms.DateField(label="服务日期", widget=DATE)
    activity = forms.CharField(label="服务内容", max_length=200)
    place = forms.CharField(label="服务地点", max_length=100, required=False)
    volunteers = forms.TypedMultipleChoiceField(
        label="参加的志愿者（每人计一人次）", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, volunteers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].choices = [(v.pk, v.name) for v in volunteers]
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class SwapRequestForm(forms.Form):
    shift = forms.IntegerField(widget=forms.HiddenInput)
    to_member = forms.TypedChoiceField(label="请哪位委员", coerce=int)
    other_shift = forms.TypedChoiceField(
        label="与其哪天对调（不选即请其替班）", coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label="调班原因", max_length=200, required=False)
