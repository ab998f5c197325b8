"""Dashboard panels. Each app registers the panels it can show; the dashboard shows those whose roles match.

This keeps the layering: the dashboard page lives in ``partners`` (the lowest app) and never imports a higher app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    roles: frozenset[str]  # shown to anyone holding one of these; empty: everyone
    context: Callable[[Any], dict[str, Any]]  # takes the Acting, returns template context
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def panels_for(acting: Any) -> list[Panel]:
    return sorted(
        (p for p in _panels.values() if not p.roles or acting.has_role(*p.roles)),
        key=lambda p: (p.order, p.key),
    )


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: everyone signed in
    public_sector_only: bool = False
    order: int = 100


_nav: dict[str, NavItem] = {}


def register_nav(item: NavItem) -> None:
    _nav[item.url_name] = item


def nav_for(acting: Any) -> list[NavItem]:
    return sorted(
        (
            n
            for n in _nav.values()
            if (not n.roles or acting.has_role(*n.roles)) and (not n.public_sector_only or acting.is_public_sector)
        ),
        key=lambda n: (n.order, n.label),
    )
