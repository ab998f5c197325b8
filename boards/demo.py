"""Demo data for the commissioning board (idempotent; the people and organisations come from ``partners.demo``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from boards import seats as board_seats
from boards import services as board_services
from boards.models import AgendaItem, Board, BoardMember, Meeting, SeatKind
from partners.acting import acting_as
from partners.demo import Persona, demo_person
from partners.models import Organisation, OrganisationKind, Partnership, Role, User
from partners.services import organisation_create

# The Lichfield Locality Commissioning Board (seed 002): seven full members from the four partners (the cabinet
# member is an elected member), a named substitute, the CVS adviser and a voluntary-sector representative (advisory
# members: the terms of reference seat the voluntary sector "for specific items"); quorum 4 members / 51 % / someone
# from the district council / at least one elected member (report, 4.8); chaired by the cabinet member, clerked by
# the district's commissioner; it approves the partnership's tenders.
# (Fictional people in the terms of reference's roles.)
LDC, SCC, CCG, PCC = (
    "Lichfield District Council",
    "Staffordshire County Council",
    "South East Staffordshire and Seisdon Peninsula CCG",
    "Staffordshire Police and Crime Commissioner",
)
BOARD_PEOPLE = [
    # (persona, kind of member, role on the board, key of the member substituted)
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
ELECTED = {"chris@lichfield.demo"}
SEAT_KINDS = {"kate@supportstaffs.demo": SeatKind.ADVISER}
FORUM = "Lichfield Community and Voluntary Sector Forum"
# The forum's representative has no Jointly account yet: the clerk seats her by name and email.
FORUM_REP = ("ruth.green@lichfield-forum.example", "Ruth Green", "Voluntary and community sector representative")


def load() -> None:
    """The district's commissioner sets the board up (becoming its clerk), gives each person their seat, appoints
    the chair and schedules the next meeting with its first two items: all through the board services."""
    orgs = {o.name: o for o in Organisation.objects.all()}
    partnership = Partnership.objects.get(name="Lichfield Locality Commissioning Partnership")
    clerk = acting_as(User.objects.get(email="sam@lichfield.demo"), orgs[LDC])
    board = Board.objects.filter(partnership=partnership, name=BOARD_NAME).first()
    if board is None:
        board = board_seats.board_create(
            partnership=partnership,
            name=BOARD_NAME,
            purpose="To oversee public-sector commissioning in Lichfield District and make investment decisions on "
            "behalf of Lichfield District Board using funds delegated to it by public-sector partners.",
            parent_board_name="Lichfield District Board",
            min_members=4,
            min_share=Decimal("51"),
            by=clerk,
        )
    seats: dict[str, BoardMember] = {}
    for persona, kind, role_title, substitute_for in BOARD_PEOPLE:
        user = demo_person(persona, orgs)
        organisation = orgs[persona.organisations[0][0]]
        member = BoardMember.objects.filter(board=board, person=user, active=True).first()
        if member is None:
            member = board_seats.board_member_add(
                board=board,
                person=user,
                organisation=organisation,
                kind=kind,
                seat_kind=SEAT_KINDS.get(persona.email, SeatKind.PARTNER),
                is_elected_member=persona.email in ELECTED,
                role_title=role_title,
                substitute_for=seats.get(substitute_for),
                by=clerk,
            )
        seats[persona.email] = member
    forum = orgs.get(FORUM) or organisation_create(
        name=FORUM, kind=OrganisationKind.COMMUNITY_GROUP, area="Lichfield District"
    )
    email, full_name, role_title = FORUM_REP
    if not BoardMember.objects.filter(board=board, person__email=email, active=True).exists():
        board_seats.board_member_add(
            board=board,
            email=email,
            full_name=full_name,
            organisation=forum,
            kind=BoardMember.Kind.ADVISORY,
            seat_kind=SeatKind.VOLUNTARY_SECTOR,
            role_title=role_title,
            by=clerk,
        )
    if not board.requires_elected_member:
        board = board_seats.board_update(
            board=board,
            name=board.name,
            purpose=board.purpose,
            parent_board_name=board.parent_board_name,
            min_members=board.min_members,
            min_share=board.min_share,
            required_organisations=[orgs[LDC]],
            requires_elected_member=True,
            chair_absence_rule=board.chair_absence_rule,
            is_public=board.is_public,
            by=clerk,
        )
    if board.chair_id is None:
        board = board_seats.board_set_chair(board=board, member=seats["chris@lichfield.demo"], by=clerk)

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
