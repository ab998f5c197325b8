"""Racing two requests or workers against each other in one test."""

from __future__ import annotations

import threading
from collections.abc import Callable


def run_at_once(target: Callable[[], None], *, times: int = 2, timeout: float | None = None) -> None:
    """Run ``target`` in ``times`` threads started together, and wait for each (``timeout`` seconds at most)."""
    threads = [threading.Thread(target=target) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
