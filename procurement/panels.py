"""This app's dashboard panels and navigation."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.dashboard import NavItem, Panel, register_nav, register_panel
from partners.models import Role
from procurement.bids import selectors as bid_selectors
from procurement.bids.models import BidStatus
from procurement.evaluation import selectors as evaluation_selectors
from procurement.tenders import selectors as tender_selectors


def _provider(acting: Any) -> dict[str, Any]:
    bids = list(bid_selectors.bids_of(organisation=acting.organisation)[:6])
    return {
        "bids": bids,
        "open_count": tender_selectors.portal(tender_selectors.PortalFilters()).count(),
        "drafts": sum(1 for b in bids if b.status == BidStatus.DRAFT),
        "now": timezone.now(),
    }


def _tenders(acting: Any) -> dict[str, Any]:
    return {"tenders": list(tender_selectors.tenders_for(organisation=acting.organisation)[:6]), "now": timezone.now()}


def _evaluations(acting: Any) -> dict[str, Any]:
    return {"seats": list(evaluation_selectors.seats_of(user=acting.user)[:6])}


def register() -> None:
    register_panel(
        Panel(
            "opportunities-and-bids",
            "Opportunities and your bids",
            "procurement/panels/provider.html",
            frozenset({Role.BIDDER}),
            _provider,
            order=40,
        )
    )
    register_panel(
        Panel(
            "tenders",
            "Tenders",
            "procurement/panels/tenders.html",
            frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.BOARD_MEMBER}),
            _tenders,
            order=45,
        )
    )
    register_panel(
        Panel(
            "evaluations",
            "Evaluation panels",
            "procurement/panels/evaluations.html",
            frozenset({Role.EVALUATOR}),
            _evaluations,
            order=46,
        )
    )
    register_nav(NavItem("Opportunities", "opportunities", order=40))
    register_nav(NavItem("Your bids", "bids", roles=frozenset({Role.BIDDER}), order=41))
    register_nav(
        NavItem(
            "Tenders",
            "tenders",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.BOARD_MEMBER, Role.ORG_ADMIN, Role.VIEWER}),
            public_sector_only=True,
            order=42,
        )
    )
    register_nav(NavItem("Evaluations", "evaluations", roles=frozenset({Role.EVALUATOR}), order=43))
