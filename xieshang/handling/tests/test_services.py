"""The rules of the closed loop, one test per rule.

The test channel (see conftest) answers in 10 working days, signs for in 1, may ask to return in
5, extends to at most 20 working days after assignment, gives co-units 5 working days and the
rater 15 days. The clock starts on Monday 4 March 2024, 09:00.
"""

from __future__ import annotations

import pytest
from django.core import mail

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry, Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, CoOpinion, Item, Rating, Reply, Request, Supervision

from .conftest import EVENTS, at

S = Assignment.Status
pytestmark = pytest.mark.django_db


def fresh(obj):
    obj.refresh_from_db()
    return obj


def end_of(year, month, day):
    return at(year, month, day, 23, 59).replace(second=59)


def thread(item):
    return list(AuditEntry.objects.filter(thread=item.thread).order_by("id"))


# --- assignment ------------------------------------------------------------------------------


def test_single_assignment_waits_for_sign_for(drive, world):
    item = drive.single()
    a = drive.lead(item)
    assert (fresh(item).status, a.status, item.mode) == (Item.Status.HANDLING, S.NEW, Item.Mode.SINGLE)
    assert a.sign_due_at == end_of(2024, 3, 5)
    assert a.reply_due_at == end_of(2024, 3, 18)
    assert fresh(item).due_at == a.reply_due_at

    with pytest.raises(ConflictError, match="不能答复"):
        drive.reply(a)
    assert not Reply.objects.exists()

    drive.sign(a)
    a = fresh(a)
    assert (a.status, a.signed_at) == (S.SIGNED, at(2024, 3, 4))
    with pytest.raises(ConflictError, match="不能签收"):
        drive.sign(a)


def test_single_assignment_takes_exactly_one_unit(drive, world):
    item = drive.accept()
    with pytest.raises(ServiceError, match="单办"):
        drive.assign(item, Item.Mode.SINGLE, [world.dept1, world.dept2])
    with pytest.raises(ServiceError, match="请选择交办方式"):
        drive.assign(item, "other", [world.dept1])
    assert not Assignment.objects.exists()
    assert fresh(item).status == Item.Status.PENDING


def test_split_assignment_needs_two_units(drive, world):
    item = drive.accept()
    with pytest.raises(ServiceError, match="分办须选择两个"):
        drive.assign(item, Item.Mode.SPLIT, [world.dept1])
    with pytest.raises(ServiceError, match="分办须选择两个"):
        drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept1])
    assert not Assignment.objects.exists()

    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    leads = item.assignments.filter(role=Assignment.Role.LEAD)
    assert sorted(leads.values_list("unit__name", flat=True)) == ["区住建局", "区教育局"]


def test_joint_assignment_needs_a_lead_and_a_co_unit(drive, world):
    item = drive.accept()
    with pytest.raises(ServiceError, match="会办须选择"):
        drive.assign(item, Item.Mode.JOINT, [world.dept1])
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    co = item.assignments.get(role=Assignment.Role.CO)
    # a co-unit's deadline is its opinion window: 5 working days
    assert (co.unit, co.reply_due_at) == (world.dept2, end_of(2024, 3, 11))


def test_assignment_to_a_unit_of_another_committee_is_refused(drive, world):
    from xieshang.organisations.models import Unit

    foreign = Unit.objects.create(committee=world.other_committee, name="南海区住建局")
    item = drive.accept()
    with pytest.raises(ServiceError, match="不可用"):
        drive.assign(item, Item.Mode.SINGLE, [foreign])
    assert not Assignment.objects.exists()


def test_an_assigned_item_cannot_be_assigned_again(drive, world):
    item = drive.single()
    with pytest.raises(ConflictError, match="不能再次交办"):
        drive.assign(item, Item.Mode.SINGLE, [world.dept2])
    assert item.assignments.count() == 1


def test_joint_lead_cannot_reply_before_co_units_send_opinions_unless_their_window_passed(drive, world, clock):
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2, world.dept3])
    lead, co2, co3 = (item.assignments.get(unit=u) for u in (world.dept1, world.dept2, world.dept3))
    for a in (lead, co2, co3):
        drive.sign(a)

    with pytest.raises(ServiceError, match="区教育局、区交通局"):
        drive.reply(lead)
    with pytest.raises(ServiceError, match="会办单位请提交会办意见"):
        drive.reply(co2)

    loop.co_opinion_send(assignment_id=co2.pk, actor=world.unit_user(world.dept2), body="建议同步优化公交接驳。")
    assert fresh(co2).status == S.OPINION_SENT
    assert CoOpinion.objects.filter(assignment=co2).count() == 1
    with pytest.raises(ServiceError, match="区交通局") as exc:
        drive.reply(lead)
    assert "区教育局" not in exc.value.message
    assert not Reply.objects.exists()

    # dept3 lets its 5-working-day window (to the end of 11 March) pass without an opinion
    clock.set(at(2024, 3, 12, 8))
    reply = drive.reply(lead)
    assert fresh(lead).status == S.REPLIED
    assert reply.review == Reply.Review.PENDING


