"""Pure checks on the end-of-contract review (who leads it, what blocks feedback or closing): read, never write."""

from __future__ import annotations

from collections.abc import Iterable

from core.actors import Actor
from monitoring.permissions import org_id
from monitoring.reviews.models import EndReview


def is_review_lead(review: EndReview, by: Actor) -> bool:
    return org_id(by) == review.contract.commission.lead_id


def summary_written(review: EndReview) -> Iterable[str]:
    if not review.summary.strip():
        yield "Write what the contract achieved"


def feedback_written(review: EndReview) -> Iterable[str]:
    if not review.feedback.strip():
        yield "Write the feedback to the provider"


def feedback_given(review: EndReview) -> Iterable[str]:
    if review.feedback_given_at is None:
        yield "Give the provider feedback on the contract (required before closing)"


def steps_settled(review: EndReview) -> Iterable[str]:
    for step in review.steps.order_by("position", "id"):
        if not step.is_settled:
            yield f"Decommissioning step not done: {step.title}"
