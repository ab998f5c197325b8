"""This app's dashboard panels and navigation."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from commissioning.commissions.selectors import commissions_for, pending_invitations
from commissioning.money.selectors import outstanding_for
from commissioning.service_map import permissions
from commissioning.service_map.selectors import ZERO, partnerships_of
from commissioning.timetable.selectors import upcoming_stages
from core.dashboard import NavItem, Panel, register_nav, register_panel
from partners.models import Role


def _commissions(acting: Any) -> dict[str, Any]:
    organisation = acting.organisation
    return {
        # The panel shows each commission's title and status only: not the list's own-participation prefetch.
        "commissions": list(commissions_for(organisation=organisation).prefetch_related(None)[:6]),
        "stages": upcoming_stages(organisation=organisation, limit=5),
        "invitations": list(pending_invitations(organisation=organisation)[:5]),
        "today": timezone.localdate(),
    }


def _finance(acting: Any) -> dict[str, Any]:
    organisation = acting.organisation
    years = outstanding_for(organisation=organisation)
    return {
        "years": years,
        "partnerships": list(partnerships_of(organisation=organisation)),
        "outstanding": sum((f.outstanding for _, f in years), start=ZERO),
        "indicative": sum((f.indicative for _, f in years), start=ZERO),
    }


def register() -> None:
    register_panel(
        Panel(
            "joint-commissions",
            "Joint commissions",
            "commissioning/panels/commissions.html",
            frozenset({Role.COMMISSIONER}),
            _commissions,
            order=25,
        )
    )
    register_panel(
        Panel(
            "contributions",
            "Contributions",
            "commissioning/panels/finance.html",
            frozenset({Role.FINANCE_OFFICER}),
            _finance,
            order=26,
        )
    )
    roles = frozenset(permissions.READ_ROLES)
    register_nav(NavItem("Service map", "service-map", roles=roles, public_sector_only=True, order=20))
    register_nav(NavItem("Commissions", "commissions", roles=roles, public_sector_only=True, order=21))
    register_nav(NavItem("Providers", "provider-registers", roles=roles, public_sector_only=True, order=22))
