"""Grants that have been awarded and accepted, for the payment, report and open-data stages: built directly (the
earlier stages have their own factories and tests), funded by the Lichfield example's confirmed contributions
(Staffordshire County Council £23,750 a year, Lichfield District Council £20,000 a year, three years)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, DecisionOutcome, DecisionRoute, GrantApplication
from grants.programmes.models import GrantProgramme, ProgrammeStatus
from partners.models import Organisation
from tests.factories.commissioning import acting, finance_officer_at, lichfield_example
from tests.factories.partners import ProviderFactory

SET_UP = "test set-up: an awarded and accepted grant"


def funded_programme(world: Any, *, title: str = "Food Poverty and Health Grants") -> GrantProgramme:
    """A decided grant round whose partners (county and district) have confirmed every year's money."""
    example = lichfield_example(world)
    example.confirm_all(example.county, example.county_lead)
    example.confirm_all(example.district, example.district_commissioner)
    now = timezone.now()
    with unscoped(reason=SET_UP):
        return GrantProgramme.objects.create(
            partnership=world.partnership,
            commission=example.refresh(),
            service_area=example.area,
            title=title,
            description="Small grants for food poverty and health projects in Lichfield District",
            area="Lichfield District",
            amount_min=Decimal("500.00"),
            amount_max=Decimal("8000.00"),
            total_budget=Decimal("8000.00"),
            delegated_threshold=Decimal("5000.00"),
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=30),
            decision_date=(now - dt.timedelta(days=10)).date(),
            is_small_grants=True,
            status=ProgrammeStatus.DECIDED,
            opened_at=now - dt.timedelta(days=60),
        )


def accepted_grant(
    world: Any,
    *,
    programme: GrantProgramme | None = None,
    organisation: Organisation | None = None,
    amount: Decimal = Decimal("4999.99"),
    title: str = "Lichfield community fridge",
) -> GrantApplication:
    programme = programme or funded_programme(world)
    recipient: Any = organisation or ProviderFactory(name="Lichfield Food Bank")
    now = timezone.now()
    with unscoped(reason=SET_UP):
        return GrantApplication.objects.create(
            programme=programme,
            organisation=recipient,
            status=ApplicationStatus.ACCEPTED,
            project_title=title,
            project_summary="A community fridge and cooking sessions for families",
            amount_requested=amount,
            submitted_at=now - dt.timedelta(days=40),
            score=Decimal("78.50"),
            decision=DecisionOutcome.AWARD,
            decision_route=DecisionRoute.DELEGATED,
            decided_at=now - dt.timedelta(days=12),
            amount_awarded=amount,
            offered_at=now - dt.timedelta(days=11),
            accepted_at=now - dt.timedelta(days=5),
        )


def lead_finance(world: Any) -> Any:
    """The lead partner's (Staffordshire's) finance officer, acting."""
    return acting(finance_officer_at(world, world.county), world.county)
