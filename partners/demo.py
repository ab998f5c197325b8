"""The seeds' world: the Staffordshire partners, the Lichfield partnership, providers, and a person for each role.

Idempotent: every record is found by its natural key before it is created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.actors import SYSTEM
from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User

DEMO_PASSWORD = "Jointly-demo-2026"

K = OrganisationKind
PUBLIC_PARTNERS = [
    ("Staffordshire County Council", K.COUNTY_COUNCIL, "Staffordshire"),
    ("Lichfield District Council", K.DISTRICT_COUNCIL, "Lichfield District"),
    ("Tamworth Borough Council", K.DISTRICT_COUNCIL, "Tamworth"),
    ("Newcastle-under-Lyme Borough Council", K.DISTRICT_COUNCIL, "Newcastle-under-Lyme"),
    ("Stoke-on-Trent City Council", K.UNITARY_COUNCIL, "Stoke-on-Trent"),
    ("Cannock Chase District Council", K.DISTRICT_COUNCIL, "Cannock Chase"),
    ("East Staffordshire Borough Council", K.DISTRICT_COUNCIL, "East Staffordshire"),
    ("South Staffordshire District Council", K.DISTRICT_COUNCIL, "South Staffordshire"),
    ("Stafford Borough Council", K.DISTRICT_COUNCIL, "Stafford"),
    ("Staffordshire Moorlands District Council", K.DISTRICT_COUNCIL, "Staffordshire Moorlands"),
    ("South East Staffordshire and Seisdon Peninsula CCG", K.NHS_COMMISSIONER, "South East Staffordshire"),
    ("North Staffordshire CCG", K.NHS_COMMISSIONER, "North Staffordshire"),
    ("Staffordshire Police and Crime Commissioner", K.POLICE_CRIME_COMMISSIONER, "Staffordshire"),
    ("Staffordshire Police", K.POLICE, "Staffordshire"),
    ("Staffordshire Fire and Rescue Service", K.FIRE_RESCUE, "Staffordshire"),
]
PROVIDERS = [
    ("Citizens Advice Lichfield District", K.CHARITY, "Lichfield District", "1102345"),
    ("Citizens Advice Staffordshire North and Stoke", K.CHARITY, "North Staffordshire", "1103456"),
    ("Support Staffordshire", K.CVS, "Staffordshire", "1104567"),
    ("Age UK South Staffordshire", K.CHARITY, "South Staffordshire", "1105678"),
    ("Tamworth Community Debt Advice CIO", K.CIO, "Tamworth", "1186789"),
    ("Burton Money Matters CIC", K.CIC, "East Staffordshire", ""),
    ("Cannock Chase Community Co-operative", K.COOPERATIVE, "Cannock Chase", ""),
    ("Moorlands Home Link", K.SOCIAL_ENTERPRISE, "Staffordshire Moorlands", ""),
]


@dataclass(frozen=True)
class Persona:
    email: str
    full_name: str
    organisations: tuple[tuple[str, tuple[str, ...], str], ...]  # (organisation, roles, job title)
    description: str


PERSONAS = [
    Persona(
        "priya@staffordshire.demo",
        "Priya Shah",
        (("Staffordshire County Council", (Role.ORG_ADMIN,), "Digital services manager"),),
        "organisation admin at the county council",
    ),
    Persona(
        "alex@staffordshire.demo",
        "Alex Morgan",
        (("Staffordshire County Council", (Role.COMMISSIONER,), "Lead commissioner, communities"),),
        "lead commissioner at the county council",
    ),
    Persona(
        "dee@staffordshire.demo",
        "Dee Okafor",
        (("Staffordshire County Council", (Role.EVALUATOR,), "Commissioning officer"),),
        "evaluator at the county council",
    ),
    Persona(
        "ben@staffordshire.demo",
        "Ben Adeyemi",
        (("Staffordshire County Council", (Role.EVALUATOR,), "Contracts officer"),),
        "second evaluator at the county council (sits on the tender panels)",
    ),
    Persona(
        "sam@lichfield.demo",
        "Sam Taylor",
        (
            ("Lichfield District Council", (Role.COMMISSIONER, Role.ORG_ADMIN), "Community services commissioner"),
            ("Tamworth Borough Council", (Role.COMMISSIONER,), "Shared-service commissioner"),
        ),
        "commissioner at Lichfield and (shared service) Tamworth: switches organisation",
    ),
    Persona(
        "jo@lichfield.demo",
        "Jo Evans",
        (("Lichfield District Council", (Role.FINANCE_OFFICER,), "Finance officer"),),
        "finance officer at the district council",
    ),
    Persona(
        "chris@lichfield.demo",
        "Cllr Chris Walker",
        (("Lichfield District Council", (Role.BOARD_MEMBER,), "Cabinet member for communities"),),
        "board member (Lichfield locality board)",
    ),
    Persona(
        "val@lichfield.demo",
        "Val Singh",
        (("Lichfield District Council", (Role.VIEWER,), "Policy officer"),),
        "read-only viewer at the district council",
    ),
    Persona(
        "mo@lichfieldcab.demo",
        "Mo Hussain",
        (("Citizens Advice Lichfield District", (Role.ORG_ADMIN, Role.BIDDER), "Chief officer"),),
        "bid writer at a charity",
    ),
    Persona(
        "ruth@ageuk.demo",
        "Ruth Green",
        (("Age UK South Staffordshire", (Role.ORG_ADMIN, Role.BIDDER), "Bid manager"),),
        "bid writer at a second charity",
    ),
]


def _organisation(name: str, kind: str, area: str, charity_number: str = "") -> Organisation:
    organisation = Organisation.objects.filter(name=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=name, kind=kind, area=area, charity_number=charity_number)
        audit.record(obj=organisation, action="organisation.created", by=SYSTEM, to_state="registered")
    return organisation


def _partnership(name: str, description: str, accountable: Organisation, members: list[Organisation]) -> Partnership:
    partnership = Partnership.objects.filter(name=name).first()
    if partnership is None:
        partnership = Partnership.objects.create(name=name, description=description, accountable_body=accountable)
        audit.record(
            obj=partnership,
            action="partnership.created",
            by=SYSTEM,
            to_state="active",
            visible_to=[m.pk for m in members],
        )
    for organisation in members:
        PartnershipMember.objects.get_or_create(
            partnership=partnership,
            organisation=organisation,
            defaults={"status": PartnershipMember.Status.ACTIVE, "joined_at": timezone.now()},
        )
    return partnership


def load() -> None:
    orgs = {name: _organisation(name, kind, area) for name, kind, area in PUBLIC_PARTNERS}
    for name, kind, area, charity in PROVIDERS:
        orgs[name] = _organisation(name, kind, area, charity)

    _partnership(
        "Staffordshire Third Sector Commissioning in Partnership",
        "Fifteen public-sector organisations aligning budgets to commission third-sector services (TSCiP).",
        orgs["Staffordshire County Council"],
        [orgs[name] for name, _, _ in PUBLIC_PARTNERS],
    )
    _partnership(
        "Lichfield Locality Commissioning Partnership",
        "Lichfield District Council, Staffordshire County Council, the clinical commissioning group and the police and "
        "crime commissioner commissioning together for Lichfield District.",
        orgs["Lichfield District Council"],
        [
            orgs["Lichfield District Council"],
            orgs["Staffordshire County Council"],
            orgs["South East Staffordshire and Seisdon Peninsula CCG"],
            orgs["Staffordshire Police and Crime Commissioner"],
        ],
    )

    for persona in PERSONAS:
        demo_person(persona, orgs)


def demo_person(persona: Persona, orgs: dict[str, Organisation]) -> User:
    """The persona's account, memberships and (public sector) authenticator, created once."""
    user = User.objects.filter(email=persona.email).first()
    if user is None:
        user = User.objects.create_user(persona.email, DEMO_PASSWORD, full_name=persona.full_name)
    for org_name, roles, title in persona.organisations:
        Membership.objects.get_or_create(
            user=user, organisation=orgs[org_name], defaults={"roles": list(roles), "job_title": title}
        )
    if user.last_acting_organisation_id is None:
        user.last_acting_organisation = orgs[persona.organisations[0][0]]
        user.save(update_fields=["last_acting_organisation"])
    if (
        any(orgs[o].is_public_sector for o, _, _ in persona.organisations)
        and not TOTPDevice.objects.filter(user=user).exists()
    ):
        TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    return user
