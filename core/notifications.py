"""Telling people things: an in-app notification, mirrored by email, each exactly once per dedupe key."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
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


# --- many at once: reminder sweeps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One notification to one person, as a sweep builds it. ``dedupe_key`` is the reminder's key; the person's
    own key is ``<dedupe_key>:u<recipient id>``, exactly as ``notify`` makes it, so either path sends it once."""

    recipient_id: int
    subject: str
    body: str = ""
    url: str = ""
    organisation_id: int | None = None
    dedupe_key: str | None = None
    email: bool = True

    @property
    def key(self) -> str | None:
        return f"{self.dedupe_key}:u{self.recipient_id}" if self.dedupe_key else None


def messages(
    recipients: Iterable[Any],
    *,
    subject: str,
    body: str = "",
    url: str = "",
    organisation_id: int | None = None,
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Message]:
    """``notify``'s arguments as one message per distinct person."""
    people = {u.pk: u for u in recipients}
    return [
        Message(
            recipient_id=pk,
            subject=subject,
            body=body,
            url=url,
            organisation_id=organisation_id,
            dedupe_key=dedupe_key,
            email=email,
        )
        for pk in people
    ]


def batch_size() -> int:
    return int(getattr(settings, "JOINTLY_NOTIFY_BATCH_SIZE", 1000))


def _chunks(items: Iterable[Message], size: int) -> Iterator[list[Message]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def fan_out(items: Iterable[Message], *, size: int | None = None) -> int:
    """Create many notifications, ``size`` (``JOINTLY_NOTIFY_BATCH_SIZE``, 1,000) at a time: per batch one INSERT
    that skips every dedupe key already used, and one delivery task for the batch's new emails, committed together.
    A sweep run twice, retried half way or overlapping another creates each notification once. Returns how many
    were created. The one path for reminder sweeps (docs/background-work.md, "Reminders in bulk")."""
    return sum(len(notify_batch(batch=chunk)) for chunk in _chunks(items, size or batch_size()))


def notify_batch(*, batch: Sequence[Message]) -> list[int]:
    """Insert one batch (``INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING``: the ids of the rows this
    call created, none of another's) and enqueue their delivery, in one transaction."""
    unique: dict[str | None, Message] = {}
    for i, m in enumerate(batch):
        unique.setdefault(m.key if m.key is not None else f"#{i}", m)  # a key twice in one batch: once
    rows = list(unique.values())
    if not rows:
        return []
    fields = [f for f in Notification._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    objects = [
        Notification(
            recipient_id=m.recipient_id,
            organisation_id=m.organisation_id,
            subject=single_line(m.subject)[:200],
            body=m.body,
            url=m.url[:500],
            email=m.email,
            dedupe_key=m.key,
            created_at=now,
        )
        for m in rows
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    params = [[f.get_db_prep_save(getattr(o, f.attname), connection) for o in objects] for f in fields]
    table = connection.ops.quote_name(Notification._meta.db_table)
    key = connection.ops.quote_name(Notification._meta.get_field("dedupe_key").column)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) "  # table and column names from the model
            f"ON CONFLICT ({key}) DO NOTHING RETURNING id, recipient_id, email",
            params,
        )
        created = cursor.fetchall()
        if created:
            unread.forget(*{recipient for _, recipient, _ in created})
            emailed = [pk for pk, _, email in created if email]
            if emailed:
                _enqueue_delivery(sorted(emailed))
    return [pk for pk, _, _ in created]


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


def deliver_emails(*, notification_ids: Iterable[int] | None = None, limit: int = 5000) -> int:
    """Email every pending notification (or those given) once.

    Emails are claimed a chunk at a time in one committed statement, each sent with a stable idempotency key
    (Message-ID and X-Jointly-Idempotency-Key) over one mail connection, then recorded as sent, each on its own
    and only while the claim holds. A concurrent worker skips claimed emails; a claim older than ``claim_timeout()``
    whose send was never recorded (its worker died) is retried with the same key, so a kill never loses an email.
    A chunk's emails are only sent while their claim is younger than half the timeout: the rest are released and
    claimed afresh, so no email waits on its claim long enough for another worker to take it over. See
    docs/background-work.md for the one remaining window."""
    sent = 0
    errors: list[Exception] = []
    ids = None if notification_ids is None else list(notification_ids)
    failed: set[int] = set()
    mail = get_connection()
    opened = False
    with unscoped(reason="the email sender delivers every organisation's notifications"):
        try:
            while sent + len(failed) < (limit if ids is None else len(ids)):
                token, claimed = _claim_chunk(ids, exclude=failed)
                if not claimed:
                    break
                released = False
                for index, n in enumerate(claimed):
                    if n.email_claimed_at is not None and timezone.now() - n.email_claimed_at > claim_timeout() / 2:
                        _release([c.pk for c in claimed[index:]], token)  # claim afresh before sending these
                        released = True
                        break
                    try:
                        if not opened:
                            opened = True
                            mail.open()  # one connection for the whole run, opened once there is something to send
                        _send(n, mail)
                    except Exception as exc:  # noqa: BLE001 - release the claim so the next sweep retries at once
                        log.warning("Email for notification %s failed: %s", n.pk, exc)
                        _release([n.pk], token)
                        failed.add(n.pk)
                        errors.append(exc)
                        if isinstance(exc, OSError):  # the mail server is unreachable: stop, retry later
                            _release([c.pk for c in claimed[index + 1 :]], token)
                            released = True
                            break
                        continue
                    Notification.objects.filter(pk=n.pk, email_claim=token).update(emailed_at=timezone.now())
                    sent += 1
                if errors and isinstance(errors[-1], OSError):
                    break
                if not released and len(claimed) < CLAIM_CHUNK:
                    break
        finally:
            mail.close()
    if errors and isinstance(errors[0], OSError):
        raise errors[0]  # the mail server is unreachable: the task's retry backs off and tries again
    return sent


# Emails claimed at once: one statement claims them, each is then sent and recorded on its own.
CLAIM_CHUNK = 100


def _unsent() -> Q:
    stale = timezone.now() - claim_timeout()
    return Q(emailed_at__isnull=True) & (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=stale))


