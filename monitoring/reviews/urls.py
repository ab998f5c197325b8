"""Page routes of this package (included by ``monitoring.urls``)."""

from django.urls import path

from monitoring.reviews.views import (
    EndReviewEditView,
    EndReviewTransitionView,
    FollowUpRecordView,
    StepAddView,
    StepUpdateView,
)

urlpatterns = [
    path("monitoring/end-reviews/<int:end_review_id>/edit/", EndReviewEditView.as_view(), name="end-review-edit"),
    path(
        "monitoring/end-reviews/<int:end_review_id>/step/",
        EndReviewTransitionView.as_view(),
        name="end-review-transition",
    ),
    path(
        "monitoring/end-reviews/<int:end_review_id>/steps/new/",
        StepAddView.as_view(),
        name="decommissioning-step-add",
    ),
    path("monitoring/steps/<int:decommissioning_step_id>/", StepUpdateView.as_view(), name="decommissioning-step"),
    path("monitoring/follow-ups/<int:outcome_follow_up_id>/", FollowUpRecordView.as_view(), name="follow-up-record"),
]
