"""County-scale benchmark: ``python -m benchmarks.run [--scale 1] [--requests 100] [--fanout 10000]``.

Builds county-scale data in its own database (15 partners and, as each capability lands, its own data through
``benchmarks/<app>_data.py``), serves the app with gunicorn on PostgreSQL and Redis, and reports for each page:

- CPU per request, measured in the server (``benchmarks.cpu``: the gunicorn worker's process time across the
  request, sent back in a header), mean and p95;
- throughput as a share of a minimal Django view (same middleware, no work) measured just before it, in the same
  run, under the same load;
- queries per request, p50 and p95 latency;
- the machine's load average (1 minute) and cores beside every figure: on a shared machine the numbers move with it.

Then the reminder fan-out, end to end on a real Celery worker: ``--fanout`` overdue-return reminders (10,000) sent by
the hourly sweep task, exactly as beat sends it, until the last email is recorded; with the duplicates counted from
the emails' Message-IDs. Writes ``benchmarks/results/latest.json`` and a Markdown table
(``benchmarks/results/scale-<scale>-<time>.md``). Not a timed test: run by hand; CI does not run it.

Each ``benchmarks/<app>_data.py`` may define ``build(context) -> list[Page]`` to add data and pages.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django

from core.devstack import free_port, start_postgres, start_redis

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "benchmarks" / "results"
CPU_HEADER = "X-Bench-CPU-Ms"  # benchmarks.cpu.HEADER (that module needs Django settings to import)


@dataclass
class Page:
    label: str
    path: str
    user_email: str
    organisation_id: int
    key: bool = False  # one of issue #15's key pages (``--key-only`` measures just these)


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
    cpu_ms: float = 0.0  # mean server-side CPU per request
    cpu_p95_ms: float = 0.0
    minimal_rps: float = 0.0  # the minimal view's throughput, measured just before this page
    share: float = 0.0  # throughput / minimal_rps
    load: float = 0.0  # 1-minute load average when the page was measured
    extra: dict[str, Any] = field(default_factory=dict)


def _setup_database(args: argparse.Namespace) -> list:
    stops = []
    if not os.environ.get("DATABASE_URL"):
        url, stop = start_postgres(
            Path(tempfile.mkdtemp(prefix="jointly-bench-")) / "pgdata", database="jointly_bench", cleanup="delete"
        )
        os.environ["DATABASE_URL"] = url
        stops.append(stop)
    if not os.environ.get("REDIS_URL"):
        # A real Redis, as in production: the shared cache (unread counts) and, for the fan-out, the broker.
        url, stop = start_redis(Path(tempfile.mkdtemp(prefix="jointly-bench-redis-")))
        os.environ["REDIS_URL"] = url
        stops.append(stop)
    os.environ["JOINTLY_ROOT_URLCONF"] = "benchmarks.urls"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return stops


def _serve(port: int, workers: int, settings_module: str = "config.settings") -> subprocess.Popen[bytes]:
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
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
    )
    deadline = time.monotonic() + 180  # a busy machine takes its time to import Django three times
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


@dataclass
class Load:
    latencies: list[float]
    errors: int
    elapsed: float
    cpu_ms: list[float]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def _load(port: int, path: str, cookie: str, requests: int, concurrency: int) -> Load:
    """Closed-loop load from ``concurrency`` keep-alive connections on loopback, bounded by ``requests``."""
    latencies: list[float] = []
    cpu: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            spent = None
            try:
                conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                spent = response.getheader(CPU_HEADER)
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if spent:
                    cpu.append(float(spent))
                if not ok:
                    errors += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Load(latencies, errors, time.perf_counter() - started, cpu)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index] * 1000


def _load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _measure(port: int, page: Page, baseline: Page, args: argparse.Namespace, measure: Any) -> Result:
    """The minimal view, then the page, each warmed up, under the same concurrency: the share compares like with
    like however busy the machine is at that moment."""
    cookie = measure.session_cookie(page.user_email, page.organisation_id)
    queries = measure.count_queries(page.path, cookie)
    base_cookie = measure.session_cookie(baseline.user_email, baseline.organisation_id)
    _load(port, baseline.path, base_cookie, min(20, args.requests), args.concurrency)
    minimal = _load(port, baseline.path, base_cookie, max(20, args.requests // 2), args.concurrency)
    _load(port, page.path, cookie, min(10, args.requests), args.concurrency)  # warm up
    load = _load_average()
    run = _load(port, page.path, cookie, args.requests, args.concurrency)
    return Result(
        label=page.label,
        path=page.path,
        queries=queries,
        requests=len(run.latencies),
        errors=run.errors,
        p50_ms=round(_percentile(run.latencies, 0.50), 1),
        p95_ms=round(_percentile(run.latencies, 0.95), 1),
        throughput_rps=round(run.throughput, 1),
        cpu_ms=round(statistics.fmean(run.cpu_ms), 1) if run.cpu_ms else 0.0,
        cpu_p95_ms=round(_percentile([c / 1000 for c in run.cpu_ms], 0.95), 1),
        minimal_rps=round(minimal.throughput, 1),
        share=round(run.throughput / minimal.throughput, 3) if minimal.throughput else 0.0,
        load=max(load, _load_average()),
        extra={"key": page.key, "minimal_cpu_ms": round(statistics.fmean(minimal.cpu_ms), 2) if minimal.cpu_ms else 0},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100, help="requests per page (the minimal view: half)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = county scale")
    parser.add_argument("--key-only", action="store_true", help="only issue #15's key pages")
    parser.add_argument("--fanout", type=int, default=10_000, help="reminders for the fan-out (0: skip it)")
    parser.add_argument("--no-pages", action="store_true", help="only the fan-out")
    parser.add_argument("--fanout-concurrency", type=int, default=4, help="the fan-out worker's processes")
    args = parser.parse_args()

    stops = _setup_database(args)
    server = None
    try:
        print("Building county-scale data…", flush=True)
        django.setup()
        # Models can be imported only once Django is set up, and set-up needs the database chosen above.
        from benchmarks import fanout, measure  # noqa: PLC0415, RUF100

        pages, context = measure.build(args.scale, pages=not args.no_pages)
        print(f"Built in {context['build_seconds']} s: {json.dumps(context.get('counts', {}))}", flush=True)
        if args.key_only:
            pages = [p for p in pages if p.key]
        results: list[Result] = []
        if pages:
            port = free_port()
            server = _serve(port, args.workers, settings_module="benchmarks.settings")
        for page in pages:
            first = pages[0]
            baseline = Page(
                "Minimal Django view (baseline)", "/__bench__/minimal/", first.user_email, first.organisation_id
            )
            result = _measure(port, page, baseline, args, measure)
            results.append(result)
            print(
                f"  {result.label:<52} cpu {result.cpu_ms:7.1f} ms  p50 {result.p50_ms:7.1f} ms  "
                f"p95 {result.p95_ms:7.1f} ms  {result.throughput_rps:6.1f} req/s ({result.share:.0%} of minimal)  "
                f"{result.queries:3d} queries  load {result.load}  {result.errors} errors",
                flush=True,
            )
        _stop(server, [])
        server = None
        fan = fanout.measure(args.fanout, concurrency=args.fanout_concurrency) if args.fanout else None
        if fan is not None:
            print(f"  Reminder fan-out: {json.dumps(fan)}", flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "machine": {"cores": os.cpu_count(), "load_at_end": list(os.getloadavg())},
            "settings": {
                "scale": args.scale,
                "requests_per_page": args.requests,
                "concurrency": args.concurrency,
                "gunicorn_workers": args.workers,
            },
            "data": context.get("counts", {}),
            "results": [asdict(r) for r in results],
            "fanout": fan,
        }
        (RESULTS / "latest.json").write_text(json.dumps(out, indent=2))
        table = _markdown(results, fan, out)
        name = RESULTS / f"scale-{args.scale:g}-{time.strftime('%Y%m%dT%H%M%S')}.md"
        name.write_text(table + "\n")
        shutil.copyfile(name, RESULTS / "latest.md")
        print(table)
        print(f"Saved {name} and {RESULTS / 'latest.json'}")
        return 0 if all(r.errors == 0 for r in results) and (fan is None or fan["duplicates"] == 0) else 1
    finally:
        _stop(server, stops)


def _stop(server: subprocess.Popen[bytes] | None, stops: list) -> None:
    """Stop gunicorn (if it started), then the benchmark's own database."""
    try:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)
    finally:
        for stop in stops:
            stop()


