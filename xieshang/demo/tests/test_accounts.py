"""The demo creates the accounts it lacks and never touches one that exists: a real ``admin`` keeps its password."""

from __future__ import annotations

import pytest

from xieshang.demo import organisations as demo
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_account_it_did_not_create_keeps_its_password_role_and_name():
    admin = UserFactory(username="admin", admin=True, full_name="真正的管理员")
    admin.set_password("Mine#own-2024")
    admin.save()

    demo.seed(password="Demo#pass2023", messages=False)

    admin.refresh_from_db()
    assert admin.check_password("Mine#own-2024")
    assert not admin.check_password("Demo#pass2023")
    assert admin.full_name == "真正的管理员"
    # the other demo accounts are made with the demo password, and the list says which one was kept
    assert User.objects.get(username="office").check_password("Demo#pass2023")
    logins = {username: pw for _label, username, pw in demo.logins("Demo#pass2023")}
    assert logins["admin"] == demo.KEPT
    assert logins["office"] == "Demo#pass2023"
