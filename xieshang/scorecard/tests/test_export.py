"""PNG and PDF of the scorecard drawn by Chromium, with the Chinese text in a CJK font."""

from __future__ import annotations

import datetime as dt
import struct

import pytest

from xieshang.duties import services as duties
from xieshang.scorecard import export

pytestmark = [pytest.mark.django_db, pytest.mark.chromium]


def test_png_and_pdf_exports_render_the_page_with_chinese_glyphs(w):
    duties.media_report_add(
        actor=w.office, committee=w.committee, title="报道", outlet="佛山日报", published_on=dt.date(2022, 3, 1)
    )
    png = export.render(w.committee, 2022, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 2400 and height > 3000 and len(png) > 200_000
    pdf = export.render(w.committee, 2022, "pdf")
    assert pdf[:5] == b"%PDF-" and len(pdf) > 30_000
    assert b"CJK" in pdf  # the Chinese text is set in Noto CJK, not in a fallback without the glyphs
    html = export.page_html(w.committee, 2022)
    assert "媒体报道政协做法" in html and "print-mode" in html


def test_the_page_offers_the_pdf_download(client, w):
    client.force_login(w.office)
    response = client.get("/scorecard/2022/export.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert 'filename="scorecard-ceshi-2022.pdf"' in response["Content-Disposition"]
