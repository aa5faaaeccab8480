"""System wording written in Python reaches a 繁體 reader in traditional script: refusals, flash
messages and notices written as plain Simplified strings."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages import success as flash_success
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils import translation

from xieshang.core.errors import NotFoundError, ServiceError
from xieshang.core.models import Notification
from xieshang.core.notify import notify
from xieshang.core.tests.test_hant_pages import hk_member, simplified_only  # noqa: F401  (fixture)

REFUSAL = "该提案已经提交审查，不能再修改联名人。"


def test_a_refusal_is_in_the_readers_script() -> None:
    with translation.override("zh-hant"):
        e = ServiceError(REFUSAL)
        assert e.message == str(e) == "該提案已經提交審查，不能再修改聯名人。"
        assert NotFoundError("未找到该社情民意信息。").message == "未找到該社情民意信息。"
    with translation.override("zh-hans"):
        assert ServiceError(REFUSAL).message == REFUSAL


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_a_flash_message_is_in_the_readers_script(language: str) -> None:
    shown = "已保存，请等待审核。"
    request = RequestFactory().get("/")
    request.session = SessionStore()
    from django.contrib.messages.storage import default_storage

    request._messages = default_storage(request)
    with translation.override(language):
        flash_success(request, shown)
    [message] = list(get_messages(request))
    if language == "zh-hant":
        assert str(message) == "已保存，請等待審核。" and not simplified_only(f"<p>{message}</p>")
    else:
        assert str(message) == shown


@pytest.mark.django_db
def test_a_plain_notice_is_converted_for_a_traditional_reader(hk_member) -> None:  # noqa: F811
    translation.activate("zh-hans")
    notify([hk_member], title="您的提案已交办", body="承办单位将在三个月内答复。", url="/proposals/")
    n = Notification.objects.get(recipient=hk_member)
    assert (n.title, n.body) == ("您的提案已交辦", "承辦單位將在三個月內答覆。")
    assert translation.get_language() == "zh-hans"
