"""The demo's tenders at every stage, built the way people build them: through the services, each step taken by
the persona whose job it is (``procurement.demo`` calls these; each is idempotent, found by its tender's title).

The demo is built in one go, so time cannot pass between "bids are in" and "bids have closed". Where the story needs
a deadline in the past, the bids go in first (before the deadline, through the services) and then the deadline is
moved to the moment after the last bid, so the system's own closing step (``close_due_tenders``) closes it. Only the
signed debt-advice contract is back-dated further (it started in April 2025), and there every date that the pages
compare (deadlines, bid receipts, letters, standstill, signature) moves together so they stay in order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from boards import services as board_services
from boards.models import AgendaItem, Board, BoardMember, Meeting
from commissioning.demo import simple_pdf
from partners.acting import Acting
from partners.acting import acting_as as acting
from partners.models import Membership
from procurement.award import services as award_services
from procurement.award.models import AwardRecommendation
from procurement.award.standstill import standstill_end
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidStatus, BidVersion
from procurement.conflicts import services as conflicts_services
from procurement.conflicts.models import AssessmentEntry, AssessmentStage, ConflictsAssessment, DeclarationState, Source
from procurement.evaluation import services as evaluation_services
from procurement.evaluation.models import Evaluator, ScoreSheet
from procurement.tenders import services as tender_services
from procurement.tenders.models import Question, Stage, Tender


@dataclass(frozen=True)
class Cast:
    """Who does what in the demo's tendering: the lead commissioner, the two bidders and the panel."""

    lead: Acting
    bidders: list[Acting]
    evaluators: list[Acting]


def _answers(bid: Bid, flavour: str) -> dict[int, str]:

    questions = Question.objects.filter(method__tender_id=bid.tender_id, stage=bid.stage)
    out = {}
    for q in questions:
        if q.pass_fail:
            out[q.pk] = "Yes. Our safeguarding adults policy was reviewed by our trustees this year."
        else:
            out[q.pk] = (
                f"{flavour} We will work with local groups, recruit and train volunteers, and report outcomes every "
                "quarter against the agreed indicators."
            )
    return out


def submit_bid(tender: Tender, by: Acting, *, price: Decimal, flavour: str, stage_eoi: bool = False) -> Bid:
    """A provider starts, writes and submits its bid (or expression of interest)."""
    bid = bid_services.bid_start(tender=tender, by=by)
    prices = None
    if not stage_eoi:
        staff = (price * Decimal("0.7")).quantize(Decimal("0.01"))
        prices = {
            "staff": (staff, "Advisers and a volunteer coordinator"),
            "overheads": (price - staff, "Full cost recovery: management, premises share, finance"),
        }
    bid_services.bid_save_draft(bid=bid, by=by, answers=_answers(bid, flavour), price_lines=prices, summary=flavour)
    bid_services.bid_submit(bid=bid, by=by)
    return Bid.objects.get(pk=bid.pk)


def close_now(tender: Tender, *, eoi_only: bool = False) -> Tender:
    """The deadline passes: every bid is in, so the deadline becomes this moment (see the module's docstring) and
    the system closes the tender as its scheduled task would."""
    now = timezone.now()
    if eoi_only:
        Tender.objects.filter(pk=tender.pk).update(eoi_deadline=now)
    else:
        Tender.objects.filter(pk=tender.pk).update(
            submission_deadline=now, clarification_deadline=min(tender.clarification_deadline, now)
        )
    bid_services.close_due_tenders(now=now + dt.timedelta(seconds=1))
    return Tender.objects.get(pk=tender.pk)


def panel(tender: Tender, cast: Cast) -> list[Evaluator]:
    """The lead names the panel; each evaluator declares no interest; the evaluation starts."""
    members = []
    for person in cast.evaluators:
        membership = Membership.objects.get(user=person.user, organisation=person.organisation)
        evaluator = evaluation_services.evaluator_add(
            tender=tender, membership=membership, by=cast.lead, role_title="Commissioning officer"
        )
        evaluation_services.interests_declare(evaluator=evaluator, has_interest=False, interest="", by=person)
        members.append(evaluator)
    tender_services.tender_transition(tender=tender, name="start_evaluation", by=cast.lead)
    return members


