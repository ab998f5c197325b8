"""Builders for commissioning tests: service areas, mapped contracts, and the Lichfield worked example
(county £23,750 a year and district £20,000 a year for three years: £43,750 a year)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import (
    commission_choose_model,
    commission_create,
    commission_invite,
    commission_respond,
)
from commissioning.demo import simple_pdf
from commissioning.lifecycle.services import commission_transition
from commissioning.money.services import contribution_confirm, contributions_set_annual
from commissioning.service_map.models import MappedContract, ServiceArea
from partners.acting import Acting
from partners.models import Membership, Organisation, Partnership, Role, User

COUNTY_A_YEAR = Decimal("23750.00")
DISTRICT_A_YEAR = Decimal("20000.00")
START = dt.date(2027, 4, 1)


def acting(user: User, organisation: Organisation) -> Acting:
    membership = Membership._base_manager.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def pdf_upload(name: str = "signed-agreement.pdf", text: str = "Signed partnership agreement") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(text), content_type="application/pdf")


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    name = factory.Sequence(lambda n: f"Service area {n}")
    description = ""


class MappedContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MappedContract

    service_area = factory.SubFactory(ServiceAreaFactory)
    partnership = factory.SelfAttribute("service_area.partnership")
    provider_name = factory.Sequence(lambda n: f"Advice Charity {n}")
    title = "Advice service"
    annual_value = Decimal("10000.00")
    start_date = dt.date(2025, 4, 1)
    end_date = dt.date(2027, 3, 31)
    funding_source = "Core budget"
    alignable = True
    not_alignable_reason = ""


def commissioner_at(world: Any, organisation: Organisation) -> User:
    if organisation.pk == world.county.pk:
        return world.lead_commissioner  # type: ignore[no-any-return]
    return world.member(organisation, Role.COMMISSIONER)  # type: ignore[no-any-return]


@dataclass
class Lichfield:
    """The worked example, and who acts in it."""

    world: Any
    area: ServiceArea
    commission: JointCommission
    county_lead: Acting
    district_commissioner: Acting

    @property
    def county(self) -> Organisation:
        return self.world.county  # type: ignore[no-any-return]

    @property
    def district(self) -> Organisation:
        return self.world.district  # type: ignore[no-any-return]

    def refresh(self) -> JointCommission:
        self.commission = JointCommission._base_manager.get(pk=self.commission.pk)
        return self.commission

    def confirm_all(self, organisation: Organisation, actor: Acting, years: list[int] | None = None) -> None:
        for c in self.commission.contributions.filter(organisation=organisation).order_by("financial_year"):
            if years is None or c.financial_year in years:
                contribution_confirm(contribution=c, by=actor)

    def sign(self, scopes: list[str] | None = None) -> Any:
        return agreement_sign(
            commission=self.commission,
            scopes=scopes or ["procurement", "contract_management", "performance_management"],
            signatory_authority="Strategic Director of Community, Housing and Health, under delegated powers",
            signed_on=dt.date(2026, 11, 1),
            document=pdf_upload(),
            by=self.district_commissioner,
        )

    def ready_for_procurement(self) -> JointCommission:
        """Everything the guard needs: district signed, both first years confirmed."""
        self.confirm_all(self.county, self.county_lead, [self.commission.first_year])
        self.confirm_all(self.district, self.district_commissioner, [self.commission.first_year])
        self.sign()
        return self.refresh()


def district_invited(
    world: Any, *, area: ServiceArea, title: str, intended_outcomes: str, start_date: Any, by: Any
) -> JointCommission:
    """A three-year commission in ``area`` led by ``by``'s organisation, the world's district council invited."""
    commission = commission_create(
        service_area=area,
        title=title,
        intended_outcomes=intended_outcomes,
        term_years=3,
        start_date=start_date,
        by=by,
    )
    commission_invite(commission=commission, organisations=[world.district], by=by)
    return commission


def lichfield_example(
    world: Any,
    *,
    partnership: Partnership | None = None,
    status: str = "sign_up",
    accept: bool = True,
    model: str = "aligned",
    start_date: dt.date = START,
) -> Lichfield:
    """County leads; district invited (and by default accepted); both record three years of money; model chosen;
    moved to ``status`` (draft, gathering or sign_up)."""
    partnership = partnership or world.partnership
    area = ServiceArea.objects.filter(
        partnership=partnership, name="Supporting older people to live independently"
    ).first()
    if area is None:
        area = ServiceAreaFactory(partnership=partnership, name="Supporting older people to live independently")
    lead = acting(world.lead_commissioner, world.county)
    district_user = commissioner_at(world, world.district)
    district = acting(district_user, world.district)
    commission = district_invited(
        world,
        area=area,
        title="Support for older people to live independently in Lichfield District",
        intended_outcomes="Vulnerable people remain healthy, safe and independent in their own homes.",
        start_date=start_date,
        by=lead,
    )
    contributions_set_annual(commission=commission, organisation=world.county, annual_amount=COUNTY_A_YEAR, by=lead)
    contributions_set_annual(commission=commission, organisation=world.district, annual_amount=DISTRICT_A_YEAR, by=lead)
    if accept:
        commission_respond(commission=commission, accept=True, by=district)
    if model:
        commission_choose_model(
            commission=commission, model=model, reason="The board agreed the county leads one tender", by=lead
        )
    if status in ("gathering", "sign_up"):
        commission_transition(commission=commission, name="start_gathering", by=lead)
    if status == "sign_up":
        commission_transition(commission=commission, name="open_sign_up", by=lead)
    example = Lichfield(world=world, area=area, commission=commission, county_lead=lead, district_commissioner=district)
    example.refresh()
    return example


def finance_officer_at(world: Any, organisation: Organisation) -> User:
    if organisation.pk == world.district.pk:
        return world.finance_officer  # type: ignore[no-any-return]
    return world.member(organisation, Role.FINANCE_OFFICER)  # type: ignore[no-any-return]
