"""A user's own password: change it while signed in, or reset it by e-mail when forgotten.

Django's views do the work (validators from AUTH_PASSWORD_VALIDATORS, one-time signed reset
links that expire after PASSWORD_RESET_TIMEOUT); these subclasses add the audit row, written in
the same transaction as the new password hash, and the office's wording.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpResponse
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse_lazy
from django.utils import translation

from xieshang.core import audit, hant

MISMATCH = "两次输入的新密码不一致，请重新输入。"


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": MISMATCH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = "请输入新密码。"


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": MISMATCH,
        "password_incorrect": "当前密码不正确，请重新输入。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "请输入当前密码。"
        for name in ("new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = "请输入新密码。"


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages.update(
            {"required": "请输入电子邮箱。", "invalid": "电子邮箱格式不对，例如 name@example.cn。"}
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """The e-mail in its recipient's script (``User.reads_in``), whoever asked for it: the
        template's wording converted for a 繁體 reader, the user name as it is (it is what they type)."""
        user = context.get("user")
        with translation.override(getattr(user, "reads_in", None) or settings.LANGUAGE_CODE):
            subject = "".join(_render_text(subject_template_name, context).splitlines())
            body = _render_text(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


def _render_text(template_name: str, context: dict[str, Any]) -> str:
    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    return engines["django"].from_string(hant.for_reader(source)).render(context)


def _record(user: Any, action: str) -> None:
    audit.record(thread=f"user:{user.pk}", target=user, action=action, actor=user)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            _record(form.user, "password_changed")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            _record(form.user, "password_reset")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
