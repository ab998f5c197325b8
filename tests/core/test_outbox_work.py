"""Work run through the outbox is safe to repeat: emails are claimed, sent with an idempotency key and recorded (a
dead worker's claim is retried with the same key); a board pack whose worker died is taken over once its lease
expires; a line break in a subject never stops an email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from boards import pack as board_pack
from boards.models import AgendaItem, BoardPack
from boards.tasks import generate_board_pack
from core import leases, notifications, outbox
from core.models import Lease, Notification, OutboxEntry
from core.notifications import deliver_emails, notify
from tests.boards.conftest import fake_award, lichfield  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _notify_alex(world, subject: str = "Your contribution was confirmed") -> Notification:
    [n] = notify(recipients=[world.lead_commissioner], subject=subject, url="/commissions/1/")
    return n


def test_a_line_break_in_a_tender_title_does_not_stop_its_emails(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = _notify_alex(world, subject="Bids open for Older people's\r\nindependence\x0b service")
    [sent] = mail.outbox
    assert sent.subject == "Bids open for Older people's independence service"
    n.refresh_from_db()
    assert n.emailed_at is not None and "\n" not in n.subject


def test_a_subject_stored_with_a_line_break_before_the_fix_still_sends(world):
    n = _notify_alex(world)
    Notification.objects.filter(pk=n.pk).update(subject="Tender: Carers'\nsupport")  # written by the old code
    assert deliver_emails() == 1
    assert mail.outbox[0].subject == "Tender: Carers' support"


def test_each_email_carries_a_stable_idempotency_key(world):
    n = _notify_alex(world)
    deliver_emails()
    [sent] = mail.outbox
    assert sent.extra_headers["X-Jointly-Idempotency-Key"] == f"jointly-notification-{n.pk}"
    assert sent.extra_headers["Message-ID"] == notifications.message_id(n.pk)
    assert f"jointly-notification-{n.pk}@" in sent.message()["Message-ID"]
    assert deliver_emails() == 0 and len(mail.outbox) == 1  # recorded: never again


def test_an_email_claimed_by_a_live_worker_is_left_to_it(world):
    n = _notify_alex(world)
    Notification.objects.filter(pk=n.pk).update(email_claim="other-worker", email_claimed_at=timezone.now())
    assert deliver_emails() == 0 and mail.outbox == []


def test_an_email_claimed_by_a_worker_that_died_is_sent_with_the_same_key(world, settings):
    settings.JOINTLY_EMAIL_CLAIM_TIMEOUT = 60
    n = _notify_alex(world)
    Notification.objects.filter(pk=n.pk).update(
        email_claim="killed-worker", email_claimed_at=timezone.now() - timedelta(seconds=61)
    )
    assert deliver_emails() == 1
    assert mail.outbox[0].extra_headers["X-Jointly-Idempotency-Key"] == f"jointly-notification-{n.pk}"
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_a_failed_send_releases_its_claim_for_the_next_sweep(world, monkeypatch):
    n = _notify_alex(world)

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    with pytest.raises(ConnectionRefusedError):
        deliver_emails()  # the task's retry backs off
    n.refresh_from_db()
    assert (n.emailed_at, n.email_claim, n.email_claimed_at) == (None, "", None)
    monkeypatch.undo()
    assert deliver_emails() == 1


def _pack(lichfield) -> BoardPack:  # noqa: F811
    lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    return board_pack.pack_request(meeting=lichfield.meeting, by=lichfield.clerk_acting)


def _worker_died_holding(pack: BoardPack, *, seconds_ago: int) -> None:
    """What a SIGKILLed worker leaves: the pack "generating" and its lease no longer renewed."""
    BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.GENERATING, progress=35)
    Lease.objects.update_or_create(
        key=board_pack.lease_key(pack.pk),
        defaults={"holder": "dead-worker", "lease_expires_at": timezone.now() - timedelta(seconds=seconds_ago)},
    )


def test_asking_again_for_a_pack_whose_worker_died_restarts_it(
    lichfield,  # noqa: F811
    fake_award,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    pack = _pack(lichfield)
    _worker_died_holding(pack, seconds_ago=5)
    with django_capture_on_commit_callbacks(execute=True):
        again = board_pack.pack_request(meeting=lichfield.meeting, by=lichfield.chair_acting)
    assert again.pk == pack.pk
    again.refresh_from_db()
    assert again.status == BoardPack.Status.READY and again.progress == 100
    assert Lease.objects.get(key=board_pack.lease_key(pack.pk)).holder == ""  # released at the end


def test_a_pack_being_prepared_by_a_live_worker_is_not_started_twice(lichfield, fake_award):  # noqa: F811
    pack = _pack(lichfield)
    held = leases.acquire(board_pack.lease_key(pack.pk), seconds=600)
    assert held is not None
    BoardPack.objects.filter(pk=pack.pk).update(status=BoardPack.Status.GENERATING)
    again = board_pack.pack_request(meeting=lichfield.meeting, by=lichfield.chair_acting)
    assert again.pk == pack.pk and again.status == BoardPack.Status.GENERATING  # the live one, untouched
    assert board_pack.pack_generate(pack_id=pack.pk).status == BoardPack.Status.GENERATING  # waits for the lease
    assert board_pack.recover_stuck_packs() == 0


def test_the_sweeper_retries_a_pack_whose_lease_expired(lichfield, fake_award, django_capture_on_commit_callbacks):  # noqa: F811
    pack = _pack(lichfield)
    _worker_died_holding(pack, seconds_ago=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert board_pack.recover_stuck_packs() == 1
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.READY


def test_packs_lost_before_the_outbox_are_recovered(lichfield, fake_award, django_capture_on_commit_callbacks):  # noqa: F811
    """Queued for an hour with no work outstanding (the old ``.delay()`` failed), or "generating" with no lease."""
    queued = _pack(lichfield)
    OutboxEntry.objects.all().delete()
    BoardPack.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert board_pack.recover_stuck_packs() == 1
    queued.refresh_from_db()
    assert queued.status == BoardPack.Status.READY
    assert OutboxEntry.objects.get().status == OutboxEntry.Status.DONE


def test_a_run_waiting_for_a_live_lease_keeps_its_outbox_entry_open(lichfield, fake_award, settings):  # noqa: F811
    pack = _pack(lichfield)
    entry = OutboxEntry.objects.get()
    held = leases.acquire(board_pack.lease_key(pack.pk), seconds=600)
    assert held is not None

    generate_board_pack.apply(args=[pack.pk], task_id=f"{outbox.TASK_ID_PREFIX}{entry.pk}-1")
    entry.refresh_from_db()
    assert entry.status == OutboxEntry.Status.PUBLISHED  # not done: published again when the lease runs out
    assert entry.republish_after and entry.republish_after > timezone.now() + timedelta(seconds=590)
