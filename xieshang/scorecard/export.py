"""PNG and PDF of a committee-year's scorecard, drawn by Debian's Chromium (headless) from the page itself.

The page is rendered here (print layout, no navigation) and handed to ``documents.pdf``, which has
Chromium load it with the static files it asks for (the stylesheet, ECharts, the chart script), so
no server has to run. Chinese text is set in the system's CJK fonts (Debian's ``fonts-noto-cjk``).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from xieshang.core.errors import ServiceError
from xieshang.documents import pdf
from xieshang.organisations.models import Committee

from . import views


def page_html(committee: Committee, year: int) -> str:
    request = RequestFactory().get(f"/scorecard/{year}/", {"print": "1"})
    request.user = AnonymousUser()
    context = views.page_context(committee, year, request.user, print_mode=True)
    return render_to_string("scorecard/year.html", context, request=request)


def render(committee: Committee, year: int, fmt: str) -> bytes:
    """The scorecard as ``png`` (the whole page, 2× for print) or ``pdf`` (A4, backgrounds printed)."""
    if fmt not in ("png", "pdf"):
        raise ServiceError("导出格式应为 png 或 pdf。")
    html = page_html(committee, year)
    charts = html.count('class="sc-chart')
    return pdf.render(
        html,
        fmt,
        wait_for=f"document.querySelectorAll('.sc-chart canvas').length >= {charts}",
        scale=2 if fmt == "png" else 1,
        pdf_options={"margin": {"top": "10mm", "bottom": "10mm"}},
    )
