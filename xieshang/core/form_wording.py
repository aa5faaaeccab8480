"""Every form speaks the office's words, set once for the whole site.

Django's own messages do not say which field they are about ("这个字段是必填项。") and speak of
"变量" and "字符" ("确保该变量包含不超过 20000 字符 (目前字符数 100000)。"); its empty choice is a
row of dashes. :func:`install` (called from ``CoreConfig.ready``) makes every form, on creation,
give each of its fields messages that name the field, say what is allowed and what to do, in the
wording ``core.text.clean_text`` already uses (「请填写标题。」「标题不能超过 100 字（现有 120 字），
请删减后再提交。」), and turn the dashes into 「请选择…」. A message a form sets itself is kept.

The colon after a label (Django's ``label_suffix``) is the full-width 「：」 through the project's
catalogue (msgid ":"), so it follows the page's language like every other word.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext

DASHES = BLANK_CHOICE_DASH[0][1]


def _defaults(field: forms.Field) -> dict[str, str]:
    """Django's default messages for this field's class (what a form did not set itself)."""
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update({k: str(v) for k, v in getattr(cls, "default_error_messages", {}).items()})
    return messages


def _label(name: str, field: forms.Field) -> str:
    label = str(field.label) if field.label else name.replace("_", " ")
    # the messages are %-formatted with the validator's figures, so a % in a label must be kept as is
    return label.rstrip("：:？?").replace("%", "%%")


def _messages(field: forms.Field, label: str) -> dict[str, str]:
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    if isinstance(field, forms.FileField):
        required = gettext("Please choose the %(label)s file to upload.")
    elif isinstance(field, forms.BooleanField):
        required = gettext("Please tick %(label)s.")
    elif choosing:
        required = gettext("Please choose %(label)s.")
    else:
        required = gettext("Please fill in %(label)s.")
    messages = {
        "required": required,
        "max_length": gettext(
            "%(label)s may have at most %%(limit_value)d characters (it has %%(show_value)d); please shorten it."
        ),
        "min_length": gettext(
            "%(label)s needs at least %%(limit_value)d characters (it has %%(show_value)d); please add to it."
        ),
        "invalid_choice": gettext("%(label)s: this choice is not on the list; please choose again."),
        "invalid_list": gettext("%(label)s: please choose from the list."),
        "max_value": gettext("%(label)s may be at most %%(limit_value)s."),
        "min_value": gettext("%(label)s must be at least %%(limit_value)s."),
    }
    if isinstance(field, forms.DecimalField | forms.FloatField):  # before IntegerField, their parent
        messages["invalid"] = gettext("%(label)s: please enter a number.")
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = gettext("%(label)s: please enter a whole number.")
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = gettext("%(label)s: please enter a date and time, e.g. 2026-03-15 09:30.")
    elif isinstance(field, forms.DateField):
        messages["invalid"] = gettext("%(label)s: please enter a date, e.g. 2026-03-15.")
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = gettext("%(label)s: please enter a time, e.g. 09:30.")
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = gettext("%(label)s: please enter an e-mail address such as name@example.com.")
    return {key: text % {"label": label} for key, text in messages.items()}


def word(form: forms.BaseForm) -> None:
    """Give each field of ``form`` the office's messages and empty choice, unless the form set its own."""
    for name, field in form.fields.items():
        defaults = _defaults(field)
        ours = _messages(field, _label(name, field))
        for key, text in ours.items():
            current = field.error_messages.get(key)
            if current is None or str(current) == defaults.get(key):
                field.error_messages[key] = text
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASHES:
                field.empty_label = gettext("Please choose…")
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0][0] == "" and choices[0][1] == DASHES:
                field.choices = [("", gettext("Please choose…")), *choices[1:]]


def install() -> None:
    """Run :func:`word` on every form when it is created (idempotent)."""
    init = forms.BaseForm.__init__
    if getattr(init, "office_wording", False):
        return

    @functools.wraps(init)
    def __init__(self: forms.BaseForm, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        word(self)

    __init__.office_wording = True  # type: ignore[attr-defined]
    forms.BaseForm.__init__ = __init__  # type: ignore[method-assign]
