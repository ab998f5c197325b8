from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core import unread as unread_counts
from core.dashboard import nav_for


def jointly(request: HttpRequest) -> dict[str, Any]:
    acting = getattr(request, "acting", None)
    unread = 0
    nav_items: list[dict[str, Any]] = []
    user = getattr(request, "user", None)
    pending = bool(
        acting is not None
        and user is not None
        and user.is_authenticated
        and acting.needs_two_factor
        and not getattr(user, "is_verified", lambda: True)()
    )
    if pending:
        acting = None  # signed in with a password only: show nothing of the organisation until the code is given
    if acting is not None and acting.organisation is not None and user is not None and user.is_authenticated:
        # A plain int, cached per person (core.unread): no notification query on most page views.
        counted: int | None = getattr(request, "_jointly_unread", None)
        if counted is None:
            counted = unread_counts.count_for(user_id=user.pk, organisation=acting.organisation)
            request._jointly_unread = counted  # type: ignore[attr-defined]  # once per request
        unread = counted
        for item in nav_for(acting):
            url = reverse(item.url_name)
            nav_items.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {
        "two_factor_pending": pending,
        "acting": acting,
        "unread_notifications": unread,
        "nav_items": nav_items,
        "service_name": "Jointly",
    }
