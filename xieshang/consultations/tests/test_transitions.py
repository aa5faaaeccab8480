"""The transition tables: the API's 409, the pages' buttons and the one text policy."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from xieshang.consultations import services
from xieshang.consultations.models import Activity, Participant, Topic
from xieshang.consultations.transitions import ACTIVITY, ATTENDANCE, TOPIC
from xieshang.core.errors import ConflictError

pytestmark = pytest.mark.django_db


def _topic(committee, title="关于社区长者饭堂的议题", description="长者饭堂运营不规范，希望协商。"):
    return services.topic_propose(
        committee=committee,
        submission_token=uuid.uuid4(),
        title=title,
        description=description,
        proposer_name="陈伯",
        proposer_phone="13800138000",
    )[0]


def _activity(committee, organiser):
    start = timezone.now() + dt.timedelta(minutes=10)
    return services.activity_create(
        actor=organiser,
        committee=committee,
        kind="meeting",
        title="长者饭堂专题协商会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def test_selecting_a_declined_topic_through_the_api_is_409_with_the_allowed_states(committee, organiser):
    topic = _topic(committee)
    services.topic_decline(actor=organiser, topic_id=topic.pk, note="本年度已有同类议题。")
    c = APIClient()
    c.force_authenticate(organiser)
    r = c.post(f"/api/v1/consultation-topics/{topic.pk}/select/", {"year": timezone.localdate().year}, format="json")
    assert r.status_code == 409
    assert r.json()["state"] == Topic.Status.NOT_SELECTED
    assert r.json()["allowed_states"] == [Topic.Status.PROPOSED]
    topic.refresh_from_db()
    assert topic.status == Topic.Status.NOT_SELECTED and topic.plan_id is None


def test_inviting_to_a_cancelled_activity_through_the_api_is_409(committee, organiser, member):
    activity = _activity(committee, organiser)
    services.activity_cancel(actor=organiser, activity_id=activity.pk, reason="台风预警，活动取消。")
    c = APIClient()
    c.force_authenticate(organiser)
    r = c.post(
        f"/api/v1/consultation-activities/{activity.pk}/invite/",
        {"kind": "member", "member_id": member.pk},
        format="json",
    )
    assert r.status_code == 409
    assert r.json()["state"] == Activity.Status.CANCELLED and sorted(r.json()["allowed_states"]) == [
        Activity.Status.HELD,
        Activity.Status.PLANNED,
    ]
    assert not activity.participants.exists()


def test_a_cancelled_activity_page_offers_no_minutes_invitation_or_sign_in(client, committee, organiser):
    activity = _activity(committee, organiser)
    client.force_login(organiser)
    url = reverse("consultations:activity", args=[activity.pk])
    minutes = reverse("consultations:activity_action", args=[activity.pk, "minutes"])
    invite = reverse("consultations:activity_action", args=[activity.pk, "invite"])
    page = client.get(url).content.decode()
    assert minutes in page and invite in page
    services.activity_cancel(actor=organiser, activity_id=activity.pk, reason="台风预警，活动取消。")
    activity.refresh_from_db()
    assert ACTIVITY.available(activity) == []
    page = client.get(url).content.decode()
    assert minutes not in page and invite not in page and "签到二维码" not in page


def test_approved_leave_cannot_be_overwritten_and_the_page_agrees(client, committee, organiser, member):
    activity = _activity(committee, organiser)
    p = services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    services.participant_request_leave(actor=member.user, participant_id=p.pk, reason="出差")
    services.participant_decide_leave(actor=organiser, participant_id=p.pk, approve=True)
    p.refresh_from_db()
    assert not ATTENDANCE.can(p, "mark_present")
    client.force_login(organiser)
    page = client.get(reverse("consultations:activity", args=[activity.pk])).content.decode()
    assert reverse("consultations:participant_action", args=[p.pk, "present"]) not in page
    with pytest.raises(ConflictError):
        services.participant_mark(actor=organiser, participant_id=p.pk, attendance="present")
    assert Participant.objects.get(pk=p.pk).attendance == Participant.Attendance.ON_LEAVE


def test_minutes_mark_whoever_neither_came_nor_had_leave_absent(committee, organiser, member, other_member):
    activity = _activity(committee, organiser)
    came = services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    missed = services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=other_member)
    services.participant_mark(actor=organiser, participant_id=came.pk, attendance="present")
    Activity.objects.filter(pk=activity.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    services.activity_record_minutes(actor=organiser, activity_id=activity.pk, minutes="会议围绕长者饭堂运营进行协商。")
    assert Participant.objects.get(pk=came.pk).attendance == Participant.Attendance.PRESENT
    assert Participant.objects.get(pk=missed.pk).attendance == Participant.Attendance.ABSENT
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.HELD


def test_invisible_characters_are_removed_from_a_proposed_topic(committee):
    topic = _topic(
        committee,
        title="关于社区\u200b长者\x00饭堂的议题\u202e",
        description="长者饭堂\x0b运营不规范，\ufeff希望协商。",
    )
    assert topic.title == "关于社区长者饭堂的议题"
    assert topic.description == "长者饭堂运营不规范，希望协商。"
    assert TOPIC.available(topic) == ["select", "decline"]
