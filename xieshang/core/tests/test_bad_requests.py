"""Requests a probe sends at volume: numbers beyond any database column in query strings and URLs,
ids that are not numbers, bodies over the size limit. None is a 500; the API answers JSON."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from xieshang.core.api import ID_REGEX
from xieshang.organisations.models import User

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"


def signed_in(user: User) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_community_options_with_a_street_id_beyond_range_are_empty_not_a_500() -> None:
    r = Client(raise_request_exception=False).get(f"/public/areas/communities/?street={BIG}")
    assert r.status_code == 200
    assert "<option" not in r.content.decode().replace('<option value="">', "")


@pytest.mark.parametrize(
    "url",
    [f"/consultations/plans/{BIG}/", f"/consultations/plans/{BIG}/?year={BIG}", f"/duties/meetings/?year={BIG}"],
)
def test_years_beyond_range_in_urls_and_query_strings_are_not_a_500(organiser: User, url: str) -> None:
    assert signed_in(organiser).get(url).status_code in (200, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/consultation-suggestions/false/",
        "/api/v1/consultation-topics/abc/",
        "/api/v1/items/1.5/",
        f"/api/v1/proposals/{BIG}/",
        "/api/v1/no-such-thing/",
    ],
)
def test_a_non_numeric_or_oversize_id_on_the_api_is_a_json_404(organiser: User, url: str) -> None:
    r = signed_in(organiser).get(url)
    assert r.status_code == 404
    assert r["Content-Type"] == "application/json"
    assert r.json() == {"detail": "对象不存在或不在您的可见范围内。"}


def test_every_api_route_takes_only_numeric_ids() -> None:
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/")

    def patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
        out: list[str] = []
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                out += patterns(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))
        return out

    with_ids = [p for p in patterns(api) if "(?P<pk>" in p]
    assert with_ids
    assert all(f"(?P<pk>{ID_REGEX})" in p for p in with_ids), [p for p in with_ids if ID_REGEX not in p]


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_the_upload_limit_on_the_api_is_a_json_400(organiser: User, content_type: str) -> None:
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024)
    body = '{"reason": "' + body + '"}' if content_type == "application/json" else "reason=" + body
    r = signed_in(organiser).post("/api/v1/consultation-topics/", data=body, content_type=content_type)
    assert r.status_code == 400
    assert r["Content-Type"] == "application/json"
    assert "detail" in r.json()


def test_a_missing_page_outside_the_api_stays_the_chinese_html_page(organiser: User) -> None:
    r = signed_in(organiser).get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


# --- caching -------------------------------------------------------------------------------------


def test_signed_in_pages_and_the_api_are_not_stored_by_browsers_or_proxies(organiser: User) -> None:
    c = signed_in(organiser)
    for url in ("/", "/consultations/", "/api/v1/consultation-topics/", "/api/v1/no-such-thing/"):
        r = c.get(url)
        assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"], url


def test_anonymous_api_refusals_are_not_stored_either() -> None:
    r = Client().get("/api/v1/consultation-topics/")
    assert r.status_code == 403
    assert r["Cache-Control"] == "private, no-store"


def test_public_pages_and_static_files_keep_their_caching() -> None:
    c = Client()
    r = c.get("/public/")
    assert r.status_code == 200
    assert "no-store" not in r.get("Cache-Control", "")
    r = c.get("/static/css/app.css")
    assert r.status_code == 200
    assert "no-store" not in r.get("Cache-Control", "")
