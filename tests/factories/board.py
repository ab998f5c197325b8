"""Factories for the commissioning board: a board with seats, a meeting with an agenda, and attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from boards import permissions
from boards.models import AgendaItem, Attendance, Board, BoardMember, Meeting, SeatKind
from partners.acting import Acting
from partners.models import Membership, Organisation, Partnership, Role, User
from tests.factories.partners import OrganisationFactory, PartnershipFactory, person


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Locality Commissioning Board {n}")
    min_members = 1
    min_share = Decimal("0")
    # The partnership's first board approves its tenders, as ``board_create`` decides.
    decides_tenders = factory.LazyAttribute(
        lambda o: not Board._base_manager.filter(partnership=o.partnership, decides_tenders=True).exists()
    )

    @factory.post_generation
    def required(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.required_organisations.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    location = "District Council House, Lichfield"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = AgendaItem.Kind.OTHER
    title = factory.Sequence(lambda n: f"Other business {n}")


def acting(user: User, organisation: Organisation) -> Acting:
    membership = Membership._base_manager.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def seat(
    board: Board,
    organisation: Organisation,
    *,
    kind: str = BoardMember.Kind.FULL,
    user: User | None = None,
    name: str | None = None,
    role_title: str = "",
    substitute_for: BoardMember | None = None,
    seat_kind: str = SeatKind.PARTNER,
    is_elected_member: bool = False,
) -> BoardMember:
    """A seat for ``user`` (or a new board member at ``organisation``), with the guardian grants synced."""
    user = user or person(organisation, Role.BOARD_MEMBER, name=name)
    member = BoardMember.objects.create(
        board=board,
        person=user,
        organisation=organisation,
        kind=kind,
        seat_kind=seat_kind,
        is_elected_member=is_elected_member,
        role_title=role_title,
        substitute_for=substitute_for,
    )
    permissions.sync_board_permissions(board)
    return member


def present(meeting: Meeting, *members: BoardMember, substituting: dict[int, BoardMember] | None = None) -> None:
    substituting = substituting or {}
    for m in members:
        Attendance.objects.update_or_create(
            meeting=meeting,
            member=m,
            defaults={"status": Attendance.Status.PRESENT, "substituting_for": substituting.get(m.pk)},
        )


def apologies(meeting: Meeting, *members: BoardMember) -> None:
    for m in members:
        Attendance.objects.update_or_create(meeting=meeting, member=m, defaults={"status": Attendance.Status.APOLOGIES})


def simple_board(partnership: Partnership, chair_user: User, chair_org: Organisation, **extra: Any) -> Board:
    """A board with one full member (the chair), its quorum 1."""
    board = BoardFactory(partnership=partnership, **extra)
    chair = seat(board, chair_org, user=chair_user, role_title="Chair")
    board.chair = chair
    board.save(update_fields=["chair"])
    permissions.sync_board_permissions(board)
    return board


__all__ = [
    "AgendaItemFactory",
    "BoardFactory",
    "MeetingFactory",
    "OrganisationFactory",
    "acting",
    "apologies",
    "present",
    "seat",
    "simple_board",
]
