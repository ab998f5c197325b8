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

import django

from core.devstack import free_port, start_postgres

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
        django.setup()
        # Models can be imported only once Django is set up, and set-up needs the database chosen above.
        from benchmarks import measure  # noqa: PLC0415, RUF100

        pages, context = measure.build(args.scale)
        print(f"Built in {context['build_seconds']} s: {json.dumps(context.get('counts', {}))}", flush=True)
        port = free_port()
        server = _serve(port, args.workers)
        first = pages[0]
        baseline = Page(
            "Minimal Django view (baseline)", "/__bench__/minimal/", first.user_email, first.organisation_id
        )
        results: list[Result] = []
        for page in [baseline, *pages]:
            cookie = measure.session_cookie(page.user_email, page.organisation_id)
            queries = measure.count_queries(page.path, cookie)
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
        _stop(server, stops)


def _stop(server: subprocess.Popen[bytes] | None, stops: list) -> None:
    """Stop gunicorn (if it started), then the benchmark's own database."""
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
