"""Password rules, with messages in the office's words: what is wrong and what to do."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as pv
from django.core.exceptions import ValidationError


class SimilarityValidator(pv.UserAttributeSimilarityValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                "新密码与您的用户名、姓名或邮箱太相近，容易被猜中，请换一个。", code="password_too_similar"
            ) from None

    def get_help_text(self) -> str:
        return "不能与用户名、姓名或邮箱相近。"


class LengthValidator(pv.MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                f"新密码太短：至少 {self.min_length} 位，现在只有 {len(password)} 位。", code="password_too_short"
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 位。"


class CommonValidator(pv.CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("这个密码太常见，容易被猜中，请换一个。", code="password_too_common") from None

    def get_help_text(self) -> str:
        return "不能是常见的简单密码。"


class NumericValidator(pv.NumericPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise ValidationError("新密码不能全是数字，请加入字母或符号。", code="password_entirely_numeric")

    def get_help_text(self) -> str:
        return "不能全是数字。"
