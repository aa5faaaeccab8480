"""Changes after creation: enterprises with their links, supervision groups, volunteer teams, a
volunteer leaving, single shifts on a roster. Each: the happy path, a refusal that changes nothing,
a stale version, and who may do it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry
from xieshang.organisations.tests.factories import MemberFactory
from xieshang.outreach import selectors, services
from xieshang.outreach.models import DutyShift, Enterprise, EnterpriseLink, SupervisionGroup, Volunteer, VolunteerTeam

from .conftest import log

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ahead(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def chair(term):
    return MemberFactory(term=term, name="区政协主席", with_user=True)


@pytest.fixture
def vice(term):
    return MemberFactory(term=term, name="区政协副主席", with_user=True)


# --- enterprises -----------------------------------------------------------------------------------------


@pytest.fixture
def enterprise(office, committee, chair):
    e = services.enterprise_create(actor=office, committee=committee, name="佛山某陶瓷有限公司", industry="陶瓷")
    services.enterprise_link(actor=office, enterprise_id=e.pk, member=chair, on=dt.date(2024, 1, 1))
    return Enterprise.objects.get(pk=e.pk)


def _enterprise_form(e, **over):
    data = {
        "version": e.version,
        "name": "佛山某陶瓷集团有限公司",
        "industry": "建材",
        "contact_name": "王强",
        "contact_phone": "0757-83000000",
    }
    return {**data, **over}


def test_office_edits_an_enterprise_and_its_links(office, enterprise, chair, vice, street):
    c = client_for(office)
    url = reverse("outreach:enterprise_edit", args=[enterprise.pk])
    page = c.get(url)
    assert page.status_code == 200 and "佛山某陶瓷有限公司" in page.content.decode()
    assert page.context["form"].initial["linked"] == [chair.pk]
    r = c.post(url, _enterprise_form(enterprise, area=street.pk, linked=[vice.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("outreach:office_enterprise", args=[enterprise.pk])
    e = Enterprise.objects.get(pk=enterprise.pk)
    assert (e.name, e.industry, e.area, e.contact_name, e.version) == (
        "佛山某陶瓷集团有限公司",
        "建材",
        street,
        "王强",
        1,
    )
    today = timezone.localdate()
    old = EnterpriseLink.objects.get(enterprise=e, member=chair)
    new = EnterpriseLink.objects.get(enterprise=e, member=vice)
    assert (old.ended_on, new.linked_on, new.ended_on) == (today, today, None)
    entry = AuditEntry.objects.filter(thread=f"outreach.enterprise:{e.pk}", action="update").get()
    assert entry.data["linked"] == [vice.pk] and entry.data["ended"] == [chair.pk]
    # the appeal rule follows the links: the enterprise is still linked (to the new member)
    assert services.linked_on(e, today)


def test_enterprise_edit_refuses_a_taken_name_and_changes_nothing(office, committee, enterprise, vice):
    services.enterprise_create(actor=office, committee=committee, name="另一家企业")
    r = client_for(office).post(
        reverse("outreach:enterprise_edit", args=[enterprise.pk]),
        _enterprise_form(enterprise, name="另一家企业", linked=[vice.pk]),
    )
    assert r.status_code == 400 and "已登记企业「另一家企业」" in r.content.decode()
    e = Enterprise.objects.get(pk=enterprise.pk)
    assert (e.name, e.version) == ("佛山某陶瓷有限公司", 0)
    assert not EnterpriseLink.objects.filter(member=vice).exists()
    assert EnterpriseLink.objects.get(enterprise=e).ended_on is None


def test_enterprise_edit_refuses_a_stale_version(office, enterprise, chair):
    c = client_for(office)
    url = reverse("outreach:enterprise_edit", args=[enterprise.pk])
    assert c.post(url, _enterprise_form(enterprise, linked=[chair.pk])).status_code == 302
    r = c.post(url, _enterprise_form(enterprise, name="又一个名字", linked=[]))
    assert r.status_code == 400 and "页面上的信息已过时" in r.content.decode()
    e = Enterprise.objects.get(pk=enterprise.pk)
    assert e.name == "佛山某陶瓷集团有限公司" and EnterpriseLink.objects.get(enterprise=e).ended_on is None


def test_only_the_office_edits_an_enterprise(enterprise, host, chair):
    with pytest.raises(PermissionDeniedError):
        services.enterprise_update(actor=chair.user, enterprise_id=enterprise.pk, name="改名")
    assert client_for(host).get(reverse("outreach:enterprise_edit", args=[enterprise.pk])).status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).name == "佛山某陶瓷有限公司"


# --- supervision groups --------------------------------------------------------------------------------


@pytest.fixture
def group(office, committee, chair, members):
    return services.group_create(
        actor=office,
        committee=committee,
        name="河涌治理督导组",
        theme="河涌整治",
        leader=chair,
        members=[members[0]],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def _group_form(g, **over):
    data = {
        "version": g.version,
        "name": "河涌治理第一督导组",
        "theme": "河涌整治与长效管护",
        "starts_on": "2026-02-01",
        "ends_on": "2027-01-31",
    }
    return {**data, **over}


def test_office_edits_a_group_leader_members_theme_and_period(office, group, vice, members):
    c = client_for(office)
    url = reverse("outreach:group_edit", args=[group.pk])
    assert c.get(url).context["form"].initial["members"] == [members[0].pk]
    r = c.post(url, _group_form(group, leader=vice.pk, members=[members[1].pk, members[2].pk]))
    assert r.status_code == 302 and r["Location"] == reverse("outreach:group", args=[group.pk])
    g = SupervisionGroup.objects.get(pk=group.pk)
    assert (g.name, g.theme, g.leader, g.starts_on, g.ends_on, g.version) == (
        "河涌治理第一督导组",
        "河涌整治与长效管护",
        vice,
        dt.date(2026, 2, 1),
        dt.date(2027, 1, 31),
        1,
    )
    assert {m.pk for m in g.members.all()} == {members[1].pk, members[2].pk}
    assert AuditEntry.objects.filter(thread=f"outreach.group:{g.pk}", action="update").exists()
    # the group page offers the edit to the office
    assert url in c.get(reverse("outreach:group", args=[g.pk])).content.decode()


def test_group_edit_refuses_a_period_that_leaves_out_a_raised_problem(office, group, chair):
    services.problem_raise(
        actor=office,
        group_id=group.pk,
        submission_token=uuid.uuid4(),
        title="河涌垃圾清理不及时",
        text="东平河支流岸边垃圾堆积多日无人清理。",
        raised_on=dt.date(2026, 3, 5),
    )
    r = client_for(office).post(
        reverse("outreach:group_edit", args=[group.pk]),
        _group_form(group, leader=chair.pk, starts_on="2026-04-01"),
    )
    assert r.status_code == 400 and "督导期须包含该日期" in r.content.decode()
    g = SupervisionGroup.objects.get(pk=group.pk)
    assert (g.name, g.starts_on, g.version) == ("河涌治理督导组", dt.date(2026, 1, 1), 0)
    r = client_for(office).post(
        reverse("outreach:group_edit", args=[group.pk]),
        _group_form(group, leader=chair.pk, starts_on="2026-05-01", ends_on="2026-04-01"),
    )
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.content.decode()


def test_group_edit_refuses_a_stale_version_and_anyone_but_the_office(office, group, chair):
    services.group_update(
        actor=office,
        group_id=group.pk,
        name="新名",
        theme="t",
        leader=chair,
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        expected_version=0,
    )
    with pytest.raises(ConflictError):
        services.group_update(
            actor=office,
            group_id=group.pk,
            name="再改",
            theme="t",
            leader=chair,
            starts_on=group.starts_on,
            ends_on=group.ends_on,
            expected_version=0,
        )
    with pytest.raises(PermissionDeniedError):
        services.group_update(
            actor=chair.user,
            group_id=group.pk,
            name="组长自己改",
            theme="t",
            leader=chair,
            starts_on=group.starts_on,
            ends_on=group.ends_on,
        )
    assert SupervisionGroup.objects.get(pk=group.pk).name == "新名"
    assert client_for(chair.user).get(reverse("outreach:group_edit", args=[group.pk])).status_code == 403


# --- volunteer teams and leaving ---------------------------------------------------------------------------


@pytest.fixture
def team(office, committee):
    return services.team_create(
        actor=office, committee=committee, name="政协委员志愿服务队", founded_on=dt.date(2020, 1, 1)
    )


def serve(office, team, on, volunteers):
    return services.service_record(
        actor=office,
        team_id=team.pk,
        submission_token=uuid.uuid4(),
        served_on=on,
        activity="核酸检测点服务",
        volunteer_ids=[v.pk for v in volunteers],
    )


def test_office_edits_a_team(office, team):
    c = client_for(office)
    url = reverse("outreach:team_edit", args=[team.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"version": 0, "name": "禅城区政协志愿服务队", "founded_on": "2019-06-01"})
    assert r.status_code == 302
    t = VolunteerTeam.objects.get(pk=team.pk)
    assert (t.name, t.founded_on, t.version) == ("禅城区政协志愿服务队", dt.date(2019, 6, 1), 1)
    r = c.post(url, {"version": 0, "name": "旧版本", "founded_on": "2019-06-01"})
    assert r.status_code == 400 and "页面上的信息已过时" in r.content.decode()
    assert VolunteerTeam.objects.get(pk=team.pk).name == "禅城区政协志愿服务队"


def test_team_edit_refuses_a_founding_date_after_its_first_service(office, team, host):
    v = services.volunteer_add(actor=office, team_id=team.pk, name="志愿者甲", joined_on=dt.date(2020, 1, 1))
    serve(office, team, dt.date(2021, 3, 1), [v])
    r = client_for(office).post(
        reverse("outreach:team_edit", args=[team.pk]), {"version": 0, "name": "x队", "founded_on": "2022-01-01"}
    )
    assert r.status_code == 400 and "成立日期不能晚于该日" in r.content.decode()
    assert VolunteerTeam.objects.get(pk=team.pk).name == "政协委员志愿服务队"
    with pytest.raises(PermissionDeniedError):
        services.team_update(actor=host, team_id=team.pk, name="y", founded_on=dt.date(2020, 1, 1))


def test_a_volunteer_leaves_and_is_then_refused_on_later_services(office, team, committee):
    a = services.volunteer_add(actor=office, team_id=team.pk, name="志愿者甲", joined_on=dt.date(2020, 1, 1))
    b = services.volunteer_add(actor=office, team_id=team.pk, name="志愿者乙", joined_on=dt.date(2020, 1, 1))
    serve(office, team, dt.date(2021, 5, 1), [a, b])
    c = client_for(office)
    url = reverse("outreach:volunteer_leave", args=[a.pk])
    # a leaving day before a service already recorded is refused, nothing changes
    r = c.post(url, {"version": 0, "left_on": "2021-04-30"})
    assert r.status_code == 400 and "离队日期不能早于该日" in r.content.decode()
    assert Volunteer.objects.get(pk=a.pk).left_on is None
    r = c.post(url, {"version": 0, "left_on": "2021-06-30"})
    assert r.status_code == 302
    left = Volunteer.objects.get(pk=a.pk)
    assert (left.left_on, left.version) == (dt.date(2021, 6, 30), 1)
    assert AuditEntry.objects.filter(thread=f"outreach.team:{team.pk}", action="leave").exists()
    # a second submit of the same (now stale) form changes nothing
    r = c.post(url, {"version": 0, "left_on": "2021-07-01"})
    assert r.status_code == 400 and Volunteer.objects.get(pk=a.pk).left_on == dt.date(2021, 6, 30)
    # services after the day left are refused, naming who left
    with pytest.raises(ServiceError, match="志愿者甲已于 2021年06月30日 离队"):
        serve(office, team, dt.date(2021, 7, 1), [a, b])
    serve(office, team, dt.date(2021, 6, 30), [a, b])
    # the count of volunteers for a year follows the period in the team
    assert set(selectors.volunteers(committee, 2021)) == {left, b}
    assert set(selectors.volunteers(committee, 2022)) == {b}
    teams = c.get(reverse("outreach:office_teams"), {"year": 2022}).context["teams"]
    assert teams[0].n_volunteers == 1
    # and a volunteer who left is no longer offered on the service form
    page = c.get(reverse("outreach:office_team", args=[team.pk]))
    assert [v for v, _ in page.context["service_form"].fields["volunteers"].choices] == [b.pk]


def test_leaving_is_refused_before_joining_in_the_future_and_for_others_than_the_office(office, team, host):
    v = services.volunteer_add(actor=office, team_id=team.pk, name="志愿者甲", joined_on=dt.date(2022, 3, 1))
    with pytest.raises(ServiceError, match="不能早于入队日期"):
        services.volunteer_leave(actor=office, volunteer_id=v.pk, left_on=dt.date(2022, 2, 1))
    with pytest.raises(ServiceError, match="不能晚于今天"):
        services.volunteer_leave(actor=office, volunteer_id=v.pk, left_on=ahead(1))
    with pytest.raises(PermissionDeniedError):
        services.volunteer_leave(actor=host, volunteer_id=v.pk, left_on=dt.date(2022, 5, 1))
    r = client_for(host).post(reverse("outreach:volunteer_leave", args=[v.pk]), {"version": 0, "left_on": "2022-05-01"})
    assert r.status_code == 403
    assert Volunteer.objects.get(pk=v.pk).left_on is None


# --- single shifts --------------------------------------------------------------------------------------


def test_host_adds_a_single_shift_and_removes_it(station, host, members):
    c = client_for(host)
    day = ahead(12)
    r = c.post(reverse("outreach:shift_add", args=[station.pk]), {"on": day.isoformat(), "member": members[1].pk})
    assert r.status_code == 302
    shift = DutyShift.objects.get(station=station, on=day)
    assert shift.member == members[1]
    assert AuditEntry.objects.filter(action="shift_add", data__member=members[1].pk).exists()
    page = c.get(reverse("outreach:station", args=[station.pk])).content.decode()
    assert reverse("outreach:shift_remove", args=[shift.pk]) in page
    r = c.post(reverse("outreach:shift_remove", args=[shift.pk]), {"version": shift.version})
    assert r.status_code == 302 and not DutyShift.objects.filter(pk=shift.pk).exists()
    assert AuditEntry.objects.filter(action="shift_remove").exists()


def test_a_single_shift_refuses_a_past_day_and_a_double_booked_member(
    office, committee, community, station, host, members
):
    c = client_for(host)
    url = reverse("outreach:shift_add", args=[station.pk])
    r = c.post(url, {"on": ahead(-1).isoformat(), "member": members[0].pk})
    assert r.status_code == 400 and "只能为今天及以后排班" in r.content.decode()
    other = services.station_create(
        actor=office, committee=committee, name="东风社区联系点", kind="point", area=community, members=members[:1]
    )
    services.shift_add(actor=office, station_id=other.pk, on=ahead(9), member=members[0])
    r = c.post(url, {"on": ahead(9).isoformat(), "member": members[0].pk})
    assert r.status_code == 400 and "同一委员同一天只能在一处值班" in r.content.decode()
    assert not DutyShift.objects.filter(station=station).exists()


def test_a_duty_member_cannot_add_or_remove_shifts(station, host, members):
    shift = services.shift_add(actor=host, station_id=station.pk, on=ahead(4), member=members[0])
    duty = client_for(members[0].user)
    r = duty.post(
        reverse("outreach:shift_add", args=[station.pk]), {"on": ahead(5).isoformat(), "member": members[0].pk}
    )
    assert r.status_code == 403
    assert duty.post(reverse("outreach:shift_remove", args=[shift.pk]), {"version": 0}).status_code == 403
    assert DutyShift.objects.filter(station=station).count() == 1


def test_a_served_or_past_shift_is_not_removed_and_a_stale_version_is_refused(station, host, members):
    today = services.shift_add(actor=host, station_id=station.pk, on=timezone.localdate(), member=members[0])
    log(station, host, members[0], on=timezone.localdate())
    with pytest.raises(ServiceError, match="当天已接待来访"):
        services.shift_remove(actor=host, shift_id=today.pk)
    past = services.shift_add(actor=host, station_id=station.pk, on=ahead(-3), member=members[1], past=True)
    with pytest.raises(ServiceError, match="不能撤销"):
        services.shift_remove(actor=host, shift_id=past.pk)
    later = services.shift_add(actor=host, station_id=station.pk, on=ahead(6), member=members[1])
    services.shift_swap(actor=host, shift_id=later.pk, member=members[0])  # bumps the version
    r = client_for(host).post(reverse("outreach:shift_remove", args=[later.pk]), {"version": 0}, follow=True)
    assert "页面上的信息已过时" in r.content.decode()
    assert DutyShift.objects.filter(pk=later.pk).exists()
    assert DutyShift.objects.filter(station=station).count() == 3


def test_a_shift_with_a_swap_awaiting_confirmation_is_not_removed(station, host, members):
    shift = services.shift_add(actor=host, station_id=station.pk, on=ahead(6), member=members[0])
    services.swap_request(actor=members[0].user, shift_id=shift.pk, to_member=members[1])
    with pytest.raises(ServiceError, match="待确认的调班申请"):
        services.shift_remove(actor=host, shift_id=shift.pk)
    assert DutyShift.objects.filter(pk=shift.pk).exists()


# --- the public finder's next duty days ------------------------------------------------------------------


def _duty_days(office, station, days):
    services.station_update(
        actor=office,
        station_id=station.pk,
        name=station.name,
        area=station.area,
        kind=station.kind,
        host=station.host,
        members=list(station.members.all()),
        duty_days=days,
        reception="",
    )
    station.refresh_from_db()


def test_the_finder_shows_the_next_duty_days_however_far_off(office, station, host, members, street):
    _duty_days(office, station, "10,20")
    far = ahead(200)
    services.shift_add(actor=host, station_id=station.pk, on=far, member=members[0])
    services.shift_add(actor=host, station_id=station.pk, on=far + dt.timedelta(days=10), member=members[1])
    anon = Client()
    page = anon.get(reverse("outreach:public_stations"), {"street": street.pk})
    (s, days) = page.context["rows"][0]
    assert s == station
    # two from the roster, with the members on duty; the third from the station's duty days after them
    assert [(d.on, d.names) for d in days[:2]] == [(far, ("陈委员",)), (far + dt.timedelta(days=10), ("黄委员",))]
    assert len(days) == 3 and days[2].on > far + dt.timedelta(days=10) and days[2].names == ()
    body = page.content.decode()
    assert f"{far.year}年{far.month}月{far.day}日" in body and "陈委员委员值班" in body
    public = anon.get(reverse("outreach:public_station", args=[station.pk])).content.decode()
    assert f"{far.year}年{far.month}月{far.day}日" in public


def test_the_finder_falls_back_on_duty_days_and_says_when_none_are_scheduled(office, station, street, members):
    _duty_days(office, station, "15")
    days = selectors.next_duty_days([station])[station.pk]
    assert [d.on.day for d in days] == [15, 15, 15] and all(d.planned for d in days)
    assert days[0].on >= timezone.localdate()
    body = Client().get(reverse("outreach:public_stations"), {"street": street.pk}).content.decode()
    assert "值班委员待排定" in body
    _duty_days(office, station, "")
    assert selectors.next_duty_days([station]) == {}
    body = Client().get(reverse("outreach:public_stations"), {"street": street.pk}).content.decode()
    assert "该站目前没有安排接待日" in body
    body = Client().get(reverse("outreach:public_station", args=[station.pk])).content.decode()
    assert "该站目前没有安排接待日" in body
