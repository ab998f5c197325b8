"""This app's dashboard panels and navigation."""

from __future__ import annotations

from core.dashboard import NavItem, register_nav
from partners.models import Role


def register() -> None:
    register_nav(NavItem("Grants", "grant-programmes-public", order=44))
    register_nav(
        NavItem(
            "Your grant applications", "grant-applications", roles=frozenset({Role.BIDDER, Role.ORG_ADMIN}), order=45
        )
    )
    register_nav(
        NavItem(
            "Grant programmes",
            "grant-programmes",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.BOARD_MEMBER, Role.ORG_ADMIN, Role.VIEWER}),
            public_sector_only=True,
            order=46,
        )
    )
