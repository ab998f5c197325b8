"""A county's return reminders at scale, for the fan-out test and benchmark: ``contracts`` monitored contracts, each
with its Q2 2026/27 return overdue on ``REMINDER_DAY``, so the hourly return reminder sweep tells each contract's
provider people (``people_per_provider`` bid writers and admins at each of ``providers`` charities) and the lead
contact: ``contracts x (people_per_provider + 1)`` reminders, each to be emailed once.

Rows are made in bulk (the sweep and the delivery are what is measured; the services are exercised by the tests).
Import only once Django is set up; call ``build_fanout()`` inside a test database or the benchmark's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from commissioning.models import JointCommission, Participation, ServiceArea
from core.tenancy import unscoped
from monitoring.kpis.models import Kpi, KpiSet
from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User
from procurement.award.models import AwardLine, AwardRecommendation, Contract
from procurement.bids.models import Bid
from procurement.tenders.models import Tender

REMINDER_DAY = dt.date(2026, 10, 21)  # Q2 2026/27 (July to September) was due on 20 October: one day overdue
START = dt.date(2024, 4, 1)
END = dt.date(2028, 3, 31)
PASSWORD_HASH = "!"  # nobody signs in: an unusable password, and no hashing cost


@dataclass(frozen=True)
class FanOut:
    contracts: int
    providers: int
    people_per_provider: int

    @property
    def reminders(self) -> int:
        return self.contracts * (self.people_per_provider + 1)


def build_fanout(*, contracts: int, providers: int, people_per_provider: int, name: str = "Fanshire") -> FanOut:
    now = timezone.now()
    with unscoped(reason="the fan-out world is built for every organisation"), transaction.atomic():
        lead = Organisation.objects.create(
            name=f"{name} County Council", kind=OrganisationKind.COUNTY_COUNCIL, area=name
        )
        partner = Organisation.objects.create(
            name=f"{name} District Council", kind=OrganisationKind.DISTRICT_COUNCIL, area=name
        )
        charities = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{name} Advice Charity {i:03d}", kind=OrganisationKind.CHARITY, charity_number=f"8{i:06d}"
                )
                for i in range(providers)
            ]
        )
        contact = User.objects.create(
            email=f"lead@{name.lower()}.example", full_name="Lead Contact", password=PASSWORD_HASH
        )
        Membership.objects.create(user=contact, organisation=lead, roles=[Role.COMMISSIONER])
        people = User.objects.bulk_create(
            [
                User(
                    email=f"writer{p:03d}-{k:02d}@{name.lower()}.example",
                    full_name=f"Bid Writer {p}-{k}",
                    password=PASSWORD_HASH,
                )
                for p in range(providers)
                for k in range(people_per_provider)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=charities[i // people_per_provider], roles=[Role.BIDDER])
                for i, u in enumerate(people)
            ],
            batch_size=2000,
        )
        partnership = Partnership.objects.create(name=f"{name} Partnership", accountable_body=lead)
        PartnershipMember.objects.bulk_create(
            [
                PartnershipMember(partnership=partnership, organisation=o, status=PartnershipMember.Status.ACTIVE)
                for o in (lead, partner)
            ]
        )
        area = ServiceArea.objects.create(partnership=partnership, name="Advice")
        commission = JointCommission.objects.create(
            partnership=partnership,
            service_area=area,
            title=f"{name} advice services",
            intended_outcomes="Residents avoid crisis",
            lead=lead,
            lead_contact=contact,
            term_years=4,
            start_date=START,
            status="live",
            model="aligned",
        )
        Participation.objects.bulk_create(
            [
                Participation(commission=commission, organisation=lead, status="accepted", is_lead=True),
                Participation(commission=commission, organisation=partner, status="accepted"),
            ]
        )
        kpi_set = KpiSet.objects.create(
            commission=commission, title="Advice KPIs", status="agreed", agreed_at=now, agreed_by_name="Bench"
        )
        Kpi.objects.create(
            kpi_set=kpi_set,
            position=0,
            name="People advised",
            definition="People advised",
            unit="count",
            target=Decimal(150),
            green_threshold=Decimal(150),
            red_threshold=Decimal(120),
            direction="higher",
            frequency="quarterly",
        )
        tenders = Tender.objects.bulk_create(
            [
                Tender(
                    commission=commission,
                    title=f"Advice contract {i + 1}",
                    summary="Advice",
                    specification="Advice",
                    estimated_annual_value=Decimal("50000.00"),
                    term_years=4,
                    clarification_deadline=now - dt.timedelta(days=1000),
                    submission_deadline=now - dt.timedelta(days=990),
                    status="awarded",
                    published_at=now - dt.timedelta(days=1050),
                )
                for i in range(contracts)
            ],
            batch_size=2000,
        )
        winners = [charities[i % providers] for i in range(contracts)]
        bids = Bid.objects.bulk_create(
            [
                Bid(tender=t, organisation=w, status="successful", submitted_at=now)
                for t, w in zip(tenders, winners, strict=True)
            ],
            batch_size=2000,
        )
        recs = AwardRecommendation.objects.bulk_create(
            [AwardRecommendation(tender=t, status="approved") for t in tenders], batch_size=2000
        )
        lines = AwardLine.objects.bulk_create(
            [
                AwardLine(recommendation=r, bid=b, annual_value=Decimal("50000.00"))
                for r, b in zip(recs, bids, strict=True)
            ],
            batch_size=2000,
        )
        Contract.objects.bulk_create(
            [
                Contract(
                    tender=t,
                    commission=commission,
                    award_line=line,
                    bid=b,
                    provider=w,
                    title=f"Advice contract {i + 1}",
                    annual_value=Decimal("50000.00"),
                    start_date=START,
                    end_date=END,
                    signed_on=START,
                )
                for i, (t, line, b, w) in enumerate(zip(tenders, lines, bids, winners, strict=True))
            ],
            batch_size=2000,
        )
    return FanOut(contracts=contracts, providers=providers, people_per_provider=people_per_provider)
