"""Reads for the board pages. Each runs a fixed number of queries however many rows there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from boards import rules
from boards.models import AgendaItem, Attendance, Board, BoardMember, Decision, Declaration, Exclusion, Meeting
from core import handlers
from core.tenancy import unscoped
from partners.models import Organisation

UPCOMING = [Meeting.Status.SCHEDULED, Meeting.Status.PAPERS_PUBLISHED]


def boards_for(*, organisation: Organisation | None) -> QuerySet[Board]:
    """Boards visible in the current scope, with their partnership, member count and next meeting."""
    nxt = Meeting.objects.filter(board=OuterRef("pk"), status__in=UPCOMING, starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )
    return (
        Board.objects.select_related("partnership", "chair__person")
        .annotate(
            full_members=Count(
                "members", filter=Q(members__active=True, members__kind=BoardMember.Kind.FULL), distinct=True
            ),
            next_meeting_at=Subquery(nxt.values("starts_at")[:1]),
            next_meeting_id=Subquery(nxt.values("pk")[:1]),
        )
        .order_by("name")
    )


def members_of(board: Board) -> list[BoardMember]:
    return list(
        BoardMember.objects.filter(board=board, active=True)
        .select_related("person", "organisation", "substitute_for__person")
        .order_by("kind", "organisation__name", "person__full_name")
    )


def meetings_of(board: Board) -> list[Meeting]:
    return list(
        Meeting.objects.filter(board=board)
        .annotate(
            item_count=Count("items", distinct=True),
            open_items=Count("items", filter=Q(items__status=AgendaItem.Status.OPEN), distinct=True),
        )
        .order_by("-starts_at")
    )


def _current_decisions() -> Prefetch:
    return Prefetch(
        "decisions",
        queryset=Decision.objects.filter(corrected_by__isnull=True).select_related("corrects"),
        to_attr="current_decisions",
    )


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presented_by")
        .annotate(
            interests=Count("declarations", filter=Q(declarations__has_interest=True), distinct=True),
            excluded=Count("exclusions", distinct=True),
        )
        .prefetch_related(_current_decisions())
        .order_by("order", "pk")
    )


def attendance_of(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__person", "member__organisation", "substituting_for__person")
        .order_by("member__kind", "member__person__full_name")
    )


def declarations_of(item: AgendaItem) -> list[Declaration]:
    return list(
        Declaration.objects.filter(item=item).select_related("member__person", "member__organisation", "declared_by")
    )


def exclusions_of(item: AgendaItem) -> list[Exclusion]:
    return list(Exclusion.objects.filter(item=item).select_related("member__person", "chair__person"))


def decisions_of(item: AgendaItem) -> list[Decision]:
    return list(
        Decision.objects.filter(item=item).select_related("corrects", "recorded_by").order_by("recorded_at", "pk")
    )


def public_meetings(board: Board) -> list[Meeting]:
    """For the public page: meetings with their items, current decisions (public summaries only), declared
    interests, exclusions and who was present."""
    return list(public_meetings_qs(board).order_by("-starts_at"))


def business_between(board: Board, start: dt.date, end: dt.date) -> list[Meeting]:
    """The record of business for the parent board: meetings held in the period, their decisions and
    declarations."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    return list(public_meetings_qs(board).filter(starts_at__gte=since, starts_at__lte=until).order_by("starts_at"))


def public_meetings_qs(board: Board) -> QuerySet[Meeting]:
    return Meeting.objects.filter(board=board).prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.order_by("order", "pk").prefetch_related(
                _current_decisions(),
                Prefetch(
                    "declarations",
                    queryset=Declaration.objects.filter(has_interest=True).select_related(
                        "member__person", "member__organisation"
                    ),
                    to_attr="interests",
                ),
                Prefetch("exclusions", queryset=Exclusion.objects.select_related("member__person")),
            ),
        ),
        Prefetch(
            "attendance",
            queryset=Attendance.objects.filter(status=Attendance.Status.PRESENT).select_related(
                "member__person", "member__organisation", "substituting_for__person"
            ),
            to_attr="present",
        ),
    )


def next_meetings_for(user: Any, limit: int = 3) -> list[Meeting]:
    """The person's next meetings (boards they sit on or clerk), with how many items are still to decide."""
    seats = BoardMember.objects.filter(person=user, active=True).values("board_id")
    clerked = Board.objects.filter(clerks=user).values("pk")
    return list(
        Meeting.objects.filter(
            Q(board__in=seats) | Q(board__in=clerked),
            status__in=UPCOMING,
            starts_at__gte=timezone.now() - dt.timedelta(hours=12),
        )
        .select_related("board")
        .annotate(open_items=Count("items", filter=Q(items__status=AgendaItem.Status.OPEN), distinct=True))
        .order_by("starts_at")[:limit]
    )


@dataclass(frozen=True)
class PendingApproval:
    kind: str  # the agenda item kind, for example "specification"
    kind_label: str
    subject_id: int
    title: str


def pending_approvals(board: Board) -> list[PendingApproval]:
    """What the tendering app has waiting for this board's decision (evaluation methods, final specifications,
    assessment panels, awards). Only the board that approves the partnership's tenders is offered them: a second
    board of the same partnership has none."""
    if rules.tender_approval_blockers(board):
        return []
    labels = dict(AgendaItem.Kind.choices)
    out: list[PendingApproval] = []
    for kind, subject_kind in rules.SUBJECT_KINDS.items():
        candidates = handlers.find(subject_kind, "candidates")
        if candidates is None:
            continue
        with unscoped(reason="subjects the higher apps offer to this board"):
            for pk, title in candidates(board=board):
                out.append(PendingApproval(str(kind), str(labels[kind]), int(pk), str(title)))
    return out
