from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core import unread as unread_counts
from core.dashboard import nav_for


def _pending(request: HttpRequest) -> bool:
    """Signed in with a password only: show nothing of the organisation until the code is given."""
    acting = getattr(request, "acting", None)
    user = getattr(request, "user", None)
    return bool(
        acting is not None
        and user is not None
        and user.is_authenticated
        and acting.needs_two_factor
        and not getattr(user, "is_verified", lambda: True)()
    )


def unread_for(request: HttpRequest) -> int:
    """The header's unread count, once per request: ``core.middleware.UnreadCountMiddleware`` calls this before the
    view, so the page's templates (and this module's context processor) only read a plain int."""
    counted: int | None = getattr(request, "_jointly_unread", None)
    if counted is not None:
        return counted
    acting = getattr(request, "acting", None)
    user = getattr(request, "user", None)
    counted = 0
    if (
        acting is not None
        and acting.organisation is not None
        and user is not None
        and user.is_authenticated
        and not _pending(request)
    ):
        # Cached per person (core.unread): no notification query on most page views.
        counted = unread_counts.count_for(user_id=user.pk, organisation=acting.organisation)
    request._jointly_unread = counted  # type: ignore[attr-defined]
    return counted


def jointly(request: HttpRequest) -> dict[str, Any]:
    acting = getattr(request, "acting", None)
    nav_items: list[dict[str, Any]] = []
    user = getattr(request, "user", None)
    pending = _pending(request)
    if pending:
        acting = None  # signed in with a password only: show nothing of the organisation until the code is given
    if acting is not None and acting.organisation is not None and user is not None and user.is_authenticated:
        for item in nav_for(acting):
            url = reverse(item.url_name)
            nav_items.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {
        "two_factor_pending": pending,
        "acting": acting,
        "unread_notifications": unread_for(request),
        "nav_items": nav_items,
        "service_name": "Jointly",
    }
