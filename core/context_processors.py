from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.dashboard import nav_for
from core.models import Notification


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
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
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
