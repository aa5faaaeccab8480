"""What the outreach pages share: a form handed to one service, and the year a list shows.

A page's POST is always the same steps: the bound form parses, one service decides, success is a
flash message and a redirect, a refusal re-renders the page with the service's message on the form
(status 400). :func:`submit` does those steps; the page says only which service, which message and
where to go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from xieshang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from xieshang.core.params import to_year


def run(form: Any, call: Callable[[], Any]) -> Any:
    """Call the service; its refusal becomes the form's message (None returned)."""
    try:
        return call()
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        form.add_error(None, exc.message)
        return None


def submit(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    then: Callable[[Any], str],
) -> HttpResponse | None:
    """The bound form's data to one service: done → flash ``success(record)``, redirect to ``then(record)``.

    ``None`` when the form or the service refused; the form then carries the message and the page
    re-renders it with status 400. A service that returns ``(record, created)`` gives the record."""
    if not form.is_valid():
        return None
    done = run(form, lambda: call(form.cleaned_data))
    if done is None:
        return None
    record = done[0] if isinstance(done, tuple) else done
    messages.success(request, success(record))
    return redirect(then(record))


def act(request: HttpRequest, call: Callable[[], Any], *, success: Callable[[Any], str], then: str) -> HttpResponse:
    """A button without a form of its own: call the service, flash its result or its refusal, go to ``then``."""
    try:
        done = call()
    except NotFoundError:
        raise Http404 from None
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success(done))
    return redirect(then)


def year(request: HttpRequest) -> int:
    """The year a list shows (``?year=``), this year when missing or out of range."""
    today = timezone.localdate()
    y = to_year(request.GET.get("year"), today.year)
    return y if 2000 <= y <= today.year + 1 else today.year


def years(shown: int) -> list[int]:
    """The years the picker offers: the last six and the one shown."""
    this = timezone.localdate().year
    return sorted({*range(this - 5, this + 1), shown}, reverse=True)
