"""The public portal: submitting a message, the receipt, tracking and rating the reply."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating
from xieshang.messages.models import Message
from xieshang.organisations.models import Committee, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def site(db):
    committee = Committee.objects.create(name="佛山市禅城区政协", level=Committee.Level.DISTRICT)
    district = Area.objects.create(code="P440604", name="禅城区", level=Area.Level.DISTRICT)
    street = Area.objects.create(code="P440604010", name="祖庙街道", level=Area.Level.STREET, parent=district)
    other_street = Area.objects.create(code="P440604011", name="石湾镇街道", level=Area.Level.STREET, parent=district)
    community = Area.objects.create(code="P440604010001", name="升平社区", level=Area.Level.COMMUNITY, parent=street)
    unit = Unit.objects.create(committee=committee, name="区城管局")
    office = User.objects.create_user("office", password="x", role=User.Role.OFFICE, committee=committee)
    staff = User.objects.create_user("staff", password="x", role=User.Role.UNIT, committee=committee, unit=unit)
    return {
        "committee": committee,
        "street": street,
        "other_street": other_street,
        "community": community,
        "unit": unit,
        "office": office,
        "staff": staff,
    }


def form_data(site, **over):
    data = {
        "token": str(uuid.uuid4()),
        "kind": "complaint",
        "title": "小区门口夜间施工噪音扰民",
        "text": "最近一个月每晚十一点后仍有施工，噪音很大，影响休息。",
        "street": site["street"].pk,
        "community": site["community"].pk,
        "name": "李女士",
        "phone": "13912345678",
        "publish_consent": "on",
    }
    data.update(over)
    return data


def submit(client, data):
    return client.post(reverse("portal:submit"), data)


def test_index_explains_what_citizens_can_do(client, site):
    r = client.get(reverse("portal:index"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "我要留言" in html and "查询办理进度" in html and "评价" in html


def test_submit_form_carries_a_fresh_token(client, site):
    html = client.get(reverse("portal:submit")).content.decode()
    assert 'name="token"' in html and "祖庙街道" in html


def test_citizen_submits_and_gets_a_receipt_with_the_tracking_code(client, site):
    data = form_data(site)
    r = submit(client, data)
    assert r.status_code == 302
    msg = Message.objects.get()
    assert msg.area == site["community"] and msg.publish_consent
    assert msg.item is not None and msg.item.status == Item.Status.PENDING
    receipt = client.get(r.url)
    assert receipt.status_code == 200
    assert msg.tracking_code in receipt.content.decode()


def test_double_submit_creates_one_message_and_shows_the_same_receipt(client, site):
    data = form_data(site)
    first = submit(client, data)
    second = submit(client, data)
    assert Message.objects.count() == 1 and Item.objects.count() == 1
    assert first.url == second.url
    code = Message.objects.get().tracking_code
    assert code in client.get(second.url).content.decode()


def test_receipt_is_not_shown_to_another_browser(client, site):
    r = submit(client, form_data(site))
    client.logout()
    client.cookies.clear()
    other = client.get(r.url)
    assert other.status_code == 404
    assert Message.objects.get().tracking_code not in other.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "短", "标题太短"),
        ("text", "太短了", "留言内容太短"),
        ("phone", "12345", "请填写正确的手机号码或固定电话"),
        ("kind", "nonsense", "请选择留言类型"),
        ("name", "", "请填写姓名或称呼"),
        ("token", "not-a-uuid", "提交已失效"),
        ("street", "999999", "所选镇街无效"),
    ],
)
def test_bad_input_gets_a_clear_message_and_creates_nothing(client, site, field, value, message):
    r = submit(client, form_data(site, **{field: value}))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Message.objects.exists()


def test_community_must_belong_to_the_street(client, site):
    r = submit(client, form_data(site, street=site["other_street"].pk))
    assert r.status_code == 400
    assert "所选村居" in r.content.decode()
    assert not Message.objects.exists()


def test_typed_text_is_kept_when_the_form_comes_back(client, site):
    r = submit(client, form_data(site, phone="abc", text="这是我写了很久的留言内容，请不要丢失。"))
    assert "这是我写了很久的留言内容，请不要丢失。" in r.content.decode()


def test_community_options_follow_the_street(client, site):
    html = client.get(reverse("portal:communities"), {"street": site["street"].pk}).content.decode()
    assert "升平社区" in html
    html = client.get(reverse("portal:communities"), {"street": site["other_street"].pk}).content.decode()
    assert "升平社区" not in html
    assert client.get(reverse("portal:communities"), {"street": "x'; drop"}).status_code == 200


def _message(client, site) -> Message:
    submit(client, form_data(site))
    return Message.objects.get()


def test_wrong_code_or_wrong_phone_give_the_same_message(client, site):
    msg = _message(client, site)
    wrong_code = client.post(reverse("portal:track"), {"code": "ZZZZZZZZZZ", "phone": msg.phone})
    wrong_phone = client.post(reverse("portal:track"), {"code": msg.tracking_code, "phone": "13000000000"})
    assert wrong_code.status_code == wrong_phone.status_code == 404
    text = "查询码或电话号码不正确，请核对后重试。"
    assert text in wrong_code.content.decode() and text in wrong_phone.content.decode()
    assert msg.title not in wrong_phone.content.decode()


def test_too_many_failed_lookups_pause_the_form(client, site):
    msg = _message(client, site)
    for _ in range(10):
        client.post(reverse("portal:track"), {"code": "ZZZZZZZZZZ", "phone": "13000000000"})
    r = client.post(reverse("portal:track"), {"code": msg.tracking_code, "phone": msg.phone})
    assert r.status_code == 429 and "查询次数过多" in r.content.decode()


def test_status_page_needs_the_phone_check_first(client, site):
    msg = _message(client, site)
    other = client.__class__()
    r = other.get(reverse("portal:status", args=[msg.tracking_code]))
    assert r.status_code == 302 and reverse("portal:track") in r.url


def test_tracking_shows_the_steps_the_reply_and_takes_a_satisfied_rating(client, site):
    msg = _message(client, site)
    r = client.post(reverse("portal:track"), {"code": msg.tracking_code.lower(), "phone": msg.phone})
    assert r.status_code == 302
    html = client.get(r.url).content.decode()
    assert "已受理，正在分派" in html and 'class="step-current"' in html
    loop.item_assign(item_id=msg.item_id, actor=site["office"], mode=Item.Mode.SINGLE, lead_units=[site["unit"]])
    a = Assignment.objects.get(item_id=msg.item_id)
    loop.assignment_sign(assignment_id=a.pk, actor=site["staff"])
    loop.assignment_reply(
        assignment_id=a.pk, actor=site["staff"], body="已责令施工单位晚上十点后停止施工。", category="solved"
    )
    html = client.get(r.url).content.decode()
    assert "已责令施工单位晚上十点后停止施工。" in html and "提交评价" in html and "已解决" in html
    rated = client.post(reverse("portal:rate", args=[msg.tracking_code]), {"assignment": a.pk, "value": "satisfied"})
    assert rated.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.CLOSED
    html = client.get(r.url).content.decode()
    assert "已办结" in html and "提交评价" not in html
    # a second rating for the same reply: a clear message, nothing added
    again = client.post(reverse("portal:rate", args=[msg.tracking_code]), {"assignment": a.pk, "value": "unsatisfied"})
    assert again.status_code in (400, 409)
    assert Rating.objects.count() == 1


def test_unsatisfied_needs_a_reason_and_sends_the_matter_back(client, site):
    msg = _message(client, site)
    client.post(reverse("portal:track"), {"code": msg.tracking_code, "phone": msg.phone})
    loop.item_assign(item_id=msg.item_id, actor=site["office"], mode=Item.Mode.SINGLE, lead_units=[site["unit"]])
    a = Assignment.objects.get(item_id=msg.item_id)
    loop.assignment_sign(assignment_id=a.pk, actor=site["staff"])
    loop.assignment_reply(assignment_id=a.pk, actor=site["staff"], body="已处理。", category="explained")
    url = reverse("portal:rate", args=[msg.tracking_code])
    r = client.post(url, {"assignment": a.pk, "value": "unsatisfied", "comment": ""})
    assert r.status_code == 400 and "请说明不满意的原因" in r.content.decode()
    assert not Rating.objects.exists()
    r = client.post(url, {"assignment": a.pk, "value": "unsatisfied", "comment": "晚上仍有施工"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.SIGNED and a.rehandle_count == 1


def test_rating_another_citizens_reply_is_not_found(client, site):
    mine = _message(client, site)
    client.post(reverse("portal:track"), {"code": mine.tracking_code, "phone": mine.phone})
    other_client = client.__class__()
    submit(
        other_client,
        form_data(
            site, token=str(uuid.uuid4()), phone="13700000000", text="楼下餐馆油烟直排，家里窗户都不敢开，请尽快处理。"
        ),
    )
    theirs = Message.objects.exclude(pk=mine.pk).get()
    loop.item_assign(item_id=theirs.item_id, actor=site["office"], mode=Item.Mode.SINGLE, lead_units=[site["unit"]])
    a = Assignment.objects.get(item_id=theirs.item_id)
    r = client.post(reverse("portal:rate", args=[mine.tracking_code]), {"assignment": a.pk, "value": "satisfied"})
    assert r.status_code == 404
    assert not Rating.objects.exists()


def test_expired_code_says_so(client, site):
    msg = _message(client, site)
    Item.objects.filter(pk=msg.item_id).update(
        status=Item.Status.CLOSED, closed_at=timezone.now() - dt.timedelta(days=400)
    )
    r = client.post(reverse("portal:track"), {"code": msg.tracking_code, "phone": msg.phone})
    assert "该查询码已过期" in r.content.decode()


def test_home_sends_anonymous_visitors_to_the_portal(client, site):
    r = client.get("/")
    assert r.status_code == 302 and r.url == reverse("portal:index")
