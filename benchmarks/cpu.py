"""Server-side CPU per request, for the benchmark only (``benchmarks.settings`` puts it first in the middleware).

Gunicorn's sync workers serve one request at a time per process, so the process's CPU time across the request is
that request's CPU: every middleware, the view, the template and the database driver, but not the time spent
waiting for PostgreSQL or the client. Sent back as ``X-Bench-CPU-Ms``."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Bench-CPU-Ms"


class CpuTimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.process_time()
        response = self.get_response(request)
        response[HEADER] = f"{(time.process_time() - started) * 1000:.3f}"
        return response
