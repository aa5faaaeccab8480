from __future__ import annotations

import pytest

from xieshang.areas.divisions import load_chancheng
from xieshang.areas.models import Area
from xieshang.organisations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_area_admin_searches_by_name_and_filters_by_level(client):
    load_chancheng()
    client.force_login(UserFactory(admin=True))
    response = client.get("/admin/areas/area/", {"q": "澜石", "level__exact": str(Area.Level.COMMUNITY)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "澜石社区居委会" in body
    assert "祖庙街道" not in body.split("result_list")[-1]


def test_loading_the_divisions_twice_creates_nothing_more():
    first = load_chancheng(grids_per_community=2)
    assert first == 1 + 4 + 147 + 147 * 2
    assert load_chancheng(grids_per_community=2) == 0
    assert Area.objects.count() == first


def test_grids_are_named_after_their_village_or_community():
    load_chancheng(grids_per_community=1)
    names = set(Area.objects.filter(level=Area.Level.GRID).values_list("name", flat=True))
    assert {"大富村第1网格", "澜石社区第1网格"} <= names
    assert not any("委员会" in n or "村民第" in n for n in names)
