"""Telling people things: an in-app notification, mirrored by email, each exactly once per dedupe key."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import handlers, outbox, unread
from core.models import Notification
from core.tenancy import unscoped

log = logging.getLogger(__name__)


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
                    subject=single_line(subject)[:200],
                    body=body,
                    url=url,
                    email=email,
                    dedupe_key=key,
                )
        except IntegrityError:
            continue  # already sent under this key
        created.append(n)
    if created:
        unread.forget(*(n.recipient_id for n in created))
    if email and created:
        _enqueue_delivery([n.pk for n in created])
    return created


def _enqueue_delivery(ids: list[int]) -> None:
    # In the notifying transaction (the outbox): the emails exist exactly when the notifications do.
    outbox.enqueue("core.tasks.deliver_notification_emails", args=[ids])


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(text: str) -> str:
    """Text bound for an email header (a subject): line breaks and control characters collapsed to single spaces.
    A tender title with a line break in it must not make every email about that tender fail (BadHeaderError)."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def claim_timeout() -> timedelta:
    """How long a claimed, unrecorded send is left to its worker before another tries (the worker was killed)."""
    return timedelta(seconds=int(getattr(settings, "JOINTLY_EMAIL_CLAIM_TIMEOUT", 600)))


def idempotency_key(notification_id: int) -> str:
    return f"jointly-notification-{notification_id}"


def message_id(notification_id: int) -> str:
    """Stable for a notification: a retried send carries the same Message-ID as the first attempt."""
    domain = urlparse(settings.JOINTLY_BASE_URL).hostname or "jointly.localhost"
    return f"<{idempotency_key(notification_id)}@{domain}>"


def deliver_emails(*, notification_ids: Iterable[int] | None = None) -> int:
    """Email every pending notification (or those given) once.

    Each email is claimed in its own committed transaction, sent with a stable idempotency key (Message-ID and
    X-Jointly-Idempotency-Key), then recorded as sent. A concurrent worker skips a claimed email; a claim older than
    ``claim_timeout()`` whose send was never recorded (its worker died) is retried with the same key, so a kill
    never loses an email. See docs/background-work.md for the one remaining window."""
    sent = 0
    errors: list[Exception] = []
    with unscoped(reason="the email sender delivers every organisation's notifications"):
        pending = Notification.objects.filter(_unsent()).filter(email=True)
        if notification_ids is not None:
            pending = pending.filter(pk__in=list(notification_ids))
        for pk in list(pending.order_by("pk").values_list("pk", flat=True)[:500]):
            n = _claim(pk)
            if n is None:
                continue
            try:
                _send(n)
            except Exception as exc:  # noqa: BLE001 - release the claim so the next sweep retries at once
                log.warning("Email for notification %s failed: %s", pk, exc)
                Notification.objects.filter(pk=pk, email_claim=n.email_claim).update(
                    email_claim="", email_claimed_at=None
                )
                errors.append(exc)
                continue
            Notification.objects.filter(pk=pk, email_claim=n.email_claim).update(emailed_at=timezone.now())
            sent += 1
    if errors and isinstance(errors[0], OSError):
        raise errors[0]  # the mail server is unreachable: the task's retry backs off and tries again
    return sent


def _unsent() -> Q:
    stale = timezone.now() - claim_timeout()
    return Q(emailed_at__isnull=True) & (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))


def _claim(pk: int) -> Notification | None:
    with transaction.atomic():
        n = (
            # Lock only the notification: locking the joined recipient too (the default with select_related)
            # made a concurrent delivery to the same person skip this row.
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_unsent(), pk=pk, email=True)
            .select_related("recipient")
            .first()
        )
        if n is None or not n.recipient.email:
            return None
        n.email_claim = str(uuid.uuid4())
        n.email_claimed_at = timezone.now()
        n.save(update_fields=["email_claim", "email_claimed_at"])
    return n


ATTACHMENTS = "notifications.attachments"


def register_attachments(prefix: str, fn: Callable[[str], list[tuple[str, bytes, str]]]) -> None:
    """Files to attach to the email of every notification whose dedupe key is ``<prefix>:<key>[:u<id>]``:
    ``fn(key)`` returns ``(filename, content, mimetype)`` triples, built when the email is sent (so a copy is
    made from what was stored, and retried with the email)."""
    handlers.register(f"{ATTACHMENTS}:{prefix}", attachments=fn)


def attachments_for(n: Notification) -> list[tuple[str, bytes, str]]:
    if not n.dedupe_key or ":" not in n.dedupe_key:
        return []
    prefix, _, rest = n.dedupe_key.partition(":")
    fn = handlers.find(f"{ATTACHMENTS}:{prefix}", "attachments")
    if fn is None:
        return []
    key = rest.rsplit(":u", 1)[0]
    return list(fn(key))


def _send(n: Notification) -> None:
    link = f"\n\n{settings.JOINTLY_BASE_URL}{n.url}" if n.url else ""
    EmailMessage(
        subject=single_line(n.subject),  # rows stored before subjects were cleaned still send
        body=f"{n.body}{link}",
        to=[n.recipient.email],
        headers={"Message-ID": message_id(n.pk), "X-Jointly-Idempotency-Key": idempotency_key(n.pk)},
        attachments=attachments_for(n),
    ).send()
