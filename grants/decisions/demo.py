"""Demo of deciding a grant round (idempotent; run by ``grants.demo.load`` after the rounds exist), built through
the services by the personas whose job each step is, on the closed "Community Food Small Grants" round:

- the district's commissioner (the lead) names two county evaluators to the panel; one declares a professional
  interest in Age UK South Staffordshire's application and is excluded from scoring it; both score the rest, and
  the lead records the agreed scores (a ranked list with weighted scores);
- the lead recommends both grants and sends them to the Lichfield board (at or above the £1,000 delegated
  threshold); the board, quorate, approves: offers go to both applicants with conditions;
- Citizens Advice Lichfield District accepts its offer; Age UK's offer waits for its answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from boards import services as board_services
from boards.models import AgendaItem, Attendance, Board, BoardMember
from core.workflow import transition
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.assessment import services as assessment
from grants.assessment.models import AssessmentSheet
from grants.decisions import services as decisions
from grants.decisions.models import DecisionStatus, GrantDecision
from grants.programmes.models import GrantAssessor, GrantCriterion, GrantProgramme, ProgrammeStatus
from grants.programmes.workflows import PROGRAMME_WORKFLOW
from partners.acting import Acting, acting_as
from partners.models import Organisation, User

ROUND = "Community Food Small Grants"
CAB = "Citizens Advice Lichfield District"
AGE_UK = "Age UK South Staffordshire"


def _person(email: str, organisation_name: str) -> Acting | None:
    user = User.objects.filter(email=email).first()
    organisation = Organisation.objects.filter(name=organisation_name).first()
    if user is None or organisation is None:
        return None
    return acting_as(user, organisation)


def _score(criterion: GrantCriterion, share: Decimal) -> int:
    return int((Decimal(criterion.max_score) * share).to_integral_value())


# Each applicant's agreed scores as a share of each criterion's top score.
QUALITY = {CAB: Decimal("0.8"), AGE_UK: Decimal("0.6")}


def load() -> None:
    programme = GrantProgramme.objects.filter(title=ROUND).select_related("commission").first()
    lead = _person("sam@lichfield.demo", "Lichfield District Council")
    dee = _person("dee@staffordshire.demo", "Staffordshire County Council")
    ben = _person("ben@staffordshire.demo", "Staffordshire County Council")
    if programme is None or lead is None or dee is None or ben is None or not programme.has_closed():
        return
    if GrantDecision.objects.filter(programme=programme).exists():
        return
    if programme.status == ProgrammeStatus.CLOSED:
        transition(obj=programme, workflow=PROGRAMME_WORKFLOW, name="start_assessment", by=lead)
        programme.refresh_from_db()
    applications = {
        a.organisation.name: a
        for a in GrantApplication.objects.filter(
            programme=programme, status=ApplicationStatus.SUBMITTED
        ).select_related("organisation")
    }
    if not applications:
        return
    criteria = list(GrantCriterion.objects.filter(programme=programme))

    # The panel: two county evaluators; Dee declares an interest in Age UK's application.
    seats = {}
    for who in (dee, ben):
        assert who.user is not None
        seat = GrantAssessor.objects.filter(programme=programme, user=who.user).first()
        seats[who.user.pk] = seat or assessment.assessor_appoint(
            programme=programme,
            user=who.user,
            organisation=who.organisation,  # type: ignore[arg-type]
            by=lead,
        )
    interest = (
        [(applications[AGE_UK], "professional", "I advise Age UK South Staffordshire's trustees on contracts")]
        if AGE_UK in applications
        else []
    )
    assessment.interests_declare(assessor=seats[dee.user.pk], interests=interest, by=dee)
    assessment.interests_declare(assessor=seats[ben.user.pk], interests=[], by=ben)
    for who in (dee, ben):
        for name, application in applications.items():
            if who is dee and name == AGE_UK:
                continue  # excluded: declared an interest
            sheet = assessment.scores_save(
                assessor=seats[who.user.pk],
                application=application,
                scores={
                    c.pk: {"score": _score(c, QUALITY.get(name, Decimal("0.5"))), "comment": "Well evidenced need"}
                    for c in criteria
                },
                by=who,
            )
            if AssessmentSheet.objects.filter(pk=sheet.pk, submitted_at__isnull=True).exists():
                assessment.sheet_submit(sheet=sheet, by=who)
    for name, application in applications.items():
        assessment.moderate(
            application=application,
            scores={
                c.pk: {"score": _score(c, QUALITY.get(name, Decimal("0.5"))), "note": "Agreed at the panel meeting"}
                for c in criteria
            },
            by=lead,
        )

    # The recommendation: both funded in full, with conditions; to the board (at or above the threshold).
    decision = decisions.decision_prepare(
        programme=programme,
        accept_by=timezone.localdate() + dt.timedelta(days=28),
        summary="Both applications meet the criteria; the panel recommends funding them in full.",
        by=lead,
    )
    for application in applications.values():
        amount = min(application.amount_requested or programme.amount_min, programme.amount_max)
        decisions.recommendation_set(
            decision=decision,
            application=application,
            fund=True,
            amount=max(amount, programme.amount_min),
            conditions="Spend the grant by 31 March; send a short end-of-grant report with a case study.",
            by=lead,
        )
    decision = decisions.decision_step(decision=decision, name="send_to_board", by=lead)

    # The board meets, is quorate (every full member present), and approves.
    board = Board.objects.filter(partnership_id=programme.partnership_id).order_by("pk").first()
    if board is None:
        return
    meeting = board_services.meeting_create(
        board=board,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        location="District Council House, Frog Lane, Lichfield",
        by=lead,
    )
    item = board_services.item_add(meeting=meeting, kind=AgendaItem.Kind.GRANT_AWARD, subject_id=decision.pk, by=lead)
    members = list(BoardMember.objects.filter(board=board, kind=BoardMember.Kind.FULL))
    board_services.attendance_record(
        meeting=meeting,
        entries=[board_services.AttendanceEntry(member=m, status=Attendance.Status.PRESENT) for m in members],
        by=lead,
    )
    board_services.decision_record(
        item=item, outcome="approve", minute="The board approved both grants as recommended.", by=lead
    )

    # Every application is decided: the lead records it on the programme.
    decision.refresh_from_db()
    programme.refresh_from_db()
    if decision.status == DecisionStatus.APPROVED and programme.status == ProgrammeStatus.ASSESSING:
        transition(obj=programme, workflow=PROGRAMME_WORKFLOW, name="record_decisions", by=lead)

    # Citizens Advice accepts its offer.
    cab_writer = _person("mo@lichfieldcab.demo", CAB)
    if decision.status == DecisionStatus.APPROVED and cab_writer is not None and CAB in applications:
        decisions.offer_accept(application=GrantApplication.objects.get(pk=applications[CAB].pk), by=cab_writer)
