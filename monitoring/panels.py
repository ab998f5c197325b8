"""This app's dashboard panel and navigation."""

from __future__ import annotations

from typing import Any

from core.dashboard import NavItem, Panel, register_nav, register_panel
from monitoring import selectors
from monitoring.models import KpiSet, KpiSetStatus
from monitoring.permissions import READ_ROLES


def _monitoring(acting: Any) -> dict[str, Any]:
    portfolio = selectors.organisation_portfolio(organisation=acting.organisation)
    to_agree = 0
    if acting.organisation.is_public_sector:
        to_agree = KpiSet.objects.filter(status=KpiSetStatus.CONSULTATION).count()
    return {
        "contracts": portfolio.contracts,
        "red": portfolio.totals["red"],
        "overdue": portfolio.totals["overdue"],
        "awaiting": portfolio.totals["awaiting_review"],
        "to_agree": to_agree,
    }


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
