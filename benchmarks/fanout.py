"""The reminder fan-out, end to end on a real Celery worker (``benchmarks.run`` calls ``measure`` after the pages).

``reminders`` overdue-return reminders (``benchmarks.fanout_data``: 20 people told about each contract) wait for the
hourly sweep. The benchmark sends ``monitoring.tasks.send_return_reminders`` to Redis exactly as celery beat does,
and times it until every notification is made and until the last email is recorded as sent by a real worker
(``celery worker``, four processes by default: delivery waits on the database and the mail server more than
it computes; file-based email). Duplicates are counted from the emails themselves: each email's
Message-ID names its notification, so one seen twice is a person emailed twice.

Import only once Django is set up."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from benchmarks.fanout_data import REMINDER_DAY, build_fanout
from config.celery import app
from core.models import Notification, OutboxEntry
from core.tenancy import unscoped

BASE_DIR = Path(__file__).resolve().parent.parent
PEOPLE_PER_PROVIDER = 19  # plus the lead contact: 20 reminders a contract
PROVIDERS = 50
SWEEP = "monitoring.tasks.send_return_reminders"
DELIVER = "core.tasks.deliver_notification_emails"


def _counts() -> tuple[int, int]:
    with unscoped(reason="the benchmark counts every reminder the sweep made"):
        made = Notification.objects.filter(dedupe_key__startswith="return:")
        return made.count(), made.filter(emailed_at__isnull=False).count()


def _message_ids(folder: Path) -> Counter[str]:
    ids: Counter[str] = Counter()
    for path in folder.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Message-ID: <jointly-notification-"):
                ids[line.split(":", 1)[1].strip()] += 1
    return ids


def _cpu_seconds(process: psutil.Process) -> float:
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def measure(reminders: int, *, concurrency: int = 4, timeout: float = 900) -> dict[str, Any]:
    print(f"Building the fan-out world ({reminders:,} reminders)…", flush=True)
    world = build_fanout(
        contracts=max(1, reminders // (PEOPLE_PER_PROVIDER + 1)),
        providers=PROVIDERS,
        people_per_provider=PEOPLE_PER_PROVIDER,
    )
    mail_dir = Path(tempfile.mkdtemp(prefix="jointly-bench-mail-"))
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "JOINTLY_EMAIL_DIR": str(mail_dir),
        },
    )
    try:
        app.conf.broker_url = os.environ["REDIS_URL"]
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if time.monotonic() > deadline:
                raise RuntimeError("the celery worker did not start")
        cpu_before = _cpu_seconds(psutil.Process(worker.pid))
        load = os.getloadavg()[0]
        started = time.monotonic()
        app.send_task(SWEEP, args=[REMINDER_DAY.isoformat()])  # as celery beat sends the hourly sweep
        made_s = last_email_s = None
        deadline = started + timeout
        while time.monotonic() < deadline:
            made, emailed = _counts()
            now = time.monotonic() - started
            if made_s is None and made >= world.reminders:
                made_s = now
            if made >= world.reminders and emailed >= made:
                last_email_s = now
                break
            time.sleep(0.25)
        worker_cpu = _cpu_seconds(psutil.Process(worker.pid)) - cpu_before
        load = max(load, os.getloadavg()[0])
        time.sleep(2)  # anything still in flight would show as a duplicate
        made, emailed = _counts()
        ids = _message_ids(mail_dir)
        with unscoped(reason="the benchmark counts the delivery tasks"):
            deliveries = OutboxEntry.objects.filter(task_name=DELIVER).count()
        return {
            "reminders": world.reminders,
            "made": made,
            "emailed": emailed,
            "made_s": round(made_s, 1) if made_s is not None else None,
            "last_email_s": round(last_email_s, 1) if last_email_s is not None else None,
            "emails": sum(ids.values()),
            "duplicates": sum(ids.values()) - len(ids),
            "delivery_tasks": deliveries,
            "worker_cpu_s": round(worker_cpu, 1),
            "load": round(load, 2),
            "worker_processes": concurrency,
        }
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
