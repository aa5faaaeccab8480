"""The two busiest pages, 交办中心 and 办理工作台: fixed query budgets, header figures, paging, and
the contact form's double submit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xieshang.core.models import AuditEntry
from xieshang.handling import selectors
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Contact, Item

pytestmark = pytest.mark.django_db

# Session, user, the page's figures (one query) and rows, the unread-notification badge; the workbench
# also re-checks the holiday table (two queries inside the tests' transaction, none on most pages
# served), the queue reads its street filter (cached outside a transaction) and who raised the items
# on the page. Lower these when a page gets cheaper; never raise them.
WORKBENCH_QUERIES = 7
QUEUE_QUERIES = {"items": 6, "requests": 6, "replies": 6}


def _busy(world, drive, n: int) -> None:
    for i in range(n):
        item = drive.accept(title=f"事项{i}")
        if i % 2:
            drive.assign(item, Item.Mode.SINGLE, [world.dept1])
            a = drive.lead(item)
            drive.sign(a)
            if i % 4 == 1:
                loop.assignment_request_extension(
                    assignment_id=a.pk, actor=world.unit_user(world.dept1), until=dt.date(2024, 3, 25), reason="需协调"
                )
            elif i % 8 == 3:
                drive.reply(a)


def test_workbench_stays_within_its_query_budget(client, world, drive, django_assert_num_queries):
    _busy(world, drive, 30)
    client.force_login(world.unit_user(world.dept1))
    for params in ({}, {"show": "done"}, {"page": "2"}):
        with django_assert_num_queries(WORKBENCH_QUERIES + (1 if params.get("show") else 0)):
            # the finished tab counts its own rows for the pager
            assert client.get(reverse("handling:workbench"), params).status_code == 200


@pytest.mark.parametrize("tab", ["items", "requests", "replies"])
def test_queue_stays_within_its_query_budget(client, world, drive, django_assert_num_queries, tab):
    _busy(world, drive, 30)
    client.force_login(world.office)
    with django_assert_num_queries(QUEUE_QUERIES[tab]):
        assert client.get(reverse("handling:queue"), {"tab": tab}).status_code == 200


def test_queue_header_figures_count_what_each_tab_lists(world, drive):
    _busy(world, drive, 12)
    late = drive.single(title="超期事项")
    a = drive.lead(late)
    drive.sign(a)
    drive.reply(a)
    Item.objects.filter(pk=late.pk).update(is_overdue=True)
    counts = selectors.queue_counts(world.office)
    assert counts == {
        "pending": Item.objects.filter(committee=world.committee, status=Item.Status.PENDING).count(),
        "overdue": 1,
        "requests": selectors.pending_requests(world.office).count(),
        "replies": selectors.replies_for_review(world.office).count(),
    }
    assert counts["pending"] == 6 and counts["requests"] == 3 and counts["replies"] == 3
    # another committee's office sees none of it
    assert selectors.queue_counts(world.foreign_office) == {"pending": 0, "overdue": 0, "requests": 0, "replies": 0}


def test_queue_pager_counts_the_filtered_rows_not_the_header_figure(client, world, drive):
    for i in range(23):
        drive.accept(title=f"路灯事项{i}" if i < 21 else f"学位事项{i}")
    client.force_login(world.office)
    html = client.get(reverse("handling:queue")).content.decode()
    assert "共 23 条" in html and "第 1 / 2 页" in html
    html = client.get(reverse("handling:queue"), {"q": "路灯", "status": "pending"}).content.decode()
    assert "共 21 条" in html
    html = client.get(reverse("handling:queue"), {"q": "学位"}).content.decode()
    assert "学位事项21" in html and "路灯事项0" not in html and "共 " not in html


def test_queue_filter_keeps_the_choices_and_the_items_tab_is_the_pending_queue(client, world, drive):
    drive.accept(title="待交办的事项")
    drive.single(title="已交办的事项")
    client.force_login(world.office)
    html = client.get(reverse("handling:queue"), {"tab": "items"}).content.decode()
    assert "待交办的事项" in html and "已交办的事项" not in html
    assert '<option value="pending" selected>' in html
    html = client.get(
        reverse("handling:queue"), {"status": "", "overdue": "on", "area": world.street.pk}
    ).content.decode()
    assert '<option value="" selected>全部状态</option>' in html
    assert f'<option value="{world.street.pk}" selected>张槎街道</option>' in html
    assert 'id="id_overdue" checked' in html
    html = client.get(reverse("handling:queue"), {"status": ""}).content.decode()
    assert "待交办的事项" in html and "已交办的事项" in html and 'id="id_overdue">' in html


def test_workbench_rows_show_deadline_round_and_pending_extension(client, world, drive):
    item = drive.single(title="需要延期的事项")
    a = drive.lead(item)
    drive.sign(a)
    loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), until=dt.date(2024, 3, 29), reason="需协调"
    )
    Assignment.objects.filter(pk=a.pk).update(round=2)
    other = drive.single(title="待签收的事项")
    waiting = drive.lead(other)
    client.force_login(world.unit_user(world.dept1))
    html = client.get(reverse("handling:workbench")).content.decode()
    assert "延期审批中" in html and "第2轮办理" in html
    assert reverse("handling:assignment_sign", args=[waiting.pk]) in html
    assert reverse("handling:item", args=[item.pk]) in html
    a.refresh_from_db()
    assert a.reply_due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d") in html


def test_workbench_pager_keeps_the_finished_tab(client, world, drive):
    for i in range(22):
        a = drive.lead(drive.single(title=f"已办结{i}"))
        Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.CLOSED)
    client.force_login(world.unit_user(world.dept1))
    html = client.get(reverse("handling:workbench"), {"show": "done"}).content.decode()
    assert "show=done&amp;page=2" in html and "共 22 条" in html


def test_double_submitted_contact_form_records_one_contact(client, world, drive):
    a = drive.lead(drive.single())
    drive.sign(a)
    client.force_login(world.unit_user(world.dept1))
    form = {f"c{a.pk}-method": "phone", f"c{a.pk}-happened_at": "2024-03-04T08:30", f"c{a.pk}-note": "电话联系留言人"}
    first = client.post(reverse("handling:assignment_contact", args=[a.pk]), form)
    again = client.post(reverse("handling:assignment_contact", args=[a.pk]), form)
    assert first.status_code == again.status_code == 302
    assert Contact.objects.filter(assignment=a).count() == 1
    assert AuditEntry.objects.filter(action="contact").count() == 1
    # a second, different contact is a new record
    form[f"c{a.pk}-happened_at"] = "2024-03-04T08:45"
    client.post(reverse("handling:assignment_contact", args=[a.pk]), form)
    assert Contact.objects.filter(assignment=a).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL snapshots; set DATABASE_URL=postgres://...")
def test_figures_and_rows_are_reused_only_until_anything_is_committed(client, world, drive):
    drive.accept(title="第一件")
    assert selectors.queue_counts(world.office)["pending"] == 1
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.queue_counts(world.office)["pending"] == 1
    assert [q["sql"] for q in ctx.captured_queries] == ["SELECT pg_current_snapshot()::text"]
    drive.accept(title="第二件")
    assert selectors.queue_counts(world.office)["pending"] == 2
    client.force_login(world.office)
    client.get(reverse("handling:queue"))
    html = client.get(reverse("handling:queue")).content.decode()
    assert "第一件" in html and "第二件" in html
    drive.accept(title="第三件")
    html = client.get(reverse("handling:queue")).content.decode()
    assert "第三件" in html and "<b>3</b><span>待交办</span>" in html
    # a unit's workbench: signing for an assignment shows at once
    a = drive.lead(drive.single(title="待签收"))
    staff = client.__class__()
    staff.force_login(world.unit_user(world.dept1))
    assert "签收</button>" in staff.get(reverse("handling:workbench")).content.decode()
    drive.sign(a)
    assert "签收</button>" not in staff.get(reverse("handling:workbench")).content.decode()


def test_the_review_tab_posts_with_its_own_csrf_token(world, drive):
    from django.test import Client

    _busy(world, drive, 4)
    reply = selectors.replies_for_review(world.office).get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    page = client.get(reverse("handling:queue"), {"tab": "replies"}).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    resp = client.post(
        reverse("handling:reply_review", args=[reply.pk]),
        {"csrfmiddlewaretoken": token, f"v{reply.pk}-decision": "pass", f"v{reply.pk}-note": ""},
    )
    assert resp.status_code == 302
    reply.refresh_from_db()
    assert reply.review == reply.Review.PASSED


def test_workbench_cards_count_distinct_sets_that_open_their_own_lists(client, world, drive):
    """待签收 + 办理中 = 在办 (two items are two, not 2 and 2); each card opens the list it counts."""
    new = drive.lead(drive.single(title="甲：待签收"))
    signed = drive.lead(drive.single(title="乙：办理中"))
    drive.sign(signed)
    late = drive.lead(drive.single(title="丙：超期"))
    drive.sign(late)
    Assignment.objects.filter(pk=late.pk).update(is_overdue=True)
    replied = drive.lead(drive.single(title="丁：已答复"))
    drive.sign(replied)
    drive.reply(replied)
    assert new.status == Assignment.Status.NEW
    counts = selectors.workbench_counts(world.unit_user(world.dept1))
    assert counts == {"new": 1, "working": 2, "open": 3, "overdue": 1, "awaiting": 1}
    client.force_login(world.unit_user(world.dept1))
    html = client.get(reverse("handling:workbench")).content.decode()
    assert "在办 3 件 = 待签收 1 件 + 办理中 2 件" in html
    expected = {
        "new": {"甲"},
        "working": {"乙", "丙"},
        "overdue": {"丙"},
        "awaiting": {"丁"},
        "open": {"甲", "乙", "丙"},
    }
    for show, titles in expected.items():
        assert f'href="?show={show}"' in html or show == "open"
        page = client.get(reverse("handling:workbench"), {"show": show}).content.decode()
        shown = {t for t in "甲乙丙丁" if f"{t}：" in page}
        assert shown == titles, show
        assert len(shown) == counts[show]