def test_co_unit_with_an_extended_window_still_holds_the_lead(drive, world, clock):
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    lead, co = item.assignments.get(unit=world.dept1), item.assignments.get(unit=world.dept2)
    drive.sign(lead)
    drive.sign(co)
    req = loop.assignment_request_extension(
        assignment_id=co.pk, actor=world.unit_user(world.dept2), until=at(2024, 3, 15).date(), reason="需现场勘查"
    )
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)
    clock.set(at(2024, 3, 12, 8))
    with pytest.raises(ServiceError, match="区教育局"):
        drive.reply(lead)
    clock.set(at(2024, 3, 16, 8))
    drive.reply(lead)


# --- returns -----------------------------------------------------------------------------------


def test_return_only_within_the_objection_window(drive, world, clock):
    item = drive.single()
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    assert a.objection_until == end_of(2024, 3, 11)

    clock.set(at(2024, 3, 12, 0, 1))
    with pytest.raises(ServiceError, match="已超过申请退回的期限"):
        loop.assignment_request_return(assignment_id=a.pk, actor=staff, reason="不属于本单位职责")
    assert not Request.objects.exists()
    assert fresh(a).status == S.NEW

    clock.set(at(2024, 3, 11, 23, 0))
    with pytest.raises(ServiceError, match="请填写退回理由"):
        loop.assignment_request_return(assignment_id=a.pk, actor=staff, reason="  ")
    req = loop.assignment_request_return(
        assignment_id=a.pk, actor=staff, reason="不属于本单位职责", suggested_unit=world.dept2
    )
    assert (req.kind, req.status, req.previous_status) == (Request.Kind.RETURN, Request.Status.PENDING, S.NEW)
    assert fresh(a).status == S.RETURN_REQUESTED


def test_approved_return_puts_item_back_in_queue(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="非本单位职责")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True, note="同意，另行交办")

    item, a = fresh(item), fresh(a)
    assert a.status == S.RETURNED
    assert (item.status, item.returned_count, item.due_at) == (Item.Status.PENDING, 1, None)
    assert fresh(req).status == Request.Status.APPROVED
    # 办理过程 reads: the decision, then the item back in the queue
    actions = list(AuditEntry.objects.filter(thread=f"item:{item.pk}").order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["return_approved", "item_requeue"]

    # the office assigns it anew; even the unit that returned it may be chosen again
    drive.assign(item, Item.Mode.SINGLE, [world.dept2])
    assert fresh(item).status == Item.Status.HANDLING
    assert item.assignments.filter(status__in=loop.LIVE_STATES).get().unit == world.dept2


def test_approved_return_of_a_joint_lead_withdraws_its_co_units(drive, world):
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    lead, co = item.assignments.get(unit=world.dept1), item.assignments.get(unit=world.dept2)
    req = loop.assignment_request_return(assignment_id=lead.pk, actor=world.unit_user(world.dept1), reason="非本单位")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)

    assert fresh(item).status == Item.Status.PENDING
    assert fresh(co).status == S.WITHDRAWN
    # the same co-unit can be named again under a new lead
    drive.assign(fresh(item), Item.Mode.JOINT, [world.dept3], [world.dept2])
    live = item.assignments.filter(status__in=loop.LIVE_STATES)
    assert sorted(live.values_list("unit__name", "role")) == [("区交通局", "lead"), ("区教育局", "co")]


def test_returned_share_of_a_split_item_is_passed_on_once(drive, world):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    a1 = item.assignments.get(unit=world.dept1)
    req = loop.assignment_request_return(assignment_id=a1.pk, actor=world.unit_user(world.dept1), reason="非本单位")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)
    assert fresh(item).status == Item.Status.HANDLING  # dept2 still handles its share

    new = loop.assignment_reassign(assignment_id=a1.pk, actor=world.office, unit=world.dept3, reason="改由交通局办理")
    assert (fresh(a1).status, fresh(a1).successor) == (S.RETURNED, new)
    with pytest.raises(ConflictError):
        loop.assignment_reassign(assignment_id=a1.pk, actor=world.office, unit=world.street_unit, reason="再改派")
    assert item.assignments.filter(role=Assignment.Role.LEAD, status__in=loop.LIVE_STATES).count() == 2


def test_refused_return_restores_previous_state(drive, world):
    item = drive.single()
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=staff, reason="非本单位职责")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=False, note="属于你单位职责")
    assert fresh(a).status == S.NEW

    drive.sign(a)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=staff, reason="再次申请")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=False, note="维持交办")
    a, item = fresh(a), fresh(item)
    assert a.status == S.SIGNED
    assert (item.status, item.returned_count) == (Item.Status.HANDLING, 0)
    with pytest.raises(ConflictError, match="已经处理过"):
        loop.request_decide(request_id=req.pk, actor=world.office, approve=True)


def test_only_the_office_decides_requests(drive, world):
    item = drive.single()
    a = drive.lead(item)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="非本单位")
    for who in (world.unit_user(world.dept1), world.leader, world.foreign_office, None):
        with pytest.raises(PermissionDeniedError):
            loop.request_decide(request_id=req.pk, actor=who, approve=True)
    assert fresh(req).status == Request.Status.PENDING
    assert fresh(a).status == S.RETURN_REQUESTED


# --- extensions --------------------------------------------------------------------------------


