"""Answers the whole site shares at the HTTP level: the API's errors as JSON even when Django (not
DRF) produces them, and no caching of anything a signed-in person sees.

Django answers a URL no route matches (``/api/v1/items/false/``) and a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` before any DRF view runs, with the HTML error pages; an API client
gets ``{"detail": "<中文说明>"}`` instead, like every other refusal of the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"

API_MESSAGES = {
    400: "请求无效或内容过大，未作更改。",
    403: "无权进行此操作。",
    404: "对象不存在或不在您的可见范围内。",
    500: "系统暂时出错，请稍后重试。",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(status: int) -> JsonResponse:
    return JsonResponse({"detail": API_MESSAGES[status]}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request: HttpRequest, exception: Exception, template_name: str = "400.html") -> HttpResponse:
    if is_api(request):
        return _api_error(400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request: HttpRequest, exception: Exception, template_name: str = "403.html") -> HttpResponse:
    if is_api(request):
        return _api_error(403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request: HttpRequest, exception: Exception, template_name: str = "404.html") -> HttpResponse:
    if is_api(request):
        return _api_error(404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if is_api(request):
        return _api_error(500)
    return defaults.server_error(request, template_name)


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on the API and on every page answered to a signed-in
    person: a shared computer's browser cache or a proxy must not keep a citizen's phone number or
    an office's queue. Static files (WhiteNoise, earlier in the chain) keep their own long caching;
    a response that already says how to be cached keeps its header."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if is_api(request) or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
        return response
