"""The duty file shows the member's station duty, 三走 visits, supervision groups and volunteer service,
read from outreach's records through ``core.duty_records``; they are not counted in the points."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xieshang.duties import selectors
from xieshang.organisations.tests.factories import AreaFactory
from xieshang.outreach.models import (
    Attendance,
    DutyShift,
    OutreachVisit,
    Participant,
    ServiceRecord,
    Station,
    SupervisionGroup,
    Visit,
    Volunteer,
    VolunteerTeam,
)

pytestmark = pytest.mark.django_db


def _outreach_year(w, member, other):
    street = AreaFactory(code="T-S-9", name="石湾镇街道")
    station = Station.objects.create(committee=w.committee, name="石湾镇街道委员工作联系站", area=street)
    for day in (dt.date(2022, 3, 10), dt.date(2022, 6, 10), dt.date(2021, 12, 10)):
        DutyShift.objects.create(station=station, on=day, member=member)
    DutyShift.objects.create(station=station, on=dt.date(2022, 3, 10), member=other)
    for people, kind in ((3, Visit.Kind.SUGGESTION), (1, Visit.Kind.CONSULT)):
        Visit.objects.create(
            committee=w.committee,
            station=station,
            visited_on=dt.date(2022, 3, 10),
            duty_member=member,
            visitor="居民",
            people=people,
            kind=kind,
            matter="小区加装电梯",
            submission_token=uuid.uuid4(),
        )
    went = OutreachVisit.objects.create(
        committee=w.committee,
        visited_on=dt.date(2022, 5, 6),
        topic="了解企业用工需求",
        submission_token=uuid.uuid4(),
    )
    Participant.objects.create(visit=went, side=Participant.Side.OURS, name=member.name, member=member)
    Participant.objects.create(visit=went, side=Participant.Side.MET, name="厂长")
    Participant.objects.create(visit=went, side=Participant.Side.MET, name="人事经理")
    not_went = OutreachVisit.objects.create(
        committee=w.committee, visited_on=dt.date(2022, 5, 7), topic="别人的走访", submission_token=uuid.uuid4()
    )
    Participant.objects.create(visit=not_went, side=Participant.Side.OURS, name=other.name, member=other)
    group = SupervisionGroup.objects.create(
        committee=w.committee,
        name="第三民主监督小组",
        theme="城市更新",
        leader=other,
        starts_on=dt.date(2022, 4, 1),
        ends_on=dt.date(2022, 10, 31),
    )
    group.members.add(member)
    team = VolunteerTeam.objects.create(committee=w.committee, name="委员志愿服务队", founded_on=dt.date(2020, 1, 1))
    volunteer = Volunteer.objects.create(team=team, name=member.name, user=member.user, joined_on=dt.date(2020, 1, 1))
    for day in (dt.date(2022, 4, 2), dt.date(2022, 4, 9)):
        record = ServiceRecord.objects.create(
            team=team, served_on=day, activity="核酸检测点志愿服务", place="石湾", submission_token=uuid.uuid4()
        )
        Attendance.objects.create(record=record, volunteer=volunteer)


def test_the_duty_file_shows_station_duty_visits_supervision_and_volunteering(client, w):
    member, other = w.members[0], w.members[1]
    before = selectors.duty_file(member, 2022)
    _outreach_year(w, member, other)
    f = selectors.duty_file(member, 2022)
    sections = {s.key: s for s in f.outreach}
    assert list(sections) == ["station_duty", "visits", "supervision", "volunteering"]
    station = sections["station_duty"]
    assert [r.text for r in station.rows] == ["值班", "接待来访 3 人", "接待来访 1 人", "值班"]
    assert dict(station.figures) == {"联系站值班": 2, "接待来访群众": 4}
    assert [(r.text, r.detail) for r in sections["visits"].rows] == [("走企业", "了解企业用工需求（走访 2 人）")]
    assert [r.text for r in sections["supervision"].rows] == ["第三民主监督小组（成员）"]
    assert len(sections["volunteering"].rows) == 2
    summary = dict(f.summary)
    assert (summary["联系站值班"], summary["三走走访"], summary["参加督导组"], summary["志愿服务"]) == (2, 1, 1, 2)
    # in the file, not in the points (DOMAIN §7's default scheme does not name them)
    assert f.points == before.points
    other_file = {s.key: s for s in selectors.duty_file(other, 2022).outreach}
    assert [r.text for r in other_file["supervision"].rows] == ["第三民主监督小组（组长）"]
    assert other_file["volunteering"].rows == ()

    client.force_login(member.user)
    html = client.get(f"/duties/members/{member.pk}/2022/").content.decode()
    assert "联系站值班 2 · 接待来访群众 4" in html and "石湾镇街道委员工作联系站" in html
    assert "核酸检测点志愿服务" in html
    assert "2022-04-01 至 2022-10-31" in html


def test_the_outreach_sections_take_the_same_queries_however_many_records(w):
    member, other = w.members[0], w.members[1]
    with CaptureQueriesContext(connection) as empty:
        selectors.duty_file(member, 2022)
    _outreach_year(w, member, other)
    with CaptureQueriesContext(connection) as full:
        selectors.duty_file(member, 2022)
    assert len(full) == len(empty)
