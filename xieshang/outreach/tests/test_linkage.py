"""Enterprise linkage (三走), supervision groups and volunteers, and each count on hand-built data."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from xieshang.core import indicators
from xieshang.core.errors import PermissionDeniedError, ServiceError
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item
from xieshang.organisations.tests.factories import MemberFactory
from xieshang.outreach import services
from xieshang.outreach.models import Appeal, Problem

from .conftest import DAY, handle, log

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(term):
    return MemberFactory(term=term, name="区政协主席", with_user=True, is_standing=True)


@pytest.fixture
def enterprise(office, committee, chair):
    e = services.enterprise_create(actor=office, committee=committee, name="佛山某陶瓷有限公司", industry="陶瓷")
    services.enterprise_link(actor=office, enterprise_id=e.pk, member=chair, on=dt.date(2026, 1, 1))
    return e


def appeal(actor, enterprise, **kw):
    data = {
        "actor": actor,
        "enterprise_id": enterprise.pk,
        "submission_token": uuid.uuid4(),
        "title": "园区公共配套不足",
        "text": "园区周边公交线路少，员工通勤困难，希望增设班次。",
        "raised_on": DAY,
    }
    data.update(kw)
    return services.appeal_raise(**data)[0]


def test_visit_counts_the_people_met(office, committee, enterprise, chair):
    visit, _ = services.outreach_visit_log(
        actor=chair.user,
        committee=committee,
        submission_token=uuid.uuid4(),
        visited_on=DAY,
        topic="了解企业用工情况",
        enterprise=enterprise,
        went=[chair],
        met=[("王总", "总经理"), ("刘经理", "人事经理"), ("周工", "技术总监")],
    )
    assert visit.participants.filter(side="met").count() == 3
    assert indicators.get("enterprise_visits").compute(committee, 2026) == 3
    with pytest.raises(ServiceError, match="走访对象"):
        services.outreach_visit_log(
            actor=office,
            committee=committee,
            submission_token=uuid.uuid4(),
            visited_on=DAY,
            topic="x",
            enterprise=enterprise,
            went=[chair],
            met=[],
        )


def test_an_appeal_from_an_enterprise_not_linked_to_anyone_is_refused(office, committee):
    lone = services.enterprise_create(actor=office, committee=committee, name="某未挂点企业")
    with pytest.raises(ServiceError, match="未挂点联系任何政协领导班子成员"):
        appeal(office, lone)
    assert not Appeal.objects.exists() and not Item.objects.exists()


def test_only_the_linked_member_or_the_office_raises_an_appeal(enterprise, members):
    with pytest.raises(PermissionDeniedError):
        appeal(members[0].user, enterprise)


def test_appeal_goes_through_the_loop_and_the_enterprise_rates_it(office, committee, enterprise, chair, unit_staff):
    a = appeal(chair.user, enterprise)
    assert a.item.channel == "enterprise" and a.item.source_id == a.pk
    handle(a.item_id, office, unit_staff)
    assert indicators.get("enterprise_appeals_solved").compute(committee, 2026) == 0  # not closed yet
    services.appeal_rate(actor=chair.user, appeal_id=a.pk, value="satisfied")
    assert Assignment.objects.get(item=a.item).status == Assignment.Status.CLOSED
    assert indicators.get("enterprise_appeals").compute(committee, 2026) == 1
    assert indicators.get("enterprise_appeals_solved").compute(committee, 2026) == 1


def test_an_explained_appeal_is_closed_but_not_solved(office, committee, enterprise, chair, unit_staff):
    a = appeal(office, enterprise)
    handle(a.item_id, office, unit_staff, resolved=False)
    services.appeal_rate(actor=office, appeal_id=a.pk, value="basic")
    a.item.refresh_from_db()
    assert a.item.status == Item.Status.CLOSED
    assert indicators.get("enterprise_appeals_solved").compute(committee, 2026) == 0


def test_linked_enterprises_counts_links_live_in_the_year(office, committee, enterprise, chair):
    old = services.enterprise_create(actor=office, committee=committee, name="某老企业")
    link = services.enterprise_link(actor=office, enterprise_id=old.pk, member=chair, on=dt.date(2024, 1, 1))
    services.enterprise_unlink(actor=office, link_id=link.pk, on=dt.date(2025, 6, 30))
    services.enterprise_create(actor=office, committee=committee, name="某未挂点企业")
    ind = indicators.get("linked_enterprises")
    assert ind.compute(committee, 2026) == 1 and ind.compute(committee, 2025) == 1
    assert list(ind.records(committee, 2026)) == [enterprise]


def test_supervision_problems_go_through_the_loop_and_the_leader_rates(office, committee, chair, members, unit_staff):
    group = services.group_create(
        actor=office,
        committee=committee,
        name="第一督导组",
        theme="疫情防控督导",
        leader=chair,
        members=members[:2],
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
    )
    with pytest.raises(ServiceError, match="督导期内"):
        services.problem_raise(
            actor=chair.user,
            group_id=group.pk,
            submission_token=uuid.uuid4(),
            title="核酸检测点排队过长",
            text="某检测点高峰期排队超过一小时。",
            raised_on=dt.date(2026, 10, 1),
        )
    problem, _ = services.problem_raise(
        actor=members[0].user,
        group_id=group.pk,
        submission_token=uuid.uuid4(),
        title="核酸检测点排队过长",
        text="某检测点高峰期排队超过一小时。",
        raised_on=DAY,
    )
    a = handle(problem.item_id, office, unit_staff)
    loop.assignment_rate(assignment_id=a.pk, rater_key=f"user:{chair.user.pk}", value="satisfied", actor=chair.user)
    assert indicators.get("supervision_groups").compute(committee, 2026) == 1
    assert indicators.get("supervision_groups").compute(committee, 2025) == 0
    assert indicators.get("supervision_problems_solved").compute(committee, 2026) == 1
    assert list(indicators.get("supervision_problems_solved").records(committee, 2026)) == [problem]
    assert Problem.objects.count() == 1


def test_volunteers_and_their_person_times(office, committee):
    team = services.team_create(
        actor=office, committee=committee, name="机关志愿服务队", founded_on=dt.date(2026, 1, 5)
    )
    vs = [
        services.volunteer_add(actor=office, team_id=team.pk, name=f"队员{i}", joined_on=dt.date(2026, 1, 5))
        for i in range(3)
    ]
    late = services.volunteer_add(actor=office, team_id=team.pk, name="新队员", joined_on=dt.date(2026, 12, 1))
    services.service_record(
        actor=office,
        team_id=team.pk,
        submission_token=uuid.uuid4(),
        served_on=DAY,
        activity="核酸检测点秩序维护",
        volunteer_ids=[v.pk for v in vs],
    )
    with pytest.raises(ServiceError, match="当天在队的志愿者"):
        services.service_record(
            actor=office,
            team_id=team.pk,
            submission_token=uuid.uuid4(),
            served_on=DAY,
            activity="值守",
            volunteer_ids=[late.pk],
        )
    services.service_record(
        actor=office,
        team_id=team.pk,
        submission_token=uuid.uuid4(),
        served_on=DAY + dt.timedelta(days=1),
        activity="物资搬运",
        volunteer_ids=[vs[0].pk, vs[1].pk],
    )
    assert indicators.get("volunteers").compute(committee, 2026) == 4
    assert indicators.get("volunteers").compute(committee, 2025) == 0
    assert indicators.get("volunteer_service_times").compute(committee, 2026) == 5


def test_station_counts(station, host, members, committee):
    services.shift_add(actor=host, station_id=station.pk, on=DAY, member=members[0], past=True)
    log(station, host, members[0], people=3)
    log(station, host, members[0], kind="consult", matter="咨询社保办理地点")
    log(station, host, members[0], kind="personal", matter="个人住房补贴申请进度")
    assert indicators.get("station_people_served").compute(committee, 2026) == 5
    assert indicators.get("station_suggestions").compute(committee, 2026) == 1
    assert indicators.get("station_people_served").records(committee, 2026).count() == 3
    assert indicators.get("station_people_served").compute(committee, 2025) == 0


def test_every_count_is_registered_once_with_a_definition():
    keys = [
        "station_people_served",
        "station_suggestions",
        "linked_enterprises",
        "enterprise_visits",
        "enterprise_appeals",
        "enterprise_appeals_solved",
        "supervision_groups",
        "supervision_problems_solved",
        "volunteers",
        "volunteer_service_times",
    ]
    for key in keys:
        ind = indicators.get(key)
        assert ind.definition and ind.records is not None and not ind.manual
    assert {indicators.get(k).section for k in keys} == {1, 4}


def test_the_linked_member_records_the_enterprises_rating_on_the_page(
    office, committee, enterprise, chair, members, unit_staff
):
    from django.test import Client

    a = appeal(chair.user, enterprise)
    handle(a.item_id, office, unit_staff)
    c = Client()
    c.force_login(chair.user)
    page = c.get("/outreach/enterprises/").content.decode()
    assert enterprise.name in page and "录入企业评价" in page
    other = Client()
    other.force_login(members[0].user)
    assert other.post(f"/outreach/appeals/{a.pk}/rate/", {"value": "satisfied"}).status_code == 404
    r = c.post(f"/outreach/appeals/{a.pk}/rate/", {"value": "satisfied"})
    assert r.status_code == 302
    assert Assignment.objects.get(item=a.item).status == Assignment.Status.CLOSED