def score(tender: Tender, person: Acting, marks: dict[int, int], *, submit: bool = True) -> None:
    """One evaluator scores every bid (``marks``: bid id -> the score for each scored question)."""
    for sheet in ScoreSheet.objects.filter(evaluator__tender=tender, evaluator__user=person.user):
        entries: dict[int, dict[str, object]] = {}
        for q in tender.method.questions.filter(stage=Stage.FULL):
            if q.pass_fail:
                entries[q.pk] = {"passed": True, "justification": "Policy seen and in date"}
            else:
                entries[q.pk] = {"score": marks[sheet.bid_id], "justification": "Clear, evidenced answer"}
        evaluation_services.scores_save(sheet=sheet, scores=entries, by=person)
        if submit:
            evaluation_services.sheet_submit(sheet=sheet, by=person)


def moderate(tender: Tender, lead: Acting, marks: dict[int, int]) -> None:
    for bid in Bid.objects.filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED):
        for q in tender.method.questions.filter(stage=Stage.FULL):
            if q.pass_fail:
                evaluation_services.moderate(bid=bid, question=q, passed=True, note="Agreed: policy in place", by=lead)
            else:
                evaluation_services.moderate(
                    bid=bid, question=q, score=marks[bid.pk], note="Agreed by the panel", by=lead
                )


def sign_conflicts(
    tender: Tender,
    lead: Acting,
    *,
    stage: str = AssessmentStage.TENDER,
    role: str = "Head of Commissioning",
    interests: dict[str, tuple[str, str]] | None = None,
) -> ConflictsAssessment:
    """The lead prepares the conflicts assessment for ``stage`` (Procurement Act 2023 s.83) and signs it. The panel's
    and the board's declarations are read from their records; the lead records the others: no interest, unless
    ``interests`` names the person (name -> (interest, mitigation)).

    Used by the demo, the tests' factories and the benchmarks: whatever publishes a tender or recommends an award
    signs its assessment first, through the services, as a lead would."""
    assessment = ConflictsAssessment.objects.filter(
        tender=tender, stage=stage, signed_at__isnull=True
    ).first() or conflicts_services.assessment_start(tender=tender, stage=stage, by=lead)
    interests = interests or {}
    for entry in AssessmentEntry.objects.filter(assessment=assessment, source=Source.HERE):
        if entry.person_name in interests:
            interest, mitigation = interests[entry.person_name]
            conflicts_services.entry_record(
                entry=entry,
                declaration=DeclarationState.INTEREST,
                interest=interest,
                step="mitigated",
                step_detail=mitigation,
                by=lead,
            )
        elif entry.declaration == DeclarationState.PENDING:
            conflicts_services.entry_record(entry=entry, declaration=DeclarationState.NONE, by=lead)
    return conflicts_services.assessment_sign(assessment=assessment, role=role, by=lead)


def evaluate_and_recommend(
    tender: Tender, cast: Cast, bids: list[Bid], value: Decimal, rationale: str
) -> AwardRecommendation:
    """A panel scores the bids (the first ranks first), the lead moderates and recommends the first at ``value``."""
    panel(tender, cast)
    tender = Tender.objects.get(pk=tender.pk)
    marks = {bids[0].pk: 4, **{b.pk: 3 for b in bids[1:]}}
    for person in cast.evaluators:
        score(tender, person, marks)
    moderate(tender, cast.lead, marks)
    sign_conflicts(tender, cast.lead, stage=AssessmentStage.AWARD)
    return award_services.recommend(tender=tender, by=cast.lead, choices=[(bids[0], value)], rationale=rationale)


