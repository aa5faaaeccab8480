"""Every form's messages name the field and say what to do; empty choices and colons are the office's."""

from __future__ import annotations

from django import forms
from django.utils import translation

from xieshang.core import form_wording


class _Form(forms.Form):
    title = forms.CharField(label="标题", max_length=5)
    recipient = forms.ChoiceField(label="报送对象", choices=[("", "---------"), ("party", "区委")])
    people = forms.IntegerField(label="人数", min_value=1)
    day = forms.DateField(label="日期")
    single = forms.BooleanField(label="本篇只反映一件事")
    own = forms.CharField(label="说明", error_messages={"required": "请写明理由。"})


def test_messages_name_the_field_and_say_what_to_do():
    with translation.override("zh-hans"):
        form = _Form({"title": "一二三四五六七八", "recipient": "x", "people": "0", "day": "明天"})
        assert not form.is_valid()
        assert form.errors["title"] == ["标题不能超过 5 字（现有 8 字），请删减后再提交。"]
        assert form.errors["recipient"] == ["报送对象的选项不在列表中，请重新选择。"]
        assert form.errors["people"] == ["人数不能小于 1。"]
        assert form.errors["day"] == ["日期的格式不对，请按 2026-03-15 的格式填写。"]
        assert form.errors["single"] == ["请勾选「本篇只反映一件事」。"]
        # a message the form chose itself is kept
        assert form.errors["own"] == ["请写明理由。"]
        assert _Form({})["title"].errors == ["请填写标题。"]


def test_empty_choice_and_label_colon_are_the_offices():
    with translation.override("zh-hans"):
        form = _Form()
        html = str(form["recipient"])
        assert "请选择…" in html and "---------" not in html
        assert form["recipient"].label_tag() == '<label for="id_recipient">报送对象：</label>'


def test_installed_once_for_every_form():
    form_wording.install()
    form_wording.install()
    assert getattr(forms.BaseForm.__init__, "office_wording", False)
