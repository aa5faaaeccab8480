"""Root URLs. Each app owns its own urls module."""

from __future__ import annotations

import base64
import hashlib
import re

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from xieshang.core.views import healthz
from xieshang.organisations import accounts
from xieshang.organisations.views import language


def _inline_style_hashes(template_name: str) -> list[str]:
    """CSP hashes of the <style> blocks of a packaged template, read from the installed version.

    The Swagger UI page keeps three lines of layout CSS inline; allowing exactly those (by hash)
    keeps the site-wide rule of no inline styles and no 'unsafe-inline'.
    """
    source = get_template(template_name).template.source
    blocks = re.findall(r"<style>(.*?)</style>", source, flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


# The split view serves its initialising script as a separate file, so no inline <script>.
api_docs = login_required(
    csp_update({"style-src": _inline_style_hashes("drf_spectacular/swagger_ui.html")})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")
    )
)

# The API answers its errors as JSON even when Django, not DRF, refuses the request.
handler400 = "xieshang.core.http.bad_request"
handler403 = "xieshang.core.http.permission_denied"
handler404 = "xieshang.core.http.page_not_found"
handler500 = "xieshang.core.http.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("language/", language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("handling/", include("xieshang.handling.urls")),
    path("proposals/", include("xieshang.proposals.urls")),
    path("opinions/", include("xieshang.opinions.urls")),
    path("consultations/", include("xieshang.consultations.urls")),
    path("outreach/", include("xieshang.outreach.urls")),
    path("duties/", include("xieshang.duties.urls")),
    path("scorecard/", include("xieshang.scorecard.urls")),
    path("public/", include("xieshang.portal.urls")),
    path("", include("xieshang.core.urls")),
]


if getattr(settings, "XIESHANG_BENCH", False):
    # The benchmark's baseline: the same server, middleware and session, and no work of our own.
    def bench_hello(request: HttpRequest) -> HttpResponse:
        return HttpResponse("hello", content_type="text/plain")

    urlpatterns.insert(0, path("bench/hello", bench_hello, name="bench-hello"))
