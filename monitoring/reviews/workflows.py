"""The life of an end-of-contract review, as data: in progress -> feedback given -> closed. Closing needs the
provider's feedback and every decommissioning step done (or marked not needed): the guard names what is missing.
"""

from __future__ import annotations

from core.actors import Actor
from core.workflow import Workflow
from monitoring.reviews.models import EndReview, ReviewStatus
from monitoring.reviews.rules import feedback_given, feedback_written, is_review_lead, steps_settled, summary_written
from monitoring.steps import lead_step, stamp

V = ReviewStatus


def _stamp_feedback(review: EndReview, by: Actor) -> None:
    review.save(update_fields=stamp(review, "feedback_given", by))


def _stamp_closed(review: EndReview, by: Actor) -> None:
    review.save(update_fields=stamp(review, "closed", by))


END_REVIEW_WORKFLOW = Workflow(
    "end_review",
    ReviewStatus,
    [
        lead_step(
            "give_feedback",
            (V.OPEN,),
            V.FEEDBACK_GIVEN,
            "Send the feedback to the provider",
            allowed=is_review_lead,
            guards=(summary_written, feedback_written),
            effects=(_stamp_feedback, "tell_provider_feedback"),
        ),
        lead_step(
            "close",
            (V.OPEN, V.FEEDBACK_GIVEN),
            V.CLOSED,
            "Close the contract",
            allowed=is_review_lead,
            guards=(summary_written, feedback_given, steps_settled),
            effects=(_stamp_closed,),
        ),
    ],
    colours={V.OPEN: "grey", V.FEEDBACK_GIVEN: "turquoise", V.CLOSED: "grey"},
    terminal=(V.CLOSED,),
)
