"""A small interface for a lower app to act on a higher app's object without importing it.

A higher app registers a handler under a subject kind (for example the tendering app registers
"procurement.award_recommendation" so that a board decision, recorded in ``partners``, can approve an award).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_handlers: dict[str, dict[str, Callable[..., Any]]] = {}


def register(kind: str, **handlers: Callable[..., Any]) -> None:
    _handlers.setdefault(kind, {}).update(handlers)


def get(kind: str, name: str) -> Callable[..., Any]:
    try:
        return _handlers[kind][name]
    except KeyError as exc:
        raise LookupError(f"No handler '{name}' registered for '{kind}'") from exc


def kinds() -> list[str]:
    return sorted(_handlers)
