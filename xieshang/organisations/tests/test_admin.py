from __future__ import annotations

import pytest

from xieshang.organisations.tests.factories import MemberFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True))
    return client


@pytest.mark.parametrize(
    "model",
    ["committee", "term", "session", "sector", "specialcommittee", "unit", "user", "member", "leader"],
)
def test_every_changelist_opens(admin_client, model):
    assert admin_client.get(f"/admin/organisations/{model}/").status_code == 200
    assert admin_client.get(f"/admin/organisations/{model}/add/").status_code == 200


def test_members_are_found_by_name_and_filtered_by_standing(admin_client):
    MemberFactory(name="欧阳志坚", is_standing=True)
    MemberFactory(name="陈家豪", is_standing=False)
    body = admin_client.get("/admin/organisations/member/", {"q": "欧阳"}).content.decode()
    assert "欧阳志坚" in body and "陈家豪" not in body
    body = admin_client.get("/admin/organisations/member/", {"is_standing__exact": "1"}).content.decode()
    assert "欧阳志坚" in body and "陈家豪" not in body


def test_unit_staff_are_found_by_their_unit(admin_client):
    unit = UnitFactory(name="区教育局")
    UserFactory(unit_staff=True, unit=unit, committee=unit.committee, username="jiaoyu_li")
    UserFactory(username="someone_else")
    body = admin_client.get("/admin/organisations/user/", {"q": "教育局"}).content.decode()
    assert "jiaoyu_li" in body and "someone_else" not in body
