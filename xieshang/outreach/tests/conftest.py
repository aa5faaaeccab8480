"""Fixtures for outreach: a committee with its office, a 镇街 and a 村居, a host, members and a station."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    AreaFactory,
    CommitteeFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.outreach import services

DAY = dt.date(2026, 11, 10)


@pytest.fixture
def committee(db):
    return CommitteeFactory(name="禅城区政协（联系群众测试）")


@pytest.fixture
def term(committee):
    return TermFactory(committee=committee)


@pytest.fixture
def office(committee):
    return UserFactory(role=User.Role.OFFICE, office=User.Office.SECRETARIAT, committee=committee)


@pytest.fixture
def street(db):
    district = AreaFactory(district=True, code="T-D-1", name="测试区")
    return AreaFactory(code="T-S-1", name="石湾镇街道", parent=district)


@pytest.fixture
def community(street):
    return AreaFactory(community=True, code="T-C-1", name="东风社区居委会", parent=street)


@pytest.fixture
def host(committee):
    return UserFactory(role=User.Role.HOST, committee=committee, full_name="梁站长")


@pytest.fixture
def members(term):
    return [MemberFactory(term=term, name=n, with_user=True) for n in ("陈委员", "黄委员", "李委员")]


@pytest.fixture
def station(office, committee, street, host, members):
    return services.station_create(
        actor=office,
        committee=committee,
        name="石湾镇街道政协委员工作联系站",
        area=street,
        host=host,
        reception="每月10日、20日上午",
        members=members[:2],
    )


@pytest.fixture
def unit_staff(committee):
    return UserFactory(role=User.Role.UNIT, committee=committee, unit=UnitFactory(committee=committee, name="区住建局"))


def log(station, actor, member, *, on=DAY, kind="suggestion", **kw):
    data = {
        "actor": actor,
        "station_id": station.pk,
        "submission_token": uuid.uuid4(),
        "visited_on": on,
        "duty_member": member,
        "visitor": "何女士",
        "contact": "13800138000",
        "kind": kind,
        "matter": "小区旁河涌夏季有异味，建议加快截污管网建设。",
    }
    data.update(kw)
    visit, _ = services.visit_log(**data)
    return visit


def handle(item_id, office, staff, *, resolved=True):
    """The office assigns the item to the staff's unit, which signs and replies."""
    loop.item_assign(item_id=item_id, actor=office, mode=Item.Mode.SINGLE, lead_units=[staff.unit])
    a = Assignment.objects.get(item_id=item_id)
    loop.assignment_sign(assignment_id=a.pk, actor=staff)
    loop.assignment_reply(
        assignment_id=a.pk,
        actor=staff,
        body="已安排截污管网施工，预计明年完工。",
        category="solved" if resolved else "explained",
        resolved=resolved,
    )
    return a
