"""Writes on the end of the contract: keyword-only, atomic, validating, audited. State changes go through
``END_REVIEW_WORKFLOW``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commissioning.models import Outcome
from core import audit
from core.actors import Actor
from core.errors import DomainError
from core.service import service
from core.workflow import transition
from monitoring.inputs import clean_text
from monitoring.people import contract_url, tell_provider
from monitoring.permissions import require_lead
from monitoring.reviews.models import (
    DEFAULT_DECOMMISSIONING_STEPS,
    DecommissioningStep,
    EndReview,
    OutcomeFollowUp,
    ReviewStatus,
)
from monitoring.reviews.workflows import END_REVIEW_WORKFLOW
from monitoring.scope import lock_contract
from procurement.award.models import Contract


@service
def review_start(*, contract: Contract, by: Actor) -> EndReview:
    contract = lock_contract(contract)
    require_lead(contract, by, "start the end of contract review")
    existing = EndReview.objects.filter(contract=contract).first()
    if existing is not None:
        return existing
    review = EndReview.objects.create(contract=contract, started_by=by.user)
    DecommissioningStep.objects.bulk_create(
        [
            DecommissioningStep(review=review, position=i, title=t)
            for i, t in enumerate(DEFAULT_DECOMMISSIONING_STEPS, 1)
        ]
    )
    audit.record(obj=review, action="end_review.started", by=by, to_state=review.status)
    return review


def _lock_review(review: EndReview) -> EndReview:
    return (
        EndReview.objects.select_for_update(of=("self",))
        .select_related("contract__commission", "contract__provider")
        .get(pk=review.pk)
    )


@service
def review_update(
    *, review: EndReview, by: Actor, summary: str, lessons: str, feedback: str, track_outcomes: bool
) -> EndReview:
    review = _lock_review(review)
    require_lead(review.contract, by, "write the end of contract review")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    if review.feedback_given_at is not None and clean_text(feedback) != review.feedback:
        raise DomainError("The feedback has been sent to the provider: it cannot be changed", field="feedback")
    review.summary, review.lessons = clean_text(summary), clean_text(lessons)
    review.feedback, review.track_outcomes = clean_text(feedback), bool(track_outcomes)
    review.save()
    audit.record(obj=review, action="end_review.changed", by=by, data={"track_outcomes": review.track_outcomes})
    return review


@service
def review_transition(*, review: EndReview, name: str, by: Actor, reason: str = "") -> EndReview:
    return transition(obj=review, workflow=END_REVIEW_WORKFLOW, name=name, by=by, reason=reason)


@END_REVIEW_WORKFLOW.effect("tell_provider_feedback")
def _tell_provider_feedback(review: EndReview, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    contract = review.contract
    tell_provider(
        contract,
        subject=f"Feedback on your contract: {contract.title}",
        body=review.feedback,
        url=contract_url(contract),
        key=f"end_review:{review.pk}:feedback",
    )


@service
def step_add(
    *, review: EndReview, title: str, by: Actor, owner_name: str = "", due_on: dt.date | None = None
) -> DecommissioningStep:
    review = _lock_review(review)
    require_lead(review.contract, by, "plan decommissioning")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    if not clean_text(title):
        raise DomainError("Say what needs doing", field="title")
    position = (review.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    step = DecommissioningStep.objects.create(
        review=review, position=position, title=clean_text(title), owner_name=clean_text(owner_name), due_on=due_on
    )
    audit.record(obj=review, action="end_review.step_added", by=by, data={"step": step.title})
    return step


@service
def step_update(
    *,
    step: DecommissioningStep,
    by: Actor,
    done_on: dt.date | None = None,
    not_needed: bool = False,
    note: str = "",
    owner_name: str | None = None,
    due_on: dt.date | None = None,
) -> DecommissioningStep:
    review = _lock_review(step.review)
    require_lead(review.contract, by, "update decommissioning")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    step = DecommissioningStep.objects.get(pk=step.pk)
    if not_needed and not clean_text(note):
        raise DomainError("Say why this step is not needed", field="note")
    if done_on is not None and done_on > timezone.localdate():
        raise DomainError("The date done cannot be in the future", field="done_on")
    step.done_on, step.not_needed, step.note = done_on, bool(not_needed), clean_text(note)
    if owner_name is not None:
        step.owner_name = clean_text(owner_name)
    if due_on is not None:
        step.due_on = due_on
    step.save()
    state = "done" if step.done_on else ("not needed" if step.not_needed else "to do")
    audit.record(obj=review, action="end_review.step_updated", by=by, data={"step": step.title, "state": state})
    return step


@service
def follow_up_add(
    *, contract: Contract, measure: str, due_on: dt.date | None, by: Actor, outcome: Outcome | None = None
) -> OutcomeFollowUp:
    contract = lock_contract(contract)
    require_lead(contract, by, "track outcomes after the contract")
    review = EndReview.objects.filter(contract=contract).first()
    if review is None or not review.track_outcomes:
        raise DomainError("Choose to track outcomes after the contract in the end of contract review first")
    problems: dict[str, list[str]] = {}
    if not clean_text(measure):
        problems["measure"] = ["Say what will be checked, and how"]
    if due_on is None:
        problems["due_on"] = ["Enter when it will be checked"]
    if outcome is not None and outcome.partnership_id != contract.commission.partnership_id:
        problems["outcome"] = ["Choose an outcome from this partnership's framework"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    follow_up = OutcomeFollowUp.objects.create(
        contract=contract, outcome=outcome, measure=clean_text(measure), due_on=due_on
    )
    audit.record(obj=follow_up, action="outcome_follow_up.planned", by=by, data={"due_on": due_on.isoformat()})
    return follow_up


@service
def follow_up_record(
    *, follow_up: OutcomeFollowUp, finding: str, by: Actor, recorded_on: dt.date | None = None
) -> OutcomeFollowUp:
    follow_up = (
        OutcomeFollowUp.objects.select_for_update(of=("self",))
        .select_related("contract__commission")
        .get(pk=follow_up.pk)
    )
    require_lead(follow_up.contract, by, "record what was found")
    if not clean_text(finding):
        raise DomainError("Write what was found", field="finding")
    follow_up.finding, follow_up.recorded_on = clean_text(finding), recorded_on or timezone.localdate()
    follow_up.recorded_by = by.user
    follow_up.save(update_fields=["finding", "recorded_on", "recorded_by"])
    audit.record(obj=follow_up, action="outcome_follow_up.recorded", by=by)
    return follow_up
