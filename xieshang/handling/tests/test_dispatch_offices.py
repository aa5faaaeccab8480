"""A channel may name the offices that dispatch its items; other offices cannot assign them."""

from __future__ import annotations

import pytest

from xieshang.core.errors import PermissionDeniedError
from xieshang.handling import registry
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import CommitteeFactory, UnitFactory, UserFactory
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "officetest"

registry.register(
    registry.Channel(
        key=CHANNEL,
        label="限定科室渠道",
        rules={"": registry.RuleDefaults(name="限定科室渠道", reply=(10, TimeUnit.WORKDAY))},
        reply_categories=[("A", "已采纳")],
        dispatcher_offices=(User.Office.PROPOSALS, User.Office.GOVERNMENT),
    )
)

pytestmark = pytest.mark.django_db


def _item(committee):
    return loop.item_accept(committee=committee, channel=CHANNEL, title="道路积水", text="雨后道路积水严重，请处理。")


def test_an_office_the_channel_does_not_name_cannot_assign_and_nothing_changes() -> None:
    committee = CommitteeFactory()
    unit = UnitFactory(committee=committee)
    info = UserFactory(committee=committee, information=True)
    item = _item(committee)
    with pytest.raises(PermissionDeniedError):
        loop.item_assign(item_id=item.pk, actor=info, mode=Item.Mode.SINGLE, lead_units=[unit])
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING
    assert not item.assignments.exists()


@pytest.mark.parametrize("office", [User.Office.PROPOSALS, User.Office.GOVERNMENT])
def test_the_named_offices_assign(office: str) -> None:
    committee = CommitteeFactory()
    unit = UnitFactory(committee=committee)
    staff = UserFactory(committee=committee, role=User.Role.OFFICE, office=office)
    item = _item(committee)
    loop.item_assign(item_id=item.pk, actor=staff, mode=Item.Mode.SINGLE, lead_units=[unit])
    item.refresh_from_db()
    assert item.status == Item.Status.HANDLING


def test_an_administrator_assigns_any_channel() -> None:
    committee = CommitteeFactory()
    unit = UnitFactory(committee=committee)
    admin = UserFactory(committee=committee, role=User.Role.ADMIN)
    item = _item(committee)
    loop.item_assign(item_id=item.pk, actor=admin, mode=Item.Mode.SINGLE, lead_units=[unit])
    assert Item.objects.get(pk=item.pk).status == Item.Status.HANDLING
