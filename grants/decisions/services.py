"""Every write of a grant round's decision: preparing the recommendation, sending it to the board or deciding under
delegation, applying the outcome to each application (letters and emails), and the applicant's acceptance or
decline of an offer (an offer not accepted by its date lapses).

Keyword-only, one transaction in the actor's tenant scope, audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import SYSTEM, Actor
from core.amounts import format_gbp
from core.errors import DomainError, NotPermitted
from core.notifications import notify
from core.service import service
from core.workflow import transition
from grants.applications.models import ApplicationStatus, DecisionOutcome, DecisionRoute, GrantApplication
from grants.assessment import rules as assessment_rules
from grants.decisions import letters, rules
from grants.decisions.models import DecisionStatus, GrantDecision, GrantLetter, GrantRecommendation, LetterKind
from grants.decisions.workflows import DECISION_WORKFLOW, OUTCOME_WORKFLOW
from grants.programmes.models import GrantProgramme
from partners.models import Membership, User
from procurement.tenders.notices import tell_organisation

CHECKED = "the service has checked who is acting; it reads and writes the decision's own record"
MAX_TEXT = 10_000


def _require_lead(programme: GrantProgramme, by: Actor, what: str) -> None:
    if not (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == programme.commission.lead_id
        and by.has_role(*rules.LEAD_ROLES)
    ):
        raise NotPermitted(f"Only the programme's lead commissioner can {what}")


def _text(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise DomainError("Keep this under 10,000 characters", field=field)
    return value


@service
def decision_prepare(
    *,
    programme: GrantProgramme,
    accept_by: dt.date,
    by: Actor,
    officer: User | None = None,
    summary: str = "",
) -> GrantDecision:
    """The lead starts (or updates) the round's decision: the date offers must be accepted by, the officer who
    decides under delegation, and a summary. Only after closing, while it is being prepared."""
    _require_lead(programme, by, "prepare the decision")
    if not programme.has_closed():
        raise DomainError("The decision is prepared after the programme closes", field="accept_by")
    if accept_by <= timezone.localdate():
        raise DomainError("Choose a date in the future", field="accept_by")
    if officer is not None and not (
        Membership.objects.unscoped(reason=CHECKED)
        .filter(user=officer, organisation_id=programme.commission.lead_id, is_active=True)
        .exists()
    ):
        raise DomainError(f"{officer} is not an officer of {programme.commission.lead}", field="officer")
    decision = GrantDecision.objects.select_for_update().filter(programme=programme).first()
    if decision is not None and decision.status != DecisionStatus.DRAFT:
        raise DomainError(f"The decision is {decision.get_status_display().lower()}: it can no longer change")
    if decision is None:
        decision = GrantDecision(programme=programme, created_by=by.user)
    decision.accept_by = accept_by
    decision.officer = officer
    decision.summary = _text(summary, "summary")
    decision.save()
    audit.record(
        obj=decision,
        action="grants.decision_prepared",
        by=by,
        to_state=decision.status,
        data={"accept_by": accept_by.isoformat(), "officer": str(officer) if officer else ""},
    )
    return decision


@service
def recommendation_set(
    *,
    decision: GrantDecision,
    application: GrantApplication,
    fund: bool,
    by: Actor,
    amount: Decimal | None = None,
    conditions: str = "",
    feedback: str = "",
) -> GrantRecommendation:
    """The lead recommends funding an application (an amount and conditions) or not (feedback for the letter)."""
    programme = decision.programme
    _require_lead(programme, by, "make the recommendations")
    if decision.status != DecisionStatus.DRAFT:
        raise DomainError(f"The decision is {decision.get_status_display().lower()}: it can no longer change")
    if application.pk not in {a.pk for a in assessment_rules.assessed_applications(programme)}:
        raise DomainError("That application is not being assessed", field="application")
    if fund:
        if amount is None or amount <= 0:
            raise DomainError("Enter the amount of the grant", field="amount")
        if amount < programme.amount_min or amount > programme.amount_max:
            raise DomainError(
                f"A grant must be from {format_gbp(programme.amount_min)} to {format_gbp(programme.amount_max)}",
                field="amount",
            )
        if application.amount_requested is not None and amount > application.amount_requested:
            raise DomainError(
                f"That is more than the {format_gbp(application.amount_requested)} asked for", field="amount"
            )
    elif not (feedback or "").strip():
        raise DomainError("Give feedback: it goes in the decline letter", field="feedback")
    line, _ = GrantRecommendation.objects.update_or_create(
        decision=decision,
        application=application,
        defaults={
            "fund": fund,
            "amount": amount if fund else None,
            "conditions": _text(conditions, "conditions") if fund else "",
            "feedback": _text(feedback, "feedback"),
        },
    )
    audit.record(
        obj=decision,
        action="grants.recommendation_set",
        by=by,
        data={"application": str(application.public_id), "fund": fund, "amount": str(amount) if fund else ""},
    )
    return line


@service
def decision_step(*, decision: GrantDecision, name: str, by: Actor, reason: str = "") -> GrantDecision:
    """Take a step of the decision (send to the board, decide under delegation, take back, revise)."""
    return transition(obj=decision, workflow=DECISION_WORKFLOW, name=name, by=by, reason=reason)


@DECISION_WORKFLOW.effect("snapshot")
def _snapshot(decision: GrantDecision, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    """Keep the ranked list and the route with the decision, as they were when it was put to the decider."""
    ranking = assessment_rules.programme_ranking(decision.programme)
    decision.ranking = [
        {
            "application": r.application_id,
            "rank": r.rank,
            "applicant": r.applicant,
            "project": r.project,
            "requested": str(r.requested),
            "criteria": {str(k): str(v) for k, v in r.criterion_scores.items()},
            "total": str(r.total),
        }
        for r in ranking.rows
    ]
    decision.route = rules.route_for(decision)
    decision.save(update_fields=["ranking", "route", "updated_at"])


@DECISION_WORKFLOW.effect("apply_decision")
def _apply(decision: GrantDecision, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    """The decision is taken: each application is offered its grant or told it was unsuccessful, with a letter and
    an email."""
    board = rules.is_board(decision, by)
    route = DecisionRoute.BOARD if board else DecisionRoute.DELEGATED
    board_name = getattr(by, "board_name", "") if board else ""
    decider = rules.DecidingActor(
        user=by.user,
        organisation=by.organisation,
        route=route,
        board_decision_id=getattr(by, "board_decision_id", None),
        board_name=board_name,
    )
    now = timezone.now()
    name = by.user.get_full_name() if by.user is not None else ""
    decided_by = board_name or f"{name}, under delegation"
    decision.route = route
    decision.decided_at = now
    decision.decided_by = by.user
    decision.decided_by_name = (name or "")[:200]
    decision.board_name = board_name[:200]
    decision.board_decision_id = getattr(by, "board_decision_id", None)
    decision.save(
        update_fields=[
            "route",
            "decided_at",
            "decided_by",
            "decided_by_name",
            "board_name",
            "board_decision_id",
            "updated_at",
        ]
    )
    ranking = assessment_rules.programme_ranking(decision.programme)
    for line in rules.recommendations(decision):
        application = GrantApplication.objects.unscoped(reason=CHECKED).get(pk=line.application_id)
        if application.status != ApplicationStatus.SUBMITTED:
            continue
        application.decision = DecisionOutcome.AWARD if line.fund else DecisionOutcome.REJECT
        application.decision_route = route
        application.decision_reason = (reason or decision.summary)[:5000]
        application.decided_at = now
        application.decided_by = by.user
        application.feedback = line.feedback
        fields = ["decision", "decision_route", "decision_reason", "decided_at", "decided_by", "feedback"]
        if line.fund:
            application.amount_awarded = line.amount
            application.offer_conditions = line.conditions
            application.offered_at = now
            application.offered_by = by.user
            fields += ["amount_awarded", "offer_conditions", "offered_at", "offered_by"]
        application.save(update_fields=fields)
        content = letters.content_for(
            decision=decision, application=application, line=line, ranking=ranking, decided_by=decided_by
        )
        letter = GrantLetter.objects.create(
            application=application,
            kind=LetterKind.OFFER if line.fund else LetterKind.DECLINE,
            content=content,
            accept_by=decision.accept_by if line.fund else None,
        )
        transition(obj=application, workflow=OUTCOME_WORKFLOW, name="offer" if line.fund else "not_fund", by=decider)
        programme = decision.programme
        tell_organisation(
            application.organisation_id,
            subject=(
                f"{programme.title}: you are offered a grant of {format_gbp(line.amount)}"
                if line.fund
                else f"{programme.title}: the outcome of your application"
            ),
            body=(
                f"Your offer letter, with its conditions, is ready. Accept it by {decision.accept_by:%-d %B %Y} "
                "or it lapses."
                if line.fund
                else "Your letter, with the panel's feedback and your scores, is ready."
            ),
            url=reverse("grant-letter", kwargs={"grant_letter_id": letter.public_id}),
            key=f"grant-letter:{letter.pk}",
        )


def _tell_lead(application: GrantApplication, subject: str, body: str, key: str) -> None:
    programme = application.programme
    leads = User.objects.filter(
        memberships__organisation_id=programme.commission.lead_id,
        memberships__is_active=True,
        memberships__roles__overlap=list(rules.LEAD_ROLES),
    ).distinct()
    notify(
        recipients=list(leads),
        subject=subject,
        body=body,
        url=reverse("grant-offers", kwargs={"assessed_round_id": programme.pk}),
        organisation=programme.commission.lead,
        dedupe_key=key,
    )


@service
def offer_accept(*, application: GrantApplication, by: Actor) -> GrantApplication:
    """The applicant accepts the offer (before it lapses); the lead is told."""
    return transition(obj=application, workflow=OUTCOME_WORKFLOW, name="accept", by=by)


@OUTCOME_WORKFLOW.effect("offer_accepted")
def _accepted(application: GrantApplication, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    _tell_lead(
        application,
        f"{application.programme.title}: {application.organisation} accepted its grant offer",
        f"Accepted by {by.user.get_full_name() if by.user is not None else 'the applicant'}.",
        f"grant-offer:{application.pk}:accepted",
    )


@service
def offer_decline(*, application: GrantApplication, reason: str, by: Actor) -> GrantApplication:
    """The applicant declines the offer, saying why; the lead is told."""
    return transition(obj=application, workflow=OUTCOME_WORKFLOW, name="decline_offer", by=by, reason=reason)


@OUTCOME_WORKFLOW.effect("offer_declined")
def _declined(application: GrantApplication, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    application.declined_at = timezone.now()
    application.declined_reason = reason[:5000]
    application.save(update_fields=["declined_at", "declined_reason"])
    _tell_lead(
        application,
        f"{application.programme.title}: {application.organisation} declined its grant offer",
        reason,
        f"grant-offer:{application.pk}:declined",
    )


@OUTCOME_WORKFLOW.effect("offer_lapsed")
def _lapsed(application: GrantApplication, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    letter = rules.offer_of(application)
    when = f"{letter.accept_by:%-d %B %Y}" if letter and letter.accept_by else "its date"
    application.declined_at = timezone.now()
    application.declined_reason = f"The offer lapsed: it was not accepted by {when}"
    application.save(update_fields=["declined_at", "declined_reason"])
    _tell_lead(
        application,
        f"{application.programme.title}: the offer to {application.organisation} lapsed",
        application.declined_reason,
        f"grant-offer:{application.pk}:lapsed",
    )
    tell_organisation(
        application.organisation_id,
        subject=f"{application.programme.title}: your grant offer lapsed",
        body=application.declined_reason,
        url=reverse("grant-letter", kwargs={"grant_letter_id": letter.public_id}) if letter else "",
        key=f"grant-offer:{application.pk}:lapsed",
    )


@service
def offers_lapse(*, today: dt.date | None = None, by: Actor = SYSTEM) -> int:
    """Every offer not accepted by its date lapses (the system, daily; safe to run twice)."""
    today = today or timezone.localdate()
    letters_due = (
        GrantLetter.objects.unscoped(reason="the system lapses every overdue offer")
        .filter(kind=LetterKind.OFFER, accept_by__lt=today, application__status=ApplicationStatus.OFFERED)
        .select_related("application")
    )
    count = 0
    for letter in letters_due:
        transition(obj=letter.application, workflow=OUTCOME_WORKFLOW, name="lapse", by=by)
        count += 1
    return count
