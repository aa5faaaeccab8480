"""The loop's pages: each list and action, good and bad input, conflicts and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xieshang.core.models import AuditEntry
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Reply, Request

from .conftest import CHANNEL, at

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


# --- the dispatcher's queue ------------------------------------------------------------------


def test_queue_lists_new_returned_and_escalated_items_for_the_office(client, world, drive):
    fresh = drive.accept(title="新受理的留言事项")
    returned = drive.accept(title="被退回的事项")
    drive.assign(returned, Item.Mode.SINGLE, [world.dept1])
    a = drive.lead(returned)
    req = loop.assignment_request_return(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="不属于本局职责"
    )
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)
    assigned = drive.single(title="已交办的事项")

    r = login(client, world.office).get(reverse("handling:queue"))
    assert r.status_code == 200
    html = r.content.decode()
    assert fresh.title in html and "新受理" in html
    assert returned.title in html and "退回待改派" in html
    assert assigned.title not in html
    # the flagged item comes before the new one
    assert html.index("被退回的事项") < html.index("新受理的留言事项")


def test_queue_filters_by_title_status_and_overdue(client, world, drive):
    drive.accept(title="关于路灯维修的建议")
    drive.accept(title="关于学位分配的咨询")
    c = login(client, world.office)
    html = c.get(reverse("handling:queue"), {"q": "路灯"}).content.decode()
    assert "关于路灯维修的建议" in html and "关于学位分配的咨询" not in html
    late = drive.single(title="超期未答复的事项")
    Item.objects.filter(pk=late.pk).update(is_overdue=True)
    html = c.get(reverse("handling:queue"), {"status": "", "overdue": "on"}).content.decode()
    assert "超期未答复的事项" in html and "关于路灯维修的建议" not in html
    # nonsense filter values do not break the page
    assert c.get(reverse("handling:queue"), {"area": "abc", "status": "zzz", "page": "x"}).status_code == 200


def test_queue_is_only_for_the_office(client, world):
    for user in (world.unit_user(world.dept1), world.leader, world.member):
        client.force_login(user)
        assert client.get(reverse("handling:queue")).status_code == 403
    client.logout()
    assert client.get(reverse("handling:queue")).status_code == 302


def test_queue_shows_the_citizen_phone_in_full_only_to_the_dispatcher(client, world, drive, settings):
    from xieshang.messages import services as msg_services

    msg, _ = msg_services.message_submit(
        committee=world.committee,
        submission_token="6b7d1f0e-0000-4000-8000-000000000001",
        kind="consult",
        title="小区门口积水严重",
        text="每逢下雨小区门口积水严重，影响出行。",
        name="张三",
        phone="13800138000",
    )
    html = login(client, world.office).get(reverse("handling:queue")).content.decode()
    assert "13800138000" in html
    loop.item_assign(item_id=msg.item_id, actor=world.office, mode=Item.Mode.SINGLE, lead_units=[world.dept1])
    unit_html = login(client, world.unit_user(world.dept1)).get(reverse("handling:item", args=[msg.item_id]))
    assert "138****8000" in unit_html.content.decode()
    assert "13800138000" not in unit_html.content.decode()
    office_html = login(client, world.office).get(reverse("handling:item", args=[msg.item_id])).content.decode()
    assert "13800138000" in office_html


def test_assigned_unit_reveals_the_phone_by_a_recorded_post_and_other_units_cannot(client, world, drive):
    from xieshang.messages import services as msg_services

    msg, _ = msg_services.message_submit(
        committee=world.committee,
        submission_token="6b7d1f0e-0000-4000-8000-000000000002",
        kind="consult",
        title="小区门口积水严重",
        text="每逢下雨小区门口积水严重，影响出行。",
        name="张三",
        phone="13800138000",
    )
    loop.item_assign(item_id=msg.item_id, actor=world.office, mode=Item.Mode.SINGLE, lead_units=[world.dept1])
    page = reverse("handling:item", args=[msg.item_id])
    reveal = reverse("handling:item_contact_reveal", args=[msg.item_id])
    c = login(client, world.unit_user(world.dept1))
    html = c.get(page).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert f'action="{reveal}"' in html and "显示完整号码" in html
    # a GET reveals nothing and records nothing
    assert c.get(reveal).status_code == 405
    assert not AuditEntry.objects.filter(action="contact_reveal").exists()
    r = c.post(reveal)
    assert r.status_code == 200
    html = r.content.decode()
    assert "13800138000" in html and "显示完整号码" not in html
    entry = AuditEntry.objects.get(action="contact_reveal")
    assert entry.actor_id == world.unit_user(world.dept1).pk and entry.thread == f"item:{msg.item_id}"
    # opened again, the page keeps the number masked
    assert "13800138000" not in c.get(page).content.decode()
    # another unit: the item is not found, nothing is recorded
    other = login(client, world.unit_user(world.dept2))
    assert other.post(reveal).status_code == 404
    # the office sees the number already; a leader may not reveal it
    assert login(client, world.leader).post(reveal).status_code == 403
    assert AuditEntry.objects.filter(action="contact_reveal").count() == 1
    # once the unit's assignment is closed the number stays masked
    Assignment.objects.filter(item_id=msg.item_id).update(status=Assignment.Status.CLOSED)
    c = login(client, world.unit_user(world.dept1))
    assert "显示完整号码" not in c.get(page).content.decode()
    assert c.post(reveal).status_code == 403


def test_queue_query_count_does_not_grow_with_rows(client, world, drive, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(client, world.office)

    def count(tab: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("handling:queue"), {"tab": tab}).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            item = drive.accept(title=f"事项{i}")
            if i % 2:
                drive.assign(item, Item.Mode.SINGLE, [world.dept1])
                a = drive.lead(item)
                drive.sign(a)
                loop.assignment_request_extension(
                    assignment_id=a.pk, actor=world.unit_user(world.dept1), until=dt.date(2024, 3, 25), reason="需协调"
                )
                drive.reply(a)

    add(5)
    few = {tab: count(tab) for tab in ("items", "requests", "replies")}
    add(20)
    assert Item.objects.count() == 25
    for tab in ("items", "requests", "replies"):
        with django_assert_num_queries(few[tab]):
            assert c.get(reverse("handling:queue"), {"tab": tab}).status_code == 200


# --- assigning ---------------------------------------------------------------------------------


def test_office_assigns_an_item_to_one_unit(client, world, drive):
    item = drive.accept()
    c = login(client, world.office)
    assert "确认交办" in c.get(reverse("handling:item", args=[item.pk])).content.decode()
    r = c.post(
        reverse("handling:item_assign", args=[item.pk]),
        {"mode": "single", "lead_units": [world.dept1.pk], "version": item.version},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == Item.Status.HANDLING
    assert item.assignments.get().unit == world.dept1


def test_joint_assignment_needs_a_co_unit(client, world, drive):
    item = drive.accept()
    r = login(client, world.office).post(
        reverse("handling:item_assign", args=[item.pk]),
        {"mode": "joint", "lead_units": [world.dept1.pk], "reason": "请牵头办理", "version": item.version},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "会办须选择一个主办单位和至少一个会办单位" in html
    assert "请牵头办理" in html  # what the user typed is kept
    assert not Assignment.objects.exists()


def test_assign_without_units_or_with_a_foreign_unit_changes_nothing(client, world, drive):
    from xieshang.organisations.models import Unit

    item = drive.accept()
    c = login(client, world.office)
    r = c.post(reverse("handling:item_assign", args=[item.pk]), {"mode": "single", "version": item.version})
    assert r.status_code == 400 and "请选择承办单位" in r.content.decode()
    foreign = Unit.objects.create(committee=world.other_committee, name="南海区住建局")
    r = c.post(reverse("handling:item_assign", args=[item.pk]), {"mode": "single", "lead_units": [foreign.pk]})
    assert r.status_code == 400 and "所选承办单位不可用" in r.content.decode()
    assert not Assignment.objects.exists()


def test_stale_assign_form_shows_the_conflict_and_the_fresh_state(client, world, drive):
    item = drive.accept()
    stale = item.version
    loop.item_assign(item_id=item.pk, actor=world.office2, mode=Item.Mode.SINGLE, lead_units=[world.dept2])
    r = login(client, world.office).post(
        reverse("handling:item_assign", args=[item.pk]),
        {"mode": "single", "lead_units": [world.dept1.pk], "reason": "我的交办意见", "version": stale},
    )
    assert r.status_code == 409
    html = r.content.decode()
    assert "刚刚已被他人处理" in html
    assert world.dept2.name in html  # the fresh state: assigned to dept2 by the colleague
    assert "我的交办意见" in html
    assert item.assignments.count() == 1


def test_office_reassigns_and_decides_requests(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    c = login(client, world.office)
    r = c.post(
        reverse("handling:assignment_reassign", args=[a.pk]),
        {f"g{a.pk}-unit": world.dept2.pk, f"g{a.pk}-reason": "职责调整", f"g{a.pk}-version": a.version},
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.WITHDRAWN
    new = item.assignments.get(status=Assignment.Status.NEW)
    assert new.unit == world.dept2
    drive.sign(new)
    req = loop.assignment_request_extension(
        assignment_id=new.pk, actor=world.unit_user(world.dept2), until=dt.date(2024, 3, 26), reason="需现场勘查"
    )
    r = c.post(
        reverse("handling:request_decide", args=[req.pk]),
        {f"d{req.pk}-decision": "approve", "next": reverse("handling:queue") + "?tab=requests"},
    )
    assert r.status_code == 302 and r.url.endswith("?tab=requests")
    req.refresh_from_db()
    assert req.status == Request.Status.APPROVED
    # deciding again: a clear message, nothing changes
    r = c.post(reverse("handling:request_decide", args=[req.pk]), {f"d{req.pk}-decision": "refuse"})
    assert r.status_code == 409 and "已经处理过了" in r.content.decode()


def test_office_reviews_replies_pass_with_new_category_or_reject_with_reason(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    reply = drive.reply(a, category="a")
    c = login(client, world.office)
    html = c.get(reverse("handling:queue"), {"tab": "replies"}).content.decode()
    assert item.title in html and "驳回重办" in html
    r = c.post(reverse("handling:reply_review", args=[reply.pk]), {f"v{reply.pk}-decision": "reject"})
    assert r.status_code == 400 and "驳回时请说明理由" in r.content.decode()
    r = c.post(
        reverse("handling:reply_review", args=[reply.pk]),
        {f"v{reply.pk}-decision": "pass", f"v{reply.pk}-category": "b"},
    )
    assert r.status_code == 302
    reply.refresh_from_db()
    assert reply.review == Reply.Review.PASSED and reply.category == "b"


# --- the unit's workbench ------------------------------------------------------------------------


def test_workbench_lists_overdue_first_then_by_deadline(client, world, drive, clock):
    soon = drive.single(title="较早交办的事项")
    clock.advance(days=1)
    later = drive.single(title="较晚交办的事项")
    clock.advance(days=1)
    late = drive.single(title="已超期的事项")
    Assignment.objects.filter(item=late).update(is_overdue=True, reply_due_at=at(2024, 3, 5))
    r = login(client, world.unit_user(world.dept1)).get(reverse("handling:workbench"))
    html = r.content.decode()
    assert html.index("已超期的事项") < html.index("较早交办的事项") < html.index("较晚交办的事项")
    assert "已超期" in html and "剩 " in html
    assert soon and later


def test_workbench_shows_only_the_units_own_assignments(client, world, drive):
    drive.single(title="住建局的事项")
    drive.single(world.dept2, title="教育局的事项")
    html = login(client, world.unit_user(world.dept2)).get(reverse("handling:workbench")).content.decode()
    assert "教育局的事项" in html and "住建局的事项" not in html


def test_workbench_warns_of_uncertain_deadlines(client, world, drive):
    item = drive.single()
    Assignment.objects.filter(item=item).update(deadline_uncertain=True)
    html = login(client, world.unit_user(world.dept1)).get(reverse("handling:workbench")).content.decode()
    assert "期限待定" in html


def test_workbench_query_count_does_not_grow_with_rows(client, world, drive, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(client, world.unit_user(world.dept1))

    def add(n: int) -> None:
        for i in range(n):
            item = drive.single(title=f"工作台事项{i}")
            if i % 3 == 0:
                drive.sign(drive.lead(item))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("handling:workbench")).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    few = count()
    add(20)
    assert Assignment.objects.filter(unit=world.dept1).count() == 25
    with django_assert_num_queries(few):
        assert c.get(reverse("handling:workbench")).status_code == 200


def test_unit_signs_from_the_workbench_and_replies_on_the_item_page(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    c = login(client, world.unit_user(world.dept1))
    r = c.post(
        reverse("handling:assignment_sign", args=[a.pk]), {"version": a.version, "next": reverse("handling:workbench")}
    )
    assert r.status_code == 302 and r.url == reverse("handling:workbench")
    a.refresh_from_db()
    assert a.status == Assignment.Status.SIGNED
    html = c.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "提交答复" in html and "申请延期" in html and "改派" not in html
    r = c.post(
        reverse("handling:assignment_reply", args=[a.pk]),
        {
            f"p{a.pk}-category": "a",
            f"p{a.pk}-body": "经研究，已新增停车位 120 个。",
            f"p{a.pk}-adopted_count": "2",
            f"p{a.pk}-resolved": "on",
            f"p{a.pk}-version": a.version + 0,
        },
    )
    assert r.status_code == 302
    reply = Reply.objects.get(assignment=a)
    assert reply.adopted_count == 2 and reply.resolved


def test_signing_a_stale_row_on_the_workbench_flashes_the_conflict(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    stale = a.version
    drive.sign(a)
    c = login(client, world.unit_user(world.dept1))
    r = c.post(
        reverse("handling:assignment_sign", args=[a.pk]),
        {"version": stale, "next": reverse("handling:workbench")},
        follow=True,
    )
    assert r.status_code == 200
    assert "刚刚已被他人处理" in r.content.decode()
    assert AuditEntry.objects.filter(thread=item.thread, action="sign").count() == 1


def test_reply_with_bad_input_keeps_the_text_and_changes_nothing(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    a.refresh_from_db()
    c = login(client, world.unit_user(world.dept1))
    r = c.post(
        reverse("handling:assignment_reply", args=[a.pk]),
        {f"p{a.pk}-category": "zz", f"p{a.pk}-body": "我写了很长的答复", f"p{a.pk}-version": a.version},
    )
    assert r.status_code == 400
    assert "我写了很长的答复" in r.content.decode()
    r = c.post(
        reverse("handling:assignment_reply", args=[a.pk]),
        {f"p{a.pk}-category": "a", f"p{a.pk}-body": "x", f"p{a.pk}-adopted_count": "-3", f"p{a.pk}-version": a.version},
    )
    assert r.status_code == 400
    assert not Reply.objects.exists()


def test_stale_reply_form_keeps_the_typed_reply_and_shows_the_fresh_state(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    a.refresh_from_db()
    stale = a.version
    loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), until=dt.date(2024, 3, 26), reason="需协调"
    )
    loop.assignment_record_contact(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), method="phone", happened_at=at(2024, 3, 4, 8)
    )
    a.refresh_from_db()
    assert a.version != stale
    r = login(client, world.unit_user(world.dept1)).post(
        reverse("handling:assignment_reply", args=[a.pk]),
        {f"p{a.pk}-category": "a", f"p{a.pk}-body": "这是我认真写好的答复正文", f"p{a.pk}-version": stale},
    )
    assert r.status_code == 409
    html = r.content.decode()
    assert "刚刚已被他人处理" in html
    assert "这是我认真写好的答复正文" in html
    assert "沟通：" in html  # the fresh state shows the colleague's recorded contact
    assert f'value="{a.version}"' in html  # a deliberate resubmit now goes through
    assert not Reply.objects.exists()


def test_unit_asks_to_return_within_the_window_and_not_after(client, world, drive, clock):
    item = drive.single()
    a = drive.lead(item)
    clock.advance(days=20)
    c = login(client, world.unit_user(world.dept1))
    html = c.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "提交退回申请" not in html
    r = c.post(reverse("handling:assignment_return", args=[a.pk]), {f"r{a.pk}-reason": "不属于本单位职责"})
    assert r.status_code == 400 and "已超过申请退回的期限" in r.content.decode()
    assert not Request.objects.exists()


def test_unit_records_contact_asks_extension_and_escalates(client, world, drive):
    item = drive.single(world.community_unit)
    a = drive.lead(item, world.community_unit)
    staff = world.unit_user(world.community_unit)
    c = login(client, staff)
    drive.sign(a)
    r = c.post(
        reverse("handling:assignment_contact", args=[a.pk]),
        {f"c{a.pk}-method": "phone", f"c{a.pk}-happened_at": "2024-03-04T08:30", f"c{a.pk}-note": "电话联系留言人"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("handling:assignment_contact", args=[a.pk]),
        {f"c{a.pk}-method": "phone", f"c{a.pk}-happened_at": "not a date"},
    )
    assert r.status_code == 400 and "请填写正确的沟通时间" in r.content.decode()
    r = c.post(
        reverse("handling:assignment_extend", args=[a.pk]),
        {f"e{a.pk}-until": "2024-03-01", f"e{a.pk}-reason": "需协调"},
    )
    assert r.status_code == 400 and "须晚于当前办理期限" in r.content.decode()
    r = c.post(reverse("handling:assignment_escalate", args=[a.pk]), {f"u{a.pk}-reason": "超出社区职权"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.ESCALATED
    assert item.assignments.get(status=Assignment.Status.NEW).unit == world.street_unit


def test_co_unit_sends_an_opinion_but_cannot_reply(client, world, drive):
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    co = item.assignments.get(unit=world.dept2)
    drive.sign(co)
    c = login(client, world.unit_user(world.dept2))
    html = c.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "提交会办意见" in html and "提交答复" not in html
    r = c.post(reverse("handling:assignment_opinion", args=[co.pk]), {f"o{co.pk}-body": "建议结合片区改造统筹安排。"})
    assert r.status_code == 302
    co.refresh_from_db()
    assert co.status == Assignment.Status.OPINION_SENT


def test_objects_outside_scope_answer_404(client, world, drive):
    item = drive.single(world.dept2)
    a = drive.lead(item, world.dept2)
    c = login(client, world.unit_user(world.dept1))
    assert c.get(reverse("handling:item", args=[item.pk])).status_code == 404
    assert c.post(reverse("handling:assignment_sign", args=[a.pk]), {"version": a.version}).status_code == 404
    assert c.get(reverse("handling:item", args=[999999])).status_code == 404
    foreign = login(client, world.foreign_office)
    assert foreign.get(reverse("handling:item", args=[item.pk])).status_code == 404
    assert foreign.post(reverse("handling:item_supervise", args=[item.pk]), {"note": "x"}).status_code == 404
    a.refresh_from_db()
    assert a.status == Assignment.Status.NEW


def test_a_unit_cannot_act_for_another_unit_on_a_shared_item(client, world, drive):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    other = item.assignments.get(unit=world.dept2)
    c = login(client, world.unit_user(world.dept1))
    html = c.get(reverse("handling:item", args=[item.pk])).content.decode()
    assert html.count("签收</button>") == 1  # only its own assignment offers 签收
    r = c.post(reverse("handling:assignment_sign", args=[other.pk]), {"version": other.version})
    assert r.status_code in (403, 404)
    other.refresh_from_db()
    assert other.status == Assignment.Status.NEW


# --- supervision ---------------------------------------------------------------------------


def test_leader_sees_overdue_items_and_adds_a_supervision(client, world, drive):
    item = drive.single(title="超期的停车位事项")
    Item.objects.filter(pk=item.pk).update(is_overdue=True)
    drive.single(title="正常办理的事项")
    c = login(client, world.leader)
    html = c.get(reverse("handling:supervision")).content.decode()
    assert "超期的停车位事项" in html and "正常办理的事项" not in html
    r = c.post(
        reverse("handling:item_supervise", args=[item.pk]),
        {"note": "请加快办理，本周内答复。", "next": reverse("handling:supervision")},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.is_supervised
    html = c.get(reverse("handling:supervision"), {"show": "supervised"}).content.decode()
    assert "请加快办理，本周内答复。" in html
    r = c.post(reverse("handling:item_supervise", args=[item.pk]), {"note": "  "})
    assert r.status_code == 400
    assert item.supervisions.count() == 1


def test_units_cannot_open_supervision_or_metrics(client, world):
    c = login(client, world.unit_user(world.dept1))
    assert c.get(reverse("handling:supervision")).status_code == 403
    assert c.get(reverse("handling:metrics")).status_code == 403


# --- the item page ------------------------------------------------------------------------------


def test_item_page_shows_history_and_only_the_allowed_actions(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    office = login(client, world.office).get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "办理过程" in office and "交办" in office and "签收" in office
    assert "提交答复" not in office  # the office does not reply for a unit
    assert "确认改派" in office
    leader = login(client, world.leader).get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "发送督办意见" in leader and "确认改派" not in leader and "提交答复" not in leader
    assert AuditEntry.objects.filter(thread=item.thread).count() >= 3


def test_channel_label_and_categories_come_from_the_registry(client, world, drive):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    html = login(client, world.unit_user(world.dept1)).get(reverse("handling:item", args=[item.pk])).content.decode()
    assert "测试渠道" in html and "A类（已解决或采纳）" in html
    assert item.channel == CHANNEL
