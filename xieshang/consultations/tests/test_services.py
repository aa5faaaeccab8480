import datetime as dt
import uuid

import pytest
from django.core import signing
from django.utils import timezone

from xieshang.consultations import metrics, notices, selectors, services
from xieshang.consultations.models import Activity, ActivityNotice, Participant, SignInAttempt, Topic
from xieshang.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.models import Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment
from xieshang.organisations.tests.factories import AreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def topic_in_plan(committee, organiser, title="关于推进老旧小区加装电梯的协商"):
    t, _ = services.topic_propose(
        committee=committee,
        submission_token=uuid.uuid4(),
        title=title,
        description="老旧小区加装电梯推进难，希望政协组织协商。",
        proposer_name="张女士",
        proposer_phone="13800138000",
    )
    return services.topic_select(actor=organiser, topic_id=t.pk, year=timezone.localdate().year, lead="城建委")


def meeting(committee, organiser, topic=None, start=None, kind="meeting", **kw):
    start = start or timezone.now() + dt.timedelta(days=40)
    return services.activity_create(
        actor=organiser,
        committee=committee,
        kind=kind,
        title="加装电梯专题协商会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        topic=topic,
        location="区政协三楼会议室",
        **kw,
    )


def test_a_citizen_proposes_a_topic_once_and_a_bad_phone_is_refused(committee):
    token = uuid.uuid4()
    kw = {
        "committee": committee,
        "title": "关于公园增设公厕的议题",
        "description": "公园如厕难，希望协商解决。",
        "proposer_name": "李先生",
        "proposer_phone": "13800138000",
    }
    a, created = services.topic_propose(submission_token=token, **kw)
    b, again = services.topic_propose(submission_token=token, **kw)
    assert created and not again and a.pk == b.pk and a.source == Topic.Source.PUBLIC
    with pytest.raises(ServiceError, match="电话"):
        services.topic_propose(submission_token=uuid.uuid4(), **{**kw, "proposer_phone": "123"})
    assert Topic.objects.count() == 1


def test_only_the_office_selects_topics_into_the_plan(committee, organiser, member):
    t, _ = services.topic_propose(
        committee=committee,
        submission_token=uuid.uuid4(),
        actor=member.user,
        title="关于河涌治理的议题",
        description="河涌黑臭反弹，建议开展协商。",
    )
    assert t.source == Topic.Source.MEMBER
    with pytest.raises(PermissionDeniedError):
        services.topic_select(actor=member.user, topic_id=t.pk, year=2022)
    t = services.topic_select(actor=organiser, topic_id=t.pk, year=2022)
    assert t.status == Topic.Status.SELECTED and t.plan.year == 2022 and t.plan.title == "2022年度协商计划"
    with pytest.raises(ConflictError):
        services.topic_select(actor=organiser, topic_id=t.pk, year=2022)


def test_micro_consultation_needs_its_community(committee, organiser):
    with pytest.raises(ServiceError, match="村居"):
        meeting(committee, organiser, kind="micro")
    area = AreaFactory(community=True)
    assert meeting(committee, organiser, kind="micro", area=area).area == area


def test_sign_in_inside_the_window_by_an_invited_member(committee, organiser, member):
    a = meeting(committee, organiser)
    p = services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    token = services.signin_token(a)
    signed = services.activity_sign_in(token=token, actor=member.user, now=a.starts_at - dt.timedelta(minutes=10))
    assert signed.pk == p.pk and signed.attendance == Participant.Attendance.PRESENT
    again = services.activity_sign_in(token=token, actor=member.user, now=a.starts_at)
    assert again.pk == p.pk
    assert SignInAttempt.objects.filter(ok=True).count() == 1


def test_sign_in_outside_the_window_or_by_a_stranger_is_refused_and_logged(committee, organiser, member, other_member):
    a = meeting(committee, organiser)
    services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    token = services.signin_token(a)
    with pytest.raises(ServiceError, match="尚未开始"):
        services.activity_sign_in(token=token, actor=member.user, now=a.starts_at - dt.timedelta(hours=3))
    with pytest.raises(ServiceError, match="已结束"):
        services.activity_sign_in(token=token, actor=member.user, now=a.ends_at + dt.timedelta(minutes=1))
    with pytest.raises(ServiceError, match="不在本次活动的邀请名单"):
        services.activity_sign_in(token=token, actor=other_member.user, now=a.starts_at)
    reasons = sorted(SignInAttempt.objects.filter(ok=False).values_list("reason", flat=True))
    assert reasons == ["not_invited", "too_early", "too_late"]
    assert not Participant.objects.filter(user=other_member.user).exists()
    assert Participant.objects.get(user=member.user).attendance == Participant.Attendance.INVITED
    with pytest.raises(NotFoundError):
        services.activity_sign_in(token=token[:-2] + "xx", actor=member.user, now=a.starts_at)
    forged = signing.dumps({"a": a.pk, "o": 0, "c": 2**40}, salt="other")
    with pytest.raises(NotFoundError):
        services.activity_sign_in(token=forged, actor=member.user, now=a.starts_at)


