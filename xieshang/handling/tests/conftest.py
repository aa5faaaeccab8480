"""Fixtures for the loop engine's tests: one committee, its areas and units, people in each role,
a controllable clock and a test channel whose rules the tests can read off at a glance."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from xieshang.areas.models import Area
from xieshang.handling import registry
from xieshang.handling import services as loop
from xieshang.handling.models import Item
from xieshang.organisations.models import Committee, Leader, Unit, User
from xieshang.organisations.tests.factories import AreaFactory, CommitteeFactory, UnitFactory, UserFactory
from xieshang.workdays.calendar import Unit as TimeUnit

CHANNEL = "looptest"
TZ = dt.timezone(dt.timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _raters(item: Item) -> list[registry.Rater]:
    """The person who raised the matter rates; a matter entered without an account is rated offline."""
    if item.created_by is not None:
        return [
            registry.Rater(key=f"user:{item.created_by_id}", label=item.created_by.display_name, user=item.created_by)
        ]
    return [registry.Rater(key="offline", label="线下提出人")]


EVENTS: list[tuple[int, str]] = []

registry.register(
    registry.Channel(
        key=CHANNEL,
        label="测试渠道",
        kinds={"contact": "需先沟通", "urgent": "紧急"},
        rules={
            "": registry.RuleDefaults(
                name="测试渠道",
                reply=(10, TimeUnit.WORKDAY),
                sign=(1, TimeUnit.WORKDAY),
                objection=(5, TimeUnit.WORKDAY),
                extension_max=(20, TimeUnit.WORKDAY),
                opinion=(5, TimeUnit.WORKDAY),
                remind_days_before=2,
                rating_days=15,
                review_required=True,
            ),
            "contact": registry.RuleDefaults(
                name="测试渠道（需先沟通）",
                reply=(10, TimeUnit.WORKDAY),
                contact=(3, TimeUnit.WORKDAY),
                review_required=False,
            ),
            "urgent": registry.RuleDefaults(
                name="测试渠道（紧急）",
                reply=(2, TimeUnit.HOUR),
                sign=(1, TimeUnit.HOUR),
                objection=(1, TimeUnit.HOUR),
                review_required=False,
                auto_escalate=True,
            ),
        },
        reply_categories=[("a", "A类（已解决或采纳）"), ("b", "B类（列入计划）"), ("c", "C类（留作参考）")],
        raters=_raters,
        on_event=lambda item, event: EVENTS.append((item.pk, event)),
    )
)


class Clock:
    """Stands in for ``django.utils.timezone.now`` so a test can move time forward."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        self.now = moment
        return moment

    def advance(self, **delta: float) -> dt.datetime:
        self.now = self.now + dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Monday 4 March 2024, 09:00 in Foshan: a year the holiday table knows."""
    c = Clock(at(2024, 3, 4))
    monkeypatch.setattr(timezone, "now", c)
    return c


@pytest.fixture(autouse=True)
def _clear_events() -> None:
    EVENTS.clear()


@pytest.fixture(autouse=True)
def _fresh_holiday_table() -> None:
    # The table is cached per process and keyed by row count and latest edit time; with the clock
    # set back to 2024, two tests adding one different holiday each would share a key.
    from xieshang.workdays import calendar

    calendar._cached = None


_seq = itertools.count(1)


@dataclass
class World:
    committee: Committee
    other_committee: Committee
    district: Area
    street: Area
    community: Area
    dept1: Unit
    dept2: Unit
    dept3: Unit
    street_unit: Unit
    community_unit: Unit
    office: User
    office2: User
    leader: User
    member: User
    other_member: User
    foreign_office: User
    staff: dict[str, User]

    def unit_user(self, unit: Unit) -> User:
        return next(u for u in self.staff.values() if u.unit_id == unit.pk)


def make_user(username: str, role: str, committee: Committee | None, unit: Unit | None = None, **kw: Any) -> User:
    return UserFactory(
        username=f"{username}-{next(_seq)}",
        password="x",
        role=role,
        committee=committee,
        unit=unit,
        email=kw.pop("email", f"{username}@example.org"),
        full_name=kw.pop("full_name", username),
        **kw,
    )


@pytest.fixture
def world(db: Any) -> World:
    committee = CommitteeFactory(name="禅城区政协", level=Committee.Level.DISTRICT)
    other = CommitteeFactory(name="南海区政协", level=Committee.Level.DISTRICT)
    district = AreaFactory(code="T440604", name="禅城区", level=Area.Level.DISTRICT)
    street = AreaFactory(code="T440604011", name="张槎街道", level=Area.Level.STREET, parent=district)
    community = AreaFactory(code="T440604011001", name="张槎社区", level=Area.Level.COMMUNITY, parent=street)
    dept1 = UnitFactory(committee=committee, name="区住建局")
    dept2 = UnitFactory(committee=committee, name="区教育局")
    dept3 = UnitFactory(committee=committee, name="区交通局")
    street_unit = UnitFactory(committee=committee, name="张槎街道办", kind=Unit.Kind.STREET, area=street)
    community_unit = UnitFactory(committee=committee, name="张槎社区居委会", kind=Unit.Kind.COMMUNITY, area=community)
    staff = {
        u.name: make_user(f"staff{i}", User.Role.UNIT, committee, u)
        for i, u in enumerate([dept1, dept2, dept3, street_unit, community_unit], 1)
    }
    leader_user = make_user("leader", User.Role.LEADER, committee)
    Leader.objects.create(committee=committee, name="李明", title="区委副书记", user=leader_user)
    return World(
        committee=committee,
        other_committee=other,
        district=district,
        street=street,
        community=community,
        dept1=dept1,
        dept2=dept2,
        dept3=dept3,
        street_unit=street_unit,
        community_unit=community_unit,
        office=make_user("office", User.Role.OFFICE, committee, full_name="提案委 王芳"),
        office2=make_user("office2", User.Role.OFFICE, committee),
        leader=leader_user,
        member=make_user("member", User.Role.MEMBER, committee, full_name="陈委员"),
        other_member=make_user("member2", User.Role.MEMBER, committee),
        foreign_office=make_user("foreign", User.Role.OFFICE, other),
        staff=staff,
    )


class Driver:
    """Moves an item through the loop the way the people in ``world`` would."""

    def __init__(self, w: World) -> None:
        self.w = w

    def accept(self, *, kind: str = "", by: User | None = None, **kw: Any) -> Item:
        return loop.item_accept(
            committee=self.w.committee,
            channel=CHANNEL,
            kind=kind,
            title=kw.pop("title", "关于增设社区停车位的建议"),
            text=kw.pop("text", "老旧小区停车难，建议统筹利用闲置用地增设停车位。"),
            actor=by if by is not None else self.w.member,
            **kw,
        )

    def assign(self, item: Item, mode: str, leads: list[Unit], cos: list[Unit] = ()) -> Item:
        return loop.item_assign(item_id=item.pk, actor=self.w.office, mode=mode, lead_units=leads, co_units=list(cos))

    def single(self, unit: Unit | None = None, **kw: Any) -> Item:
        item = self.accept(**kw)
        return self.assign(item, Item.Mode.SINGLE, [unit or self.w.dept1])

    def lead(self, item: Item, unit: Unit | None = None):
        return item.assignments.get(unit=unit or self.w.dept1, status__in=loop.LIVE_STATES)

    def sign(self, a):
        return loop.assignment_sign(assignment_id=a.pk, actor=self.w.unit_user(a.unit))

    def reply(self, a, category: str = "a", **kw: Any):
        return loop.assignment_reply(
            assignment_id=a.pk,
            actor=self.w.unit_user(a.unit),
            body=kw.pop("body", "经研究，已在片区内新增停车位 120 个。"),
            category=category,
            **kw,
        )

    def passed(self, reply):
        return loop.reply_review(reply_id=reply.pk, actor=self.w.office, passed=True)

    def replied_and_passed(self, a):
        self.sign(a)
        return self.passed(self.reply(a))

    def rate(self, a, value: str, comment: str = "", actor: User | None = None):
        item = a.item
        return loop.assignment_rate(
            assignment_id=a.pk,
            rater_key=f"user:{item.created_by_id}",
            value=value,
            comment=comment,
            actor=actor if actor is not None else item.created_by,
        )


@pytest.fixture
def drive(world: World, clock: Clock) -> Driver:
    return Driver(world)