def test_extension_cannot_pass_the_channel_limit(drive, world):
    item = drive.single()
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    # 20 working days from Monday 4 March 2024 end on Monday 1 April
    with pytest.raises(ServiceError, match="延期最迟只能到 2024-04-01"):
        loop.assignment_request_extension(assignment_id=a.pk, actor=staff, until=at(2024, 4, 2).date(), reason="需协调")
    with pytest.raises(ServiceError, match="须晚于当前办理期限（2024-03-18）"):
        loop.assignment_request_extension(
            assignment_id=a.pk, actor=staff, until=at(2024, 3, 18).date(), reason="需协调"
        )
    with pytest.raises(ServiceError, match="请选择延期后的日期"):
        loop.assignment_request_extension(assignment_id=a.pk, actor=staff, until="2024-03-25", reason="需协调")
    assert not Request.objects.exists()

    req = loop.assignment_request_extension(
        assignment_id=a.pk, actor=staff, until=at(2024, 4, 1).date(), reason="需协调多个部门"
    )
    assert req.status == Request.Status.PENDING
    with pytest.raises(ConflictError, match="已有一项延期申请"):
        loop.assignment_request_extension(
            assignment_id=a.pk, actor=staff, until=at(2024, 3, 29).date(), reason="需协调多个部门"
        )


def test_approved_extension_moves_the_deadline_and_clears_overdue(drive, world, clock):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    clock.set(at(2024, 3, 19, 9))
    loop.scan_deadlines()
    assert fresh(a).is_overdue and fresh(item).is_overdue

    req = loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), until=at(2024, 3, 29).date(), reason="需协调"
    )
    loop.request_decide(request_id=req.pk, actor=world.office, approve=True)
    a, item = fresh(a), fresh(item)
    assert a.extended_until == end_of(2024, 3, 29)
    assert a.effective_due_at == end_of(2024, 3, 29)
    assert a.is_overdue is False
    assert (item.due_at, item.is_overdue) == (end_of(2024, 3, 29), False)


def test_extension_is_not_decided_after_the_unit_replied(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    req = loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), until=at(2024, 3, 29).date(), reason="需协调"
    )
    drive.reply(a)
    req = fresh(req)
    # replying ends the request: it leaves the office's list without counting as refused
    assert (req.status, req.decision_note) == (Request.Status.WITHDRAWN, "已答复")
    with pytest.raises(ConflictError, match="已经处理过"):
        loop.request_decide(request_id=req.pk, actor=world.office, approve=True)
    assert fresh(a).extended_until is None


# --- replies and review -------------------------------------------------------------------------


