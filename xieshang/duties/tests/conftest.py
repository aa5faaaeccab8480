"""A committee built with the organisations factories: staff, leaders and members of the current term."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from xieshang.organisations.models import Committee, Leader, Member, Term, User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    TermFactory,
    UserFactory,
)


@dataclass
class World:
    committee: Committee
    term: Term
    office: User
    secretariat: User
    leaders: list[Leader]
    members: list[Member]


def build(members: int = 12, *, slug: str = "ceshi") -> World:
    committee = CommitteeFactory(name=f"政协测试区委员会{slug}", short_name="测试区政协", slug=slug)
    term = TermFactory(committee=committee, number=5, starts_on=dt.date(2021, 12, 28))
    office = UserFactory(committee=committee, office=True, username=f"office_{slug}", full_name="李晓红")
    secretariat = UserFactory(
        committee=committee,
        role=User.Role.OFFICE,
        office=User.Office.SECRETARIAT,
        username=f"secretariat_{slug}",
        full_name="秘书处",
    )
    leaders = [
        LeaderFactory(committee=committee, name=n, title=t)
        for n, t in [
            ("郑国华", "区委书记"),
            ("梁振宇", "区长"),
            ("何立新", "常务副区长"),
            ("黄思敏", "副区长"),
            ("罗建峰", "副区长"),
        ]
    ]
    sector = SectorFactory(committee=committee, name="经济")
    people = [
        MemberFactory(term=term, committee=committee, name="周文博", sector=sector, is_standing=True, with_user=True),
        MemberFactory(term=term, committee=committee, name="苏雅婷", sector=sector, with_user=True),
    ]
    rows = [
        Member(committee=committee, term=term, name=f"委员{i:03d}", sector=sector, is_standing=i % 25 == 0)
        for i in range(members - len(people))
    ]
    people += Member.objects.bulk_create(rows)
    return World(committee, term, office, secretariat, leaders, people)


@pytest.fixture
def w(db) -> World:
    return build()
