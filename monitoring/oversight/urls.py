"""Page routes of this package (included by ``monitoring.urls``)."""

from django.urls import path

from monitoring.oversight.views import (
    ActionAddView,
    ActionProgressView,
    PlanCloseView,
    PlanDetailView,
    VisitCancelView,
    VisitRecordView,
)

urlpatterns = [
    path("monitoring/visits/<int:visit_id>/", VisitRecordView.as_view(), name="visit-record"),
    path("monitoring/visits/<int:visit_id>/cancel/", VisitCancelView.as_view(), name="visit-cancel"),
    path("monitoring/plans/<int:improvement_plan_id>/", PlanDetailView.as_view(), name="improvement-plan"),
    path(
        "monitoring/plans/<int:improvement_plan_id>/actions/new/",
        ActionAddView.as_view(),
        name="improvement-action-add",
    ),
    path(
        "monitoring/plans/<int:improvement_plan_id>/close/",
        PlanCloseView.as_view(),
        name="improvement-plan-close",
    ),
    path("monitoring/actions/<int:improvement_action_id>/", ActionProgressView.as_view(), name="improvement-action"),
]
