"""This app's dashboard panel and navigation item."""

from __future__ import annotations

from typing import Any

from boards import permissions, selectors
from core.dashboard import NavItem, Panel, register_nav, register_panel
from partners.models import Role


def _board(acting: Any) -> dict[str, Any]:
    return {"meetings": selectors.next_meetings_for(acting.user)}


def register() -> None:
    register_panel(
        Panel("board", "Board meetings", "partners/panels/board.html", frozenset({Role.BOARD_MEMBER}), _board, order=25)
    )
    register_nav(NavItem("Boards", "board-list", roles=frozenset(permissions.READ_ROLES), order=40))
