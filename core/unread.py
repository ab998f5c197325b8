"""How many unread notifications a person has, for the header of every page.

Counted at most once per person (and organisation acted for) until it changes, in the shared Django cache (Redis),
so a page view costs no notification query and every web node sees the same number. Whatever changes the count
calls ``forget``: ``core.notifications.notify`` when it creates one, the notifications page when it marks them read.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction

from core.models import Notification
from core.tenancy import unscoped

log = logging.getLogger(__name__)

# A backstop only: every write that changes a count forgets it at once.
TIMEOUT_SECONDS = 600


def _key(user_id: int) -> str:
    return f"unread-notifications:u{user_id}"


def count_for(*, user_id: int, organisation: Any) -> int:
    """Unread notifications for this person as shown while acting for ``organisation`` (its own and those for no
    organisation: ``Notification.tenant_filter``)."""
    key = _key(user_id)
    org_key = str(getattr(organisation, "pk", None))
    counts: dict[str, int] = {}
    try:
        counts = cache.get(key) or {}
    except Exception as exc:  # noqa: BLE001 - Redis unreachable: count from the database rather than fail the page
        log.warning("Unread count cache unavailable: %s", exc)
    if org_key in counts:
        return int(counts[org_key])
    # The filter is explicit here, the same as the acting organisation's scope (this runs outside the request's).
    with unscoped(reason="count a person's unread notifications for the header"):
        unread = (
            Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
            .filter(Notification.tenant_filter(organisation))
            .count()
        )
    try:
        cache.set(key, {**counts, org_key: unread}, TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - as above
        log.warning("Unread count cache unavailable: %s", exc)
    return unread


def forget(*user_ids: int | None) -> None:
    """The count changed (or is about to, when the surrounding transaction commits) for these people."""
    keys = [_key(pk) for pk in set(user_ids) if pk is not None]
    if not keys:
        return

    def drop() -> None:
        try:
            cache.delete_many(keys)
        except Exception as exc:  # noqa: BLE001 - it expires by itself after TIMEOUT_SECONDS
            log.warning("Could not forget unread counts: %s", exc)

    drop()
    # Again after commit: a page rendered between now and the commit may have cached the old count meanwhile.
    transaction.on_commit(drop)
