import pytest

from xieshang.core.errors import ServiceError
from xieshang.organisations import services

from .factories import CommitteeFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_names_typed_by_the_administrator_lose_invisible_characters():
    committee = CommitteeFactory()
    unit = services.unit_create(actor=None, committee=committee, name=" 区住建\u200b局\x00\n", short_name="住建\u202e")
    assert unit.name == "区住建局" and unit.short_name == "住建"
    member = services.member_create(
        actor=None, term=TermFactory(committee=committee), name="王\ufeff小\x07明", workplace="区人民医院  院长"
    )
    assert member.name == "王小明" and member.workplace == "区人民医院 院长"


def test_a_name_made_only_of_invisible_characters_is_refused():
    with pytest.raises(ServiceError, match="请填写单位名称"):
        services.unit_create(actor=None, committee=CommitteeFactory(), name="\u200b\x00 ")
