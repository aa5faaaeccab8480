"""Error pages are in Chinese whatever language the browser asks for."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_a_missing_page_is_explained_in_chinese_to_an_english_browser(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "Not Found" not in html
    assert reverse("core:home") in html
    # model labels (statuses, field names) follow the request's language: always Chinese
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_an_expired_form_says_so_in_chinese() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and "Forbidden" not in html


def test_the_server_error_page_needs_no_context() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render()
    assert "系统暂时出错" in html and "{%" not in html
