"""Pure checks and computations of a grant round's assessment (they read, never write): who may score what, what
stops a sheet or moderation, and the ranked list with weighted scores.

The weighted score is procurement's own rule (``procurement.evaluation.scoring.evaluate``, shared, not copied):
each criterion scores ``weight x moderated score / the criterion's top score``, rounded to 0.01, and the total is
their sum; equal totals share a rank, and a smaller request breaks a tie. Criteria may have different top
scores here, so each score is put on one common scale (the least common multiple of the top scores) first,
which is exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from core.errors import DomainError
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.assessment.models import AssessmentScore, AssessmentSheet, AssessorInterest, ModeratedGrantScore
from grants.programmes.models import GrantAssessor, GrantCriterion, GrantProgramme, ProgrammeStatus
from procurement.evaluation import scoring

WHOLE_RECORD = "a check reads the whole panel record, whoever asks; it answers with problems, not rows"

# The programme states in which the panel scores and moderates.
ASSESSING = (ProgrammeStatus.CLOSED, ProgrammeStatus.ASSESSING)


def assessed_applications(programme: GrantProgramme) -> list[GrantApplication]:
    """The applications the panel assesses: submitted in time (and the outcome states that follow)."""
    return list(
        GrantApplication.objects.unscoped(reason=WHOLE_RECORD)
        .filter(
            programme=programme,
            status__in=[
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.UNSUCCESSFUL,
                ApplicationStatus.OFFERED,
                ApplicationStatus.ACCEPTED,
                ApplicationStatus.OFFER_DECLINED,
                ApplicationStatus.CLOSED,
            ],
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def criteria_of(programme: GrantProgramme) -> list[GrantCriterion]:
    return list(GrantCriterion.objects.unscoped(reason=WHOLE_RECORD).filter(programme=programme))


def conflicted_application_ids(assessor: GrantAssessor) -> set[int]:
    return set(
        AssessorInterest.objects.unscoped(reason=WHOLE_RECORD)
        .filter(assessor=assessor)
        .values_list("application_id", flat=True)
    )


def is_conflicted(assessor: GrantAssessor, application: GrantApplication) -> bool:
    """An assessor who declared an interest in the application is excluded from scoring it."""
    return (
        AssessorInterest.objects.unscoped(reason=WHOLE_RECORD)
        .filter(assessor=assessor, application=application)
        .exists()
    )


def scoring_blockers(assessor: GrantAssessor, application: GrantApplication) -> list[str]:
    """Why this assessor may not score this application now (empty: they may)."""
    problems: list[str] = []
    programme = assessor.programme
    if not programme.has_closed():
        problems.append("Applications are sealed until the programme closes")
    elif programme.status not in ASSESSING:
        problems.append(f"The programme is {programme.get_status_display().lower()}: scoring has finished")
    if assessor.declared_at is None:
        problems.append("Declare your interests before you score")
    if application.programme_id != programme.pk:
        problems.append("That application is to another programme")
    elif is_conflicted(assessor, application):
        problems.append(
            f"You declared an interest in {application.organisation}'s application, so you are excluded from scoring it"
        )
    return problems


def check_score(criterion: GrantCriterion, score: object) -> int | None:
    if score in (None, ""):
        return None
    try:
        value = int(str(score))
    except (TypeError, ValueError) as exc:
        raise DomainError(f"{criterion.name}: choose a score from 0 to {criterion.max_score}", field="scores") from exc
    if not 0 <= value <= criterion.max_score:
        raise DomainError(f"{criterion.name}: the score must be from 0 to {criterion.max_score}", field="scores")
    return value


def sheet_problems(sheet: AssessmentSheet) -> list[str]:
    got = {s.criterion_id: s for s in AssessmentScore.objects.unscoped(reason=WHOLE_RECORD).filter(sheet=sheet)}
    problems = []
    for c in criteria_of(sheet.assessor.programme):
        s = got.get(c.pk)
        if s is None or s.score is None:
            problems.append(f"Score {c.name}")
        elif not s.comment.strip():
            problems.append(f"Comment on your score for {c.name}")
    return problems


def moderation_problems(programme: GrantProgramme) -> list[str]:
    """What stops the ranked list being final: undeclared assessors, unsubmitted sheets, scores still to agree."""
    problems: list[str] = []
    assessors = list(
        GrantAssessor.objects.unscoped(reason=WHOLE_RECORD).filter(programme=programme).select_related("user")
    )
    if not assessors:
        problems.append("Name the assessment panel")
    for a in assessors:
        if a.declared_at is None:
            problems.append(f"{a.user} has not declared their interests")
    open_sheets = (
        AssessmentSheet.objects.unscoped(reason="counting assessors' unsubmitted sheets, which the lead may not read")
        .filter(assessor__programme=programme, submitted_at__isnull=True)
        .count()
    )
    if open_sheets:
        problems.append(f"{open_sheets} score sheet{'s are' if open_sheets != 1 else ' is'} not submitted yet")
    applications = assessed_applications(programme)
    criteria = criteria_of(programme)
    agreed = (
        ModeratedGrantScore.objects.unscoped(reason=WHOLE_RECORD)
        .filter(application__in=[a.pk for a in applications])
        .count()
    )
    missing = len(applications) * len(criteria) - agreed
    if missing > 0:
        problems.append(f"{missing} moderated score{'s are' if missing != 1 else ' is'} still to agree")
    return problems


# --- the ranked list ---------------------------------------------------------------------------------------------


@dataclass
class Ranked:
    application_id: int
    applicant: str
    project: str
    requested: Decimal
    criterion_scores: dict[int, Decimal]
    total: Decimal
    rank: int | None


@dataclass
class Ranking:
    criteria: list[GrantCriterion]
    rows: list[Ranked] = field(default_factory=list)

    def by_application(self) -> dict[int, Ranked]:
        return {r.application_id: r for r in self.rows}


def weighted_ranking(
    criteria: list[GrantCriterion],
    applications: list[GrantApplication],
    agreed: dict[int, dict[int, int]],
) -> Ranking:
    """Pure: the ranked list from the agreed scores (``agreed[application id][criterion id]``)."""
    common = math.lcm(*[c.max_score for c in criteria]) if criteria else 1
    specs = [scoring.CriterionSpec(c.pk, "quality", c.name, c.weight) for c in criteria]
    questions = [scoring.QuestionSpec(c.pk, c.pk) for c in criteria]  # one "question" per criterion
    tops = {c.pk: c.max_score for c in criteria}
    inputs = [
        scoring.BidInput(
            bid_id=a.pk,
            name=a.organisation.name,
            # Grants have no price criterion; the request only breaks ties (and must be positive to rank).
            annual_price=a.amount_requested if a.amount_requested and a.amount_requested > 0 else Decimal("0.01"),
            scores={cid: score * (common // tops[cid]) for cid, score in agreed.get(a.pk, {}).items() if cid in tops},
        )
        for a in applications
    ]
    results = scoring.evaluate(specs, questions, inputs, max_score=common, formula="lowest_ratio")
    by_id = {a.pk: a for a in applications}
    return Ranking(
        criteria=criteria,
        rows=[
            Ranked(
                application_id=r.bid_id,
                applicant=r.name,
                project=by_id[r.bid_id].project_title,
                requested=by_id[r.bid_id].amount_requested or Decimal("0.00"),
                criterion_scores=r.criterion_scores,
                total=r.total,
                rank=r.rank,
            )
            for r in results
        ],
    )


def programme_ranking(programme: GrantProgramme) -> Ranking:
    """The programme's ranked list, from the moderated scores (whole record: callers decide who may see it)."""
    applications = assessed_applications(programme)
    agreed: dict[int, dict[int, int]] = {}
    for m in ModeratedGrantScore.objects.unscoped(reason=WHOLE_RECORD).filter(
        application__in=[a.pk for a in applications]
    ):
        agreed.setdefault(m.application_id, {})[m.criterion_id] = m.score
    return weighted_ranking(criteria_of(programme), applications, agreed)
