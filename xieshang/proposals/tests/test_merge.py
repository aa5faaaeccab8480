import pytest

from xieshang.core.errors import ConflictError, ServiceError
from xieshang.core.models import AuditEntry, Notification
from xieshang.handling.models import Item, Rating
from xieshang.proposals import services as ps
from xieshang.proposals.models import Proposal

from .test_services import handle_to_reply


def test_merge_keeps_the_original_and_every_proposer_rates_the_one_reply(w, run, filed, submitted):
    lead = filed(0)
    other = filed(1, title="关于老旧小区电梯加装补贴的建议")
    fresh = submitted(3, title="关于推进加装电梯的提案")
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk, note="同一事项")
    run(ps.proposal_merge, actor=w.office, proposal_id=fresh.pk, lead_id=lead.pk)
    other.refresh_from_db()
    fresh.refresh_from_db()
    assert other.merged_into == lead and other.status == Proposal.Status.FILED and other.item is None
    assert fresh.number == 3 and fresh.merged_into == lead
    # The merged proposal's own item left the queue; one item is left to assign.
    assert Item.objects.filter(channel="proposal").exclude(status="declined").count() == 1
    assert Notification.objects.filter(recipient=w.member_user(1), title__contains="并案").exists()
    assert Notification.objects.filter(recipient=w.member_user(0), title__contains="并案").exists()
    assert AuditEntry.objects.filter(thread=f"proposal:{lead.pk}", action="merge_lead").count() == 2

    a = handle_to_reply(w, run, lead)
    for i in (0, 1, 3):
        assert Notification.objects.filter(recipient=w.member_user(i), title__contains="请评价").exists()
    keys = {r.key for r in ps.raters_for_item(a.item)}
    assert keys == {f"user:{w.member_user(0).pk}", f"user:{w.member_user(1).pk}", f"user:{w.hk.user.pk}"}
    for user in (w.member_user(0), w.member_user(1)):
        run(ps.proposal_rate, actor=user, assignment_id=a.pk, value="satisfied")
    other.refresh_from_db()
    assert other.handling == "replied"
    run(ps.proposal_rate, actor=w.hk.user, assignment_id=a.pk, value="basic")
    for p in (lead, other, fresh):
        p.refresh_from_db()
        assert p.handling == "closed"
    assert Rating.objects.filter(assignment=a).count() == 3


def test_unmerge_gives_the_proposal_its_own_item_and_tells_everyone(w, run, filed):
    lead, other = filed(0), filed(1)
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk)
    with pytest.raises(ServiceError, match="理由"):
        ps.proposal_unmerge(actor=w.office, proposal_id=other.pk, note="")
    other = run(ps.proposal_unmerge, actor=w.office, proposal_id=other.pk, note="并案不当")
    assert other.merged_into is None and other.item.status == Item.Status.PENDING
    assert other.number == 2  # the number stays
    assert Notification.objects.filter(recipient=w.member_user(1), title__contains="解除并案").exists()
    assert Notification.objects.filter(recipient=w.member_user(0), title__contains="解除并案").exists()
    # Both are handled and rated separately now.
    for p, member in ((lead, 0), (other, 1)):
        a = handle_to_reply(w, run, p)
        run(ps.proposal_rate, actor=w.member_user(member), assignment_id=a.pk, value="satisfied")
        p.refresh_from_db()
        assert p.handling == "closed"


def test_merge_refused_into_a_merged_proposal_or_after_reply(w, run, filed):
    lead, other, third = filed(0), filed(1), filed(2)
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk)
    with pytest.raises(ServiceError, match="主案"):
        ps.proposal_merge(actor=w.office, proposal_id=third.pk, lead_id=other.pk)
    with pytest.raises(ServiceError, match="主案"):
        ps.proposal_merge(actor=w.office, proposal_id=lead.pk, lead_id=third.pk)
    handle_to_reply(w, run, lead)
    with pytest.raises(ConflictError):
        ps.proposal_merge(actor=w.office, proposal_id=third.pk, lead_id=lead.pk)
    with pytest.raises(ConflictError):
        ps.proposal_unmerge(actor=w.office, proposal_id=other.pk, note="晚了")


def test_proposal_page_links_only_what_the_reader_may_open(client, w, run, filed):
    """A proposer of a merged proposal sees its handling on the page, without links to the group's
    other proposals or to the loop's item page, which would be 'not found' for them."""
    from django.urls import reverse

    lead, other = filed(0), filed(1)
    run(ps.proposal_merge, actor=w.office, proposal_id=other.pk, lead_id=lead.pk)
    handle_to_reply(w, run, lead)
    lead.refresh_from_db()
    lead_url = reverse("proposals:detail", args=[lead.pk])
    item_url = reverse("handling:item", args=[lead.item_id])

    client.force_login(w.member_user(1))
    page = client.get(reverse("proposals:detail", args=[other.pk])).content.decode()
    assert "办理情况" in page and lead.number_label in page
    assert f'href="{lead_url}"' not in page and f'href="{item_url}"' not in page
    for href in (lead_url, item_url):
        assert client.get(href).status_code == 404

    client.force_login(w.office)
    page = client.get(reverse("proposals:detail", args=[other.pk])).content.decode()
    assert f'href="{lead_url}"' in page and f'href="{item_url}"' in page
