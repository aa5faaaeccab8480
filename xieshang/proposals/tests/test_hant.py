"""A member who reads 繁體 downloads the reply letter (答复函) in traditional script, others as written;
a proposal's notices name its choices in each recipient's script."""

import io

from django.urls import reverse
from docx import Document

from xieshang.core import hant
from xieshang.core.models import Notification
from xieshang.organisations.models import User
from xieshang.proposals import documents
from xieshang.proposals import services as ps

from .test_services import handle_to_reply


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _letter(client, w, run, filed, language):
    p = filed(0)
    reply = handle_to_reply(w, run, p).replies.get()
    user = w.member_user(0)
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get(reverse("proposals:reply_letter", args=[p.pk, reply.pk]))
    assert response.status_code == 200
    p.refresh_from_db()
    return response, documents.reply_letter(p.group_lead, reply)


def test_a_member_reading_traditional_downloads_the_reply_letter_in_traditional_script(client, w, run, filed):
    response, built = _letter(client, w, run, filed, User.Language.TRADITIONAL)
    text = _text(response.content)
    assert "現答覆如下" in text and "已列入計劃" in text and "採納的建議" in text
    assert "感謝您對我們工作的關心和支持" in text
    assert hant.to_hant(text) == text, "a simplified-only character is left in the letter"
    assert text == hant.to_hant(_text(built))
    assert "%E7%AD%94%E8%A6%86%E5%87%BD" in response["Content-Disposition"]  # 答覆函


def test_a_member_reading_simplified_downloads_the_letter_as_written(client, w, run, filed):
    response, built = _letter(client, w, run, filed, User.Language.SIMPLIFIED)
    text = _text(response.content)
    assert "现答复如下" in text and "已列入计划" in text and text == _text(built)
    assert "%E7%AD%94%E5%A4%8D%E5%87%BD" in response["Content-Disposition"]  # 答复函


def test_the_ground_for_not_filing_reaches_a_proposer_reading_traditional_in_traditional(w, run, submitted):
    p = submitted(0)
    user = w.member_user(0)
    user.language = User.Language.TRADITIONAL
    user.save(update_fields=["language"])
    run(ps.proposal_not_file, actor=w.office, proposal_id=p.pk, ground="vague", note="请补充具体措施。")
    notice = Notification.objects.get(recipient=user, title__contains="不予立案")
    # the ground is the platform's wording; a plain notice is converted whole for a 繁體 reader
    assert notice.body == "理由：內容空泛，沒有具體建議。請補充具體措施。"
