"""This app's dashboard panel and navigation."""

from __future__ import annotations

from typing import Any

from core.dashboard import NavItem, Panel, register_nav, register_panel
from monitoring.contracts.portfolio import portfolio_summary
from monitoring.permissions import READ_ROLES


def _monitoring(acting: Any) -> dict[str, Any]:
    public = acting.organisation.is_public_sector
    summary = portfolio_summary(organisation=acting.organisation, kpi_sets_to_agree=public)
    return {"summary": summary, "public": public, "to_agree": summary.to_agree}


def register() -> None:
    register_panel(
        Panel(
            "contract-monitoring",
            "Contract monitoring",
            "monitoring/panels/monitoring.html",
            frozenset(READ_ROLES),
            _monitoring,
            order=27,
        )
    )
    register_nav(NavItem("Monitoring", "monitoring-contracts", roles=frozenset(READ_ROLES), order=30))
