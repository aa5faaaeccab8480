"""Notices and their e-mail copies, as the loop's services send them."""

from __future__ import annotations

import pytest
from django.core import mail

from xieshang.core.models import Notification
from xieshang.core.notify import notify

pytestmark = pytest.mark.django_db


def test_notice_is_sent_once_per_dedupe_key(world, django_capture_on_commit_callbacks):
    staff = world.unit_user(world.dept1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([staff, staff, None], title="即将到期", dedupe_key="remind:1") == 1
        assert notify([staff], title="即将到期", dedupe_key="remind:1") == 0
    assert Notification.objects.filter(recipient=staff).count() == 1
    assert len(mail.outbox) == 1


def test_email_subject_with_a_line_break_is_still_sent(world, django_capture_on_commit_callbacks, settings):
    settings.XIESHANG_SITE_URL = "https://zx.example.cn/"
    staff = world.unit_user(world.dept1)
    with django_capture_on_commit_callbacks(execute=True):
        notify([staff], title="新交办事项：关于\r\n路灯的留言", body="请签收。", url="/handling/items/7/")
    (message,) = mail.outbox
    assert message.subject == "[协商] 新交办事项：关于 路灯的留言"
    assert message.body == "请签收。\nhttps://zx.example.cn/handling/items/7/"


def test_user_without_email_gets_only_the_in_app_notice(world, django_capture_on_commit_callbacks):
    world.member.email = ""
    world.member.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.member], title="答复待评价")
    assert Notification.objects.filter(recipient=world.member).count() == 1
    assert mail.outbox == []


def test_long_item_title_fits_the_notice(drive, world, django_capture_on_commit_callbacks):
    item = drive.accept(title="长" * 200)
    with django_capture_on_commit_callbacks(execute=True):
        drive.assign(item, "single", [world.dept1])
    note = Notification.objects.get(recipient=world.unit_user(world.dept1))
    assert len(note.title) == 200
    assert note.title.startswith("新交办事项：长") and note.title.endswith("…")