def _claim_chunk(ids: list[int] | None, *, exclude: set[int]) -> tuple[str, list[Notification]]:
    token = str(uuid.uuid4())
    with transaction.atomic():
        # Lock only the notifications: locking the joined recipient too (the default with a join) made a concurrent
        # delivery to the same person skip these rows.
        pending = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_unsent(), email=True)
            .exclude(recipient__email="")
        )
        if ids is not None:
            pending = pending.filter(pk__in=ids)
        if exclude:
            pending = pending.exclude(pk__in=exclude)
        pks = list(pending.order_by("pk").values_list("pk", flat=True)[:CLAIM_CHUNK])
        if not pks:
            return token, []
        Notification.objects.filter(pk__in=pks).update(email_claim=token, email_claimed_at=timezone.now())
    claimed = list(
        Notification.objects.filter(pk__in=pks, email_claim=token).select_related("recipient").order_by("pk")
    )
    return token, claimed


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


def _release(pks: list[int], token: str) -> None:
    if pks:
        Notification.objects.filter(pk__in=pks, email_claim=token).update(email_claim="", email_claimed_at=None)


def _send(n: Notification, mail: Any = None) -> None:
    link = f"\n\n{settings.JOINTLY_BASE_URL}{n.url}" if n.url else ""
    EmailMessage(
        subject=single_line(n.subject),  # rows stored before subjects were cleaned still send
        body=f"{n.body}{link}",
        to=[n.recipient.email],
        headers={"Message-ID": message_id(n.pk), "X-Jointly-Idempotency-Key": idempotency_key(n.pk)},
        attachments=attachments_for(n),
        connection=mail,
    ).send()
