"""A committee with a session whose proposal window is open today, people in each role and a helper
that runs a service and its after-commit work (notifications, the channel hook) at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from xieshang.organisations.models import Committee, Leader, Member, Session, Term, Unit, User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SectorFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.proposals import services as ps

CONTENT = {
    "title": "关于加快老旧小区加装电梯的建议",
    "situation": "我区老旧小区多，老年人上下楼困难。",
    "analysis": "加装电梯审批环节多，居民意见难统一，资金筹措难。",
    "suggestions": "一、简化审批流程。\n二、设立专项补贴。\n三、建立协商议事机制。",
    "category": "城乡建设",
    "integrity": "researched",
    "declared": True,
}


@dataclass
class World:
    committee: Committee
    term: Term
    session: Session
    office: User
    gov: User
    info: User
    leader: Leader
    units: list[Unit]
    unit_users: list[User]
    members: list[Member]
    hk: Member
    offline: Member
    extra: dict[str, Any] = field(default_factory=dict)

    def member_user(self, i: int) -> User:
        return [*self.members, self.hk][i].user


@pytest.fixture
def w(db) -> World:
    committee = CommitteeFactory(name="禅城区政协（测试）")
    term = TermFactory(committee=committee, number=5)
    today = timezone.localdate()
    session = SessionFactory(
        term=term,
        number=3,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=3),
        proposals_from=today - dt.timedelta(days=30),
        proposals_until=today + dt.timedelta(days=3),
    )
    sector = SectorFactory(committee=committee, name="经济")
    units = [UnitFactory(committee=committee, name=n) for n in ("区住建局", "区财政局", "区教育局")]
    unit_users = [
        UserFactory(committee=committee, role=User.Role.UNIT, unit=u, username=f"unit{i}") for i, u in enumerate(units)
    ]
    members = [
        MemberFactory(term=term, committee=committee, name=n, sector=sector, with_user=True)
        for n in ("张委员", "李委员", "王委员")
    ]
    hk = MemberFactory(term=term, committee=committee, name="陈委员", is_hk_macao=True, with_user=True)
    offline = MemberFactory(term=term, committee=committee, name="赵委员")
    return World(
        committee=committee,
        term=term,
        session=session,
        office=UserFactory(committee=committee, office=True, username="tian"),
        gov=UserFactory(committee=committee, role=User.Role.OFFICE, office=User.Office.GOVERNMENT, username="gov"),
        info=UserFactory(committee=committee, information=True, username="info"),
        leader=LeaderFactory(committee=committee, name="刘副区长", with_user=True),
        units=units,
        unit_users=unit_users,
        members=members,
        hk=hk,
        offline=offline,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service and run what it queued for after commit (the channel hook, notifications)."""

    def _run(fn, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kw)

    return _run


@pytest.fixture
def submitted(w, run):
    """A submitted individual proposal by member 0."""

    def make(member_index: int = 0, **overrides):
        user = w.member_user(member_index)
        p = run(ps.proposal_save_draft, actor=user, data={**CONTENT, **overrides})
        return run(ps.proposal_submit, actor=user, proposal_id=p.pk)

    return make


@pytest.fixture
def filed(w, run, submitted):
    def make(member_index: int = 0, **overrides):
        p = submitted(member_index, **overrides)
        return run(ps.proposal_file, actor=w.office, proposal_id=p.pk)

    return make
