import pytest

from xieshang.areas.models import Area
from xieshang.organisations.models import Unit, User

from .factories import (
    DEFAULT_PASSWORD,
    AreaFactory,
    LeaderFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_unit_staff_belongs_to_a_unit_of_its_committee():
    user = UserFactory(unit_staff=True)
    assert user.role == User.Role.UNIT
    assert user.unit.committee_id == user.committee_id
    assert user.check_password(DEFAULT_PASSWORD)


def test_office_flag_makes_committee_staff():
    user = UserFactory(office=True)
    assert (user.role, user.office) == (User.Role.OFFICE, User.Office.PROPOSALS)
    info = UserFactory(information=True)
    assert (info.role, info.office) == (User.Role.OFFICE, User.Office.INFORMATION)


def test_admin_is_superuser_and_custom_password_works():
    user = UserFactory(admin=True, password="Another#pass9")
    assert user.is_superuser and user.is_staff
    assert user.check_password("Another#pass9")


def test_member_and_leader_with_user_share_the_committee():
    term = TermFactory()
    member = MemberFactory(term=term, with_user=True)
    assert member.committee_id == term.committee_id == member.user.committee_id
    assert member.user.role == User.Role.MEMBER
    leader = LeaderFactory(committee=term.committee, with_user=True)
    assert leader.user.role == User.Role.LEADER
    assert leader.user.full_name == leader.name


def test_street_unit_with_area():
    district = AreaFactory(district=True)
    street = AreaFactory(parent=district)
    community = AreaFactory(community=True, parent=street)
    unit = UnitFactory(street=True, area=street)
    assert unit.kind == Unit.Kind.STREET
    assert community.level == Area.Level.COMMUNITY
    assert community.ancestors() == [street, district]
