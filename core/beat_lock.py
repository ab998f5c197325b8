"""One celery beat at a time, however many are started (docs/scaling.md).

Every node may run ``celery beat`` (or a deployment may start two by mistake); only the one holding a Redis lock
sends the schedule. The lock is a key set with NX and an expiry, renewed by its holder every third of the expiry, so
a beat that dies (or loses its node) frees it within ``JOINTLY_BEAT_LOCK_SECONDS`` and a waiting beat takes over.
A beat that finds the lock held waits in ``beat_init`` (before it schedules anything), saying so in its log. The
periodic tasks are idempotent anyway (dedupe keys), so the lock stops double work rather than double effects.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings

log = logging.getLogger(__name__)

KEY = "jointly:celery-beat-lock"

# Only the holder's token may extend or delete the key: a beat whose lock expired must not renew another's.
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
)
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class BeatLock:
    def __init__(self, *, url: str, seconds: int, key: str = KEY) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        self.key = key
        self.seconds = seconds
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def acquire(self) -> bool:
        """Take the lock if nobody holds it (SET NX with expiry)."""
        return bool(self.client.set(self.key, self.token, nx=True, ex=self.seconds))

    def renew(self) -> bool:
        """Extend the lock; False when it is no longer ours (it expired and another beat took it)."""
        return bool(self.client.eval(_RENEW, 1, self.key, self.token, self.seconds * 1000))

    def release(self) -> None:
        self.client.eval(_RELEASE, 1, self.key, self.token)

    def holder(self) -> str:
        value = self.client.get(self.key)
        return value.decode() if isinstance(value, bytes) else ""


def wait_until_held(lock: BeatLock, *, stop: threading.Event | None = None, poll: float | None = None) -> bool:
    """Block until ``lock`` is ours (True), or ``stop`` is set (False). Logs once that this beat is waiting."""
    stop = stop or threading.Event()
    interval = poll if poll is not None else max(1.0, lock.seconds / 3)
    said = False
    while not stop.is_set():
        try:
            if lock.acquire():
                log.warning("celery beat %s holds the beat lock: this instance sends the schedule", lock.token)
                return True
            if not said:
                log.warning(
                    "Another celery beat (%s) holds the beat lock: this one (%s) stays idle and takes over if it stops",
                    lock.holder() or "unknown",
                    lock.token,
                )
                said = True
        except redis.RedisError as exc:
            log.warning("celery beat cannot reach Redis for its lock (%s); retrying", exc)
        stop.wait(interval)
    return False


def keep_renewing(
    lock: BeatLock, *, stop: threading.Event, on_lost: Callable[[], None], interval: float | None = None
) -> threading.Thread:
    """Renew the lock in a daemon thread until ``stop``; call ``on_lost`` if another beat has it now."""
    every = interval if interval is not None else max(1.0, lock.seconds / 3)

    def run() -> None:
        while not stop.wait(every):
            try:
                if lock.renew() or lock.acquire():  # acquire: the key expired while Redis was unreachable
                    continue
            except redis.RedisError as exc:
                log.warning("celery beat could not renew its lock (%s); retrying", exc)
                continue
            log.error("celery beat lost its lock to %s: this instance stops scheduling", lock.holder() or "unknown")
            on_lost()
            return

    thread = threading.Thread(target=run, name="beat-lock-renewer", daemon=True)
    thread.start()
    return thread


def _stop_this_beat() -> None:
    # beat's own SIGTERM handling shuts it down cleanly; the process supervisor restarts it, and it then waits.
    os.kill(os.getpid(), signal.SIGTERM)


def on_beat_init(sender: Any = None, **_: Any) -> None:
    """``beat_init`` handler (config/celery.py): wait for the lock, then keep it while this beat lives."""
    lock = BeatLock(url=settings.REDIS_URL, seconds=settings.JOINTLY_BEAT_LOCK_SECONDS)
    wait_until_held(lock)
    stop = threading.Event()
    keep_renewing(lock, stop=stop, on_lost=_stop_this_beat)

    def release() -> None:
        stop.set()
        try:
            lock.release()
        except redis.RedisError:
            pass  # it expires by itself

    atexit.register(release)
