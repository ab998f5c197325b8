"""The Lichfield Locality Commissioning Board (seed 002), and a fake award subject standing in for the tendering
app (which registers the real ``procurement.award_recommendation`` handlers later)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from boards import seats as board_seats
from boards import services as board_services
from boards.models import AgendaItem, Board, BoardMember, Meeting, SeatKind
from core import handlers
from core.errors import DomainError
from partners.models import Organisation, OrganisationKind, PartnershipMember, Role, User
from tests.celery_support import celery_queue, celery_worker, task_runs  # noqa: F401  (fixtures)
from tests.conftest import World
from tests.factories.board import acting, seat
from tests.factories.partners import OrganisationFactory, person

AWARD = "procurement.award_recommendation"


@dataclass
class FakeAward:
    """In-memory award recommendations: what the tendering app's state machine would hold."""

    states: dict[int, str] = field(default_factory=lambda: {1: "recommended", 2: "recommended"})
    calls: list[dict[str, Any]] = field(default_factory=list)
    refuse: str = ""  # when set, on_decision refuses with this message

    def title(self, *, subject_id: int) -> str:
        return f"Older people's independence service: award recommendation {subject_id}"

    def summary(self, *, subject_id: int) -> dict[str, Any]:
        return {
            "headline": "Award to Age UK South Staffordshire: £131,250 over 3 years",
            "facts": [("Procedure", "Open, third sector only"), ("Bids received", "3")],
            "tables": [
                {
                    "caption": "Ranked bids",
                    "columns": [
                        "Rank",
                        "Bidder",
                        "Quality (60%)",
                        "Price (30%)",
                        "Social value (10%)",
                        "Weighted score",
                    ],
                    "numeric": [False, False, True, True, True, True],
                    "rows": [
                        ["1", "Age UK South Staffordshire", "52.0", "27.5", "8.0", "87.5"],
                        ["2", "Moorlands Home Link", "44.0", "30.0", "6.0", "80.0"],
                        ["3", "Burton Money Matters CIC", "38.0", "24.0", "7.0", "69.0"],
                    ],
                }
            ],
            "conflicts": [
                {
                    "person": "Dee Okafor",
                    "role": "Evaluator, Staffordshire County Council",
                    "interest": "Volunteer at Moorlands Home Link",
                    "action": "Did not score Moorlands Home Link",
                }
            ],
        }

    def paper(self, *, subject_id: int) -> dict[str, Any]:
        paper = self.summary(subject_id=subject_id)
        paper["tables"].append(
            {
                "caption": "Funding by partner and year",
                "columns": ["Partner", "2025/26", "2026/27", "2027/28", "Total"],
                "numeric": [False, True, True, True, True],
                "rows": [
                    ["Staffordshire County Council", "£23,750.00", "£23,750.00", "£23,750.00", "£71,250.00"],
                    ["Lichfield District Council", "£20,000.00", "£20,000.00", "£20,000.00", "£60,000.00"],
                ],
            }
        )
        paper["charts"] = [
            {
                "title": "Funding by partner and year",
                "categories": ["2025/26", "2026/27", "2027/28"],
                "series": [
                    {"label": "Staffordshire County Council", "values": [Decimal("23750")] * 3},
                    {"label": "Lichfield District Council", "values": [Decimal("20000")] * 3},
                ],
            }
        ]
        return paper

    def public_summary(self, *, subject_id: int) -> str:
        return "Older people's independence service awarded to Age UK South Staffordshire, £43,750 a year for 3 years."

    def candidates(self, *, board: Board) -> list[tuple[int, str]]:
        return [(pk, self.title(subject_id=pk)) for pk, state in self.states.items() if state == "recommended"]

    def check(self, *, subject_id: int, board: Board) -> None:
        if subject_id not in self.states:
            raise DomainError("There is no such award recommendation")

    def on_decision(self, *, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
        if self.refuse:
            raise DomainError(self.refuse)
        self.calls.append(
            {"subject_id": subject_id, "outcome": outcome, "decision": decision.pk, "corrects": decision.corrects_id}
        )
        self.states[subject_id] = {"approve": "standstill", "reject": "returned", "defer": "recommended"}[outcome]

    def handlers(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": self.summary,
            "paper": self.paper,
            "on_decision": self.on_decision,
            "public_summary": self.public_summary,
            "candidates": self.candidates,
            "check": self.check,
        }


@pytest.fixture
def fake_award():
    award = FakeAward()
    with handlers.override(AWARD, **award.handlers()):
        yield award


@dataclass
class Lichfield:
    world: World
    board: Board
    clerk: User
    ccg: Organisation
    pcc: Organisation
    cvs: Organisation
    seats: dict[str, BoardMember]
    meeting: Meeting

    def by(self, user: User, organisation: Organisation | None = None) -> Any:
        if organisation is None:
            seat = next((s for s in self.seats.values() if s.person_id == user.pk), None)
            organisation = seat.organisation if seat else self.world.district
        return acting(user, organisation)

    @property
    def clerk_acting(self) -> Any:
        return acting(self.clerk, self.world.district)

    @property
    def chair_acting(self) -> Any:
        return self.by(self.seats["walker"].person)

    def attend(self, *keys: str, apologies: tuple[str, ...] = (), substitute: bool = False) -> None:
        """Record attendance through the service: ``keys`` present; with ``substitute`` the county's named
        substitute stands in for the county commissioning lead."""
        entries = [board_services.AttendanceEntry(self.seats[k], "present") for k in keys]
        entries += [board_services.AttendanceEntry(self.seats[k], "apologies") for k in apologies]
        if substitute:
            entries.append(board_services.AttendanceEntry(self.seats["sub"], "present", self.seats["scc_lead"]))
        board_services.attendance_record(meeting=self.meeting, entries=entries, by=self.clerk_acting)

    def ccg_declares_interest(self, item: AgendaItem) -> BoardMember:
        """The CCG's member declares an interest in ``item`` (a trustee of the bidder); returns that seat."""
        ccg = self.seats["ccg"]
        board_services.declaration_record(
            item=item,
            member=ccg,
            has_interest=True,
            interest="Trustee of Age UK South Staffordshire",
            by=self.by(ccg.person),
        )
        return ccg

    def item(self, kind: str = AgendaItem.Kind.OTHER, *, subject_id: int | None = None, title: str = "") -> AgendaItem:
        return board_services.item_add(
            meeting=self.meeting,
            kind=kind,
            subject_id=subject_id,
            title=title or ("" if subject_id else "Other business"),
            by=self.clerk_acting,
        )


FULL_SEATS = [
    # key, organisation attribute, name, role
    ("walker", "district", "Cllr Chris Walker", "Cabinet Member for Community, Housing and Health"),
    ("director", "district", "Dana Price", "Strategic Director of Community, Housing and Health"),
    ("scc_lead", "county", "Jon Hale", "District Commissioning Lead (Lichfield)"),
    ("public_health", "county", "Helen Marsh", "Locality Public Health Partnerships and Commissioning Lead"),
    ("ccg", "ccg", "Wayne Fisher", "Chief Operating Officer"),
    ("econ", "district", "Clive Barton", "Economic Development and Enterprise Manager"),
    ("pcc", "pcc", "James Oduya", "Locality Deal Fund lead"),
]


@pytest.fixture
def lichfield(world: World) -> Lichfield:
    """Seven full members (three from the district council), the chair Cllr Walker, a named substitute for the
    county's commissioning lead, an advisory member from the CVS; quorum 4 / 51 % / the district council."""
    ccg = OrganisationFactory(
        name="South East Staffordshire and Seisdon Peninsula CCG", kind=OrganisationKind.NHS_COMMISSIONER
    )
    pcc = OrganisationFactory(
        name="Staffordshire Police and Crime Commissioner", kind=OrganisationKind.POLICE_CRIME_COMMISSIONER
    )
    cvs = OrganisationFactory(name="Support Staffordshire", kind=OrganisationKind.CVS)
    for org in (ccg, pcc):
        PartnershipMember.objects.create(
            partnership=world.partnership, organisation=org, status=PartnershipMember.Status.ACTIVE
        )
    clerk = person(world.district, Role.COMMISSIONER, name="Sam Taylor")
    board = board_seats.board_create(
        partnership=world.partnership,
        name="Lichfield Locality Commissioning Board",
        parent_board_name="Lichfield District Board",
        min_members=4,
        min_share=Decimal("51"),
        by=acting(clerk, world.district),
    )
    orgs = {"district": world.district, "county": world.county, "ccg": ccg, "pcc": pcc}
    seats: dict[str, BoardMember] = {}
    for key, org_key, name, role in FULL_SEATS:
        user = world.board_member if key == "walker" else None
        seats[key] = seat(board, orgs[org_key], user=user, name=name, role_title=role)
    seats["sub"] = seat(
        board, world.county, kind=BoardMember.Kind.SUBSTITUTE, name="Tom Jones", substitute_for=seats["scc_lead"]
    )
    seats["adviser"] = seat(
        board,
        cvs,
        kind=BoardMember.Kind.ADVISORY,
        seat_kind=SeatKind.ADVISER,
        name="Anna Adviser",
        role_title="Voluntary sector",
    )
    board.required_organisations.set([world.district])  # chosen once the district has its members
    board_seats.board_set_chair(board=board, member=seats["walker"], by=acting(clerk, world.district))
    meeting = board_services.meeting_create(
        board=board,
        starts_at=timezone.now() + dt.timedelta(days=2),
        location="District Council House",
        by=acting(clerk, world.district),
    )
    board.refresh_from_db()
    return Lichfield(world=world, board=board, clerk=clerk, ccg=ccg, pcc=pcc, cvs=cvs, seats=seats, meeting=meeting)
