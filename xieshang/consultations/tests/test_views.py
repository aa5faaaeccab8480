import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from xieshang.consultations import services
from xieshang.consultations.models import Activity, Participant, SignInAttempt, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(committee, organiser):
    t, _ = services.topic_propose(
        committee=committee,
        submission_token=uuid.uuid4(),
        title="关于社区长者饭堂的议题",
        description="长者饭堂运营不规范，希望协商。",
        proposer_name="陈伯",
        proposer_phone="13800138000",
    )
    return t


@pytest.fixture
def activity(committee, organiser, topic):
    services.topic_select(actor=organiser, topic_id=topic.pk, year=timezone.localdate().year)
    start = timezone.now() + dt.timedelta(minutes=10)
    return services.activity_create(
        actor=organiser,
        committee=committee,
        kind="meeting",
        title="长者饭堂专题协商会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        topic=topic,
    )


def test_public_pages_show_only_the_published_plan(client, committee, organiser, topic, activity):
    assert client.get(reverse("consultations:public_index")).status_code == 200
    assert client.get(reverse("consultations:public_topic", args=[topic.pk])).status_code == 404
    services.plan_publish(actor=organiser, plan_id=Topic.objects.get(pk=topic.pk).plan_id)
    r = client.get(reverse("consultations:public_index"))
    assert topic.title in r.content.decode()
    r = client.get(reverse("consultations:public_topic", args=[topic.pk]))
    assert r.status_code == 200 and "13800138000" not in r.content.decode()


def test_the_public_form_accepts_a_topic_once_and_shows_errors(client, committee):
    token = str(uuid.uuid4())
    data = {
        "submission_token": token,
        "title": "关于增设公交线路的议题",
        "description": "新小区没有公交线路，出行不便。",
        "proposer_name": "黄女士",
        "proposer_phone": "13900139000",
    }
    url = reverse("consultations:public_topic_new")
    assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 200
    assert Topic.objects.count() == 1
    r = client.post(url, {**data, "submission_token": str(uuid.uuid4()), "proposer_phone": "abc"})
    assert "电话" in r.content.decode() and Topic.objects.count() == 1


def test_members_see_only_their_activities_and_units_see_none(
    client, activity, organiser, member, other_member, unit_user
):
    services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    url = reverse("consultations:activity", args=[activity.pk])
    client.force_login(member.user)
    assert client.get(url).status_code == 200
    for user in (other_member.user, unit_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("consultations:activity_qr", args=[activity.pk])).status_code == 404
    client.force_login(member.user)
    assert client.get(reverse("consultations:activity_qr", args=[activity.pk])).status_code == 404


