import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xieshang.core.errors import ConflictError, PermissionDeniedError, ServiceError
from xieshang.core.models import AuditEntry, Notification
from xieshang.handling import services as loop
from xieshang.handling.models import Assignment, Item, Rating, Reply
from xieshang.proposals import services as ps
from xieshang.proposals.models import NumberCounter, Proposal
from xieshang.proposals.selectors import adoptable

from .conftest import CONTENT

St = Proposal.Status


def handle_to_reply(w, run, lead, *, mode="single", category="B", adopted=2):
    """交办 → 签收 → (会办意见) → 沟通 → 答复 → 审核通过; returns the lead assignment."""
    co = [w.units[1].pk] if mode == "joint" else []
    run(
        ps.proposal_assign,
        actor=w.office,
        proposal_id=lead.pk,
        mode=mode,
        lead_unit_ids=[w.units[0].pk],
        co_unit_ids=co,
    )
    lead.refresh_from_db()
    item = Item.objects.get(pk=lead.item_id)
    for a in item.assignments.all():
        staff = w.unit_users[w.units.index(a.unit)]
        run(loop.assignment_sign, assignment_id=a.pk, actor=staff)
        if a.role == "co":
            run(loop.co_opinion_send, assignment_id=a.pk, actor=staff, body="同意主办单位意见，财政予以支持。")
    a = item.assignments.get(role="lead")
    run(
        loop.assignment_record_contact,
        assignment_id=a.pk,
        actor=w.unit_users[0],
        method="meeting",
        happened_at=timezone.now(),
    )
    reply = run(
        loop.assignment_reply,
        assignment_id=a.pk,
        actor=w.unit_users[0],
        body="已列入计划，电话 13800138000。",
        category=category,
        # the unit ticks the first ``adopted`` of the suggestions the reply form offers
        adopted=[pk for pk, _label in adoptable(item)][:adopted],
    )
    run(loop.reply_review, reply_id=reply.pk, actor=w.office, passed=True)
    return Assignment.objects.get(pk=a.pk)


def test_member_drafts_and_submits_an_individual_plenary_proposal(w, run):
    user = w.member_user(0)
    p = run(ps.proposal_save_draft, actor=user, data=CONTENT)
    assert p.status == St.DRAFT and p.suggestion_count == 3
    p = run(ps.proposal_submit, actor=user, proposal_id=p.pk)
    assert p.status == St.SUBMITTED and p.kind == Proposal.Kind.PLENARY and p.session == w.session
    assert Notification.objects.filter(recipient=w.office, title__contains="新提案待审查").exists()


def test_outside_the_session_window_it_is_a_regular_proposal(w, run):
    w.session.proposals_until = timezone.localdate() - dt.timedelta(days=1)
    w.session.save()
    p = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    p = run(ps.proposal_submit, actor=w.member_user(0), proposal_id=p.pk)
    assert p.kind == Proposal.Kind.REGULAR


def test_incomplete_proposal_is_refused_with_what_is_missing(w, run):
    p = run(ps.proposal_save_draft, actor=w.member_user(0), data={**CONTENT, "analysis": ""})
    with pytest.raises(ServiceError, match="分析"):
        ps.proposal_submit(actor=w.member_user(0), proposal_id=p.pk)
    p = run(ps.proposal_save_draft, actor=w.member_user(0), data={**CONTENT, "declared": False})
    with pytest.raises(ServiceError, match="诚信声明"):
        ps.proposal_submit(actor=w.member_user(0), proposal_id=p.pk)
    assert Proposal.objects.filter(status=St.SUBMITTED).count() == 0


def test_double_submitted_draft_form_creates_one_draft(w, run):
    token = "6f1c6a57-2f7c-4b1d-9a55-0e1df4c7a111"
    a = ps.proposal_save_draft(actor=w.member_user(0), data=CONTENT, token=token)
    b = ps.proposal_save_draft(actor=w.member_user(0), data=CONTENT, token=token)
    assert a.pk == b.pk and Proposal.objects.count() == 1


