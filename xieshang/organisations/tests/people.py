"""Pytest fixtures for a committee and one person in each role, shared by the channels' tests.

A channel's ``tests/conftest.py`` imports the fixtures it uses from here, so the people every
channel test speaks of (the information office, a member with a sector, a unit and its staff, a
leader, the secretariat) are defined once.
"""

from __future__ import annotations

import pytest

from .factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture
def committee(db):
    return CommitteeFactory(name="禅城区政协（测试）")


@pytest.fixture
def info_office(committee):
    return UserFactory(username="info", information=True, committee=committee, full_name="信息科小李")


@pytest.fixture
def proposals_office(committee):
    return UserFactory(username="prop", office_staff=True, committee=committee)


@pytest.fixture
def organiser(committee):
    return UserFactory(
        username="secretariat", role="office", office="secretariat", committee=committee, full_name="秘书科小周"
    )


@pytest.fixture
def member(committee):
    term = TermFactory(committee=committee)
    sector = SectorFactory(committee=committee, name="经济界")
    return MemberFactory(term=term, with_user=True, name="王委员", party="民建", sector=sector)


@pytest.fixture
def other_member(member):
    return MemberFactory(term=member.term, with_user=True, name="陈委员")


@pytest.fixture
def unit(committee):
    return UnitFactory(committee=committee, name="区住建局")


@pytest.fixture
def unit_user(unit):
    return UserFactory(username="unit1", unit_staff=True, unit=unit, committee=unit.committee)


@pytest.fixture
def leader(committee):
    return LeaderFactory(committee=committee, with_user=True, name="张三", title="区委书记")
