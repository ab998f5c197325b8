"""Telling people things: an in-app notification, mirrored by email, each exactly once per dedupe key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification
from core.tenancy import tenancy_disabled


def notify(
    *,
    recipients: Iterable[Any],
    subject: str,
    body: str = "",
    url: str = "",
    organisation: Any | None = None,
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Create one notification per recipient; with a ``dedupe_key`` a second call for the same
    recipient and key creates nothing. Emails go out after the transaction commits."""
    created: list[Notification] = []
    for user in {u.pk: u for u in recipients}.values():
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        try:
            with transaction.atomic():
                n = Notification.objects.create(
                    recipient=user,
                    organisation=organisation,
                    subject=subject[:200],
                    body=body,
                    url=url,
                    email=email,
                    dedupe_key=key,
                )
        except IntegrityError:
            continue  # already sent under this key
        created.append(n)
    if email and created:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _enqueue_delivery(ids))
    return created


def _enqueue_delivery(ids: list[int]) -> None:
    from core.tasks import deliver_notification_emails

    deliver_notification_emails.delay(ids)


def deliver_emails(*, notification_ids: Iterable[int] | None = None) -> int:
    """Email every pending notification (or those given) once. Safe to run concurrently:
    rows are locked and skipped by other workers, and marked sent in the same transaction."""
    sent = 0
    with tenancy_disabled():
        pending = Notification.objects.filter(email=True, emailed_at__isnull=True)
        if notification_ids is not None:
            pending = pending.filter(pk__in=list(notification_ids))
        for pk in list(pending.values_list("pk", flat=True)[:500]):
            with transaction.atomic():
                n = (
                    # Lock only the notification: locking the joined recipient too (the default with
                    # select_related) made a concurrent delivery to the same person skip this row.
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk, emailed_at__isnull=True)
                    .select_related("recipient")
                    .first()
                )
                if n is None or not n.recipient.email:
                    continue
                link = f"\n\n{settings.JOINTLY_BASE_URL}{n.url}" if n.url else ""
                send_mail(n.subject, f"{n.body}{link}", None, [n.recipient.email])
                n.emailed_at = timezone.now()
                n.save(update_fields=["emailed_at"])
                sent += 1
    return sent
