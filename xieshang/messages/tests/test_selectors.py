"""What staff pages and the tracking page read about a citizen's message."""

from __future__ import annotations

import uuid

import pytest

from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.messages import selectors, services
from xieshang.organisations.models import Committee, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(db):
    committee = Committee.objects.create(name="禅城区政协", level=Committee.Level.DISTRICT)
    unit = Unit.objects.create(committee=committee, name="区城管局")
    office = User.objects.create_user("office", password="x", role=User.Role.OFFICE, committee=committee)
    staff = User.objects.create_user("staff", password="x", role=User.Role.UNIT, committee=committee, unit=unit)
    msg, _ = services.message_submit(
        committee=committee,
        submission_token=uuid.uuid4(),
        kind="complaint",
        title="夜间施工噪音扰民",
        text="每晚十一点后仍在施工，噪音很大。",
        name="李女士",
        phone="13912345678",
    )
    return msg, office, staff, unit


def test_source_details_reveal_the_phone_only_when_asked(setup):
    msg, *_ = setup
    item = Item.objects.get(pk=msg.item_id)
    full = dict(selectors.source_details([item], True)[item.pk])
    masked = dict(selectors.source_details([item], False)[item.pk])
    assert full["联系电话"] == "13912345678"
    assert masked["联系电话"] == "139****5678"
    assert full["留言类型"] == "投诉"


def test_tracking_view_moves_through_the_steps(setup):
    msg, office, staff, unit = setup

    def view():
        msg.refresh_from_db()
        return selectors.tracking_view(msg)

    states = dict(view().steps)
    assert states["受理"] == "done" and states["交办"] == "current"
    loop.item_assign(item_id=msg.item_id, actor=office, mode=Item.Mode.SINGLE, lead_units=[unit])
    a = Assignment.objects.get(item_id=msg.item_id)
    assert dict(view().steps)["办理"] == "current"
    loop.assignment_sign(assignment_id=a.pk, actor=staff)
    loop.assignment_reply(assignment_id=a.pk, actor=staff, body="已责令停止夜间施工。", category="solved")
    v = view()
    assert dict(v.steps)["评价"] == "current"
    assert [r.body for r in v.replies] == ["已责令停止夜间施工。"] and v.replies[0].category_name == "已解决"
    assert [x.pk for x in v.to_rate] == [a.pk]
    services.message_rate(code=msg.tracking_code, phone=msg.phone, assignment_id=a.pk, value="satisfied")
    v = view()
    assert all(state == "done" for _, state in v.steps)
    assert v.to_rate == [] and v.status == "已办结"


def test_a_declined_message_shows_only_the_first_step_done(setup):
    msg, office, *_ = setup
    loop.item_decline(item_id=msg.item_id, actor=office, reason="不属于受理范围")
    msg.refresh_from_db()
    v = selectors.tracking_view(msg)
    assert v.declined and [s for _, s in v.steps] == ["done"] + ["todo"] * 5
