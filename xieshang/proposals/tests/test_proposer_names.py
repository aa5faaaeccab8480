"""A list names the proposers who count, joined with 、 and no separator after the last."""

from xieshang.proposals import services as ps

from .conftest import CONTENT


def test_my_proposals_list_names_proposers_without_a_trailing_separator(client, w, run):
    author = w.member_user(0)
    p = run(ps.proposal_save_draft, actor=author, data=CONTENT)
    # Two co-signers named: one confirms, the last one has not answered yet.
    run(ps.proposal_set_cosigners, actor=author, proposal_id=p.pk, member_ids=[w.members[1].pk, w.members[2].pk])
    run(ps.proposal_cosign, actor=w.member_user(1), proposal_id=p.pk, agree=True)
    client.force_login(author)
    html = client.get("/proposals/").content.decode()
    assert '<td data-label="提案人">张委员、李委员</td>' in html
    assert "李委员、<" not in html


def test_single_proposer_has_no_separator(client, w, run):
    run(ps.proposal_save_draft, actor=w.member_user(0), data=CONTENT)
    client.force_login(w.member_user(0))
    assert '<td data-label="提案人">张委员</td>' in client.get("/proposals/").content.decode()
