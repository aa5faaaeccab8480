"""factory_boy factories for the organisation records every other app's tests build on.

Names are stable: ``CommitteeFactory``, ``TermFactory``, ``SessionFactory``, ``SectorFactory``,
``SpecialCommitteeFactory``, ``UnitFactory``, ``UserFactory`` (with role helpers), ``MemberFactory``,
``LeaderFactory``, ``AreaFactory``.

Users are created with the password ``DEFAULT_PASSWORD`` unless ``password=`` is passed.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from xieshang.areas.models import Area
from xieshang.organisations.models import (
    Committee,
    Leader,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    Unit,
    User,
)

DEFAULT_PASSWORD = "Xieshang@test1"


class AreaFactory(DjangoModelFactory):
    """An area; by default a 镇街 under a freshly made district. Pass ``parent=`` and ``level=`` for others."""

    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:08d}")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = Area.Level.STREET
    kind = ""
    parent = None

    class Params:
        district = factory.Trait(level=Area.Level.DISTRICT, name=factory.Sequence(lambda n: f"测试区{n}"))
        community = factory.Trait(
            level=Area.Level.COMMUNITY, kind="社区居委会", name=factory.Sequence(lambda n: f"测试社区{n}居委会")
        )
        grid = factory.Trait(level=Area.Level.GRID, name=factory.Sequence(lambda n: f"测试第{n}网格"))


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试区政协{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    level = Committee.Level.DISTRICT
    parent = None
    area = None


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = dt.date(2021, 12, 1)
    ends_on = None
    is_current = True


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    opens_on = dt.date(2023, 1, 11)
    closes_on = dt.date(2023, 1, 13)
    proposals_from = dt.date(2022, 12, 1)
    proposals_until = dt.date(2023, 1, 13)


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("committee", "name")

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"界别{n}")


class SpecialCommitteeFactory(DjangoModelFactory):
    class Meta:
        model = SpecialCommittee
        django_get_or_create = ("committee", "name")

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"专委会{n}")


class UnitFactory(DjangoModelFactory):
    """A handling unit; ``UnitFactory(street=True, area=...)`` for a 镇街, ``community=True`` for a 村居."""

    class Meta:
        model = Unit

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"区测试局{n}")
    short_name = ""
    kind = Unit.Kind.DEPARTMENT
    area = None
    is_active = True

    class Params:
        street = factory.Trait(kind=Unit.Kind.STREET, name=factory.Sequence(lambda n: f"测试街道办事处{n}"))
        community = factory.Trait(kind=Unit.Kind.COMMUNITY, name=factory.Sequence(lambda n: f"测试居委会{n}"))


class UserFactory(DjangoModelFactory):
    """A user with a usable password.

    Roles: ``UserFactory(office=True)``, ``UserFactory(unit_staff=True)`` (creates a unit in the same
    committee unless ``unit=`` is given), ``leader=True``, ``member=True``, ``host=True``,
    ``admin=True`` (superuser). Default role: member.
    """

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    role = User.Role.MEMBER
    office = User.Office.NONE
    committee = factory.SubFactory(CommitteeFactory)
    unit = None
    is_active = True

    class Params:
        office_staff = factory.Trait(role=User.Role.OFFICE, office=User.Office.PROPOSALS)
        information = factory.Trait(role=User.Role.OFFICE, office=User.Office.INFORMATION)
        unit_staff = factory.Trait(
            role=User.Role.UNIT, unit=factory.SubFactory(UnitFactory, committee=factory.SelfAttribute("..committee"))
        )
        leader = factory.Trait(role=User.Role.LEADER)
        member = factory.Trait(role=User.Role.MEMBER)
        host = factory.Trait(role=User.Role.HOST)
        admin = factory.Trait(role=User.Role.ADMIN, is_superuser=True, is_staff=True)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # ``office=True`` reads naturally in tests; map it onto the trait so the model field keeps its choice.
        if kwargs.get("office") is True:
            kwargs["office"] = User.Office.PROPOSALS
            kwargs["role"] = User.Role.OFFICE
        return kwargs


class MemberFactory(DjangoModelFactory):
    """A member of the term's committee; ``MemberFactory(with_user=True)`` also creates a member user."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    term = factory.SubFactory(TermFactory)
    committee = factory.SelfAttribute("term.committee")
    name = factory.Sequence(lambda n: f"委员{n}")
    gender = "男"
    party = ""
    sector = None
    is_standing = False
    is_hk_macao = False
    workplace = ""
    user = None

    class Params:
        with_user = factory.Trait(
            user=factory.SubFactory(
                UserFactory,
                member=True,
                committee=factory.SelfAttribute("..committee"),
                full_name=factory.SelfAttribute("..name"),
            )
        )

    @factory.post_generation
    def special_committees(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.special_committees.set(extracted)


class LeaderFactory(DjangoModelFactory):
    """A district leader; ``LeaderFactory(with_user=True)`` also creates a leader user."""

    class Meta:
        model = Leader

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"领导{n}")
    title = "副区长"
    user = None

    class Params:
        with_user = factory.Trait(
            user=factory.SubFactory(
                UserFactory,
                leader=True,
                committee=factory.SelfAttribute("..committee"),
                full_name=factory.SelfAttribute("..name"),
            )
        )
