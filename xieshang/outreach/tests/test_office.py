"""The office's set-up pages, the swap requests, and where each role lands."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xieshang.organisations.tests.factories import MemberFactory, UserFactory
from xieshang.outreach import services
from xieshang.outreach.models import (
    Appeal,
    DutyShift,
    Enterprise,
    EnterpriseLink,
    Participant,
    Problem,
    Station,
    SupervisionGroup,
    SwapRequest,
    Volunteer,
    VolunteerTeam,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def ahead(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


# --- stations ---------------------------------------------------------------------------------------


def test_office_sets_up_a_station_with_members_and_duty_days(office, committee, community, host, members):
    data = {
        "name": "东风社区委员工作室",
        "kind": "studio",
        "area": community.pk,
        "host": host.pk,
        "members": [members[0].pk, members[2].pk],
        "duty_days": "10、20",
        "address": "东风路1号",
        "phone": "0757-83000000",
        "is_active": "on",
    }
    r = client_for(office).post(reverse("outreach:station_new"), data)
    s = Station.objects.get(name="东风社区委员工作室")
    assert r.status_code == 302 and r["Location"] == reverse("outreach:station", args=[s.pk])
    assert (s.kind, s.area, s.host, s.duty_days, s.reception) == ("studio", community, host, "10,20", "每月10日、20日")
    assert set(s.members.all()) == {members[0], members[2]}
    r = client_for(office).post(reverse("outreach:station_new"), data)
    assert r.status_code == 400 and "已有名为「东风社区委员工作室」的联系站" in r.content.decode()
    assert Station.objects.filter(name="东风社区委员工作室").count() == 1


def test_only_the_office_reaches_the_set_up_pages(station, host, members, office):
    for user in (host, members[0].user):
        assert client_for(user).get(reverse("outreach:setup")).status_code == 403
        assert client_for(user).get(reverse("outreach:station_edit", args=[station.pk])).status_code == 403
    assert client_for(office).get(reverse("outreach:setup")).status_code == 200
    assert Client().get(reverse("outreach:setup")).status_code == 302


def test_unpublishing_a_station_hides_it_from_the_public_finder(station, street, office, members):
    c = client_for(office)
    page = c.get(reverse("outreach:station_edit", args=[station.pk]))
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["members"] = [m.pk for m in members[:2]]
    data.pop("is_active")
    r = c.post(reverse("outreach:station_edit", args=[station.pk]), data)
    assert r.status_code == 302
    station.refresh_from_db()
    assert station.is_active is False and station.version == 1
    body = Client().get(reverse("outreach:public_stations"), {"street": street.pk}).content.decode()
    assert station.name not in body


def test_a_member_with_duty_days_ahead_is_not_taken_off_the_station(station, office, members):
    services.shift_add(actor=office, station_id=station.pk, on=ahead(3), member=members[1])
    with pytest.raises(services.ServiceError, match="仍在本站值班，请先调班"):
        services.station_update(
            actor=office,
            station_id=station.pk,
            name=station.name,
            area=station.area,
            kind=station.kind,
            members=[members[0]],
        )
    assert set(station.members.all()) == set(members[:2])


def test_roster_from_the_stations_duty_days_on_the_page(station, office, members):
    station.duty_days = "5,25"
    station.save()
    start = dt.date(timezone.localdate().year + 1, 1, 1)
    r = client_for(office).post(
        reverse("outreach:station_roster", args=[station.pk]),
        {"start": start.isoformat(), "months": 2, "days": "5,25", "members": [members[0].pk, members[1].pk]},
    )
    assert r.status_code == 302
    days = list(DutyShift.objects.filter(station=station).order_by("on").values_list("on", "member"))
    assert [d.day for d, _ in days] == [5, 25, 5, 25]
    assert [m for _, m in days] == [members[0].pk, members[1].pk] * 2


def test_roster_page_refuses_a_double_booked_member_with_a_clear_message(
    office, committee, community, station, members
):
    other = services.station_create(
        actor=office, committee=committee, name="东风社区联系点", kind="point", area=community, members=members[:1]
    )
    day = dt.date(timezone.localdate().year + 1, 2, 20)
    services.shift_add(actor=office, station_id=other.pk, on=day, member=members[0])
    r = client_for(office).post(
        reverse("outreach:station_roster", args=[station.pk]),
        {"start": day.replace(day=1).isoformat(), "months": 1, "days": "10,20", "members": [members[0].pk]},
    )
    assert r.status_code == 400
    assert "已安排在「东风社区联系点」值班，同一委员同一天只能在一处值班" in r.content.decode()
    assert DutyShift.objects.filter(station=station).count() == 0


# --- the roster swap --------------------------------------------------------------------------------


@pytest.fixture
def two_shifts(station, host, members):
    a = services.shift_add(actor=host, station_id=station.pk, on=ahead(5), member=members[0])
    b = services.shift_add(actor=host, station_id=station.pk, on=ahead(15), member=members[1])
    return a, b


def test_duty_member_asks_for_a_swap_and_the_other_member_confirms(
    station, members, two_shifts, django_capture_on_commit_callbacks
):
    a, _ = two_shifts
    asker, other = client_for(members[0].user), client_for(members[1].user)
    page = asker.get(reverse("outreach:station", args=[station.pk])).content.decode()
    assert "我要调班" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = asker.post(
            reverse("outreach:swap_request", args=[station.pk]),
            {"shift": a.pk, "to_member": members[1].pk, "note": "出差"},
        )
    assert r.status_code == 302
    req = SwapRequest.objects.get()
    assert req.status == "pending" and DutyShift.objects.get(pk=a.pk).member == members[0]
    home = other.get(reverse("outreach:home")).content.decode()
    assert "待确认的调班申请" in home and "出差" in home
    assert members[1].user.notifications.filter(title="调班申请待确认").exists()
    r = other.post(reverse("outreach:swap_decide", args=[req.pk]), {"decision": "accept", "version": req.version})
    assert r.status_code == 302
    a.refresh_from_db()
    req.refresh_from_db()
    assert a.member == members[1] and req.status == "accepted" and "替班" in a.note
    # the roster shows the change
    page = asker.get(reverse("outreach:station", args=[station.pk])).content.decode()
    assert "替班" in page
    # a second confirmation changes nothing
    r = other.post(reverse("outreach:swap_decide", args=[req.pk]), {"decision": "accept", "version": req.version})
    assert DutyShift.objects.get(pk=a.pk).member == members[1]


def test_the_host_confirms_an_exchange_of_two_days(station, host, members, two_shifts):
    a, b = two_shifts
    req = services.swap_request(actor=members[0].user, shift_id=a.pk, to_member=members[1], other_shift_id=b.pk)
    services.swap_decide(actor=host, request_id=req.pk, accept=True)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.member, b.member) == (members[1], members[0])


def test_who_may_ask_and_who_may_confirm(station, host, members, two_shifts, term):
    a, _ = two_shifts
    with pytest.raises(services.PermissionDeniedError, match="值班的委员本人"):
        services.swap_request(actor=members[1].user, shift_id=a.pk, to_member=members[1])
    with pytest.raises(services.ServiceError, match="不是「石湾镇街道政协委员工作联系站」的进站委员"):
        services.swap_request(actor=members[0].user, shift_id=a.pk, to_member=members[2])
    req = services.swap_request(actor=members[0].user, shift_id=a.pk, to_member=members[1])
    with pytest.raises(services.ServiceError, match="已有待确认的调班申请"):
        services.swap_request(actor=members[0].user, shift_id=a.pk, to_member=members[1])
    outsider = MemberFactory(term=term, name="周委员", with_user=True)
    r = client_for(outsider.user).post(reverse("outreach:swap_decide", args=[req.pk]), {"decision": "accept"})
    assert r.status_code == 404
    r = client_for(members[0].user).post(reverse("outreach:swap_decide", args=[req.pk]), {"decision": "accept"})
    assert r.status_code == 403
    r = client_for(members[1].user).post(reverse("outreach:swap_decide", args=[req.pk]), {"decision": "decline"})
    req.refresh_from_db()
    assert req.status == "declined" and DutyShift.objects.get(pk=a.pk).member == members[0]


def test_a_member_already_on_duty_elsewhere_cannot_be_asked(office, committee, community, station, members, two_shifts):
    a, _ = two_shifts
    other = services.station_create(
        actor=office, committee=committee, name="东风社区联系点", kind="point", area=community, members=members[1:2]
    )
    services.shift_add(actor=office, station_id=other.pk, on=a.on, member=members[1])
    with pytest.raises(services.ServiceError, match="同一委员同一天只能在一处值班"):
        services.swap_request(actor=members[0].user, shift_id=a.pk, to_member=members[1])
    assert not SwapRequest.objects.exists()


# --- enterprises, groups, volunteers ---------------------------------------------------------------------


@pytest.fixture
def chair(term):
    return MemberFactory(term=term, name="区政协主席", with_user=True, is_standing=True)


def test_office_registers_an_enterprise_links_it_and_logs_a_visit(office, chair, members):
    c = client_for(office)
    r = c.post(reverse("outreach:office_enterprises"), {"name": "佛山某陶瓷有限公司", "industry": "陶瓷"})
    e = Enterprise.objects.get()
    assert r.status_code == 302
    r = c.post(
        reverse("outreach:enterprise_appeal", args=[e.pk]),
        {
            "token": str(uuid.uuid4()),
            "title": "园区公共配套不足",
            "text": "园区周边公交线路少，员工通勤困难。",
            "raised_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 400 and "未挂点联系任何政协领导班子成员" in r.content.decode()
    assert not Appeal.objects.exists()
    today = timezone.localdate()
    r = c.post(reverse("outreach:enterprise_link", args=[e.pk]), {"member": chair.pk, "linked_on": today.isoformat()})
    assert r.status_code == 302 and EnterpriseLink.objects.filter(enterprise=e, member=chair).exists()
    visit = {
        "token": str(uuid.uuid4()),
        "kind": "enterprise",
        "visited_on": today.isoformat(),
        "topic": "了解企业用工情况",
        "went": [chair.pk, members[0].pk],
        "met": "王强 总经理\n李梅 人事经理\n张华",
    }
    assert c.post(reverse("outreach:enterprise_visit", args=[e.pk]), visit).status_code == 302
    c.post(reverse("outreach:enterprise_visit", args=[e.pk]), visit)
    assert Participant.objects.filter(side="met").count() == 3
    assert Participant.objects.filter(side="ours").count() == 2
    r = c.post(
        reverse("outreach:enterprise_appeal", args=[e.pk]),
        {
            "token": str(uuid.uuid4()),
            "title": "园区公共配套不足",
            "text": "园区周边公交线路少，员工通勤困难。",
            "raised_on": today.isoformat(),
        },
    )
    assert r.status_code == 302 and Appeal.objects.get().item is not None
    page = c.get(reverse("outreach:office_enterprises"), {"year": today.year}).content.decode()
    assert "区政协主席" in page
    rows = c.get(reverse("outreach:office_enterprises"), {"year": today.year}).context["rows"]
    assert (rows[0].n_visits, rows[0].n_appeals) == (1, 1)
    rows = c.get(reverse("outreach:office_enterprises"), {"year": today.year - 1}).context["rows"]
    assert (rows[0].n_visits, rows[0].n_appeals) == (0, 0)


def test_office_forms_a_group_and_the_group_raises_a_problem_into_the_loop(office, chair, members):
    c = client_for(office)
    today = timezone.localdate()
    r = c.post(
        reverse("outreach:office_groups"),
        {
            "name": "河涌治理督导组",
            "theme": "河涌整治",
            "leader": chair.pk,
            "members": [members[0].pk],
            "starts_on": today.replace(month=1, day=1).isoformat(),
            "ends_on": today.replace(month=12, day=31).isoformat(),
        },
    )
    g = SupervisionGroup.objects.get()
    assert r.status_code == 302
    member_c = client_for(members[0].user)
    data = {
        "token": str(uuid.uuid4()),
        "title": "河涌垃圾清理不及时",
        "text": "东平河支流岸边垃圾堆积多日无人清理。",
        "raised_on": today.isoformat(),
    }
    assert member_c.post(reverse("outreach:problem_raise", args=[g.pk]), data).status_code == 302
    member_c.post(reverse("outreach:problem_raise", args=[g.pk]), data)
    assert Problem.objects.get().item is not None
    assert (
        members[1].user
        and client_for(members[1].user)
        .post(reverse("outreach:problem_raise", args=[g.pk]), {**data, "token": str(uuid.uuid4())})
        .status_code
        == 404
    )
    r = c.post(
        reverse("outreach:office_groups"),
        {"name": "另一组", "theme": "x", "leader": chair.pk, "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
    )
    assert r.status_code == 400 and "结束日期不能早于开始日期" in r.content.decode()


def test_office_keeps_a_volunteer_team_and_its_person_times(office):
    c = client_for(office)
    today = timezone.localdate()
    c.post(reverse("outreach:office_teams"), {"name": "政协委员志愿服务队", "founded_on": "2020-01-01"})
    t = VolunteerTeam.objects.get()
    for name in ("甲", "乙", "丙"):
        c.post(reverse("outreach:volunteer_add", args=[t.pk]), {"name": f"志愿者{name}", "joined_on": "2020-01-01"})
    r = c.post(reverse("outreach:volunteer_add", args=[t.pk]), {"name": "志愿者甲", "joined_on": "2020-01-01"})
    assert r.status_code == 400 and "已是本队队员" in r.content.decode()
    ids = list(Volunteer.objects.values_list("pk", flat=True))[:2]
    data = {"token": str(uuid.uuid4()), "served_on": today.isoformat(), "activity": "核酸检测点服务", "volunteers": ids}
    assert c.post(reverse("outreach:service_add", args=[t.pk]), data).status_code == 302
    c.post(reverse("outreach:service_add", args=[t.pk]), data)
    page = c.get(reverse("outreach:office_team", args=[t.pk]), {"year": today.year})
    assert page.context["times"] == 2
    teams = c.get(reverse("outreach:office_teams"), {"year": today.year}).context["teams"]
    assert (teams[0].n_volunteers, teams[0].n_times) == (3, 2)


# --- navigation ------------------------------------------------------------------------------------------


def test_each_role_lands_where_its_work_is(station, host, members, office, term):
    assert client_for(host).get(reverse("core:home"))["Location"] == reverse("outreach:home")
    assert client_for(members[0].user).get(reverse("core:home"))["Location"] == reverse("outreach:home")
    no_station = MemberFactory(term=term, name="周委员", with_user=True)
    assert client_for(no_station.user).get(reverse("core:home")).status_code == 200
    body = client_for(office).get(reverse("outreach:overview")).content.decode()
    assert reverse("outreach:setup") in body
    portal = Client().get(reverse("portal:index")).content.decode()
    assert portal.count(reverse("outreach:public_stations")) >= 2  # the menu and the home page
    assert UserFactory  # factories stay importable for the matrix