def test_joint_proposal_stays_a_draft_until_every_cosigner_confirms(w, run):
    first, second = w.member_user(0), w.member_user(1)
    p = run(ps.proposal_save_draft, actor=first, data=CONTENT)
    run(ps.proposal_set_cosigners, actor=first, proposal_id=p.pk, member_ids=[w.members[1].pk, w.members[2].pk])
    p = run(ps.proposal_submit, actor=first, proposal_id=p.pk)
    assert p.status == St.COSIGNING and p.proposer_kind == "joint"
    assert "王委员" in ps.cosign_status_message(p) and "李委员" in ps.cosign_status_message(p)
    assert Notification.objects.filter(recipient=second, title__contains="请确认联名").exists()
    p = run(ps.proposal_cosign, actor=second, proposal_id=p.pk, agree=True)
    assert p.status == St.COSIGNING and ps.cosign_status_message(p).startswith("尚有 1 位")
    with pytest.raises(ConflictError):
        ps.proposal_cosign(actor=second, proposal_id=p.pk, agree=True)
    p = run(ps.proposal_cosign, actor=w.member_user(2), proposal_id=p.pk, agree=True)
    assert p.status == St.SUBMITTED and p.submitted_at is not None


def test_a_member_who_is_not_named_cannot_confirm(w, run):
    p = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    run(ps.proposal_set_cosigners, actor=w.member_user(0), proposal_id=p.pk, member_ids=[w.members[1].pk])
    with pytest.raises(ServiceError):
        ps.proposal_cosign(actor=w.hk.user, proposal_id=p.pk, agree=True)


def test_filing_numbers_per_session_and_never_reuses(w, run, submitted):
    a, b = submitted(0), submitted(1)
    a = run(ps.proposal_file, actor=w.office, proposal_id=a.pk)
    b = run(ps.proposal_file, actor=w.office, proposal_id=b.pk)
    assert (a.number, b.number) == (1, 2)
    assert a.number_label == "第五届第三次会议第0001号"
    assert a.item.channel == "proposal" and a.item.status == Item.Status.PENDING and a.handling == "pending"
    assert NumberCounter.objects.get(session=w.session).last == 2


def test_reviewing_twice_files_once(w, run, submitted):
    p = submitted()
    run(ps.proposal_file, actor=w.office, proposal_id=p.pk)
    with pytest.raises(ConflictError):
        ps.proposal_file(actor=w.office, proposal_id=p.pk)
    with pytest.raises(ConflictError):
        ps.proposal_not_file(actor=w.office, proposal_id=p.pk, ground="vague", note="x")
    assert Item.objects.filter(channel="proposal").count() == 1
    assert NumberCounter.objects.get(session=w.session).last == 1


def test_only_the_proposals_office_reviews(w, run, submitted):
    p = submitted()
    for actor in (w.gov, w.info, w.member_user(0), w.unit_users[0], w.leader.user):
        with pytest.raises(PermissionDeniedError):
            ps.proposal_file(actor=actor, proposal_id=p.pk)


def test_not_filed_needs_a_statutory_ground_and_tells_the_proposer(w, run, submitted):
    p = submitted()
    with pytest.raises(ServiceError, match="理由"):
        ps.proposal_not_file(actor=w.office, proposal_id=p.pk, ground="dislike", note="x")
    p = run(ps.proposal_not_file, actor=w.office, proposal_id=p.pk, ground="personal", note="属于个人私事。")
    assert p.status == St.NOT_FILED and p.number is None
    note = Notification.objects.get(recipient=w.member_user(0), title__contains="不予立案")
    assert "涉及个人或家庭私事" in note.body


def test_return_for_revision_then_resubmit(w, run, submitted):
    p = submitted()
    p = run(ps.proposal_return, actor=w.office, proposal_id=p.pk, note="请补充数据。")
    assert p.status == St.RETURNED
    run(
        ps.proposal_save_draft,
        actor=w.member_user(0),
        proposal_id=p.pk,
        data={**CONTENT, "analysis": "补充：全区 1200 栋。"},
    )
    p = run(ps.proposal_submit, actor=w.member_user(0), proposal_id=p.pk)
    assert p.status == St.SUBMITTED


def test_convert_to_suggestion(w, run, submitted):
    p = run(ps.proposal_to_suggestion, actor=w.office, proposal_id=submitted().pk, note="宜作为意见建议转有关部门。")
    assert p.status == St.SUGGESTION