def _markdown(results: list[Result], fan: dict[str, Any] | None, out: dict[str, Any]) -> str:
    cores = out["machine"]["cores"]
    settings = out["settings"]
    lines = [
        f"Scale {settings['scale']:g}; {settings['requests_per_page']} requests a page from {settings['concurrency']} "
        f"connections; {settings['gunicorn_workers']} gunicorn workers; {cores} cores; {out['when']}.",
        "",
        "| page | CPU ms/request (mean / p95) | share of minimal view | req/s (minimal) | queries | p50 ms | p95 ms "
        "| load (1 min) / cores |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        label = f"**{r.label}**" if r.extra.get("key") else r.label
        lines.append(
            f"| {label} | {r.cpu_ms} / {r.cpu_p95_ms} | {r.share:.0%} | {r.throughput_rps} ({r.minimal_rps}) "
            f"| {r.queries} | {r.p50_ms} | {r.p95_ms} | {r.load} / {cores} |"
        )
    if fan is not None:
        lines += [
            "",
            "| reminder fan-out (real worker) | reminders | all made (s) | last email (s) | emails | duplicates "
            "| delivery tasks | worker processes | worker CPU (s) | load (1 min) / cores |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| hourly return reminder sweep, as beat sends it | {fan['reminders']} | {fan['made_s']} "
            f"| {fan['last_email_s']} | {fan['emails']} | {fan['duplicates']} | {fan['delivery_tasks']} "
            f"| {fan['worker_processes']} | {fan['worker_cpu_s']} | {fan['load']} / {cores} |",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
