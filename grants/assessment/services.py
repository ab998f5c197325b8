"""Every write of a grant round's assessment: naming the panel, declarations of interest, score sheets, moderation.

Keyword-only, one transaction in the actor's tenant scope, audited. An assessor with a declared interest in an
application is excluded from scoring it (``rules.scoring_blockers``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from commissioning.models import Participation, ParticipationStatus
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from grants.applications.models import GrantApplication
from grants.assessment import rules
from grants.assessment.models import (
    AssessmentScore,
    AssessmentSheet,
    AssessorInterest,
    InterestKind,
    ModeratedGrantScore,
)
from grants.programmes.models import GrantAssessor, GrantProgramme
from partners.models import Membership, Organisation, Role, User

LEAD_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN)
PANEL_ROLES = (Role.EVALUATOR, Role.COMMISSIONER)
CHECKED = "the service has checked who is acting; it reads and writes the panel's own record"


def is_lead(programme: GrantProgramme, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == programme.commission.lead_id
        and by.has_role(*LEAD_ROLES)
    )


def require_lead(programme: GrantProgramme, by: Actor, what: str) -> None:
    if not is_lead(programme, by):
        raise NotPermitted(f"Only the programme's lead commissioner can {what}")


def _assessor_of(programme: GrantProgramme, by: Actor) -> GrantAssessor:
    assessor = (
        GrantAssessor.objects.unscoped(reason=CHECKED)
        .filter(programme=programme, user=by.user, organisation=by.organisation)
        .first()
        if by.user is not None
        else None
    )
    if assessor is None:
        raise NotPermitted("Only a member of this programme's assessment panel can do this")
    return assessor


def panel_organisations(programme: GrantProgramme) -> set[int]:
    """The lead and the partners taking part in the programme's commission: the panel is drawn from their people."""
    partners = (
        Participation.objects.unscoped(reason="the panel may be drawn from every partner organisation's people")
        .filter(commission_id=programme.commission_id, status=ParticipationStatus.ACCEPTED)
        .values_list("organisation_id", flat=True)
    )
    return {programme.commission.lead_id, *partners}


@service
def assessor_appoint(*, programme: GrantProgramme, user: User, organisation: Organisation, by: Actor) -> GrantAssessor:
    """The lead names an assessor after the programme closes: an evaluator or commissioner of the lead or a partner."""
    require_lead(programme, by, "name the assessment panel")
    if not programme.has_closed():
        raise DomainError("Name the panel after the programme closes, when you know who applied", field="user")
    if programme.status not in rules.ASSESSING:
        raise DomainError(f"The programme is {programme.get_status_display().lower()}: the panel is fixed")
    if organisation.pk not in panel_organisations(programme):
        raise DomainError("Choose someone from the lead or a partner taking part", field="user")
    member = (
        Membership.objects.unscoped(reason=CHECKED).filter(user=user, organisation=organisation, is_active=True).first()
    )
    if member is None or not any(r in member.roles for r in PANEL_ROLES):
        raise DomainError(f"{user} is not an evaluator or commissioner of {organisation}", field="user")
    if GrantAssessor.objects.unscoped(reason=CHECKED).filter(programme=programme, user=user).exists():
        raise DomainError(f"{user} is already on the panel", field="user")
    assessor = GrantAssessor.objects.create(programme=programme, user=user, organisation=organisation, added_by=by.user)
    audit.record(
        obj=programme,
        action="grants.assessor_appointed",
        by=by,
        data={"assessor": str(user), "organisation": organisation.name},
    )
    return assessor


@service
def assessor_remove(*, assessor: GrantAssessor, by: Actor) -> None:
    programme = assessor.programme
    require_lead(programme, by, "change the assessment panel")
    if AssessmentSheet.objects.unscoped(reason=CHECKED).filter(assessor=assessor, submitted_at__isnull=False).exists():
        raise DomainError(f"{assessor.user} has submitted scores: they stay on the panel's record")
    AssessmentSheet.objects.unscoped(reason=CHECKED).filter(assessor=assessor).delete()
    AssessorInterest.objects.unscoped(reason=CHECKED).filter(assessor=assessor).delete()
    audit.record(obj=programme, action="grants.assessor_removed", by=by, data={"assessor": str(assessor.user)})
    assessor.delete()