def test_opinion_conversion_needs_the_proposers_consent(w, run, submitted):
    calls = []

    def hook(p):
        return calls.append(p.pk) or "SQ-1"

    ps.register_opinion_conversion(hook)
    try:
        p = run(ps.proposal_propose_opinion, actor=w.office, proposal_id=submitted().pk, note="更适合以社情民意反映。")
        assert p.status == St.OPINION_CONSENT and calls == []
        with pytest.raises(PermissionDeniedError):
            ps.proposal_opinion_consent(actor=w.member_user(1), proposal_id=p.pk, agree=True)
        p = run(ps.proposal_opinion_consent, actor=w.member_user(0), proposal_id=p.pk, agree=False)
        assert p.status == St.SUBMITTED and p.opinion_consent is False and calls == []
        run(ps.proposal_propose_opinion, actor=w.office, proposal_id=p.pk, note="再次征求意见。")
        p = run(ps.proposal_opinion_consent, actor=w.member_user(0), proposal_id=p.pk, agree=True)
        assert p.status == St.OPINION and calls == [p.pk]
        p.refresh_from_db()
        assert p.opinion_ref == "SQ-1"
    finally:
        ps._opinion_hooks.remove(hook)


def test_full_joint_lifecycle_through_the_loop(w, run):
    first, second = w.member_user(0), w.member_user(1)
    p = run(ps.proposal_save_draft, actor=first, data=CONTENT)
    run(ps.proposal_set_cosigners, actor=first, proposal_id=p.pk, member_ids=[w.members[1].pk])
    run(ps.proposal_submit, actor=first, proposal_id=p.pk)
    run(ps.proposal_cosign, actor=second, proposal_id=p.pk, agree=True)
    p = run(ps.proposal_file, actor=w.office, proposal_id=p.pk)
    a = handle_to_reply(w, run, p, mode="joint")
    p.refresh_from_db()
    assert a.status == Assignment.Status.AWAITING_RATING and p.handling == "replied"
    run(ps.proposal_rate, actor=first, assignment_id=a.pk, value="satisfied")
    p.refresh_from_db()
    assert p.handling == "replied"
    run(ps.proposal_rate, actor=second, assignment_id=a.pk, value="satisfied")
    p.refresh_from_db()
    assert p.handling == "closed" and Item.objects.get(pk=p.item_id).status == Item.Status.CLOSED


def test_rating_by_someone_who_is_not_a_proposer_is_refused(w, run, filed):
    p = filed()
    a = handle_to_reply(w, run, p)
    with pytest.raises(PermissionDeniedError, match="提案人"):
        ps.proposal_rate(actor=w.member_user(2), assignment_id=a.pk, value="satisfied")
    with pytest.raises(PermissionDeniedError):
        ps.proposal_rate(
            actor=w.member_user(2), assignment_id=a.pk, value="satisfied", rater_key=f"user:{w.member_user(0).pk}"
        )
    assert Rating.objects.count() == 0


def test_reply_without_category_is_refused(w, run, filed):
    p = filed()
    run(ps.proposal_assign, actor=w.gov, proposal_id=p.pk, mode="single", lead_unit_ids=[w.units[0].pk])
    a = Item.objects.get(pk=p.item_id).assignments.get()
    run(loop.assignment_sign, assignment_id=a.pk, actor=w.unit_users[0])
    run(
        loop.assignment_record_contact,
        assignment_id=a.pk,
        actor=w.unit_users[0],
        method="phone",
        happened_at=timezone.now(),
    )
    with pytest.raises(ServiceError, match="答复类别"):
        loop.assignment_reply(assignment_id=a.pk, actor=w.unit_users[0], body="答复", category="")
    assert Reply.objects.count() == 0


def test_unsatisfied_rating_sends_it_back_for_rehandling(w, run, filed):
    p = filed()
    a = handle_to_reply(w, run, p)
    run(ps.proposal_rate, actor=w.member_user(0), assignment_id=a.pk, value="unsatisfied", comment="没有具体措施。")
    p.refresh_from_db()
    a.refresh_from_db()
    assert p.handling == "handling" and a.status == Assignment.Status.SIGNED and a.round == 2


