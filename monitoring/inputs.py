"""How monitoring's services read what people type."""

from __future__ import annotations

from typing import Any

from core.errors import DomainError


def clean_text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def required_text(value: Any, message: str, *, field: str) -> str:
    """The trimmed text, or a refusal saying what to write (on ``field``) when there is none."""
    text = clean_text(value)
    if not text:
        raise DomainError(message, field=field)
    return text
