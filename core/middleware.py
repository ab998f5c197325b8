"""Turns a domain refusal that escaped a view into a clear page, never a 500; counts the header's unread
notifications before the view runs, so no page queries while its templates render."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.context_processors import unread_for
from core.errors import DomainError, NotPermitted


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            status = 403 if isinstance(exception, NotPermitted) else 400
            return render(request, "refused.html", {"error": exception}, status=status)
        return None


class UnreadCountMiddleware:
    """The header's unread-notifications count (``core.context_processors.unread_for``), read before the view: from
    the per-person cache (``core.unread``), or counted once on a miss, never while a template renders. API calls
    render no header and skip it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            unread_for(request)
        return self.get_response(request)