def test_reply_needs_a_category(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    for category in ("", "z", None):
        with pytest.raises(ServiceError, match="请选择答复类别"):
            drive.reply(a, category=category)
    with pytest.raises(ServiceError, match="请填写答复内容"):
        drive.reply(a, body=" ")
    with pytest.raises(ServiceError, match="采纳建议条数"):
        drive.reply(a, adopted_count=-1)
    assert not Reply.objects.exists()
    assert fresh(a).status == S.SIGNED


def test_reply_needs_a_recorded_contact_when_the_channel_asks_for_one(drive, world):
    import datetime as dt

    item = drive.single(kind="contact")
    a = drive.lead(item)
    drive.sign(a)
    staff = world.unit_user(world.dept1)
    with pytest.raises(ServiceError, match="先记录与提出人的沟通"):
        drive.reply(a)
    with pytest.raises(ServiceError, match="请填写沟通时间"):
        loop.assignment_record_contact(
            assignment_id=a.pk, actor=staff, method="phone", happened_at=dt.datetime(2024, 3, 4, 8)
        )
    loop.assignment_record_contact(assignment_id=a.pk, actor=staff, method="phone", happened_at=at(2024, 3, 4, 8))
    reply = drive.reply(a)
    # this kind needs no review: the reply goes straight to the rater
    assert (reply.review, fresh(a).status) == (Reply.Review.PASSED, S.AWAITING_RATING)


def test_review_reject_sends_back_to_the_unit(drive, world, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    reply = drive.reply(a)
    with pytest.raises(ServiceError, match="驳回时请说明理由"):
        loop.reply_review(reply_id=reply.pk, actor=world.office, passed=False)
    with pytest.raises(PermissionDeniedError):
        loop.reply_review(reply_id=reply.pk, actor=world.unit_user(world.dept1), passed=True)
    assert fresh(reply).review == Reply.Review.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        loop.reply_review(reply_id=reply.pk, actor=world.office, passed=False, note="答复过于笼统，请补充具体措施")
    reply, a = fresh(reply), fresh(a)
    assert (reply.review, reply.reviewed_by, reply.review_note) == (
        Reply.Review.REJECTED,
        world.office,
        "答复过于笼统，请补充具体措施",
    )
    assert (a.status, a.replied_at) == (S.SIGNED, None)
    assert Notification.objects.get(recipient=world.unit_user(world.dept1)).title.startswith("答复被驳回重办")
    assert fresh(item).status == Item.Status.HANDLING

    # the unit replies again; the new reply waits for review
    again = drive.reply(a, body="补充：新增停车位 120 个，已于 3 月 1 日投入使用。")
    assert again.review == Reply.Review.PENDING
    with pytest.raises(ConflictError, match="已经审核过"):
        loop.reply_review(reply_id=reply.pk, actor=world.office, passed=True)


def test_review_pass_may_change_category(drive, world, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    reply = drive.reply(a, category="a")
    with pytest.raises(ServiceError, match="答复类别无效"):
        loop.reply_review(reply_id=reply.pk, actor=world.office, passed=True, category="x")
    with django_capture_on_commit_callbacks(execute=True):
        loop.reply_review(reply_id=reply.pk, actor=world.office, passed=True, category="b")
    reply, a = fresh(reply), fresh(a)
    assert (reply.category, reply.review) == ("b", Reply.Review.PASSED)
    assert a.status == S.AWAITING_RATING
    assert a.rating_due_at == end_of(2024, 3, 19)  # 15 calendar days
    assert fresh(item).status == Item.Status.REPLIED
    entry = AuditEntry.objects.get(thread=item.thread, action="review_pass")
    assert entry.data == {"category": "b", "was": "a"}
    assert (item.pk, "replied") in EVENTS


# --- ratings -----------------------------------------------------------------------------------


def test_unsatisfied_rating_reopens_the_assignment_and_restarts_the_clock(
    drive, world, clock, django_capture_on_commit_callbacks
):
    item = drive.single()
    a = drive.lead(item)
    reply = drive.replied_and_passed(a)
    clock.set(at(2024, 3, 11, 10))
    with pytest.raises(ServiceError, match="请说明不满意的原因"):
        drive.rate(a, "unsatisfied")
    with django_capture_on_commit_callbacks(execute=True):
        drive.rate(a, "unsatisfied", comment="停车位仍然不足")

    a, item = fresh(a), fresh(item)
    assert (a.status, a.round, a.rehandle_count) == (S.SIGNED, 2, 1)
    assert a.clock_started_at == at(2024, 3, 11, 10)
    # 10 working days from Monday 11 March
    assert a.reply_due_at == end_of(2024, 3, 25)
    assert (a.replied_at, a.rating_due_at) == (None, None)
    assert fresh(reply).review == Reply.Review.SUPERSEDED
    assert (item.status, item.due_at, item.closed_at) == (Item.Status.HANDLING, end_of(2024, 3, 25), None)
    assert (item.pk, "rehandle") in EVENTS
    assert Notification.objects.filter(recipient=world.unit_user(world.dept1), title__contains="重新办理").exists()

    # the second round is rated afresh by the same person
    drive.passed(drive.reply(a))
    drive.rate(a, "satisfied")
    assert fresh(a).status == S.CLOSED
    assert list(Rating.objects.order_by("round").values_list("round", "value")) == [
        (1, "unsatisfied"),
        (2, "satisfied"),
    ]


def test_satisfied_rating_closes_item_when_every_lead_is_closed(drive, world, django_capture_on_commit_callbacks):
    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    lead, co = item.assignments.get(unit=world.dept1), item.assignments.get(unit=world.dept2)
    drive.sign(co)
    loop.co_opinion_send(assignment_id=co.pk, actor=world.unit_user(world.dept2), body="同意主办单位方案。")
    drive.replied_and_passed(lead)
    with django_capture_on_commit_callbacks(execute=True):
        drive.rate(lead, "basic")
    item, lead, co = fresh(item), fresh(lead), fresh(co)
    assert (lead.status, lead.closed_at) == (S.CLOSED, at(2024, 3, 4))
    assert co.status == S.CLOSED  # the co-unit's part ends with the lead's
    assert (item.status, item.closed_at, item.due_at) == (Item.Status.CLOSED, at(2024, 3, 4), None)
    assert (item.pk, "closed") in EVENTS
    assert AuditEntry.objects.filter(thread=item.thread, target=f"handling.assignment:{co.pk}", action="close").exists()


def test_split_item_closes_only_after_every_unit(drive, world):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    a1, a2 = item.assignments.get(unit=world.dept1), item.assignments.get(unit=world.dept2)
    drive.replied_and_passed(a1)
    drive.rate(a1, "satisfied")
    assert fresh(a1).status == S.CLOSED
    assert fresh(item).status == Item.Status.HANDLING
    assert fresh(item).due_at == a2.reply_due_at

    drive.replied_and_passed(a2)
    assert fresh(item).status == Item.Status.REPLIED
    drive.rate(a2, "satisfied")
    assert fresh(item).status == Item.Status.CLOSED


def test_only_the_proposer_or_office_can_rate(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.replied_and_passed(a)
    key = f"user:{world.member.pk}"
    for who in (world.other_member, world.unit_user(world.dept1), world.leader, world.foreign_office, None):
        with pytest.raises(PermissionDeniedError):
            loop.assignment_rate(assignment_id=a.pk, rater_key=key, value="satisfied", actor=who)
    with pytest.raises(PermissionDeniedError, match="只有提出人"):
        loop.assignment_rate(assignment_id=a.pk, rater_key="citizen", value="satisfied", actor=None)
    assert not Rating.objects.exists()
    assert fresh(a).status == S.AWAITING_RATING

    # the office records the rating of a proposer who answered by phone
    rating = loop.assignment_rate(assignment_id=a.pk, rater_key=key, value="satisfied", actor=world.office)
    assert (rating.recorded_by, rating.rater_label) == (world.office, "陈委员")


def test_proposer_rates_for_themself(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.replied_and_passed(a)
    rating = drive.rate(a, "satisfied")
    assert rating.recorded_by is None
    with pytest.raises(ServiceError, match="请选择评价"):
        drive.rate(drive.lead(drive.single()), "great")


def test_offline_rater_is_recorded_only_by_the_office(drive, world):
    item = drive.accept(by=world.office)  # entered by the office: no account behind the proposer
    item.created_by = None
    item.save(update_fields=["created_by"])
    drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    a = drive.lead(item)
    drive.replied_and_passed(a)
    for who in (None, world.member):
        with pytest.raises(PermissionDeniedError):
            loop.assignment_rate(assignment_id=a.pk, rater_key="offline", value="satisfied", actor=who)
    loop.assignment_rate(assignment_id=a.pk, rater_key="offline", value="satisfied", actor=world.office)
    assert fresh(a).status == S.CLOSED


def test_rating_twice_is_refused(drive, world):
    item = drive.single()
    a = drive.lead(item)
    drive.replied_and_passed(a)
    drive.rate(a, "satisfied")
    with pytest.raises(ConflictError):
        drive.rate(a, "unsatisfied", comment="改主意了")
    assert Rating.objects.count() == 1
    assert fresh(a).status == S.CLOSED


def test_rating_after_the_rating_window_is_refused(drive, world, clock):
    item = drive.single()
    a = drive.lead(item)
    drive.replied_and_passed(a)
    clock.set(at(2024, 3, 20, 9))
    with pytest.raises(ConflictError, match="评价期限已于 2024-03-19 届满"):
        drive.rate(a, "unsatisfied", comment="太慢")
    assert not Rating.objects.exists()


# --- supervision and escalation ------------------------------------------------------------------


def test_supervision_notifies_units(drive, world, django_capture_on_commit_callbacks):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.dept2])
    a1 = item.assignments.get(unit=world.dept1)
    drive.replied_and_passed(a1)
    drive.rate(a1, "satisfied")
    with pytest.raises(PermissionDeniedError):
        loop.item_supervise(item_id=item.pk, actor=world.member, note="请加快")
    with pytest.raises(ServiceError, match="请填写督办意见"):
        loop.item_supervise(item_id=item.pk, actor=world.leader, note="")

    with django_capture_on_commit_callbacks(execute=True):
        sup = loop.item_supervise(item_id=item.pk, actor=world.leader, note="请于本月底前落实")
    assert sup.leader == world.leader.leader
    assert fresh(item).is_supervised
    told = set(Notification.objects.filter(title__startswith="督办").values_list("recipient", flat=True))
    # dept1 has finished its share; only dept2 still has work to speed up
    assert told == {world.unit_user(world.dept2).pk}
    assert Supervision.objects.count() == 1


def test_escalation_goes_community_to_street_to_district_queue(drive, world, django_capture_on_commit_callbacks):
    item = drive.single(world.community_unit)
    a = drive.lead(item, world.community_unit)
    with pytest.raises(PermissionDeniedError):
        loop.assignment_escalate(assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="超出职权")
    with pytest.raises(PermissionDeniedError):
        loop.assignment_escalate(assignment_id=a.pk, actor=world.member, reason="超出职权", auto=True)

    pending = loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.community_unit), until=at(2024, 3, 22).date(), reason="需调查"
    )
    street = loop.assignment_escalate(
        assignment_id=a.pk, actor=world.unit_user(world.community_unit), reason="超出村居职权"
    )
    assert fresh(pending).status == Request.Status.WITHDRAWN
    assert (street.unit, street.status, street.role) == (world.street_unit, S.NEW, Assignment.Role.LEAD)
    assert (fresh(a).status, fresh(a).successor) == (S.ESCALATED, street)
    entry = AuditEntry.objects.get(action="escalate")
    assert (entry.from_state, entry.to_state, entry.data) == (S.NEW, S.ESCALATED, {"to": "张槎街道办"})

    drive.sign(street)
    with django_capture_on_commit_callbacks(execute=True):
        last = loop.assignment_escalate(
            assignment_id=street.pk, actor=world.unit_user(world.street_unit), reason="需区级统筹"
        )
    assert last is None
    item = fresh(item)
    assert (item.status, item.escalated_to_district) == (Item.Status.PENDING, True)
    assert AuditEntry.objects.filter(action="escalate").last().from_state == S.SIGNED
    told = set(Notification.objects.filter(title__startswith="上报至区级").values_list("recipient", flat=True))
    assert told == {world.office.pk, world.office2.pk}


def test_auto_escalation_of_urgent_overdue(drive, world, clock):
    item = drive.single(world.community_unit, kind="urgent")
    a = drive.lead(item, world.community_unit)
    assert a.reply_due_at == at(2024, 3, 4, 11)  # two hours
    clock.set(at(2024, 3, 4, 10, 59))
    assert loop.scan_deadlines()["escalated"] == 0

    clock.set(at(2024, 3, 4, 11, 1))
    counts = loop.scan_deadlines()
    assert (counts["overdue"], counts["escalated"]) == (1, 1)
    a = fresh(a)
    assert (a.status, a.is_overdue, a.successor.unit) == (S.ESCALATED, True, world.street_unit)
    # the street gets a fresh two hours
    assert a.successor.reply_due_at == at(2024, 3, 4, 13, 1)
    entry = AuditEntry.objects.get(action="escalate_auto")
    assert (entry.actor, entry.actor_label, entry.from_state) == (None, "系统", S.NEW)
    assert loop.scan_deadlines()["escalated"] == 0


def test_urgent_kind_keeps_its_own_rule_after_the_default_rule_exists(drive, world):
    drive.single()  # creates the channel's default rule row first
    item = drive.single(kind="urgent")
    assert drive.lead(item).reply_due_at == at(2024, 3, 4, 11)


# --- the periodic scan ---------------------------------------------------------------------------


def test_overdue_flag_after_clock_moves(drive, world, clock):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    clock.set(at(2024, 3, 18, 23, 59))
    loop.scan_deadlines()
    assert not fresh(a).is_overdue
    clock.set(at(2024, 3, 19, 0, 0))
    assert loop.scan_deadlines()["overdue"] == 1
    assert fresh(a).is_overdue and fresh(item).is_overdue
    entry = AuditEntry.objects.get(action="overdue")
    assert (entry.actor_label, entry.from_state, entry.to_state) == ("系统", S.SIGNED, S.SIGNED)


def test_scan_is_idempotent(drive, world, clock, django_capture_on_commit_callbacks):
    from xieshang.handling.models import ReminderLog

    item = drive.single()
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)

    def scan_twice():
        with django_capture_on_commit_callbacks(execute=True):
            first = loop.scan_deadlines()
        with django_capture_on_commit_callbacks(execute=True):
            second = loop.scan_deadlines()
        return first, second

    clock.set(at(2024, 3, 6, 9))  # not signed for by the end of 5 March
    first, second = scan_twice()
    assert (first["reminded"], second["reminded"]) == (1, 0)
    clock.set(at(2024, 3, 17, 9))  # reply due within 2 days
    drive.sign(a)
    first, second = scan_twice()
    assert (first["reminded"], second["reminded"]) == (1, 0)
    clock.set(at(2024, 3, 19, 9))
    first, second = scan_twice()
    assert (first["overdue"], second["overdue"]) == (1, 0)

    titles = sorted(Notification.objects.filter(recipient=staff).values_list("title", flat=True))
    assert titles == sorted([f"请尽快签收：{item.title}", f"即将到期：{item.title}", f"已超期：{item.title}"])
    assert Notification.objects.filter(recipient=world.office, title__startswith="已超期").count() == 1
    assert ReminderLog.objects.count() == 3
    assert AuditEntry.objects.filter(action="overdue").count() == 1


