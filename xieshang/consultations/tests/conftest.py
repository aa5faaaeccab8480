from xieshang.organisations.tests.people import (  # noqa: F401 (fixtures)
    committee,
    info_office,
    leader,
    member,
    organiser,
    other_member,
    proposals_office,
    unit,
    unit_user,
)
