"""County-scale data for the service-map benchmark: one partnership of ``partners`` public-sector organisations
whose ``contracts`` mapped contracts all sit in one service area (the worst case for the map page).

Importing this module does nothing; call ``build_county_scale()`` (inside a test database or a scratch one).
It is idempotent per ``name``: a second call returns what the first built.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissioning.service_map.models import MappedContract, ServiceArea, provider_key
from core.tenancy import unscoped
from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User

BENCH_PASSWORD = "Jointly-bench-2026"


@dataclass(frozen=True)
class CountyScale:
    name: str
    partnership_id: int
    area_id: int
    organisation: Any  # the county council (accountable body), whose commissioner signs in
    commissioner: Any
    partners: int
    contracts: int

    @property
    def map_url(self) -> str:
        return f"/service-map/areas/{self.area_id}/"


def build_county_scale(
    partners: int = 15, contracts: int = 500, *, name: str = "Benchmarkshire", seed: int = 2011
) -> CountyScale:
    """Create (once) the partnership, its members, a commissioner at the county, one service area and the
    contracts spread over the partners, 40 providers and three years of end dates; about 1 in 20 ring-fenced."""

    rng = random.Random(seed)
    with unscoped(reason="the benchmark builds a whole county partnership"), transaction.atomic():
        partnership = Partnership.objects.filter(name=f"{name} Commissioning Partnership").first()
        if partnership is None:
            county = Organisation.objects.create(
                name=f"{name} County Council", kind=OrganisationKind.COUNTY_COUNCIL, area=name
            )
            members = [county] + [
                Organisation.objects.create(
                    name=f"{name} District Council {i}", kind=OrganisationKind.DISTRICT_COUNCIL, area=f"{name} {i}"
                )
                for i in range(1, partners)
            ]
            partnership = Partnership.objects.create(name=f"{name} Commissioning Partnership", accountable_body=county)
            PartnershipMember.objects.bulk_create(
                PartnershipMember(partnership=partnership, organisation=o, status="active", joined_at=timezone.now())
                for o in members
            )
            user = User.objects.create_user(
                f"commissioner@{name.lower().replace(' ', '-')}.bench", BENCH_PASSWORD, full_name=f"{name} Commissioner"
            )
            Membership.objects.create(user=user, organisation=county, roles=[Role.COMMISSIONER, Role.FINANCE_OFFICER])
            user.last_acting_organisation = county
            user.save(update_fields=["last_acting_organisation"])
            TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            area = ServiceArea.objects.create(partnership=partnership, name="Debt, benefits and consumer advice")
            providers = [f"{name} Advice Provider {i}" for i in range(1, 41)]
            rows = []
            for i in range(contracts):
                funder = members[i % len(members)]
                provider = rng.choice(providers)
                start = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randrange(0, 365))
                end = start + dt.timedelta(days=rng.randrange(365, 3 * 365))
                ring_fenced = rng.random() < 0.05
                rows.append(
                    MappedContract(
                        partnership=partnership,
                        service_area=area,
                        funder=funder,
                        provider_name=provider,
                        provider_key=provider_key(provider),
                        title=f"Advice contract {i + 1}",
                        annual_value=Decimal(rng.randrange(5_000, 120_000)) + Decimal(rng.randrange(0, 100)) / 100,
                        start_date=start,
                        end_date=end,
                        funding_source="Ring-fenced grant" if ring_fenced else "Core budget",
                        alignable=not ring_fenced,
                        not_alignable_reason="A specific government grant" if ring_fenced else "",
                    )
                )
            MappedContract.objects.bulk_create(rows, batch_size=500)
        county = partnership.accountable_body
        area = ServiceArea.objects.filter(partnership=partnership).order_by("pk").first()
        membership = (
            Membership.objects.filter(organisation=county, roles__contains=[Role.COMMISSIONER])
            .select_related("user")
            .first()
        )
        assert area is not None and membership is not None
        return CountyScale(
            name=name,
            partnership_id=partnership.pk,
            area_id=area.pk,
            organisation=county,
            commissioner=membership.user,
            partners=PartnershipMember.objects.filter(partnership=partnership, status="active").count(),
            contracts=MappedContract.objects.filter(service_area=area).count(),
        )
