"""A user's own password: change while signed in, reset by e-mail; each audited, nothing leaked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from xieshang.core.models import AuditEntry
from xieshang.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OLD = "Xieshang@2022"
NEW = "Qingshan#Lu2026"


@pytest.fixture
def user(committee: Any) -> Any:
    u = UserFactory(username="wangwei", committee=committee, email="wangwei@example.cn")
    u.set_password(OLD)
    u.save()
    return u


def _signed_in(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_change_password_keeps_this_session_ends_others_and_is_audited(user: Any) -> None:
    here, elsewhere = _signed_in(user), _signed_in(user)
    page = here.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    r = here.post("/accounts/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "密码已修改" in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert here.get("/notifications/").status_code == 200
    assert elsewhere.get("/notifications/").status_code == 302
    row = AuditEntry.objects.get(thread=f"user:{user.pk}")
    assert row.action == "password_changed" and row.actor_id == user.pk


@pytest.mark.parametrize(
    ("old", "new1", "new2", "message"),
    [
        ("wrong-password", NEW, NEW, "当前密码不正确"),
        (OLD, NEW, NEW + "x", "两次输入的新密码不一致"),
        (OLD, "12345678901", "12345678901", "不能全是数字"),
        (OLD, "short", "short", "太短：至少 8 位"),
        (OLD, "wangwei2026", "wangwei2026", "太相近"),
        (OLD, "password123", "password123", "太常见"),
    ],
)
def test_bad_change_says_why_and_changes_nothing(user: Any, old: str, new1: str, new2: str, message: str) -> None:
    c = _signed_in(user)
    r = c.post("/accounts/password/", {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert r.status_code == 200
    assert message in r.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)
    assert not AuditEntry.objects.filter(thread=f"user:{user.pk}").exists()


def test_change_needs_sign_in(db: Any) -> None:
    r = Client().get("/accounts/password/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_reset_by_email_once_and_audited(user: Any) -> None:
    c = Client()
    assert "忘记密码" in c.get("/accounts/login/").content.decode()
    r = c.post("/accounts/reset/", {"email": "wangwei@example.cn"}, follow=True)
    assert "请查收邮件" in r.content.decode()
    assert len(mail.outbox) == 1 and "重设密码" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = c.get(link.group(1), follow=True)
    assert "设置新密码" in form.content.decode()
    done = c.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "密码已重设" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEntry.objects.get(thread=f"user:{user.pk}").action == "password_reset"
    again = Client().get(link.group(1), follow=True)
    assert "该链接已失效" in again.content.decode()


def test_reset_for_unknown_address_looks_the_same_and_sends_nothing(user: Any) -> None:
    r = Client().post("/accounts/reset/", {"email": "nobody@example.cn"}, follow=True)
    assert "请查收邮件" in r.content.decode()
    assert mail.outbox == []
