"""Official documents carry the committee's full name, the issuing organ and a GB/T 9704 number."""

import io

from docx import Document

from xieshang.opinions.bulletin import issue_docx
from xieshang.organisations.models import Committee

from .test_services import handle_to_reply


def _text(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def _name(w) -> None:
    Committee.objects.filter(pk=w.committee.pk).update(
        name="政协佛山市禅城区委员会",
        short_name="禅城区政协",
        full_name="中国人民政治协商会议佛山市禅城区委员会",
        proposals_organ="政协佛山市禅城区委员会提案委员会",
        office_organ="政协佛山市禅城区委员会办公室",
        document_code="禅政协",
    )


def test_assignment_letter_is_headed_by_the_proposals_committee_and_numbered(client, w, run, filed):
    _name(w)
    lead = filed(0)
    handle_to_reply(w, run, lead)
    lead.refresh_from_db()
    client.force_login(w.office)
    lines = _text(client.get(f"/proposals/{lead.pk}/assignment-letter.docx").content)
    assert lines[0] == "政协佛山市禅城区委员会提案委员会"  # 发文机关标志
    assert lines[1] == f"禅政协提〔{lead.year}〕{lead.number}号"  # 发文字号
    assert f"政协佛山市禅城区委员会提案委员会关于交办{lead.number_label}提案的函" in lines
    assert "政协佛山市禅城区委员会提案委员会" in lines[lines.index("") + 1 :]  # 署名
    assert not any("禅城区政协提案委员会" in x or "政协禅城区政协" in x for x in lines)
    compiled = _text(client.get("/proposals/compilation.docx").content)
    assert compiled[0] == "政协佛山市禅城区委员会提案委员会"
    assert any(
        x.startswith("中国人民政治协商会议佛山市禅城区委员会") and x.endswith("提案及答复汇编") for x in compiled
    )


def test_a_committee_without_the_names_still_prints_a_correct_sender(client, w, run, filed):
    Committee.objects.filter(pk=w.committee.pk).update(name="政协佛山市禅城区委员会", short_name="禅城区政协")
    lead = filed(0)
    handle_to_reply(w, run, lead)
    client.force_login(w.office)
    lines = _text(client.get(f"/proposals/{lead.pk}/assignment-letter.docx").content)
    assert lines[0] == "政协佛山市禅城区委员会提案委员会"
    assert "政协禅城区政协提案委员会" not in lines


def test_bulletin_is_signed_by_the_committee_office(w):
    from xieshang.opinions.models import BulletinIssue

    Committee.objects.filter(pk=w.committee.pk).update(office_organ="政协某某区委员会办公室")
    issue = BulletinIssue.objects.create(committee_id=w.committee.pk, year=2022, number=3)
    lines = _text(issue_docx(issue))
    assert any(x.startswith("政协某某区委员会办公室编") for x in lines)
    assert "政协佛山市禅城区委员会办公室" not in "\n".join(lines)
