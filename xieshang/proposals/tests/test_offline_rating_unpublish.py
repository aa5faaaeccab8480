"""The office records a proposer's offline rating on the proposal page, and withdraws a published reply."""

from xieshang.core.models import AuditEntry
from xieshang.handling.models import Rating
from xieshang.proposals import services as ps
from xieshang.proposals.models import PublishedReply

from .conftest import CONTENT
from .test_services import handle_to_reply


def _offline_proposal(w, run):
    """A paper proposal entered by staff for a member without an account, co-signed by member 0, replied."""
    p = run(ps.proposal_save_draft, actor=w.office, data=CONTENT, on_behalf_of=w.offline)
    run(ps.proposal_submit, actor=w.office, proposal_id=p.pk)
    p = run(ps.proposal_file, actor=w.office, proposal_id=p.pk)
    return p, handle_to_reply(w, run, p)


def test_office_records_the_rating_of_an_offline_member_on_the_page(client, w, run, django_capture_on_commit_callbacks):
    p, a = _offline_proposal(w, run)
    client.force_login(w.office)
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "评价人：赵委员（提案人线下评价，由工作人员代为录入）" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            f"/proposals/{p.pk}/act/rate/",
            {"assignment": a.pk, "rater": f"member:{w.offline.pk}", "value": "basic"},
            follow=True,
        )
    assert "评价已提交" in r.content.decode()
    rating = Rating.objects.get()
    assert (rating.rater_label, rating.value, rating.recorded_by) == ("赵委员", "basic", w.office)
    p.refresh_from_db()
    assert p.handling == "closed"
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "赵委员：基本满意（工作人员代录）" in page and 'name="rater"' not in page


def test_office_records_a_paper_rating_for_a_member_with_an_account(client, w, run, filed):
    p = filed(0)
    a = handle_to_reply(w, run, p)
    client.force_login(w.office)
    assert "评价人：张委员（提案人线下评价" in client.get(f"/proposals/{p.pk}/").content.decode()
    client.post(
        f"/proposals/{p.pk}/act/rate/",
        {"assignment": a.pk, "rater": f"user:{w.member_user(0).pk}", "value": "satisfied"},
    )
    assert Rating.objects.get().recorded_by == w.office


def test_nobody_else_records_a_rating_for_a_proposer(client, w, run):
    p, a = _offline_proposal(w, run)
    for user in (w.member_user(1), w.unit_users[0], w.leader.user):
        client.force_login(user)
        page = client.get(f"/proposals/{p.pk}/")
        assert page.status_code in (200, 404)
        assert 'name="rater"' not in page.content.decode()
        client.post(
            f"/proposals/{p.pk}/act/rate/",
            {"assignment": a.pk, "rater": f"member:{w.offline.pk}", "value": "satisfied"},
        )
    # A rating with no value is refused with a message.
    client.force_login(w.office)
    r = client.post(
        f"/proposals/{p.pk}/act/rate/", {"assignment": a.pk, "rater": f"member:{w.offline.pk}"}, follow=True
    )
    assert "请选择评价" in r.content.decode()
    assert Rating.objects.count() == 0


def _published(w, run, filed):
    p = filed(0)
    a = handle_to_reply(w, run, p)
    pub = run(ps.reply_publish, actor=w.office, proposal_id=p.pk, reply_id=a.replies.get().pk)
    return p, pub


def test_office_unpublishes_a_reply_with_a_reason_and_it_is_audited(client, w, run, filed):
    p, pub = _published(w, run, filed)
    client.force_login(w.office)
    page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "撤销公开" in page and f'name="publication" value="{pub.pk}"' in page
    data = {"publication": pub.pk, "reason": "答复中涉及尚未公开的项目信息。"}
    r = client.post(f"/proposals/{p.pk}/act/unpublish/", data, follow=True)
    assert "已撤销公开" in r.content.decode()
    again = client.post(f"/proposals/{p.pk}/act/unpublish/", data, follow=True)
    assert "该答复已撤销公开" in again.content.decode()
    pub.refresh_from_db()
    assert pub.withdrawn_at is not None
    entries = AuditEntry.objects.filter(thread=f"proposal:{p.pk}", action="unpublish")
    assert [(e.reason, e.actor_id) for e in entries] == [("答复中涉及尚未公开的项目信息。", w.office.pk)]
    assert "撤销公开：答复中涉及尚未公开的项目信息。" in client.get(f"/proposals/{p.pk}/").content.decode()
    client.logout()
    assert client.get(f"/proposals/public/{pub.pk}/").status_code == 404
    assert pub.title not in client.get("/proposals/public/").content.decode()
    # Withdrawn, the reply can be published again.
    reply_id = pub.reply_id
    run(ps.reply_publish, actor=w.office, proposal_id=p.pk, reply_id=reply_id)
    assert PublishedReply.objects.filter(reply_id=reply_id, withdrawn_at__isnull=True).count() == 1


def test_unpublish_without_a_reason_or_by_anyone_else_changes_nothing(client, w, run, filed):
    p, pub = _published(w, run, filed)
    client.force_login(w.office)
    r = client.post(f"/proposals/{p.pk}/act/unpublish/", {"publication": pub.pk, "reason": "  "}, follow=True)
    assert "撤销公开的理由" in r.content.decode()
    r = client.post(f"/proposals/{p.pk}/act/unpublish/", {"publication": "x", "reason": "理由"}, follow=True)
    assert "未找到该公开答复" in r.content.decode()
    for user in (w.gov, w.leader.user, w.member_user(0)):
        client.force_login(user)
        page = client.get(f"/proposals/{p.pk}/").content.decode()
        assert 'name="publication"' not in page
        client.post(f"/proposals/{p.pk}/act/unpublish/", {"publication": pub.pk, "reason": "理由"})
    client.force_login(w.unit_users[2])
    r = client.post(f"/proposals/{p.pk}/act/unpublish/", {"publication": pub.pk, "reason": "理由"})
    assert r.status_code == 404
    pub.refresh_from_db()
    assert pub.withdrawn_at is None
    assert not AuditEntry.objects.filter(action="unpublish").exists()


def test_a_publication_of_another_proposal_is_not_withdrawn_through_this_one(client, w, run, filed):
    _, pub = _published(w, run, filed)
    other = filed(1, title="关于另一件事的建议")
    client.force_login(w.office)
    r = client.post(f"/proposals/{other.pk}/act/unpublish/", {"publication": pub.pk, "reason": "理由"}, follow=True)
    assert "未找到该公开答复" in r.content.decode()
    pub.refresh_from_db()
    assert pub.withdrawn_at is None
