"""The admin lists outreach records and changes none of them (changes go through the services)."""

from __future__ import annotations

import pytest
from django.test import Client

from xieshang.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_and_does_not_add(station, committee):
    admin = UserFactory(admin=True, committee=committee)
    c = Client()
    c.force_login(admin)
    for name in ("station", "dutyshift", "visit", "enterprise", "appeal", "supervisiongroup", "volunteerteam"):
        assert c.get(f"/admin/outreach/{name}/").status_code == 200, name
        assert c.get(f"/admin/outreach/{name}/add/").status_code == 403, name
    assert c.get(f"/admin/outreach/station/{station.pk}/change/").status_code == 200  # shown read-only
