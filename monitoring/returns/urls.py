"""Page routes of this package (included by ``monitoring.urls``)."""

from django.urls import path

from monitoring.returns.views import (
    EvidenceAddView,
    EvidenceDownloadView,
    EvidenceRemoveView,
    ReturnAnswerView,
    ReturnDetailView,
    ReturnEditView,
    ReturnReviewView,
    ReturnSubmitView,
)

urlpatterns = [
    path("monitoring/returns/<int:kpi_return_id>/", ReturnDetailView.as_view(), name="kpi-return"),
    path("monitoring/returns/<int:kpi_return_id>/edit/", ReturnEditView.as_view(), name="kpi-return-edit"),
    path(
        "monitoring/returns/<int:kpi_return_id>/evidence/",
        EvidenceAddView.as_view(),
        name="kpi-return-evidence-add",
    ),
    path("monitoring/returns/<int:kpi_return_id>/submit/", ReturnSubmitView.as_view(), name="kpi-return-submit"),
    path("monitoring/returns/<int:kpi_return_id>/review/", ReturnReviewView.as_view(), name="kpi-return-review"),
    path("monitoring/returns/<int:kpi_return_id>/answer/", ReturnAnswerView.as_view(), name="kpi-return-answer"),
    path(
        "monitoring/evidence/<int:return_evidence_id>/",
        EvidenceDownloadView.as_view(),
        name="kpi-return-evidence",
    ),
    path(
        "monitoring/evidence/<int:return_evidence_id>/remove/",
        EvidenceRemoveView.as_view(),
        name="kpi-return-evidence-remove",
    ),
]
