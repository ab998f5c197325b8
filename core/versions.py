"""One data version for the caches of pages read far more often than they change (issue #15): the dashboard's
panels, the portfolio's totals.

The version lives in the shared Django cache (Redis), so every web node sees the same one. Any write moves it on:
every audited write (``core.audit.record``) and every save or delete of a project model (a ``post_save`` /
``post_delete`` receiver, connected in ``core.apps``), at once and again after the transaction commits (so a page
read between the write and the commit cannot keep the old figures under the new version). A cached value is keyed by
the version, so a write never has to know which pages it changes; ``TIMEOUT_SECONDS`` is only a backstop for a write
made with ``QuerySet.update`` and no audit record.

Without the cache (Redis unreachable) nothing is cached: pages compute their figures as before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

KEY = "data-version"
TIMEOUT_SECONDS = 300

T = TypeVar("T")


def current() -> int | None:
    """The data version now, or None when the cache cannot be read."""
    try:
        version = cache.get(KEY)
        if version is None:
            # Never restart at 1: values cached under an old version may still be in the cache.
            cache.add(KEY, int(time.time() * 1000), timeout=None)
            version = cache.get(KEY)
        return int(version) if version is not None else None
    except Exception as exc:  # noqa: BLE001 - Redis unreachable: compute rather than fail the page
        log.warning("Data version unavailable: %s", exc)
        return None


def _bump() -> None:
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # not there yet (or evicted)
            cache.add(KEY, int(time.time() * 1000), timeout=None)
    except Exception as exc:  # noqa: BLE001 - cached values expire by themselves after TIMEOUT_SECONDS
        log.warning("Could not move the data version on: %s", exc)


def changed() -> None:
    """Something that pages show has changed (or will, when the surrounding transaction commits)."""
    _bump()
    transaction.on_commit(_bump)


def cached(parts: tuple[Any, ...], build: Callable[[], T], *, timeout: int = TIMEOUT_SECONDS) -> T:
    """``build()``, kept in the cache under ``parts`` and the current data version; built again after any write.
    ``parts`` must name everything the value depends on besides the data (the organisation, the person, the day)."""
    version = current()
    if version is None:
        return build()
    key = f"v{version}:" + ":".join(str(p) for p in parts)
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - as in current()
        hit = None
    if hit is not None:
        return hit
    value = build()
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001 - unpicklable or Redis gone: the page still has its value
        log.warning("Could not cache %s: %s", parts[0] if parts else key, exc)
    return value


def _is_project_model(sender: Any) -> bool:
    path = str(getattr(sender._meta.app_config, "path", ""))
    return path.startswith(str(settings.BASE_DIR)) and "site-packages" not in path


def on_model_write(sender: Any, **kwargs: Any) -> None:
    """``post_save`` / ``post_delete`` receiver: a project model's row changed."""
    if _is_project_model(sender):
        changed()
