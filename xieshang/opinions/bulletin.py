"""The .docx of a bulletin issue (《社情民意》第N期) in the official layout of the documents app."""

from __future__ import annotations

from django.utils import timezone

from xieshang.documents.docx import (
    add_heading,
    add_paragraphs,
    add_signature,
    cn_date,
    docx_bytes,
    official_document,
)

from .models import BulletinIssue


def issue_docx(issue: BulletinIssue) -> bytes:
    reports = list(issue.reports.select_related("member").order_by("id"))
    day = timezone.localtime(issue.released_at).date() if issue.released_at else timezone.localdate()
    doc = official_document(title="本期要目", issuer="社情民意", number=f"{issue.year}年第{issue.number}期")
    office = issue.committee.office_sender
    add_paragraphs(doc, f"{office}编　　{cn_date(day)}", indent=False)
    add_paragraphs(doc, [f"{_cn(i)}、{r.title}" for i, r in enumerate(reports, start=1)])
    if issue.note:
        add_paragraphs(doc, f"编者按：{issue.note}")
    for i, report in enumerate(reports, start=1):
        add_heading(doc, f"{_cn(i)}、{report.title}", level=1)
        add_paragraphs(doc, [p for p in report.text.splitlines() if p.strip()])
        add_paragraphs(doc, f"（反映人：{report.author_label}）", indent=False)
    releases = list(issue.releases.all())
    if releases:
        add_paragraphs(doc, "报送：" + "、".join(r.recipient_name for r in releases), indent=False)
    add_signature(doc, office, day)
    return docx_bytes(doc)


_DIGITS = "零一二三四五六七八九"


def _cn(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return (_DIGITS[tens] if tens > 1 else "") + "十" + (_DIGITS[ones] if ones else "")
