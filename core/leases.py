"""Leases for long jobs (a board pack today; report PDFs can use the same): a job runs only while its worker holds
an unexpired lease, renewed as the job makes progress. A worker killed mid-job stops renewing; once
``lease_expires_at`` passes, the next attempt (the outbox publishing the job again, or a person asking again)
takes the job over instead of waiting for a job that will never finish.

    lease = leases.acquire("partners.BoardPack:12", seconds=leases.long_job_seconds())
    if lease is None:  # someone else is working on it
        outbox.defer(until=leases.expires_at("partners.BoardPack:12"))
    else:
        try:
            ...; lease.renew()   # at each step
        finally:
            lease.release()
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Lease


def long_job_seconds() -> int:
    """How long a long job may go without reporting progress before it is presumed dead (settings)."""
    return int(getattr(settings, "JOINTLY_LONG_JOB_LEASE_SECONDS", 600))


@dataclass
class Held:
    key: str
    holder: str
    seconds: int

    def renew(self) -> bool:
        """Push the expiry on (call at each step of the job); False if the lease was lost to another worker."""
        return bool(
            Lease.objects.filter(key=self.key, holder=self.holder).update(
                lease_expires_at=timezone.now() + timedelta(seconds=self.seconds)
            )
        )

    def release(self) -> None:
        Lease.objects.filter(key=self.key, holder=self.holder).update(holder="", lease_expires_at=None)


def acquire(key: str, *, seconds: int) -> Held | None:
    """Take the lease if nobody holds it or its holder's lease has expired (committed at once, so other workers see
    it); None while another holder's lease is live."""
    holder = str(uuid.uuid4())
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Lease.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # created by a concurrent worker
        lease = Lease.objects.select_for_update().get(key=key)
        if lease.holder and lease.lease_expires_at and lease.lease_expires_at > now:
            return None
        lease.holder = holder
        lease.acquired_at = now
        lease.lease_expires_at = now + timedelta(seconds=seconds)
        lease.attempts += 1
        lease.save(update_fields=["holder", "acquired_at", "lease_expires_at", "attempts"])
    return Held(key=key, holder=holder, seconds=seconds)


def expires_at(key: str) -> datetime | None:
    """When the current holder's lease runs out (None: nobody holds it)."""
    lease = Lease.objects.filter(key=key).exclude(holder="").first()
    return lease.lease_expires_at if lease else None


def is_live(key: str) -> bool:
    until = expires_at(key)
    return until is not None and until > timezone.now()


def expired(key: str) -> bool:
    """Held once and its holder stopped renewing (a dead worker), as opposed to never started or released."""
    until = expires_at(key)
    return until is not None and until <= timezone.now()


def break_expired(key: str) -> None:
    """Forget a dead holder's expired lease (the job is being started again)."""
    Lease.objects.filter(key=key, lease_expires_at__lte=timezone.now()).update(holder="", lease_expires_at=None)
