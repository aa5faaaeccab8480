"""The demo year's outreach records, made through the services, give the scorecard's ten figures."""

from __future__ import annotations

import pytest

from xieshang.core import indicators
from xieshang.demo.outreach import TARGETS, seed_outreach
from xieshang.handling.models import Item
from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    AreaFactory,
    CommitteeFactory,
    MemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.outreach.models import Visit

pytestmark = pytest.mark.django_db  # about a minute: ~1,000 service calls under a travelling clock


@pytest.fixture
def committee(db):
    district = AreaFactory(district=True, code="D-DEMO", name="禅城区")
    committee = CommitteeFactory(name="佛山市禅城区政协（演示测试）", area=district)
    term = TermFactory(committee=committee)
    for i, name in enumerate(("石湾镇街道", "祖庙街道", "张槎街道", "南庄镇")):
        street = AreaFactory(code=f"S-DEMO-{i}", name=name, parent=district)
        for j in range(2):
            AreaFactory(community=True, code=f"C-DEMO-{i}-{j}", name=f"{name}第{j + 1}社区居委会", parent=street)
        unit = UnitFactory(committee=committee, street=True, name=f"{name}办事处", area=street)
        UserFactory(role=User.Role.UNIT, committee=committee, unit=unit)
    for name in ("区人力资源和社会保障局", "区住房城乡建设和水利局", "区卫生健康局"):
        UserFactory(role=User.Role.UNIT, committee=committee, unit=UnitFactory(committee=committee, name=name))
    UserFactory(role=User.Role.OFFICE, office=User.Office.SECRETARIAT, committee=committee)
    UserFactory(role=User.Role.HOST, committee=committee, username="demo_host")
    for i in range(6):
        MemberFactory(term=term, name=f"领导{i}", is_standing=True, with_user=i % 2 == 0)
    for i in range(12):
        MemberFactory(term=term, name=f"进站委员{i}", with_user=i % 3 == 0)
    return committee


def test_the_demo_year_gives_the_scorecard_figures(committee):
    seed_outreach(committee, year=2022)
    got = {key: indicators.get(key).compute(committee, 2022) for key in TARGETS}
    assert got == TARGETS
    # every matter sent through the loop was finished in the demo year
    assert not Item.objects.filter(committee=committee).exclude(status=Item.Status.CLOSED).exists()
    assert Item.objects.filter(channel="station").count() == Visit.objects.filter(status="referred").count() > 0
    assert Visit.objects.filter(status="proposal").count() == 2
    assert not Visit.objects.filter(feedback_on__isnull=True).exclude(status="answered").exists()