def backdate_procurement(
    tender: Tender, *, published: dt.datetime, clarifications: dt.datetime, closed: dt.datetime
) -> None:
    """The signed contract's tender ran in winter 2024/25 (see the module's docstring): its deadlines, publication
    and bid receipts move together, each bid received a day before the deadline."""
    Tender.objects.filter(pk=tender.pk).update(
        published_at=published, clarification_deadline=clarifications, submission_deadline=closed
    )
    received = closed - dt.timedelta(days=1)
    Bid.objects.filter(tender=tender).update(submitted_at=received)
    BidVersion.objects.filter(bid__tender=tender).update(submitted_at=received)


def backdate_standstill(tender: Tender, *, letters_sent_on: dt.date) -> dt.date:
    """The signed contract's award letters went out in February 2025; the standstill is counted from that day."""

    ends = standstill_end(letters_sent_on, tender.standstill_days)
    Tender.objects.filter(pk=tender.pk).update(letters_sent_on=letters_sent_on, standstill_ends_on=ends)
    return ends


def pdf(name: str, *lines: str) -> ContentFile[bytes]:
    return ContentFile(simple_pdf(*lines), name=name)


# --- the Lichfield board --------------------------------------------------------------------------------------------


def board_of(tender: Tender) -> Board | None:
    return Board.objects.filter(partnership_id=tender.commission.partnership_id).order_by("pk").first()


def clerk_of(board: Board) -> Acting | None:
    clerk = board.clerks.order_by("pk").first()
    if clerk is None:
        return None
    membership = Membership.objects.filter(user=clerk, is_active=True).order_by("pk").first()
    return acting(clerk, membership.organisation) if membership else None


def next_meeting(board: Board) -> Meeting | None:
    return (
        Meeting.objects.filter(
            board=board,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.PAPERS_PUBLISHED],
            starts_at__gte=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )


def board_approves_method(tender: Tender, *, held_days_ago: int = 28) -> bool:
    """The board's last meeting: the clerk put the method on the agenda, recorded who came, the chair's board
    approved it (quorate: five of the seven full members, the district council among them), and the minutes were
    approved."""
    board = board_of(tender)
    clerk = clerk_of(board) if board else None
    if board is None or clerk is None:
        return False
    starts = timezone.localtime() - dt.timedelta(days=held_days_ago)
    meeting = board_services.meeting_create(
        board=board,
        starts_at=starts.replace(hour=14, minute=0, second=0, microsecond=0),
        location="District Council House, Frog Lane, Lichfield",
        by=clerk,
    )
    item = board_services.item_add(
        meeting=meeting,
        kind=AgendaItem.Kind.EVALUATION_METHOD,
        subject_id=tender.method.pk,
        summary="The lead commissioner asks the board to approve how bids will be judged.",
        by=clerk,
    )
    full = list(BoardMember.objects.filter(board=board, active=True, kind=BoardMember.Kind.FULL).order_by("pk"))
    entries = [
        board_services.AttendanceEntry(member=m, status="present" if i < 5 else "apologies") for i, m in enumerate(full)
    ]
    board_services.attendance_record(meeting=meeting, entries=entries, by=clerk)
    board_services.decision_record(
        item=item,
        outcome="approve",
        minute="Approved: quality 60%, price 20%, social value 10%, local benefit 10%.",
        by=clerk,
    )
    meeting = board_services.meeting_transition(meeting=meeting, name="hold", by=clerk)
    board_services.minutes_record(
        meeting=meeting,
        minutes=f"Present: five full members. The board approved the evaluation method for “{tender.title}”.",
        by=clerk,
    )
    board_services.meeting_transition(meeting=meeting, name="approve_minutes", by=clerk)
    return True


def put_on_next_agenda(tender: Tender, *, kind: str, subject_id: int, summary: str) -> None:
    """The clerk puts the tender's method or award on the board's next meeting (waiting for its decision)."""
    board = board_of(tender)
    clerk = clerk_of(board) if board else None
    meeting = next_meeting(board) if board else None
    if board is None or clerk is None or meeting is None:
        return
    if AgendaItem.objects.filter(meeting=meeting, subject_id=subject_id, kind=kind).exists():
        return
    board_services.item_add(meeting=meeting, kind=kind, subject_id=subject_id, summary=summary, by=clerk)
