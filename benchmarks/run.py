"""County-scale benchmark: ``python -m benchmarks.run``.

Builds county-scale data in its own database (15 partners and, as each capability lands, its own data through
``benchmarks/<app>_data.py``), serves the app with gunicorn on PostgreSQL, and reports for each key page its
latency (p50/p95), throughput and queries per request, beside a minimal Django view (same middleware, no work)
measured in the same run. Not a timed test: the numbers go in closing notes.

Each ``benchmarks/<app>_data.py`` may define ``build(context) -> list[Page]`` to add data and pages.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "benchmarks" / "results"


@dataclass
class Page:
    label: str
    path: str
    user_email: str
    organisation_id: int


@dataclass
class Result:
    label: str
    path: str
    queries: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    throughput_rps: float
    extra: dict[str, Any] = field(default_factory=dict)


def _setup_database(args: argparse.Namespace) -> list:
    stops = []
    if not os.environ.get("DATABASE_URL"):
        from core.devstack import start_postgres

        url, stop = start_postgres(
            Path(tempfile.mkdtemp(prefix="jointly-bench-")) / "pgdata", database="jointly_bench", cleanup="delete"
        )
        os.environ["DATABASE_URL"] = url
        stops.append(stop)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")  # never reached: the pages measured enqueue nothing
    os.environ["JOINTLY_ROOT_URLCONF"] = "benchmarks.urls"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return stops


def _build(scale: float) -> tuple[list[Page], dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from benchmarks import partners_data

    context: dict[str, Any] = {"scale": scale}
    started = time.monotonic()
    pages = partners_data.build(context)
    for app in ("commissioning", "procurement", "monitoring"):
        name = f"benchmarks.{app}_data"
        if importlib.util.find_spec(name) is not None:
            module = importlib.import_module(name)
            if hasattr(module, "build"):
                pages += module.build(context)
    context["build_seconds"] = round(time.monotonic() - started, 1)
    return pages, context


def _session_cookie(email: str, organisation_id: int) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from core.tenancy import tenancy_disabled
    from partners.acting import SESSION_KEY as ACTING_KEY
    from partners.models import User

    with tenancy_disabled():
        user = User.objects.get(email=email)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[ACTING_KEY] = organisation_id
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _count_queries(path: str, cookie: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    name, _, value = cookie.partition("=")
    client.cookies[name] = value
    client.get(path)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    return len(ctx.captured_queries)


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _load(port: int, path: str, cookie: str, requests: int, concurrency: int) -> tuple[list[float], int, float]:
    """Closed-loop load from ``concurrency`` keep-alive connections on loopback, bounded by ``requests``."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = county scale")
    args = parser.parse_args()

    stops = _setup_database(args)
    server = None
    try:
        print("Building county-scale data…", flush=True)
        pages, context = _build(args.scale)
        print(f"Built in {context['build_seconds']} s: {json.dumps(context.get('counts', {}))}", flush=True)
        from core.devstack import free_port

        port = free_port()
        server = _serve(port, args.workers)
        first = pages[0]
        baseline = Page(
            "Minimal Django view (baseline)", "/__bench__/minimal/", first.user_email, first.organisation_id
        )
        results: list[Result] = []
        for page in [baseline, *pages]:
            cookie = _session_cookie(page.user_email, page.organisation_id)
            queries = _count_queries(page.path, cookie)
            _load(port, page.path, cookie, min(20, args.requests), args.concurrency)  # warm up
            latencies, errors, elapsed = _load(port, page.path, cookie, args.requests, args.concurrency)
            result = Result(
                label=page.label,
                path=page.path,
                queries=queries,
                requests=len(latencies),
                errors=errors,
                p50_ms=round(_percentile(latencies, 0.50), 1),
                p95_ms=round(_percentile(latencies, 0.95), 1),
                throughput_rps=round(len(latencies) / elapsed, 1),
            )
            results.append(result)
            print(
                f"  {result.label:<48} p50 {result.p50_ms:7.1f} ms  p95 {result.p95_ms:7.1f} ms  {result.throughput_rps:7.1f} req/s  {result.queries:3d} queries  {result.errors} errors",
                flush=True,
            )
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "machine": {"cores": os.cpu_count()},
            "settings": {
                "requests_per_page": args.requests,
                "concurrency": args.concurrency,
                "gunicorn_workers": args.workers,
            },
            "data": context.get("counts", {}),
            "results": [asdict(r) for r in results],
        }
        (RESULTS / "latest.json").write_text(json.dumps(out, indent=2))
        print(_markdown(results))
        print(f"Saved {RESULTS / 'latest.json'}")
        return 0 if all(r.errors == 0 for r in results) else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        for stop in stops:
            stop()


def _markdown(results: list[Result]) -> str:
    base = results[0]
    lines = [
        "| page | queries | p50 ms | p95 ms | req/s | vs. minimal view (p50) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ratio = r.p50_ms / base.p50_ms if base.p50_ms else 0
        lines.append(f"| {r.label} | {r.queries} | {r.p50_ms} | {r.p95_ms} | {r.throughput_rps} | {ratio:.1f}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
