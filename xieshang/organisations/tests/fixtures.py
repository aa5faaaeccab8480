"""Shared pytest fixtures: one committee and a person in each role, for any app's tests.

Registered for the whole suite in the root ``conftest.py`` (``pytest_plugins``); an app's conftest
adds only what is its own. A fixture of the same name in an app's conftest or a test module takes
precedence, as pytest's fixture lookup goes from the closest scope outwards.
"""

from __future__ import annotations

from typing import Any

import pytest

from xieshang.organisations.models import Committee, Leader, Member, Unit, User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

# A text that passes every channel's content rules (one matter, situation and suggestion).
GOOD_TEXT = (
    "近期，多位居民反映祖庙街道部分老旧小区加装电梯推进缓慢，主要原因是低层住户意见不一、"
    "费用分摊标准不明确、审批流程较长。建议区住建部门出台费用分摊指引，街道社区加强协调，"
    "对符合条件的项目开辟审批绿色通道，并公开办理进度，让群众看得见、等得起。"
)


@pytest.fixture
def committee(db: Any) -> Committee:
    return CommitteeFactory(name="禅城区政协（测试）")


@pytest.fixture
def info_office(committee: Committee) -> User:
    return UserFactory(username="info", information=True, committee=committee, full_name="信息科小李")


@pytest.fixture
def proposals_office(committee: Committee) -> User:
    return UserFactory(username="prop", office_staff=True, committee=committee)


@pytest.fixture
def organiser(committee: Committee) -> User:
    return UserFactory(
        username="secretariat", role="office", office="secretariat", committee=committee, full_name="秘书科小周"
    )


@pytest.fixture
def member(committee: Committee) -> Member:
    term = TermFactory(committee=committee)
    sector = SectorFactory(committee=committee, name="经济界")
    return MemberFactory(term=term, with_user=True, name="王委员", party="民建", sector=sector)


@pytest.fixture
def other_member(member: Member) -> Member:
    return MemberFactory(term=member.term, with_user=True, name="陈委员")


@pytest.fixture
def unit(committee: Committee) -> Unit:
    return UnitFactory(committee=committee, name="区住建局")


@pytest.fixture
def unit_user(unit: Unit) -> User:
    return UserFactory(username="unit1", unit_staff=True, unit=unit, committee=unit.committee)


@pytest.fixture
def leader(committee: Committee) -> Leader:
    return LeaderFactory(committee=committee, with_user=True, name="张三", title="区委书记")
