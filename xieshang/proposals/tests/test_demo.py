"""The demo year is made through the services and its figures come back out of the rates."""

import datetime as dt

from xieshang.organisations.models import User
from xieshang.organisations.tests.factories import (
    CommitteeFactory,
    LeaderFactory,
    MemberFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)
from xieshang.proposals import demo, metrics
from xieshang.proposals.models import KeyProposal, Proposal


def test_seed_reproduces_its_figures_from_records_and_runs_once(db, monkeypatch):
    # The same procedure as the demo's 194/153 year, at a size a test can afford.
    for name, value in {"FILED": 14, "ITEMS": 10, "KEY": 3, "LEADERS": 2, "ADOPTED": 5, "HK": 2}.items():
        monkeypatch.setattr(demo, name, value)
    committee = CommitteeFactory(name="演示区政协")
    term = TermFactory(committee=committee, number=5)
    SessionFactory(term=term, number=2, opens_on=dt.date(2022, 1, 17), closes_on=dt.date(2022, 1, 19),
                   proposals_from=dt.date(2022, 1, 4), proposals_until=dt.date(2022, 1, 19))  # fmt: skip
    UserFactory(committee=committee, office=True, username="office")
    for username in demo.UNIT_ACCOUNTS[:3]:
        UserFactory(committee=committee, role=User.Role.UNIT, username=username, unit=UnitFactory(committee=committee))
    LeaderFactory(committee=committee)
    for i in range(60):
        MemberFactory(term=term, committee=committee, name=f"委员{i:02d}")
    MemberFactory(term=term, committee=committee, name="港澳委员甲", is_hk_macao=True)

    assert demo.seed(committee) == {"filed": 14, "items": 10}
    values = metrics.compute(metrics.load_scope(Proposal.objects.filter(committee=committee, year=2022)))
    assert values["filed"] == 14 and values["items"] == 10 and values["merged"] == 4
    # a proposal is merged only into one on its own topic
    topics = [t for ts in demo.TOPICS.values() for t in ts]
    for p in Proposal.objects.filter(committee=committee, merged_into__isnull=False).select_related("merged_into"):
        assert [t for t in topics if t in p.title] == [t for t in topics if t in p.merged_into.title] != []
    assert values["adopted"] == 5 and values["hk_macao"] == 2 and values["key"] == 3
    assert values["closed_rate"] == 100 and values["satisfaction"] == 100
    leaders = KeyProposal.objects.filter(proposal__committee=committee).values("leader").distinct().count()
    assert leaders == 2
    assert demo.seed(committee) == {"existing": 14}
    assert Proposal.objects.filter(committee=committee).count() == 14
