"""Each existing proposal's 建议 text becomes its suggestion records, so units can tick them in replies.

Drafts still open are split as a draft save now splits them (numbered items, else one per line).
Proposals past drafting get records only where their text numbers its suggestions (一、 1. （1） ①):
an unnumbered text cannot be told apart reliably, so it gets none and a reply on it adopts nothing
one by one. Their ``suggestion_count`` is left as it was entered. Existing replies keep the number
of adopted suggestions they stated (``Reply.adopted_count``) for history; no record is made up for
them, and the adopted-suggestions figure counts only records ticked from now on.
"""

import re

from django.db import migrations

_LINE = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[）)、.．]|[①-⑳])")
DRAFTING = ("draft", "returned", "cosigning")


def _split(text, numbered_only):
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not any(_LINE.match(ln) for ln in lines):
        return [] if numbered_only else lines
    items = []
    for ln in lines:
        m = _LINE.match(ln)
        if m:
            items.append(ln[m.end() :].strip() or ln)
        elif items:
            items[-1] = f"{items[-1]}\n{ln}"
    return items


def forwards(apps, schema_editor):
    Proposal = apps.get_model("proposals", "Proposal")
    Suggestion = apps.get_model("proposals", "Suggestion")
    batch = []
    for pk, status, text in Proposal.objects.values_list("pk", "status", "suggestions").iterator():
        items = _split(text, numbered_only=status not in DRAFTING)[:50]
        batch += [Suggestion(proposal_id=pk, number=n, text=t) for n, t in enumerate(items, start=1)]
        if status in DRAFTING:
            Proposal.objects.filter(pk=pk).update(suggestion_count=len(items))
        if len(batch) >= 2000:
            Suggestion.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Suggestion.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_suggestions_adoptions_excellent")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
