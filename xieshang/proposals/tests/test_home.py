"""A member's and the proposals office's home: each card's figure is the number of rows it opens."""

import re

from django.urls import reverse

from xieshang.proposals import services as ps

from .conftest import CONTENT


def _cards(html: str) -> dict[str, tuple[int, str]]:
    found = re.findall(r'<a class="stat[^"]*" href="([^"]+)"><b>(\d+)</b><span>([^<]+)</span></a>', html)
    return {label: (int(n), url.replace("&amp;", "&")) for url, n, label in found}


def test_member_home_counts_drafts_and_cosign_requests_as_their_lists_show(client, w, run, submitted):
    author, cosigner = w.member_user(0), w.member_user(1)
    run(ps.proposal_save_draft, actor=author, data={**CONTENT, "title": "关于草稿一的建议"})
    p = run(ps.proposal_save_draft, actor=author, data={**CONTENT, "title": "关于草稿二的建议"})
    run(ps.proposal_set_cosigners, actor=author, proposal_id=p.pk, member_ids=[w.members[1].pk])
    run(ps.proposal_submit, actor=author, proposal_id=p.pk)  # now waits for the co-signer
    submitted(0, title="关于已提交提案的建议")
    client.force_login(author)
    cards = _cards(client.get(reverse("core:home")).content.decode())
    n, url = cards["草稿待完成"]
    assert n == 1
    html = client.get(url).content.decode()
    rows = html.count('<td data-label="案号">')
    assert rows == 1 and "关于草稿一的建议" in html and "关于已提交提案的建议" not in html
    client.force_login(cosigner)
    cards = _cards(client.get(reverse("core:home")).content.decode())
    n, url = cards["待确认的联名邀请"]
    assert n == 1
    html = client.get(url).content.decode()
    section = html.split('id="cosign"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li><a ") == 1 and "关于草稿二的建议" in section
    assert cards["草稿待完成"][0] == 0


def test_proposals_office_home_counts_the_proposals_to_review(client, w, submitted, filed):
    submitted(0, title="关于待审查一的建议")
    submitted(1, title="关于待审查二的建议")
    filed(2, title="关于已立案提案的建议")
    client.force_login(w.office)
    cards = _cards(client.get(reverse("core:home")).content.decode())
    n, url = cards["待审查的提案"]
    assert n == 2
    html = client.get(url).content.decode()
    assert "关于待审查一的建议" in html and "关于待审查二的建议" in html
