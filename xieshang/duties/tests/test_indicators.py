"""Each duties indicator's definition on small hand-built data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from xieshang.consultations.models import Activity, Participant
from xieshang.core import indicators
from xieshang.duties import services
from xieshang.duties.models import Meeting

pytestmark = pytest.mark.django_db


def at(y, m, d, h=9):
    return timezone.make_aware(dt.datetime(y, m, d, h))


def meeting(w, kind, when, members=(), leaders=(), statuses=None):
    with time_machine.travel(when - dt.timedelta(days=3), tick=False):
        m = services.meeting_create(
            actor=w.office,
            committee=w.committee,
            kind=kind,
            title=f"{kind}{when:%m%d}",
            starts_at=when,
            ends_at=when + dt.timedelta(hours=2),
        )
    if members or leaders:
        statuses = statuses or ["present"] * len(members)
        with time_machine.travel(when + dt.timedelta(hours=3), tick=False):
            services.attendance_record(
                actor=w.office, meeting_id=m.pk, members=list(zip(members, statuses, strict=True)), leaders=leaders
            )
    return m


def value(key, w, year=2022):
    return indicators.get(key).compute(w.committee, year)


def test_study_sessions_count_party_group_chair_and_study_group_meetings_of_the_year(w):
    for kind in ("party_group", "chair", "study_group", "standing", "special"):
        meeting(w, kind, at(2022, 3, 1))
    meeting(w, "chair", at(2021, 12, 30))
    assert value("study_sessions", w) == 3
    assert value("study_sessions", w, 2021) == 1


def test_leader_attendances_count_leaders_present_at_meetings_and_consultation_activities(w):
    meeting(w, "plenary", at(2022, 1, 17), members=[w.members[0]], leaders=w.leaders[:3])
    meeting(w, "standing", at(2022, 3, 1), leaders=w.leaders[:1])
    meeting(w, "standing", at(2021, 3, 1), leaders=w.leaders[:2])
    when = at(2022, 6, 1)
    activity = Activity.objects.create(
        committee=w.committee,
        kind="meeting",
        title="协商会",
        starts_at=when,
        ends_at=when,
        signin_opens_at=when,
        signin_closes_at=when,
    )
    Participant.objects.create(activity=activity, kind="leader", name="梁振宇", attendance="present")
    Participant.objects.create(activity=activity, kind="leader", name="何立新", attendance="absent")
    Participant.objects.create(activity=activity, kind="member", name="委员", attendance="present")
    assert value("leader_attendances", w) == 5
    assert len(indicators.get("leader_attendances").records(w.committee, 2022)) == 5


def test_trainings_reading_and_judicial_supervision_count_meetings_and_members_present(w):
    a, b, c = w.members[:3]
    meeting(
        w,
        "training_class",
        at(2022, 3, 22),
        members=[a, b, c],
        statuses=["present", "present", "absent"],
        leaders=w.leaders[:1],
    )
    meeting(w, "topic_training", at(2022, 4, 19), members=[a], statuses=["present"])
    meeting(w, "topic_training", at(2022, 5, 17))
    meeting(w, "reading", at(2022, 4, 23), members=[a, b], statuses=["present", "absent"])
    meeting(w, "judicial", at(2022, 5, 26), members=[b, c])
    meeting(w, "training_class", at(2021, 9, 1), members=[a])
    assert value("training_classes", w) == 1
    assert value("topic_trainings", w) == 2
    assert value("training_person_times", w) == 3  # the absent member and the leader do not count
    assert value("reading_events", w) == 1
    assert value("reading_person_times", w) == 1
    assert value("judicial_supervision_member_times", w) == 2


def test_rules_honours_features_and_media_count_by_their_year(w):
    services.rules_document_add(actor=w.office, committee=w.committee, title="制度一", adopted_on=dt.date(2022, 2, 1))
    services.rules_document_add(actor=w.office, committee=w.committee, title="制度二", adopted_on=dt.date(2021, 12, 1))
    services.honour_award(actor=w.office, member=w.members[0], year=2022, awarded_on=dt.date(2023, 1, 5))
    services.honour_award(actor=w.office, member=w.members[1], year=2022, awarded_on=dt.date(2022, 12, 28))
    services.honour_award(actor=w.office, member=w.members[1], year=2021, awarded_on=dt.date(2021, 12, 28))
    services.honour_award(
        actor=w.office, member=w.members[2], year=2022, awarded_on=dt.date(2022, 12, 28), kind="excellent_proposal"
    )
    services.feature_publish(
        actor=w.office, committee=w.committee, number=1, title="风采", published_on=dt.date(2022, 3, 25)
    )
    services.feature_publish(
        actor=w.office, committee=w.committee, number=1, title="风采", published_on=dt.date(2021, 3, 25)
    )
    for day in (dt.date(2022, 1, 5), dt.date(2022, 12, 31), dt.date(2023, 1, 1)):
        services.media_report_add(
            actor=w.office, committee=w.committee, title="报道", outlet="佛山日报", published_on=day
        )
    assert value("rules_established", w) == 1
    assert value("excellent_members", w) == 2  # for the year 2022, whenever awarded; other honours apart
    assert value("member_features", w) == 1
    assert value("media_reports", w) == 2
    assert Meeting.objects.count() == 0
