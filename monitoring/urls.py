"""Every page route of contract monitoring, in one place; the views live in the packages that own them."""

from django.urls import path

from monitoring.contracts import views as contracts
from monitoring.history.views import ProviderHistoryView
from monitoring.kpis import views as kpis
from monitoring.oversight import views as oversight
from monitoring.returns import views as returns
from monitoring.reviews import views as reviews

urlpatterns = [
    # A provider's history with a partnership, from its register entry
    path("register/entries/<int:entry_id>/history/", ProviderHistoryView.as_view(), name="register-provider-history"),
    # Portfolios
    path("monitoring/", contracts.ContractListView.as_view(), name="monitoring-contracts"),
    path("monitoring/boards/<int:board_id>/portfolio/", contracts.BoardPortfolioView.as_view(), name="board-portfolio"),
    path("monitoring/partner-report/", contracts.PartnerReportView.as_view(), name="partner-report"),
    path("monitoring/social-value/", contracts.SocialValueView.as_view(), name="social-value"),
    path("monitoring/partner-report.pdf", contracts.PartnerReportPdfView.as_view(), name="partner-report-pdf"),
    # KPIs, agreed before award
    path("monitoring/kpis/", kpis.KpiSetListView.as_view(), name="kpi-sets"),
    path("monitoring/kpis/new/", kpis.KpiSetCreateView.as_view(), name="kpi-set-create"),
    path("monitoring/kpis/<int:kpi_set_id>/", kpis.KpiSetDetailView.as_view(), name="kpi-set"),
    path("monitoring/kpis/<int:kpi_set_id>/edit/", kpis.KpiSetEditView.as_view(), name="kpi-set-edit"),
    path("monitoring/kpis/<int:kpi_set_id>/add/", kpis.KpiAddView.as_view(), name="kpi-add"),
    path("monitoring/kpis/<int:kpi_set_id>/respond/", kpis.KpiSetRespondView.as_view(), name="kpi-set-respond"),
    path("monitoring/kpis/<int:kpi_set_id>/step/", kpis.KpiSetTransitionView.as_view(), name="kpi-set-transition"),
    path("monitoring/kpi/<int:kpi_id>/edit/", kpis.KpiEditView.as_view(), name="kpi-edit"),
    path("monitoring/kpi/<int:kpi_id>/remove/", kpis.KpiRemoveView.as_view(), name="kpi-remove"),
    # A contract's performance
    path(
        "monitoring/contracts/<int:monitored_contract_id>/",
        contracts.ContractDetailView.as_view(),
        name="monitoring-contract",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/report.pdf",
        contracts.ContractReportPdfView.as_view(),
        name="monitoring-contract-report",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/returns/start/",
        contracts.ReturnStartView.as_view(),
        name="kpi-return-start",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/visits/new/",
        contracts.VisitPlanView.as_view(),
        name="visit-plan",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/plans/new/",
        contracts.PlanOpenView.as_view(),
        name="improvement-plan-open",
    ),
    path("monitoring/contracts/<int:monitored_contract_id>/end/", contracts.EndReviewView.as_view(), name="end-review"),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/follow-ups/new/",
        contracts.FollowUpAddView.as_view(),
        name="follow-up-add",
    ),
    # Returns
    path("monitoring/returns/<int:kpi_return_id>/", returns.ReturnDetailView.as_view(), name="kpi-return"),
    path("monitoring/returns/<int:kpi_return_id>/edit/", returns.ReturnEditView.as_view(), name="kpi-return-edit"),
    path(
        "monitoring/returns/<int:kpi_return_id>/evidence/",
        returns.EvidenceAddView.as_view(),
        name="kpi-return-evidence-add",
    ),
    path(
        "monitoring/returns/<int:kpi_return_id>/submit/", returns.ReturnSubmitView.as_view(), name="kpi-return-submit"
    ),
    path(
        "monitoring/returns/<int:kpi_return_id>/review/", returns.ReturnReviewView.as_view(), name="kpi-return-review"
    ),
    path(
        "monitoring/returns/<int:kpi_return_id>/answer/", returns.ReturnAnswerView.as_view(), name="kpi-return-answer"
    ),
    path(
        "monitoring/evidence/<int:return_evidence_id>/",
        returns.EvidenceDownloadView.as_view(),
        name="kpi-return-evidence",
    ),
    path(
        "monitoring/evidence/<int:return_evidence_id>/remove/",
        returns.EvidenceRemoveView.as_view(),
        name="kpi-return-evidence-remove",
    ),
    # Visits, improvement plans
    path("monitoring/visits/<int:visit_id>/", oversight.VisitRecordView.as_view(), name="visit-record"),
    path("monitoring/visits/<int:visit_id>/cancel/", oversight.VisitCancelView.as_view(), name="visit-cancel"),
    path("monitoring/plans/<int:improvement_plan_id>/", oversight.PlanDetailView.as_view(), name="improvement-plan"),
    path(
        "monitoring/plans/<int:improvement_plan_id>/actions/new/",
        oversight.ActionAddView.as_view(),
        name="improvement-action-add",
    ),
    path(
        "monitoring/plans/<int:improvement_plan_id>/close/",
        oversight.PlanCloseView.as_view(),
        name="improvement-plan-close",
    ),
    path(
        "monitoring/actions/<int:improvement_action_id>/",
        oversight.ActionProgressView.as_view(),
        name="improvement-action",
    ),
    # The end of the contract
    path(
        "monitoring/end-reviews/<int:end_review_id>/edit/", reviews.EndReviewEditView.as_view(), name="end-review-edit"
    ),
    path(
        "monitoring/end-reviews/<int:end_review_id>/step/",
        reviews.EndReviewTransitionView.as_view(),
        name="end-review-transition",
    ),
    path(
        "monitoring/end-reviews/<int:end_review_id>/steps/new/",
        reviews.StepAddView.as_view(),
        name="decommissioning-step-add",
    ),
    path(
        "monitoring/steps/<int:decommissioning_step_id>/", reviews.StepUpdateView.as_view(), name="decommissioning-step"
    ),
    path(
        "monitoring/follow-ups/<int:outcome_follow_up_id>/",
        reviews.FollowUpRecordView.as_view(),
        name="follow-up-record",
    ),
]
