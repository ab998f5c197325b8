"""The bid rush: 200 providers submit in the last 60 seconds before a deadline. ``python -m benchmarks.bid_rush``

Builds its own database (an embedded PostgreSQL unless DATABASE_URL is set), a published tender whose deadline is a
little over a minute away, and 200 providers each with a complete draft and an API token. Serves the app with
gunicorn (as in production: 4 sync workers) on loopback, then each provider's thread submits its bid through the
API at its own moment in the last 60 seconds (more of them near the end, as in real life). Afterwards it compares
every receipt with the database: a receipt without its version, a version without a receipt, or a bid stamped at
or after the deadline is a lost or wrong bid. Bounded: every request has a timeout and the run stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django

from benchmarks.run import _percentile, _serve, _setup_database, _stop
from core.devstack import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    provider: int
    bid_id: str  # the bid's public id (bids are addressed by UUID)
    scheduled: float
    latency: float = 0.0
    status: int = 0
    receipt: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def _schedule(count: int, start: float, end: float, seed: int = 2026) -> list[float]:
    """Moments in [start, end]: half spread over the whole window, half crowded into its last ten seconds."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        if i % 2:
            out.append(rng.uniform(max(start, end - 10), end))
        else:
            out.append(rng.uniform(start, end))
    return sorted(out)


def _submit(port: int, outcome: Outcome, token: str, deadline_at: float) -> None:
    key, _, org = token.partition(":")
    delay = outcome.scheduled - time.time()
    if delay > 0:
        time.sleep(delay)
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST",
            f"/api/v1/bids/{outcome.bid_id}/submit/",
            body=b"",
            headers={"Authorization": f"Token {key}", "X-Jointly-Organisation": org, "Host": "127.0.0.1"},
        )
        response = conn.getresponse()
        body = response.read()
        outcome.status = response.status
        if response.status == 200:
            outcome.receipt = json.loads(body)
        else:
            outcome.error = body.decode("utf-8", "replace")[:300]
        conn.close()
    except OSError as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    outcome.latency = time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds before the deadline")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (production: 4)")
    parser.add_argument("--margin", type=float, default=1.0, help="the last submission is scheduled this early")
    args = parser.parse_args()

    stops = _setup_database(args)
    # Set-up notifies the lead (method approved): deliver in-process, to nowhere; the rush itself enqueues nothing.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    server = None
    try:
        print(f"Building a tender and {args.providers} drafts…", flush=True)
        built = time.monotonic()
        # The deadline: time to start gunicorn, then the whole window.
        django.setup()
        # Models can be imported only once Django is set up, and set-up needs the database chosen above.
        from benchmarks import bid_rush_world  # noqa: PLC0415, RUF100

        tender, drafts = bid_rush_world.build(args.providers, lead_seconds=args.window + 25)
        print(
            f"Built in {time.monotonic() - built:.1f} s; the deadline is {tender.submission_deadline:%H:%M:%S}",
            flush=True,
        )
        port = free_port()
        server = _serve(port, args.workers)
        deadline_at = tender.submission_deadline.timestamp()
        moments = _schedule(len(drafts), deadline_at - args.window, deadline_at - args.margin)
        outcomes = [
            Outcome(provider=i, bid_id=bid_id, scheduled=m) for (i, bid_id, _), m in zip(drafts, moments, strict=True)
        ]
        tokens = {o.bid_id: token for (_, _, token), o in zip(drafts, outcomes, strict=True)}
        if moments[0] < time.time():
            print("Set-up took too long: the window has started already", flush=True)
            return 2
        print(
            f"Waiting {moments[0] - time.time():.0f} s for the window; then {len(drafts)} submissions in {args.window:.0f} s",
            flush=True,
        )
        threads = [
            threading.Thread(target=_submit, args=(port, o, tokens[o.bid_id], deadline_at), daemon=True)
            for o in outcomes
        ]
        for t in threads:
            t.start()
        hard_stop = deadline_at + 60
        for t in threads:
            t.join(timeout=max(0.1, hard_stop - time.time()))
        unfinished = sum(t.is_alive() for t in threads)

        versions, submitted = bid_rush_world.stored(tender)
        ok = [o for o in outcomes if o.status == 200]
        errors = [o for o in outcomes if o.status != 200]
        lost = 0
        wrong = 0
        for o in ok:
            v = versions.get((o.receipt["bid"], o.receipt["version"]))
            if v is None or v.sha256 != o.receipt["sha256"] or o.bid_id not in submitted:
                lost += 1
            elif v.submitted_at.timestamp() >= deadline_at:
                wrong += 1
        unreceipted = len(versions) - len(ok)
        latencies = [o.latency for o in outcomes if o.status]
        last_10 = sum(1 for o in outcomes if o.scheduled >= deadline_at - 10)
        result = {
            "providers": len(outcomes),
            "window_seconds": args.window,
            "scheduled_in_last_10_seconds": last_10,
            "gunicorn_workers": args.workers,
            "accepted": len(ok),
            "errors": len(errors),
            "refused_as_late": sum(1 for o in errors if "late bids cannot be accepted" in o.error),
            "unfinished": unfinished,
            "lost_bids": lost,
            "versions_without_receipt": unreceipted,
            "stamped_at_or_after_deadline": wrong,
            "p50_ms": round(_percentile(latencies, 0.50), 1) if latencies else None,
            "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
            "machine_cores": os.cpu_count(),
        }
        print(json.dumps(result, indent=2))
        for o in errors[:5]:
            print(f"  error: provider {o.provider}: {o.status} {o.error}")
        out = BASE_DIR / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "bid_rush.json").write_text(json.dumps(result, indent=2))
        return 0 if not errors and not lost and not unreceipted and not wrong and not unfinished else 1
    finally:
        _stop(server, stops)


if __name__ == "__main__":
    sys.path.insert(0, str(BASE_DIR))
    sys.exit(main())
