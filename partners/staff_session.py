"""Staff sessions expire quickly: a platform operator's session ends after a short idle time.

Staff can reach the admin, so a forgotten signed-in browser is worth more to an attacker than anyone else's.
Every request from staff slides the session's expiry to ``STAFF_SESSION_IDLE_SECONDS`` from now; the session
store then refuses the session once that much time has passed with no request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class StaffSessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff and hasattr(request, "session"):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
