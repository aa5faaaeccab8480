"""Citizens' messages: submit once, follow with a tracking code and a phone number, rate the reply."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from xieshang.core.errors import ConflictError, NotFoundError, ServiceError
from xieshang.core.models import AuditEntry, Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating
from xieshang.messages import services
from xieshang.messages.models import Message
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import CommitteeFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Assignment.Status


@pytest.fixture
def office(db):
    committee = CommitteeFactory(name="禅城区政协（留言测试）")
    return UserFactory(role=User.Role.OFFICE, committee=committee)


@pytest.fixture
def staff(office):
    return UserFactory(role=User.Role.UNIT, committee=office.committee, unit=UnitFactory(committee=office.committee))


def submit(office, **kw):
    data = {
        "committee": office.committee,
        "submission_token": uuid.uuid4(),
        "kind": "complaint",
        "title": "小区门口路灯不亮",
        "text": "季华路某小区门口三盏路灯已坏了两周，夜间出行不安全，请尽快维修。",
        "name": "张小明",
        "phone": "138 0013 8000",
    }
    data.update(kw)
    return services.message_submit(**data)


def replied(msg, office, staff):
    loop.item_assign(item_id=msg.item_id, actor=office, mode=Item.Mode.SINGLE, lead_units=[staff.unit])
    a = Assignment.objects.get(item_id=msg.item_id)
    loop.assignment_sign(assignment_id=a.pk, actor=staff)
    loop.assignment_reply(assignment_id=a.pk, actor=staff, body="已安排维修，路灯于今日恢复照明。", category="solved")
    return a


def test_citizen_submits_a_message_and_it_waits_in_the_queue(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        msg, created = submit(office)
    assert created
    assert msg.phone == "13800138000"
    assert len(msg.tracking_code) == 10
    item = msg.item
    assert (item.channel, item.kind, item.status, item.title) == ("message", "complaint", "pending", "小区门口路灯不亮")
    assert (item.source_type, item.source_id) == ("citizen_messages.message", msg.pk)
    assert AuditEntry.objects.get(thread=item.thread).actor_label == "群众 张**"
    assert Notification.objects.get(recipient=office).title == "新事项待交办：小区门口路灯不亮"


def test_double_submit_with_the_same_token_creates_one_message_and_one_item(office):
    token = uuid.uuid4()
    first, created = submit(office, submission_token=token)
    again, created_again = submit(office, submission_token=str(token), title="另一个标题也不会新建")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert (Message.objects.count(), Item.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "请填写标题"),
        ("title", "路灯", "标题太短"),
        ("title", "路" * 101, "标题不能超过 100 字"),
        ("text", "", "请填写留言内容"),
        ("text", "字" * 2001, "留言内容不能超过 2000 字"),
        ("title", "路\u200b\u202e灯\x08", "标题太短"),
        ("name", "", "请填写姓名或称呼"),
        ("phone", "12345", "请填写正确的手机号码"),
        ("phone", "1380013800O", "请填写正确的手机号码"),
        ("phone", "138001380001", "请填写正确的手机号码"),
        ("phone", "", "请填写正确的手机号码"),
        ("kind", "praise", "请选择留言类型"),
        ("submission_token", "not-a-token", "提交已失效"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(office, field, value, message):
    with pytest.raises(ServiceError, match=message):
        submit(office, **{field: value})
    assert (Message.objects.count(), Item.objects.count(), AuditEntry.objects.count()) == (0, 0, 0)


def test_invisible_characters_are_removed_not_refused(office):
    """The one text policy (core.text): control, zero-width and direction characters are stripped."""
    msg, _ = submit(office, title="路灯\x08不亮\u200b了", text="路灯坏了很久了\x00\x1b[31m请修理\u202e，谢谢！")
    assert (msg.title, msg.text) == ("路灯不亮了", "路灯坏了很久了[31m请修理，谢谢！")
    assert (msg.item.title, msg.item.text) == (msg.title, msg.text)


def test_landline_and_multi_line_title_are_accepted_cleanly(office):
    msg, _ = submit(office, phone="0757-83000000", title="路灯\n不亮")
    assert (msg.phone, msg.title) == ("0757-83000000", "路灯 不亮")


def test_urgent_message_gets_the_two_hour_rule(office, staff):
    msg, _ = submit(office, kind="urgent", title="井盖缺失有人跌倒危险")
    assert msg.item.is_urgent
    loop.item_assign(item_id=msg.item_id, actor=office, mode=Item.Mode.SINGLE, lead_units=[staff.unit])
    a = Assignment.objects.get(item_id=msg.item_id)
    assert a.reply_due_at - a.assigned_at == dt.timedelta(hours=2)


def test_tracking_needs_the_code_and_the_same_phone(office):
    msg, _ = submit(office)
    assert services.message_for_tracking(code=f" {msg.tracking_code.lower()} ", phone="13800138000") == msg
    with pytest.raises(NotFoundError, match="查询码或电话号码不正确"):
        services.message_for_tracking(code=msg.tracking_code, phone="13900139000")
    with pytest.raises(NotFoundError, match="查询码或电话号码不正确"):
        services.message_for_tracking(code="ABCDEFGHJK", phone="13800138000")
    with pytest.raises(ServiceError, match="请输入查询码"):
        services.message_for_tracking(code="", phone="13800138000")


def test_tracking_code_expires_180_days_after_closing(office):
    msg, _ = submit(office)
    loop.item_decline(item_id=msg.item_id, actor=office, reason="属于诉讼事项，请通过司法途径解决")
    closed_at = Item.objects.get(pk=msg.item_id).closed_at
    on_time = closed_at + dt.timedelta(days=180)
    assert services.message_for_tracking(code=msg.tracking_code, phone=msg.phone, now=on_time) == msg
    with pytest.raises(ServiceError, match="该查询码已过期"):
        services.message_for_tracking(code=msg.tracking_code, phone=msg.phone, now=on_time + dt.timedelta(days=1))


def test_citizen_rates_the_reply_from_the_tracking_page(office, staff):
    msg, _ = submit(office)
    a = replied(msg, office, staff)
    assert Assignment.objects.get(pk=a.pk).status == S.AWAITING_RATING  # messages need no review
    assert services.public_status(Item.objects.get(pk=msg.item_id)) == "已答复，请评价"

    with pytest.raises(ServiceError, match="请说明不满意的原因"):
        services.message_rate(code=msg.tracking_code, phone=msg.phone, assignment_id=a.pk, value="unsatisfied")
    services.message_rate(
        code=msg.tracking_code, phone=msg.phone, assignment_id=a.pk, value="unsatisfied", comment="只修好了一盏"
    )
    a.refresh_from_db()
    assert (a.status, a.round) == (S.SIGNED, 2)
    assert AuditEntry.objects.filter(action="rehandle").get().actor_label == "群众 张**"

    loop.assignment_reply(assignment_id=a.pk, actor=staff, body="三盏路灯均已修复。", category="solved")
    rating = services.message_rate(code=msg.tracking_code, phone=msg.phone, assignment_id=a.pk, value="satisfied")
    assert (rating.rater_key, rating.recorded_by, rating.round) == ("citizen", None, 2)
    assert Item.objects.get(pk=msg.item_id).status == Item.Status.CLOSED
    with pytest.raises(ConflictError):
        services.message_rate(code=msg.tracking_code, phone=msg.phone, assignment_id=a.pk, value="satisfied")
    assert Rating.objects.count() == 2


def test_rating_needs_the_right_phone_and_the_message_s_own_reply(office, staff):
    msg, _ = submit(office)
    a = replied(msg, office, staff)
    other, _ = submit(office, phone="13900139000")
    with pytest.raises(NotFoundError):
        services.message_rate(code=msg.tracking_code, phone="13900139000", assignment_id=a.pk, value="satisfied")
    with pytest.raises(NotFoundError, match="未找到该答复"):
        services.message_rate(code=other.tracking_code, phone=other.phone, assignment_id=a.pk, value="satisfied")
    assert not Rating.objects.exists()
    assert Assignment.objects.get(pk=a.pk).status == S.AWAITING_RATING


def test_unit_staff_cannot_rate_in_the_citizen_s_place(office, staff):
    msg, _ = submit(office)
    a = replied(msg, office, staff)
    from xieshang.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        loop.assignment_rate(assignment_id=a.pk, rater_key="citizen", value="satisfied", actor=staff)
    assert not Rating.objects.exists()
    # the office may record a rating given by phone
    rating = loop.assignment_rate(assignment_id=a.pk, rater_key="citizen", value="basic", actor=office)
    assert rating.recorded_by == office


def test_anonymous_page_user_rates_as_the_citizen(office, staff):
    from django.contrib.auth.models import AnonymousUser

    msg, _ = submit(office)
    a = replied(msg, office, staff)
    rating = loop.assignment_rate(assignment_id=a.pk, rater_key="citizen", value="satisfied", actor=AnonymousUser())
    assert (rating.rater_label, rating.recorded_by) == ("留言群众", None)