def test_staff_record_a_rating_for_an_offline_member(w, run):
    # A paper proposal entered by staff for a member without an account.
    p = run(ps.proposal_save_draft, actor=w.office, data=CONTENT, on_behalf_of=w.offline)
    assert p.entered_by_staff
    run(ps.proposal_submit, actor=w.office, proposal_id=p.pk)
    p = run(ps.proposal_file, actor=w.office, proposal_id=p.pk)
    a = handle_to_reply(w, run, p)
    run(ps.proposal_rate, actor=w.office, assignment_id=a.pk, value="basic", rater_key=f"member:{w.offline.pk}")
    r = Rating.objects.get()
    assert r.recorded_by == w.office and r.rater_label == "赵委员"
    p.refresh_from_db()
    assert p.handling == "closed"


def test_assignment_by_either_office_and_not_by_units(w, run, filed):
    p = filed()
    with pytest.raises(PermissionDeniedError):
        ps.proposal_assign(actor=w.unit_users[0], proposal_id=p.pk, mode="single", lead_unit_ids=[w.units[0].pk])
    with pytest.raises(PermissionDeniedError):
        ps.proposal_assign(actor=w.info, proposal_id=p.pk, mode="single", lead_unit_ids=[w.units[0].pk])
    run(ps.proposal_assign, actor=w.gov, proposal_id=p.pk, mode="split", lead_unit_ids=[w.units[0].pk, w.units[2].pk])
    p.refresh_from_db()
    assert p.handling == "handling"
    a = Item.objects.get(pk=p.item_id).assignments.first()
    with pytest.raises(PermissionDeniedError):
        ps.proposal_reassign(actor=w.unit_users[0], assignment_id=a.pk, unit_id=w.units[1].pk, reason="不归我们")
    new = run(ps.proposal_reassign, actor=w.office, assignment_id=a.pk, unit_id=w.units[1].pk, reason="职能调整")
    assert new.unit == w.units[1]
    p.refresh_from_db()
    assert "区财政局" in p.search_text


def test_key_proposal_with_leading_leader_and_activities(w, run, filed):
    p = filed()
    run(ps.proposal_assign, actor=w.office, proposal_id=p.pk, mode="single", lead_unit_ids=[w.units[0].pk])
    kp = run(
        ps.key_proposal_set, actor=w.office, proposal_id=p.pk, decided_on=timezone.localdate(), leader_id=w.leader.pk
    )
    assert Item.objects.get(pk=p.item_id).is_supervised
    act = run(
        ps.key_activity_record,
        actor=w.office,
        key_id=kp.pk,
        kind="meeting",
        held_on=timezone.localdate(),
        note="召开督办协商会。",
    )
    assert act.key_proposal.leader == w.leader
    with pytest.raises(ConflictError):
        ps.key_proposal_set(actor=w.office, proposal_id=p.pk, decided_on=timezone.localdate())


def test_publishing_a_reply_redacts_contact_details(w, run, filed):
    p = filed()
    a = handle_to_reply(w, run, p)
    reply = a.replies.get()
    with pytest.raises(PermissionDeniedError):
        ps.reply_publish(actor=w.member_user(0), proposal_id=p.pk, reply_id=reply.pk)
    pub = run(ps.reply_publish, actor=w.office, proposal_id=p.pk, reply_id=reply.pk, extra_redactions="计划")
    assert "13800138000" not in pub.body and "计划" not in pub.body and "＊＊＊" in pub.body
    with pytest.raises(ConflictError):
        ps.reply_publish(actor=w.office, proposal_id=p.pk, reply_id=reply.pk)


def test_attachments_checked_for_type_size_and_content(w, run):
    p = run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    ok = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    att = run(ps.attachment_add, actor=w.member_user(0), proposal_id=p.pk, upload=ok)
    assert att.name == "调研报告.pdf" and att.size == len(b"%PDF-1.4 test")
    with pytest.raises(ServiceError, match="PDF"):
        ps.attachment_add(actor=w.member_user(0), proposal_id=p.pk, upload=SimpleUploadedFile("a.exe", b"MZ"))
    with pytest.raises(ServiceError, match="不符"):
        ps.attachment_add(actor=w.member_user(0), proposal_id=p.pk, upload=SimpleUploadedFile("a.png", b"%PDF"))
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ServiceError, match="10 MB"):
        ps.attachment_add(actor=w.member_user(0), proposal_id=p.pk, upload=big)
    assert p.attachments.count() == 1
    assert AuditEntry.objects.filter(thread=f"proposal:{p.pk}", action="attach").count() == 1