def test_a_code_from_before_the_activity_moved_is_refused(committee, organiser, member):
    a = meeting(committee, organiser)
    services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    token = services.signin_token(a)
    Activity.objects.filter(pk=a.pk).update(
        signin_opens_at=a.signin_opens_at + dt.timedelta(days=1),
        signin_closes_at=a.signin_closes_at + dt.timedelta(days=1),
    )
    with pytest.raises(ServiceError, match="已失效"):
        services.activity_sign_in(token=token, actor=member.user, now=a.starts_at + dt.timedelta(days=1))


def test_leave_is_requested_by_the_invitee_and_decided_by_the_office(committee, organiser, member, other_member):
    a = meeting(committee, organiser)
    p = services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    with pytest.raises(NotFoundError):
        services.participant_request_leave(actor=other_member.user, participant_id=p.pk, reason="出差")
    services.participant_request_leave(actor=member.user, participant_id=p.pk, reason="出差")
    with pytest.raises(PermissionDeniedError):
        services.participant_decide_leave(actor=member.user, participant_id=p.pk, approve=True)
    p = services.participant_decide_leave(actor=organiser, participant_id=p.pk, approve=True)
    assert p.attendance == Participant.Attendance.ON_LEAVE


def test_minutes_close_the_activity_and_mark_the_unscanned_absent(committee, organiser, member, other_member):
    a = meeting(committee, organiser, start=timezone.now() - dt.timedelta(hours=4))
    services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    services.participant_add(
        actor=organiser, activity_id=a.pk, kind="expert", name="刘教授", organisation="华南理工大学"
    )
    with pytest.raises(ServiceError):
        services.activity_record_minutes(actor=organiser, activity_id=a.pk, minutes="短")
    services.activity_record_minutes(
        actor=organiser, activity_id=a.pk, minutes="会议听取了情况通报，委员提问，部门答复。"
    )
    a.refresh_from_db()
    assert a.status == Activity.Status.HELD
    assert set(a.participants.values_list("attendance", flat=True)) == {"absent"}


def test_research_reports_belong_to_research_activities(committee, organiser):
    a = meeting(committee, organiser, kind="research")
    services.research_report_add(
        actor=organiser,
        activity_id=a.pk,
        title="关于东平河水轴线建设的调研报告",
        summary="调研组实地走访东平河沿线，提出五方面建议。",
        completed_on=dt.date(2022, 9, 1),
    )
    with pytest.raises(ConflictError):
        services.research_report_add(
            actor=organiser,
            activity_id=a.pk,
            title="关于东平河水轴线建设的调研报告",
            summary="调研组实地走访东平河沿线，提出五方面建议。",
            completed_on=dt.date(2022, 9, 1),
        )
    m = meeting(committee, organiser)
    with pytest.raises(ServiceError, match="专题调研"):
        services.research_report_add(
            actor=organiser,
            activity_id=m.pk,
            title="某报告标题",
            summary="摘要内容摘要内容摘要内容",
            completed_on=dt.date(2022, 9, 1),
        )


def _suggest(activity, organiser, n):
    return services.suggestion_record(
        actor=organiser,
        activity=activity,
        submission_token=uuid.uuid4(),
        title=f"建议{n}：完善加装电梯补贴",
        text="建议提高加装电梯财政补贴标准并简化审批。",
    )[0]


def test_a_suggestion_runs_the_loop_to_a_measure_and_the_conversion_rate_moves(committee, organiser, unit, unit_user):
    topic = topic_in_plan(committee, organiser)
    a = meeting(committee, organiser, topic=topic)
    s1, s2, s3 = (_suggest(a, organiser, n) for n in (1, 2, 3))
    assert s1.topic_id == topic.pk
    assert metrics.topic_conversion(topic.pk)["converted"] == 0
    items = [services.suggestion_send(actor=organiser, suggestion_id=s.pk, unit=unit) for s in (s1, s2, s3)]
    with pytest.raises(ConflictError):
        services.suggestion_send(actor=organiser, suggestion_id=s1.pk, unit=unit)

    def reply(item, category, measures):
        asg = item.assignments.get()
        loop.assignment_sign(assignment_id=asg.pk, actor=unit_user)
        loop.assignment_reply(
            assignment_id=asg.pk, actor=unit_user, body="已研究办理。", category=category, measures=measures
        )

    reply(items[0], "adopted", "出台加装电梯补贴实施细则")
    reply(items[1], "planned", "列入2023年民生实事")
    reply(items[2], "adopted", "")  # adopted without a recorded measure does not count
    c = metrics.topic_conversion(topic.pk)
    assert (c["collected"], c["sent"], c["converted"], c["rate"]) == (3, 3, 2, 66.7)
    assert metrics.year_conversion(committee.pk, timezone.localdate().year)["converted"] == 2

    # 回头看: the office rates; 不满意 sends the measure back and it stops counting until re-answered.
    services.suggestion_follow_up_rate(actor=organiser, suggestion_id=s1.pk, value="satisfied")
    assert Assignment.objects.get(item=items[0]).status == Assignment.Status.CLOSED
    services.suggestion_follow_up_rate(actor=organiser, suggestion_id=s2.pk, value="unsatisfied", comment="进度滞后")
    assert metrics.topic_conversion(topic.pk)["converted"] == 1
    with pytest.raises(PermissionDeniedError):
        services.suggestion_follow_up_rate(actor=unit_user, suggestion_id=s3.pk, value="satisfied")