def test_co_unit_is_reminded_of_its_opinion_window(drive, world, clock):
    from xieshang.handling.models import ReminderLog

    item = drive.accept()
    drive.assign(item, Item.Mode.JOINT, [world.dept1], [world.dept2])
    clock.set(at(2024, 3, 10, 9))
    loop.scan_deadlines()
    assert ReminderLog.objects.get(kind=ReminderLog.Kind.OPINION_SOON).assignment.unit == world.dept2


def test_unrated_reply_closes_after_rating_window(drive, world, clock, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.replied_and_passed(a)
    clock.set(at(2024, 3, 19, 23, 0))
    assert loop.scan_deadlines()["closed_unrated"] == 0
    clock.set(at(2024, 3, 20, 0, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert loop.scan_deadlines()["closed_unrated"] == 1
    a, item = fresh(a), fresh(item)
    assert (a.status, item.status, item.closed_at) == (S.CLOSED, Item.Status.CLOSED, at(2024, 3, 20, 0, 1))
    assert not a.ratings.exists()
    assert AuditEntry.objects.get(action="close_unrated").reason == "评价期限届满未评价，自动办结"
    assert (item.pk, "closed") in EVENTS
    assert loop.scan_deadlines()["closed_unrated"] == 0


# --- audit, permissions, conflicts, side effects -------------------------------------------------


def test_every_transition_writes_an_audit_row(drive, world, clock):
    item = drive.single()
    a = drive.lead(item)
    staff = world.unit_user(world.dept1)
    drive.sign(a)
    req = loop.assignment_request_return(assignment_id=a.pk, actor=staff, reason="非本单位职责")
    loop.request_decide(request_id=req.pk, actor=world.office, approve=False, note="维持交办")
    drive.passed(drive.reply(a))
    drive.rate(a, "unsatisfied", comment="未解决")
    drive.passed(drive.reply(a))
    drive.rate(a, "satisfied")

    rows = [(e.action, e.from_state, e.to_state, e.actor_id) for e in thread(item)]
    office, member, unit = world.office.pk, world.member.pk, staff.pk
    assert rows == [
        ("accept", "", "pending", member),
        ("assign", "pending", "handling", office),
        ("sign", "new", "signed", unit),
        ("request_return", "signed", "return_requested", unit),
        ("return_refused", "return_requested", "signed", office),
        ("reply", "signed", "replied", unit),
        ("review_pass", "replied", "awaiting_rating", office),
        ("rehandle", "awaiting_rating", "signed", member),
        ("reply", "signed", "replied", unit),
        ("review_pass", "replied", "awaiting_rating", office),
        ("rate", "awaiting_rating", "awaiting_rating", member),
        ("close", "awaiting_rating", "closed", member),
        ("item_close", "replied", "closed", None),
    ]
    by_action = {e.action: e for e in thread(item)}
    assert by_action["request_return"].reason == "非本单位职责"
    assert by_action["return_refused"].reason == "维持交办"
    assert by_action["rehandle"].reason == "未解决"
    assert by_action["assign"].actor_label == "提案委 王芳"
    assert by_action["item_close"].actor_label == "系统"


def test_permission_denied_changes_nothing(drive, world):
    item = drive.accept()
    before = (fresh(item).version, AuditEntry.objects.count())
    for who in (world.member, world.unit_user(world.dept1), world.leader, world.foreign_office, None):
        with pytest.raises(PermissionDeniedError):
            loop.item_assign(item_id=item.pk, actor=who, mode=Item.Mode.SINGLE, lead_units=[world.dept1])
    with pytest.raises(PermissionDeniedError):
        loop.item_decline(item_id=item.pk, actor=world.unit_user(world.dept1), reason="重复")
    assert (fresh(item).version, AuditEntry.objects.count()) == before
    assert not Assignment.objects.exists()

    drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    a = drive.lead(item)
    before = (fresh(item).version, fresh(a).version, AuditEntry.objects.count())
    other = world.unit_user(world.dept2)
    with pytest.raises(PermissionDeniedError):
        loop.assignment_sign(assignment_id=a.pk, actor=other)
    with pytest.raises(PermissionDeniedError):
        loop.assignment_request_return(assignment_id=a.pk, actor=other, reason="非本单位")
    with pytest.raises(PermissionDeniedError):
        loop.assignment_reassign(assignment_id=a.pk, actor=other, unit=world.dept2, reason="我来办")
    with pytest.raises(PermissionDeniedError):
        loop.assignment_escalate(assignment_id=a.pk, actor=other, reason="上报")
    assert (fresh(item).version, fresh(a).version, AuditEntry.objects.count()) == before
    assert (fresh(a).status, Request.objects.count()) == (S.NEW, 0)


def test_stale_version_is_a_conflict_and_changes_nothing(drive, world):
    item = drive.accept()
    stale = item.version
    loop.item_supervise(item_id=item.pk, actor=world.leader, note="请尽快交办")  # bumps the version
    with pytest.raises(ConflictError, match="已被他人处理"):
        loop.item_assign(
            item_id=item.pk, actor=world.office, mode=Item.Mode.SINGLE, lead_units=[world.dept1], expected_version=stale
        )
    assert not Assignment.objects.exists()
    assert fresh(item).status == Item.Status.PENDING

    drive.assign(fresh(item), Item.Mode.SINGLE, [world.dept1])
    a = drive.lead(item)
    seen = a.version
    loop.assignment_request_extension(
        assignment_id=a.pk, actor=world.unit_user(world.dept1), until=at(2024, 3, 25).date(), reason="需协调"
    )
    drive.sign(a)
    with pytest.raises(ConflictError, match="已被他人处理"):
        loop.assignment_request_return(
            assignment_id=a.pk, actor=world.unit_user(world.dept1), reason="非本单位", expected_version=seen
        )
    assert fresh(a).status == S.SIGNED
    assert not Request.objects.filter(kind=Request.Kind.RETURN).exists()


def test_declined_item_leaves_the_queue_with_a_reason(drive, world, django_capture_on_commit_callbacks):
    item = drive.accept()
    with pytest.raises(ServiceError, match="请填写不予受理的理由"):
        loop.item_decline(item_id=item.pk, actor=world.office, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        loop.item_decline(item_id=item.pk, actor=world.office, reason="属于诉讼事项")
    item = fresh(item)
    assert (item.status, item.closed_at) == (Item.Status.DECLINED, at(2024, 3, 4))
    assert (item.pk, "declined") in EVENTS
    with pytest.raises(ConflictError):
        drive.assign(item, Item.Mode.SINGLE, [world.dept1])


def test_notifications_and_email_on_commit(drive, world, django_capture_on_commit_callbacks):
    item = drive.accept()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    # nothing leaves before the transaction commits
    assert not Notification.objects.exists()
    assert mail.outbox == []
    assert len(callbacks) == 2  # the units' notice and the channel's 'assigned' hook

    # the e-mail copy is itself queued for after the notice's commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    staff = world.unit_user(world.dept1)
    note = Notification.objects.get()
    assert (note.recipient, note.title, note.url) == (staff, f"新交办事项：{item.title}", f"/handling/items/{item.pk}/")
    assert note.body == "请于 2024-03-05 前签收。"
    assert [(m.to, m.subject) for m in mail.outbox] == [([staff.email], f"[协商] 新交办事项：{item.title}")]
    assert (item.pk, "assigned") in EVENTS


def test_a_failing_channel_hook_does_not_undo_the_change(drive, world, django_capture_on_commit_callbacks, monkeypatch):
    from xieshang.handling import registry

    def broken(item, event):
        raise RuntimeError("channel down")

    monkeypatch.setattr(registry.get("looptest"), "on_event", broken)
    item = drive.accept()
    with django_capture_on_commit_callbacks(execute=True):
        drive.assign(item, Item.Mode.SINGLE, [world.dept1])
    assert fresh(item).status == Item.Status.HANDLING
    assert Notification.objects.filter(recipient=world.unit_user(world.dept1)).count() == 1


def test_reassign_moves_the_matter_and_tells_both_units(drive, world, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    with pytest.raises(ServiceError, match="请填写改派理由"):
        loop.assignment_reassign(assignment_id=a.pk, actor=world.office, unit=world.dept2, reason="")
    with pytest.raises(ServiceError, match="已在办理"):
        loop.assignment_reassign(assignment_id=a.pk, actor=world.office, unit=world.dept1, reason="原单位")
    with django_capture_on_commit_callbacks(execute=True):
        new = loop.assignment_reassign(assignment_id=a.pk, actor=world.office, unit=world.dept2, reason="属教育局职责")
    a = fresh(a)
    assert (a.status, a.successor, new.unit, new.status) == (S.WITHDRAWN, new, world.dept2, S.NEW)
    assert fresh(item).due_at == new.reply_due_at
    titles = dict(Notification.objects.values_list("recipient", "title"))
    assert titles == {
        world.unit_user(world.dept2).pk: f"新交办事项：{item.title}",
        world.unit_user(world.dept1).pk: f"事项已改派：{item.title}",
    }
    with pytest.raises(ConflictError):
        drive.reply(a)


def test_unknown_records_are_not_found(drive, world):
    from xieshang.core.errors import NotFoundError

    with pytest.raises(NotFoundError, match="未找到该事项"):
        loop.item_assign(item_id=999999, actor=world.office, mode=Item.Mode.SINGLE, lead_units=[world.dept1])
    with pytest.raises(NotFoundError, match="未找到该交办记录"):
        loop.assignment_sign(assignment_id=999999, actor=world.unit_user(world.dept1))
    with pytest.raises(NotFoundError, match="未找到该申请"):
        loop.request_decide(request_id=999999, actor=world.office, approve=True)
    with pytest.raises(NotFoundError, match="未找到该答复"):
        loop.reply_review(reply_id=999999, actor=world.office, passed=True)


def test_adopted_count_must_be_a_whole_number(drive, world):
    a = drive.lead(drive.single())
    drive.sign(a)
    for bad in ("3", 101, True, 2.5):
        with pytest.raises(ServiceError, match="采纳建议条数"):
            drive.reply(a, adopted_count=bad)
    assert drive.reply(a, adopted_count=3).adopted_count == 3


def test_auto_escalation_waits_for_a_pending_return_decision(drive, world, clock):
    item = drive.single(world.community_unit, kind="urgent")
    a = drive.lead(item, world.community_unit)
    req = loop.assignment_request_return(
        assignment_id=a.pk, actor=world.unit_user(world.community_unit), reason="非本社区范围"
    )
    clock.set(at(2024, 3, 4, 11, 30))
    assert loop.scan_deadlines()["escalated"] == 0
    assert fresh(a).status == S.RETURN_REQUESTED
    loop.request_decide(request_id=req.pk, actor=world.office, approve=False, note="属本社区")
    assert loop.scan_deadlines() == {"reminded": 0, "overdue": 0, "escalated": 1, "closed_unrated": 0}
    assert fresh(a).successor.unit == world.street_unit
    assert loop.scan_deadlines()["escalated"] == 0


def test_share_escalated_to_the_district_is_passed_on_by_the_office(drive, world):
    item = drive.accept()
    drive.assign(item, Item.Mode.SPLIT, [world.dept1, world.street_unit])
    share = item.assignments.get(unit=world.street_unit)
    loop.assignment_escalate(assignment_id=share.pk, actor=world.unit_user(world.street_unit), reason="需区级统筹")
    item = fresh(item)
    assert (item.status, item.escalated_to_district) == (Item.Status.HANDLING, True)
    new = loop.assignment_reassign(assignment_id=share.pk, actor=world.office, unit=world.dept2, reason="由教育局办理")
    assert (fresh(share).status, new.unit) == (S.ESCALATED, world.dept2)
    with pytest.raises(ConflictError, match="该记录已处理"):
        loop.assignment_reassign(assignment_id=share.pk, actor=world.office, unit=world.dept3, reason="再改派")


def test_double_submitted_supervision_and_contact_are_recorded_once(drive, world, django_capture_on_commit_callbacks):
    item = drive.single()
    a = drive.lead(item)
    drive.sign(a)
    with django_capture_on_commit_callbacks(execute=True):
        first = loop.item_supervise(item_id=item.pk, actor=world.leader, note="请本周内答复")
        again = loop.item_supervise(item_id=item.pk, actor=world.leader, note="请本周内答复")
    assert again == first
    assert Notification.objects.filter(title__startswith="督办").count() == 1
    staff = world.unit_user(world.dept1)
    c1 = loop.assignment_record_contact(assignment_id=a.pk, actor=staff, method="phone", happened_at=at(2024, 3, 4, 8))
    c2 = loop.assignment_record_contact(assignment_id=a.pk, actor=staff, method="phone", happened_at=at(2024, 3, 4, 8))
    assert c1 == c2 and a.contacts.count() == 1
    assert AuditEntry.objects.filter(action__in=("supervise", "contact")).count() == 2


def test_supervision_names_only_a_leader_of_the_committee(drive, world):
    from xieshang.organisations.models import Leader

    item = drive.single()
    outsider = Leader.objects.create(committee=world.other_committee, name="王强", title="副区长")
    with pytest.raises(ServiceError, match="不属于本委员会"):
        loop.item_supervise(item_id=item.pk, actor=world.office, note="请加快", leader=outsider)
    assert not Supervision.objects.exists()
    sup = loop.item_supervise(item_id=item.pk, actor=world.office, note="请加快", leader=world.leader.leader)
    assert sup.created_by == world.office
