"""Partial updates: copy the fields a request sent onto an instance and say which changed.

Replaces ``title=data.get("title", s.title)`` repeated per field in API updates: a service takes the validated
data, calls ``apply_changes`` on the locked row, validates, and saves ``update_fields=changed`` (and audits the
names)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def apply_changes(instance: Any, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Set each of ``fields`` present in ``data`` on ``instance`` when its value differs; return the names that
    changed, in the order of ``fields``. Absent fields are left alone (a PATCH sends only what changes). Nothing is
    saved."""
    changed: list[str] = []
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
