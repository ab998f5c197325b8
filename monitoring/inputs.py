"""How monitoring's services read what people type."""

from __future__ import annotations

from typing import Any


def clean_text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
