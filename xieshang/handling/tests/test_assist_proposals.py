"""建议并案: the proposals office sees suggested merge groups among a session's filed, unassigned
proposals; a member drafting sees proposals about the same matter."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from xieshang.handling import assist
from xieshang.proposals import selectors
from xieshang.proposals import services as ps
from xieshang.proposals.tests.conftest import CONTENT, filed, run, submitted, w  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path: Path):
    settings.XIESHANG_MODEL_DIR = tmp_path / "models"
    assist.forget_indexes()


LIFT = [
    ("关于加快老旧小区加装电梯的建议", "老旧小区老人上下楼难，建议加快加装电梯审批，设立加装电梯补贴。"),
    ("关于推进既有住宅加装电梯的提案", "既有住宅加装电梯推进慢，建议简化审批，财政补贴加装电梯。"),
    ("老旧小区加装电梯要提速", "建议对老旧小区加装电梯给予补贴，简化加装电梯审批流程。"),
]
NIGHT = [
    ("关于发展夜间经济的建议", "建议延长商业街夜间营业时间，打造夜间经济消费街区。"),
    ("关于繁荣夜间经济的提案", "发展夜间经济，建议打造夜市消费街区，延长夜间营业时间。"),
]


def test_office_sees_merge_groups_of_filed_unassigned_proposals(client, w, filed):  # noqa: F811
    lift = [filed(i % 3, title=t, situation=t, suggestions=s) for i, (t, s) in enumerate(LIFT)]
    night = [filed(i % 3, title=t, situation=t, suggestions=s) for i, (t, s) in enumerate(NIGHT)]
    filed(0, title="关于加强校园食品安全的建议", situation="食堂", suggestions="建议加强学校食堂食品安全检查。")
    groups = selectors.merge_suggestions(w.committee.pk, w.session.pk)
    assert [sorted(p.pk for p in g) for g in groups] == [sorted(p.pk for p in lift), sorted(p.pk for p in night)]
    assert groups[0][0].number == min(p.number for p in lift)  # the lowest case number leads
    client.force_login(w.office)
    html = client.get(reverse("proposals:merge_suggestions")).content.decode()
    assert "第 1 组（3 件）" in html and "第 2 组（2 件）" in html and "校园食品安全" not in html
    lead = groups[0][0]
    assert f'name="lead" value="{lead.pk}"' in html
    assert reverse("proposals:act", args=[groups[0][1].pk, "merge"]) in html
    client.force_login(w.member_user(0))
    assert client.get(reverse("proposals:merge_suggestions")).status_code == 404  # the app hides office pages


def test_member_drafting_sees_a_proposal_about_the_same_matter(client, w, run, filed):  # noqa: F811
    existing = filed(1, title=LIFT[1][0], suggestions=LIFT[1][1])
    filed(2, title=NIGHT[0][0], suggestions=NIGHT[0][1])
    draft = run(ps.proposal_save_draft, actor=w.member_user(0), data={**CONTENT, "suggestions": LIFT[0][1]})
    client.force_login(w.member_user(0))
    html = client.get(reverse("proposals:detail", args=[draft.pk])).content.decode()
    similar = html[html.index('id="similar"') :]
    assert existing.title in similar and NIGHT[0][0] not in similar
