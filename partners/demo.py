"""The seeds' world: the Staffordshire partners, the Lichfield partnership, providers, and a person for each role.

Idempotent: every record is found by its natural key before it is created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import audit
from core.actors import SYSTEM
from partners.acting import Acting
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
        _person(persona, orgs)
    _lichfield_board(orgs)


def _person(persona: Persona, orgs: dict[str, Organisation]) -> User:
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


# The Lichfield Locality Commissioning Board (seed 002): seven full members from the four partners, a named
# substitute, a voluntary-sector adviser; quorum 4 members / 51 % / someone from the district council; chaired by
# the cabinet member, clerked by the district's commissioner. (Fictional people in the terms of reference's roles.)
LDC, SCC, CCG, PCC = (
    "Lichfield District Council",
    "Staffordshire County Council",
    "South East Staffordshire and Seisdon Peninsula CCG",
    "Staffordshire Police and Crime Commissioner",
)
BOARD_PEOPLE = [
    # (persona, board seat kind, role on the board, key of the member substituted)
    (
        Persona(
            "chris@lichfield.demo",
            "Cllr Chris Walker",
            ((LDC, (Role.BOARD_MEMBER,), "Cabinet member for communities"),),
            "",
        ),
        "full",
        "Cabinet Member for Community, Housing and Health",
        "",
    ),
    (
        Persona("dana@lichfield.demo", "Dana Price", ((LDC, (Role.BOARD_MEMBER,), "Strategic Director"),), ""),
        "full",
        "Strategic Director of Community, Housing and Health",
        "",
    ),
    (
        Persona(
            "clive@lichfield.demo", "Clive Barton", ((LDC, (Role.BOARD_MEMBER,), "Economic Development Manager"),), ""
        ),
        "full",
        "Economic Development and Enterprise Manager (Tamworth and Lichfield shared service)",
        "",
    ),
    (
        Persona(
            "jon@staffordshire.demo", "Jon Hale", ((SCC, (Role.BOARD_MEMBER,), "District Commissioning Lead"),), ""
        ),
        "full",
        "District Commissioning Lead (Lichfield)",
        "",
    ),
    (
        Persona(
            "helen@staffordshire.demo",
            "Helen Marsh",
            ((SCC, (Role.BOARD_MEMBER,), "Public Health Commissioning Lead"),),
            "",
        ),
        "full",
        "Locality Public Health Partnerships and Commissioning Lead",
        "",
    ),
    (
        Persona("wayne@sesccg.demo", "Wayne Fisher", ((CCG, (Role.BOARD_MEMBER,), "Chief Operating Officer"),), ""),
        "full",
        "Chief Operating Officer",
        "",
    ),
    (
        Persona(
            "james@staffordshire-pcc.demo", "James Oduya", ((PCC, (Role.BOARD_MEMBER,), "Locality Deal Fund lead"),), ""
        ),
        "full",
        "Locality Deal Fund lead",
        "",
    ),
    (
        Persona("tom@staffordshire.demo", "Tom Jones", ((SCC, (Role.BOARD_MEMBER,), "Commissioning Officer"),), ""),
        "substitute",
        "Substitute for the District Commissioning Lead",
        "jon@staffordshire.demo",
    ),
    (
        Persona(
            "kate@supportstaffs.demo",
            "Kate Brown",
            (("Support Staffordshire", (Role.VIEWER,), "Locality officer"),),
            "",
        ),
        "advisory",
        "Community and voluntary sector adviser",
        "",
    ),
]
BOARD_NAME = "Lichfield Locality Commissioning Board"


def _acting(user: User, organisation: Organisation) -> Acting:
    membership = Membership._base_manager.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def _lichfield_board(orgs: dict[str, Organisation]) -> None:
    """The district's commissioner sets the board up (becoming its clerk), gives each person their seat, appoints
    the chair and schedules the next meeting with its first two items: all through the board services."""
    from datetime import datetime, time, timedelta
    from decimal import Decimal

    from partners import board_services
    from partners.models import AgendaItem, Board, BoardMember, Meeting

    partnership = Partnership.objects.get(name="Lichfield Locality Commissioning Partnership")
    clerk = _acting(User.objects.get(email="sam@lichfield.demo"), orgs[LDC])
    board = Board.objects.filter(partnership=partnership, name=BOARD_NAME).first()
    if board is None:
        board = board_services.board_create(
            partnership=partnership,
            name=BOARD_NAME,
            purpose="To oversee public-sector commissioning in Lichfield District and make investment decisions on "
            "behalf of Lichfield District Board using funds delegated to it by public-sector partners.",
            parent_board_name="Lichfield District Board",
            min_members=4,
            min_share=Decimal("51"),
            required_organisations=[orgs[LDC]],
            by=clerk,
        )
    seats: dict[str, BoardMember] = {}
    for persona, kind, role_title, substitute_for in BOARD_PEOPLE:
        user = _person(persona, orgs)
        organisation = orgs[persona.organisations[0][0]]
        member = BoardMember.objects.filter(board=board, person=user, active=True).first()
        if member is None:
            member = board_services.board_member_add(
                board=board,
                person=user,
                organisation=organisation,
                kind=kind,
                role_title=role_title,
                substitute_for=seats.get(substitute_for),
                by=clerk,
            )
        seats[persona.email] = member
    if board.chair_id is None:
        board = board_services.board_set_chair(board=board, member=seats["chris@lichfield.demo"], by=clerk)

    if not Meeting.objects.filter(board=board).exists():
        day = timezone.localdate() + timedelta(days=21)
        meeting = board_services.meeting_create(
            board=board,
            starts_at=timezone.make_aware(datetime.combine(day, time(14, 0))),
            location="District Council House, Frog Lane, Lichfield",
            by=clerk,
        )
        for kind, title, summary in [
            (
                AgendaItem.Kind.MONITORING_REPORT,
                "Community transport: quarter 2 monitoring report",
                "Journeys provided and the outcomes reported by the provider against the agreed KPIs.",
            ),
            (
                AgendaItem.Kind.OTHER,
                "Locality commissioning priorities for 2026/27",
                "Prosperous, healthy, independent and safe: the partners' draft priorities for next year.",
            ),
        ]:
            board_services.item_add(meeting=meeting, kind=kind, title=title, summary=summary, by=clerk)
