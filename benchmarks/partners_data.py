"""County-scale organisations and people: 15 public-sector partners, 60 providers, a partnership of all 15."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.run import Page
from core import audit
from core.actors import SYSTEM
from core.tenancy import unscoped
from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User

PASSWORD = "Benchmark-password-2026"


def build(context: dict[str, Any]) -> list:
    scale = context.get("scale", 1.0)
    with unscoped(reason="the benchmark builds every organisation and person"):
        partners = [
            Organisation.objects.create(
                name=f"Bench Council {i:02d}", kind=OrganisationKind.DISTRICT_COUNCIL, area=f"Area {i}"
            )
            for i in range(15)
        ]
        providers = [
            Organisation.objects.create(
                name=f"Bench Charity {i:03d}", kind=OrganisationKind.CHARITY, charity_number=f"9{i:06d}"
            )
            for i in range(int(60 * scale))
        ]
        lead = partners[0]
        partnership = Partnership.objects.create(name="Bench county partnership", accountable_body=lead)
        PartnershipMember.objects.bulk_create(
            [
                PartnershipMember(partnership=partnership, organisation=o, status=PartnershipMember.Status.ACTIVE)
                for o in partners
            ]
        )
        people = []
        for i, organisation in enumerate(partners):
            for j, roles in enumerate(
                (
                    [Role.ORG_ADMIN, Role.COMMISSIONER],
                    [Role.FINANCE_OFFICER],
                    [Role.BOARD_MEMBER],
                    [Role.EVALUATOR],
                    [Role.VIEWER],
                )
            ):
                user = User.objects.create_user(
                    f"bench{i:02d}-{j}@bench.example", PASSWORD, full_name=f"Bench Person {i}-{j}"
                )
                Membership.objects.create(user=user, organisation=organisation, roles=roles)
                TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
                people.append(user)
        for k in range(int(2000 * scale)):
            audit.record(obj=partnership, action="bench.event", by=SYSTEM, to_state=str(k))
    context.update(partners=partners, providers=providers, partnership=partnership, lead=lead, people=people)
    context.setdefault("counts", {}).update(
        partners=len(partners), providers=len(providers), people=len(people), audit_events=int(2000 * scale)
    )
    admin = "bench00-0@bench.example"
    return [
        Page("Dashboard (lead commissioner)", "/dashboard/", admin, lead.pk),
        Page("People", "/organisation/people/", admin, lead.pk),
        Page("Partnerships", "/partnerships/", admin, lead.pk),
        Page("Audit trail (2,000+ events)", "/audit/", admin, lead.pk),
        Page("API: audit events", "/api/v1/audit-events/", admin, lead.pk),
        Page("API: memberships", "/api/v1/memberships/", admin, lead.pk),
    ]