@service
def interests_declare(
    *,
    assessor: GrantAssessor,
    interests: Sequence[tuple[GrantApplication, str, str]],
    by: Actor,
) -> GrantAssessor:
    """The assessor declares their interests: none, or one per application with its type and what it is. Each
    declared interest excludes them from scoring that application (an unsubmitted sheet for it is removed)."""
    if by.user is None or assessor.user_id != by.user.pk:
        raise NotPermitted("Only the assessor can declare their own interests")
    programme = assessor.programme
    if not programme.has_closed():
        raise DomainError("Declarations open when the programme closes")
    seen: set[int] = set()
    rows = []
    for application, kind, detail in interests:
        if application.programme_id != programme.pk:
            raise DomainError("That application is to another programme", field="interests")
        if kind not in InterestKind.values:
            raise DomainError("Choose the type of interest", field="interests")
        if not detail.strip():
            raise DomainError(
                f"Say what your interest in {application.organisation}'s application is", field="interests"
            )
        if application.pk in seen:
            raise DomainError(f"{application.organisation}'s application is listed twice", field="interests")
        seen.add(application.pk)
        rows.append((application, kind, detail.strip()[:2000]))
    scored = set(
        AssessmentSheet.objects.unscoped(reason=CHECKED)
        .filter(assessor=assessor, application_id__in=seen, submitted_at__isnull=False)
        .values_list("application_id", flat=True)
    )
    if scored:
        raise DomainError(
            "You have already submitted scores for an application you now declare an interest in: ask the lead",
            field="interests",
        )
    AssessorInterest.objects.unscoped(reason=CHECKED).filter(assessor=assessor).delete()
    AssessmentSheet.objects.unscoped(reason=CHECKED).filter(assessor=assessor, application_id__in=seen).delete()
    now = timezone.now()
    for application, kind, detail in rows:
        AssessorInterest.objects.create(assessor=assessor, application=application, kind=kind, detail=detail)
    summary = "; ".join(
        f"{InterestKind(kind).label} in {application.organisation}'s application: {detail}"
        for application, kind, detail in rows
    )
    GrantAssessor.objects.unscoped(reason=CHECKED).filter(pk=assessor.pk).update(
        declared_at=now, has_interest=bool(rows), interest_detail=summary[:2000]
    )
    assessor.refresh_from_db()
    audit.record(
        obj=programme,
        action="grants.interests_declared",
        by=by,
        data={"assessor": str(assessor.user), "interests": len(rows), "excluded_from": sorted(seen)},
    )
    return assessor


@service
def scores_save(
    *,
    assessor: GrantAssessor,
    application: GrantApplication,
    scores: Mapping[int, Mapping[str, Any]],
    by: Actor,
) -> AssessmentSheet:
    """Save the assessor's scores and comments for one application (``scores[criterion id] = {"score", "comment"}``).
    Refused for an application they declared an interest in."""
    if by.user is None or assessor.user_id != by.user.pk:
        raise NotPermitted("Only the assessor can score on their own sheet")
    problems = rules.scoring_blockers(assessor, application)
    if problems:
        raise DomainError(problems[0], problems=problems)
    sheet, _ = AssessmentSheet.objects.get_or_create(assessor=assessor, application=application)
    if sheet.submitted_at is not None:
        raise DomainError("You have submitted this sheet: your scores can no longer change")
    criteria = {c.pk: c for c in rules.criteria_of(assessor.programme)}
    for criterion_id, entry in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise DomainError("That criterion is not one of this programme's", field="scores")
        value = rules.check_score(criterion, entry.get("score"))
        comment = str(entry.get("comment") or "").strip()
        if len(comment) > 5000:
            raise DomainError(f"{criterion.name}: keep your comment under 5,000 characters", field="scores")
        AssessmentScore.objects.update_or_create(
            sheet=sheet, criterion=criterion, defaults={"score": value, "comment": comment}
        )
    audit.record(obj=sheet, action="grants.scores_saved", by=by, data={"criteria": len(scores)})
    return sheet


@service
def sheet_submit(*, sheet: AssessmentSheet, by: Actor) -> AssessmentSheet:
    if by.user is None or sheet.assessor.user_id != by.user.pk:
        raise NotPermitted("Only the assessor can submit their sheet")
    if sheet.submitted_at is not None:
        return sheet
    problems = rules.scoring_blockers(sheet.assessor, sheet.application) + rules.sheet_problems(sheet)
    if problems:
        raise DomainError("Your sheet is not complete", problems=problems)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at"])
    audit.record(obj=sheet, action="grants.sheet_submitted", by=by)
    return sheet


@service
def moderate(
    *,
    application: GrantApplication,
    scores: Mapping[int, Mapping[str, Any]],
    by: Actor,
) -> list[ModeratedGrantScore]:
    """The lead records the panel's agreed score and a note per criterion (``scores[criterion id] = {"score",
    "note"}``). Each application's weighted score is then refreshed from the agreed scores."""
    programme = application.programme
    require_lead(programme, by, "record moderated scores")
    if not programme.has_closed() or programme.status not in rules.ASSESSING:
        raise DomainError("Moderation happens after closing, before the decision")
    if application.pk not in {a.pk for a in rules.assessed_applications(programme)}:
        raise DomainError("That application is not being assessed")
    criteria = {c.pk: c for c in rules.criteria_of(programme)}
    saved = []
    for criterion_id, entry in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise DomainError("That criterion is not one of this programme's", field="scores")
        value = rules.check_score(criterion, entry.get("score"))
        note = str(entry.get("note") or "").strip()
        if value is None:
            raise DomainError(f"{criterion.name}: enter the agreed score", field="scores")
        if not note:
            raise DomainError(f"{criterion.name}: say how the panel agreed the score", field="scores")
        row, _ = ModeratedGrantScore.objects.update_or_create(
            application=application,
            criterion=criterion,
            defaults={"score": value, "note": note[:5000], "recorded_by": by.user, "recorded_at": timezone.now()},
        )
        saved.append(row)
    _refresh_weighted_scores(programme)
    audit.record(
        obj=programme,
        action="grants.moderated",
        by=by,
        data={"application": str(application.public_id), "criteria": len(saved)},
    )
    return saved


def _refresh_weighted_scores(programme: GrantProgramme) -> None:
    for row in rules.programme_ranking(programme).rows:
        GrantApplication.objects.unscoped(reason=CHECKED).filter(pk=row.application_id).update(score=row.total)
