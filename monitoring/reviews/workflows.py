"""The life of an end-of-contract review, as data: in progress -> feedback given -> closed. Closing needs the
provider's feedback and every decommissioning step done (or marked not needed): the guard names what is missing.
"""

from __future__ import annotations

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from monitoring.people import actor_name
from monitoring.permissions import LEAD_ROLES
from monitoring.reviews.models import EndReview, ReviewStatus
from monitoring.reviews.rules import feedback_given, feedback_written, is_review_lead, steps_settled, summary_written

V = ReviewStatus


def _stamp_feedback(review: EndReview, by: Actor) -> None:
    review.feedback_given_at = timezone.now()
    review.feedback_given_by_name = actor_name(by)
    review.save(update_fields=["feedback_given_at", "feedback_given_by_name"])


def _stamp_closed(review: EndReview, by: Actor) -> None:
    review.closed_at = timezone.now()
    review.save(update_fields=["closed_at"])


END_REVIEW_WORKFLOW = Workflow(
    "end_review",
    ReviewStatus,
    [
        Transition(
            "give_feedback",
            (V.OPEN,),
            V.FEEDBACK_GIVEN,
            "Send the feedback to the provider",
            roles=frozenset(LEAD_ROLES),
            allowed=is_review_lead,
            who="the lead commissioner",
            guards=(summary_written, feedback_written),
            effects=(_stamp_feedback,),
        ),
        Transition(
            "close",
            (V.OPEN, V.FEEDBACK_GIVEN),
            V.CLOSED,
            "Close the contract",
            roles=frozenset(LEAD_ROLES),
            allowed=is_review_lead,
            who="the lead commissioner",
            guards=(summary_written, feedback_given, steps_settled),
            effects=(_stamp_closed,),
        ),
    ],
    terminal=(V.CLOSED,),
)
