"""The data migration gives existing proposals their suggestion records from their text."""

import importlib

from django.apps import apps

from xieshang.proposals import services as ps
from xieshang.proposals.models import Proposal, Suggestion

from .conftest import CONTENT

migration = importlib.import_module("xieshang.proposals.migrations.0008_suggestion_records_from_text")


def test_existing_proposals_get_records_numbered_text_only_past_drafting(w, run, filed):
    numbered = filed(0)
    draft = run(
        ps.proposal_save_draft, actor=w.member_user(1), data={**CONTENT, "suggestions": "加快推进。\n加大投入。"}
    )
    loose = filed(2, title="关于电梯加装资金的建议", suggestions="建议加大投入，简化流程。")
    Suggestion.objects.all().delete()
    Proposal.objects.update(suggestion_count=7)
    migration.forwards(apps, None)
    counts = {p: Suggestion.objects.filter(proposal=p).count() for p in (numbered, draft, loose)}
    assert counts == {numbered: 3, draft: 2, loose: 0}
    # drafts take the count of their records; proposals past drafting keep the number they had
    assert Proposal.objects.get(pk=draft.pk).suggestion_count == 2
    assert Proposal.objects.get(pk=loose.pk).suggestion_count == 7
