"""The language switch (简体 / 繁體) in every page's header."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from xieshang.core.errors import ServiceError

from . import services
from .models import User


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the cookie, and back to ``next``); a signed-in person's choice is also
    kept on their account, so notices, e-mails and documents follow it and another browser does too."""
    choice = request.POST.get("language", "")
    if request.user.is_authenticated and choice in User.Language.values:
        # set_language below refuses what it cannot set, and nothing was changed here
        with contextlib.suppress(ServiceError):
            services.user_set_language(actor=request.user, user=request.user, language=choice)
    return set_language(request)
