"""The signed-in user of a request, reused while nothing is committed (``xieshang.core.unchanged``)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import auth
from django.contrib.auth import middleware
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import hant, unchanged


def get_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        request._cached_user = _user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


def _user(request: HttpRequest) -> Any:
    session = request.session
    # The session is read (and its expiry checked) on every request; only the user row is reused.
    user_id = session.get(auth.SESSION_KEY)
    state = unchanged.committed_state() if user_id is not None and session.session_key else None
    if state is None:
        return auth.get_user(request)
    user = unchanged.while_unchanged(("user", session.session_key, user_id), lambda: auth.get_user(request), state)
    # Each request gets its own copy: what a view caches on request.user stays with that request.
    return copy.copy(user)


class AuthenticationMiddleware(middleware.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))


class UserLanguageMiddleware:
    """A signed-in person reads the site in the script they chose (``User.language``), whatever the
    browser or a cookie says; others get what ``LocaleMiddleware`` chose (cookie, then browser).
    Sits after the authentication middleware."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        language = getattr(user, "language", "") if user.is_authenticated else ""
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class ReaderScriptMiddleware:
    """Every HTML response — a page, an htmx fragment, an error page — in the reader's script: for a
    reader of 繁體 (zh-hant active) the rendered page is converted whole, once, by
    ``hant.convert_html``, which leaves what a form sends back as it was rendered. JSON (the API)
    and files are not touched here: the API answers with the records as stored and its messages as
    written; downloads are converted by ``documents.http``. Sits right after
    ``UserLanguageMiddleware``, so the reader's language is active when the response comes back."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        convert = hant.reader_converter()
        if convert is None or response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        charset = response.charset
        response.content = hant.convert_html(response.content.decode(charset), convert).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