def test_qr_code_and_phone_sign_in(client, activity, organiser, member, other_member):
    services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    client.force_login(organiser)
    r = client.get(reverse("consultations:activity_qr", args=[activity.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml" and b"<svg" in r.content
    page = client.get(reverse("consultations:activity", args=[activity.pk]))
    assert page.status_code == 200
    url = reverse("consultations:signin", args=[services.signin_token(activity)])
    client.force_login(other_member.user)
    r = client.post(url)
    assert r.status_code == 400 and "邀请名单" in r.content.decode()
    client.force_login(member.user)
    r = client.post(url)
    assert r.status_code == 200 and "签到成功" in r.content.decode()
    assert Participant.objects.get(user=member.user).attendance == "present"
    assert SignInAttempt.objects.filter(ok=False).count() == 1
    assert client.get(reverse("consultations:signin", args=["garbage"])).status_code == 404


def test_organiser_pages_render_and_bad_input_is_a_message(client, organiser, activity, topic):
    client.force_login(organiser)
    for url in (
        reverse("consultations:index"),
        reverse("consultations:activities"),
        reverse("consultations:suggestions"),
        reverse("consultations:activity_new"),
        reverse("consultations:topic", args=[topic.pk]),
        reverse("consultations:plan", args=[timezone.localdate().year]),
        reverse("consultations:activities") + "?year=x&kind=zz&page=-1",
    ):
        assert client.get(url).status_code == 200, url
    r = client.post(
        reverse("consultations:activity_action", args=[activity.pk, "invite"]), {"invite-kind": "expert"}, follow=True
    )
    assert "请填写姓名" in r.content.decode()
    r = client.post(
        reverse("consultations:activity_action", args=[activity.pk, "suggest"]),
        {"suggest-submission_token": "x"},
        follow=True,
    )
    assert r.status_code == 200


def test_accounts_to_invite_are_listed_by_name_and_unit(client, committee, organiser, activity):
    from xieshang.organisations.tests.factories import UnitFactory, UserFactory

    unit = UnitFactory(committee=committee, name="区住建水利局")
    UserFactory(username="unit_jianshe", role="unit", unit=unit, committee=committee, full_name="梁志强")
    client.force_login(organiser)
    page = client.get(reverse("consultations:activity", args=[activity.pk])).content.decode()
    assert "梁志强（区住建水利局）" in page
    assert "秘书科小周（" in page  # an office account: its role
    assert ">unit_jianshe<" not in page and ">secretariat<" not in page


def test_the_year_picker_offers_the_years_with_records_and_opens_on_the_latest(client, committee, organiser):
    import time_machine

    with time_machine.travel(dt.datetime(2022, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        t, _ = services.topic_propose(
            committee=committee,
            submission_token=uuid.uuid4(),
            title="关于背街小巷照明的议题",
            description="背街小巷路灯不亮，夜间出行不便，希望协商。",
            proposer_name="李姨",
            proposer_phone="13800138001",
        )
        services.topic_select(actor=organiser, topic_id=t.pk, year=2022)
    client.force_login(organiser)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False):
        page = client.get(reverse("consultations:index")).content.decode()
        assert "有事禅商量 · 2022年" in page and t.title in page
        assert (
            '<option value="2022" selected>2022年</option>' in page and '<option value="2026">2026年</option>' in page
        )
        empty = client.get(reverse("consultations:index") + "?year=2026").content.decode()
        assert t.title not in empty and "2026年暂无记录。可选择其他年度查看，例如 2022 年。" in empty
        typed = client.get(reverse("consultations:index") + "?year=abc")
        assert typed.status_code == 200 and "有事禅商量 · 2022年" in typed.content.decode()
        listed = client.get(reverse("consultations:activities")).content.decode()
        assert '<option value="" selected>全部年度</option>' in listed


def test_an_uninvited_member_is_told_before_any_button(client, activity, organiser, member, other_member):
    services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    url = reverse("consultations:signin", args=[services.signin_token(activity)])
    client.force_login(other_member.user)
    page = client.get(url).content.decode()
    assert "不在本次活动的邀请名单" in page and "确认签到" not in page
    client.force_login(member.user)
    page = client.get(url).content.decode()
    assert "确认签到" in page and "邀请名单" not in page


def test_a_logged_out_scan_lands_on_a_login_that_speaks_to_members(client, activity):
    url = reverse("consultations:signin", args=[services.signin_token(activity)])
    r = client.get(url, follow=True)
    page = r.content.decode()
    assert r.redirect_chain and "/accounts/login/" in r.redirect_chain[-1][0]
    assert "活动签到" in page and "委员账号" in page and "工作人员登录" not in page


def test_signing_in_moves_the_activity_from_planned_to_held(client, activity, organiser, member):
    services.participant_add(actor=organiser, activity_id=activity.pk, kind="member", member=member)
    assert activity.status == "planned"
    client.force_login(member.user)
    client.post(reverse("consultations:signin", args=[services.signin_token(activity)]))
    activity.refresh_from_db()
    assert activity.status == "held"


def test_scheduling_in_the_past_or_too_late_for_notice_asks_for_confirmation(client, organiser):
    client.force_login(organiser)
    url = reverse("consultations:activity_new")
    past = timezone.localtime() - dt.timedelta(days=3)
    data = {
        "kind": "meeting",
        "title": "补录专题协商会",
        "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (past + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    page = client.post(url, data).content.decode()
    assert "已经过去" in page and 'type="checkbox" name="confirm_schedule"' in page
    assert not Activity.objects.exists()
    soon = timezone.localtime() + dt.timedelta(days=3)
    data_soon = {
        **data,
        "starts_at": soon.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (soon + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    page = client.post(url, data_soon).content.decode()
    assert "个工作日" in page and "现已来不及" in page
    assert not Activity.objects.exists()
    r = client.post(url, {**data, "confirm_schedule": "on"})
    assert r.status_code == 302 and Activity.objects.count() == 1
