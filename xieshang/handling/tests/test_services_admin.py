"""The admin edits deadline rules and only shows the loop's records: status moves through services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xieshang.handling import services as loop
from xieshang.handling.models import DeadlineRule, Item
from xieshang.organisations.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(client, db):
    client.force_login(User.objects.create_superuser(username="root", password="x", email="root@example.org"))
    return client


def test_item_admin_is_read_only_and_shows_the_history(root_client, drive, world):
    item = drive.single()
    url = reverse("admin:handling_item_change", args=[item.pk])
    r = root_client.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="status"' not in html and 'name="title"' not in html
    assert "办理记录" in html and "pending → handling" in html and "提案委 王芳" in html
    assert reverse("handling:item", args=[item.pk]) in html

    r = root_client.post(url, {"status": "closed", "title": "改掉"})
    assert r.status_code == 403
    item.refresh_from_db()
    assert (item.status, item.title) == (Item.Status.HANDLING, "关于增设社区停车位的建议")
    assert root_client.get(reverse("admin:handling_item_add")).status_code == 403
    assert root_client.post(reverse("admin:handling_item_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    assert root_client.get(reverse("admin:handling_item_changelist")).status_code == 200


def test_assignment_admin_cannot_change_status(root_client, drive, world):
    a = drive.lead(drive.single())
    r = root_client.post(reverse("admin:handling_assignment_change", args=[a.pk]), {"status": "closed"})
    assert r.status_code == 403
    a.refresh_from_db()
    assert a.status == "new"


def test_deadline_rule_is_edited_in_the_admin(root_client, drive, world):
    rule = loop.rule_for("looptest")
    url = reverse("admin:handling_deadlinerule_change", args=[rule.pk])
    assert root_client.get(url).status_code == 200
    data = {
        "name": "测试渠道（调整后）",
        "sign_amount": 2,
        "sign_unit": "workday",
        "objection_amount": 5,
        "objection_unit": "workday",
        "contact_amount": "",
        "contact_unit": "workday",
        "reply_amount": 15,
        "reply_unit": "workday",
        "extension_max_amount": 20,
        "extension_max_unit": "workday",
        "opinion_amount": 5,
        "opinion_unit": "workday",
        "remind_days_before": 2,
        "rating_days": 15,
        "review_required": "on",
        "channel": "other",  # read-only: ignored
    }
    r = root_client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:2000]
    rule = DeadlineRule.objects.get(pk=rule.pk)
    assert (rule.name, rule.reply_amount, rule.channel, rule.auto_escalate) == (
        "测试渠道（调整后）",
        15,
        "looptest",
        False,
    )
    # new assignments follow the edited rule: 15 working days from Monday 4 March 2024
    a = drive.lead(drive.single())
    assert a.reply_due_at.date().isoformat() == "2024-03-25"
