"""The member's duty file as an A4 PDF from the server: drawn by Chromium, the member's name in it, a
member only their own, the office any member's of its committee."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib

import pytest

from xieshang.documents import pdf
from xieshang.duties import services

pytestmark = [pytest.mark.django_db]

_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_HEX = rb"<([0-9A-Fa-f]+)>"


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be", errors="replace")


def drawn_characters(pdf: bytes) -> set[str]:
    """The characters the PDF's fonts draw, read from their ToUnicode maps (no PDF library needed):
    Chromium embeds each font as a subset of the glyphs it drew, and maps each glyph to its text.
    Noto CJK shares some glyphs with the Kangxi radicals (文 with ⽂), which the map may name
    instead, so the text is NFKC-normalised as a PDF reader's search would."""
    chars: set[str] = set()
    for raw in _STREAM.findall(pdf):
        try:
            data = zlib.decompressobj().decompress(raw)  # the line end before endstream is left over
        except zlib.error:
            continue
        if b"begincmap" not in data:
            continue
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for _src, dst in re.findall(_HEX + rb"\s*" + _HEX, block):
                chars.update(_utf16(dst))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for lo, hi, dst in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*" + _HEX, block):
                first = ord(_utf16(dst)[-1])
                chars.update(chr(first + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
            for dsts in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*\[(.*?)\]", block):
                for d in re.findall(_HEX, dsts[2]):
                    chars.update(_utf16(d))
    return {unicodedata.normalize("NFKC", c) for c in chars}


def test_drawn_characters_reads_bfchar_and_bfrange_maps():
    cmap = (
        b"begincmap\n2 beginbfchar\n<0003> <5468>\n<0004> <6587>\nendbfchar\n"
        b"1 beginbfrange\n<0005> <0006> <0041>\nendbfrange\n"
    )
    pdf = b"1 0 obj\nstream\n" + zlib.compress(cmap) + b"\nendstream\n"
    assert drawn_characters(pdf) == {"周", "文", "A", "B"}
    radical = b"begincmap\n1 beginbfchar\n<6C> <2F42>\nendbfchar\n"  # ⽂, the Kangxi radical 文 shares
    assert drawn_characters(b"stream\n" + zlib.compress(radical) + b"\nendstream") == {"文"}


@pytest.mark.chromium
def test_the_member_downloads_their_own_file_as_a_pdf_with_their_name(client, w):
    member = w.members[0]  # 周文博
    services.honour_award(actor=w.office, member=member, year=2022, awarded_on=dt.date(2022, 12, 28))
    client.force_login(member.user)
    mine = client.get("/duties/mine/file.pdf", {"year": "2022"})
    assert mine.status_code == 302 and mine["Location"] == f"/duties/members/{member.pk}/2022/file.pdf"
    response = client.get(mine["Location"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E5%B1%A5%E8%81%8C%E6%A1%A3%E6%A1%88" in response["Content-Disposition"]  # 履职档案
    body = response.content
    assert body[:5] == b"%PDF-" and len(body) > 20_000
    assert b"CJK" in body  # set in Noto CJK, not a fallback without the glyphs
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", body)
    assert box is not None
    width, height = (float(n) for n in box.groups())
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 (210 × 297 mm) in points
    title = re.search(rb"/Title <FEFF([0-9A-F]+)>", body)
    assert title and _utf16(title.group(1)).startswith("周文博 · 2022年度履职档案")
    drawn = drawn_characters(body)
    assert set("周文博") <= drawn and set("年度履职档案优秀") <= drawn
    assert "婷" not in drawn  # another member's name is not on this member's file
    # another member's file is not found
    assert client.get(f"/duties/members/{w.members[1].pk}/2022/file.pdf").status_code == 404


def test_who_may_download_which_file(client, w, monkeypatch):
    """A member only their own file; the office any member's of its committee (Chromium stood in for)."""
    drawn: list[str] = []

    def fake_render(html, fmt="pdf", **options):
        drawn.append(html)
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(pdf, "render", fake_render)
    other_member = w.members[1]
    client.force_login(w.office)
    response = client.get(f"/duties/members/{other_member.pk}/2022/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "苏雅婷 · 2022年度履职档案" in drawn[0] and "print-mode" in drawn[0]
    client.force_login(other_member.user)
    assert client.get(f"/duties/members/{other_member.pk}/2022/file.pdf").status_code == 200
    for user, pk, status in [
        (w.members[0].user, other_member.pk, 404),
        (other_member.user, w.members[0].pk, 404),
        (w.office, 999_999, 404),
    ]:
        client.force_login(user)
        assert client.get(f"/duties/members/{pk}/2022/file.pdf").status_code == status
    client.logout()
    assert client.get(f"/duties/members/{other_member.pk}/2022/file.pdf").status_code == 302  # to the login
    client.force_login(w.office)
    assert client.get(f"/duties/members/{other_member.pk}/1999/file.pdf").status_code == 404
    assert client.get("/duties/mine/file.pdf").status_code == 404  # the office has no member's file
