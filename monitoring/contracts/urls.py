"""Page routes of this package (included by ``monitoring.urls``)."""

from django.urls import path

from monitoring.contracts.views import (
    BoardPortfolioView,
    ContractDetailView,
    ContractListView,
    ContractReportPdfView,
    EndReviewView,
    FollowUpAddView,
    PartnerReportPdfView,
    PartnerReportView,
    PlanOpenView,
    ReturnStartView,
    VisitPlanView,
)

urlpatterns = [
    path("monitoring/", ContractListView.as_view(), name="monitoring-contracts"),
    path("monitoring/boards/<int:board_id>/portfolio/", BoardPortfolioView.as_view(), name="board-portfolio"),
    path("monitoring/partner-report/", PartnerReportView.as_view(), name="partner-report"),
    path("monitoring/partner-report.pdf", PartnerReportPdfView.as_view(), name="partner-report-pdf"),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/",
        ContractDetailView.as_view(),
        name="monitoring-contract",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/report.pdf",
        ContractReportPdfView.as_view(),
        name="monitoring-contract-report",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/returns/start/",
        ReturnStartView.as_view(),
        name="kpi-return-start",
    ),
    path("monitoring/contracts/<int:monitored_contract_id>/visits/new/", VisitPlanView.as_view(), name="visit-plan"),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/plans/new/",
        PlanOpenView.as_view(),
        name="improvement-plan-open",
    ),
    path("monitoring/contracts/<int:monitored_contract_id>/end/", EndReviewView.as_view(), name="end-review"),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/follow-ups/new/",
        FollowUpAddView.as_view(),
        name="follow-up-add",
    ),
]