def test_suggestion_double_submit_records_one(committee, organiser):
    a = meeting(committee, organiser)
    token = uuid.uuid4()
    kw = {
        "actor": organiser,
        "activity": a,
        "submission_token": token,
        "title": "建议：增设停车位",
        "text": "建议在社区周边增设停车位。",
    }
    assert services.suggestion_record(**kw)[1] and not services.suggestion_record(**kw)[1]
    assert a.suggestions.count() == 1


def test_notice_scan_follows_working_days_and_sends_once(
    committee, organiser, member, django_capture_on_commit_callbacks
):
    # 2022-10-17 (Monday) 09:00. Counting back 15 working days: 14-10 Oct (5), the swapped working
    # Sunday 9 and Saturday 8 Oct (7), skipping the 1-7 Oct holiday, 30-26 Sep (12), 23-21 Sep (15).
    start = timezone.make_aware(dt.datetime(2022, 10, 17, 9, 0))
    a = services.activity_create(
        actor=organiser,
        committee=committee,
        kind="meeting",
        title="十月专题协商会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    assert timezone.localtime(notices.notice_due(a)).date() == dt.date(2022, 9, 21)
    with django_capture_on_commit_callbacks(execute=True):
        before = notices.scan_activity_notices(now=timezone.make_aware(dt.datetime(2022, 9, 20, 12)))
    assert before["notices"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = notices.scan_activity_notices(now=timezone.make_aware(dt.datetime(2022, 9, 21, 12)))
        second = notices.scan_activity_notices(now=timezone.make_aware(dt.datetime(2022, 9, 22, 12)))
    assert first["notices"] == 1 and second["notices"] == 0
    assert Notification.objects.filter(recipient=member.user, title__startswith="活动通知").count() == 1
    assert timezone.localtime(notices.materials_due(a)).date() == dt.date(2022, 9, 28)
    with django_capture_on_commit_callbacks(execute=True):
        m = notices.scan_activity_notices(now=timezone.make_aware(dt.datetime(2022, 9, 28, 9)))
    assert m["materials"] == 1  # no materials uploaded yet: the organiser is reminded
    assert Notification.objects.filter(recipient=organiser, title__contains="会议材料").count() == 1
    after = timezone.make_aware(dt.datetime(2022, 10, 18, 9))
    with django_capture_on_commit_callbacks(execute=True):
        c = notices.scan_activity_notices(now=after)
        c2 = notices.scan_activity_notices(now=after)
    assert c["minutes_due"] == 1 and c2["minutes_due"] == 0
    assert ActivityNotice.objects.filter(activity=a).count() == 3  # notice, materials, minutes due
    late = notices.scan_activity_notices(now=timezone.make_aware(dt.datetime(2022, 11, 1, 9)))
    assert late["minutes_overdue"] == 1


def test_year_figures_come_from_records(committee, organiser):
    start = timezone.make_aware(dt.datetime(2022, 6, 1, 9))
    for kind in ("inspection", "inspection", "meeting", "supervision", "micro_inspection"):
        area = AreaFactory(community=True) if kind.startswith("micro") else None
        services.activity_create(
            actor=organiser,
            committee=committee,
            kind=kind,
            title=f"2022年{kind}活动",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            area=area,
        )
    f = selectors.year_figures(committee.pk, 2022)
    assert (f["inspections"], f["meetings"], f["micro"]) == (2, 2, 1)


def test_unit_staff_and_other_committees_cannot_organise(committee, organiser, unit_user):
    other_office = UserFactory(username="othercomm", role="office", office="secretariat")
    with pytest.raises(PermissionDeniedError):
        meeting(committee, other_office)
    with pytest.raises(PermissionDeniedError):
        meeting(committee, unit_user)


def test_the_scan_command_and_task_are_idempotent(committee, organiser, member):
    from django.core.management import call_command

    from xieshang.consultations.tasks import scan_consultation_notices

    start = timezone.now() + dt.timedelta(days=3)
    a = services.activity_create(
        actor=organiser,
        committee=committee,
        kind="micro_inspection",
        title="社区微视察活动",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        area=AreaFactory(community=True),
    )
    services.participant_add(actor=organiser, activity_id=a.pk, kind="member", member=member)
    call_command("scan_activity_notices")
    scan_consultation_notices.enqueue()
    call_command("scan_activity_notices")
    kinds = sorted(ActivityNotice.objects.filter(activity=a).values_list("kind", "late"))
    assert kinds == [("materials", True), ("notice", True)]  # arranged 3 days ahead: both sent late, once
