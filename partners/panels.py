"""This app's dashboard panels."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from core import audit
from core.dashboard import Panel, register_panel
from partners import selectors
from partners.models import PartnershipMember, Role


def _organisation(acting: Any) -> dict[str, Any]:
    return {"people": selectors.people_of(organisation=acting.organisation).filter(is_active=True).count()}


def _admin(acting: Any) -> dict[str, Any]:
    return {"open_invitations": selectors.open_invitations_of(organisation=acting.organisation).count()}


def _partnerships(acting: Any) -> dict[str, Any]:
    # Whether an invitation waits, as a column of the one query rather than a prefetch of the own membership.
    invited = PartnershipMember.objects.filter(
        partnership=OuterRef("pk"), organisation=acting.organisation, status=PartnershipMember.Status.INVITED
    )
    partnerships = (
        selectors.partnerships_for(organisation=acting.organisation)
        .prefetch_related(None)
        .annotate(invitation_waiting=Exists(invited))
    )
    return {"partnerships": list(partnerships[:10])}


def _activity(acting: Any) -> dict[str, Any]:
    return {"events": audit.reveal(selectors.recent_activity(organisation=acting.organisation, limit=8), acting)}


def register() -> None:
    register_panel(
        Panel(
            "organisation",
            "Your organisation",
            "partners/panels/organisation.html",
            frozenset(),
            _organisation,
            order=10,
        )
    )
    register_panel(
        Panel(
            "people-admin",
            "People and invitations",
            "partners/panels/admin.html",
            frozenset({Role.ORG_ADMIN}),
            _admin,
            order=20,
        )
    )
    register_panel(
        Panel(
            "partnerships",
            "Partnerships",
            "partners/panels/partnerships.html",
            frozenset({Role.ORG_ADMIN, Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.BOARD_MEMBER, Role.VIEWER}),
            _partnerships,
            order=30,
        )
    )
    register_panel(
        Panel("activity", "Recent activity", "partners/panels/activity.html", frozenset(), _activity, order=900)
    )
