from django.urls import path

from monitoring import views

urlpatterns = [
    # Portfolios
    path("monitoring/", views.ContractListView.as_view(), name="monitoring-contracts"),
    path("monitoring/boards/<int:board_id>/portfolio/", views.BoardPortfolioView.as_view(), name="board-portfolio"),
    path("monitoring/partner-report/", views.PartnerReportView.as_view(), name="partner-report"),
    path("monitoring/partner-report.pdf", views.PartnerReportPdfView.as_view(), name="partner-report-pdf"),
    # KPIs, agreed before award
    path("monitoring/kpis/", views.KpiSetListView.as_view(), name="kpi-sets"),
    path("monitoring/kpis/new/", views.KpiSetCreateView.as_view(), name="kpi-set-create"),
    path("monitoring/kpis/<int:kpi_set_id>/", views.KpiSetDetailView.as_view(), name="kpi-set"),
    path("monitoring/kpis/<int:kpi_set_id>/edit/", views.KpiSetEditView.as_view(), name="kpi-set-edit"),
    path("monitoring/kpis/<int:kpi_set_id>/add/", views.KpiAddView.as_view(), name="kpi-add"),
    path("monitoring/kpis/<int:kpi_set_id>/respond/", views.KpiSetRespondView.as_view(), name="kpi-set-respond"),
    path("monitoring/kpis/<int:kpi_set_id>/step/", views.KpiSetTransitionView.as_view(), name="kpi-set-transition"),
    path("monitoring/kpi/<int:kpi_id>/edit/", views.KpiEditView.as_view(), name="kpi-edit"),
    path("monitoring/kpi/<int:kpi_id>/remove/", views.KpiRemoveView.as_view(), name="kpi-remove"),
    # A contract's performance
    path(
        "monitoring/contracts/<int:monitored_contract_id>/",
        views.ContractDetailView.as_view(),
        name="monitoring-contract",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/report.pdf",
        views.ContractReportPdfView.as_view(),
        name="monitoring-contract-report",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/returns/start/",
        views.ReturnStartView.as_view(),
        name="kpi-return-start",
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/visits/new/", views.VisitPlanView.as_view(), name="visit-plan"
    ),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/plans/new/",
        views.PlanOpenView.as_view(),
        name="improvement-plan-open",
    ),
    path("monitoring/contracts/<int:monitored_contract_id>/end/", views.EndReviewView.as_view(), name="end-review"),
    path(
        "monitoring/contracts/<int:monitored_contract_id>/follow-ups/new/",
        views.FollowUpAddView.as_view(),
        name="follow-up-add",
    ),
    # Returns
    path("monitoring/returns/<int:kpi_return_id>/", views.ReturnDetailView.as_view(), name="kpi-return"),
    path("monitoring/returns/<int:kpi_return_id>/edit/", views.ReturnEditView.as_view(), name="kpi-return-edit"),
    path(
        "monitoring/returns/<int:kpi_return_id>/evidence/",
        views.EvidenceAddView.as_view(),
        name="kpi-return-evidence-add",
    ),
    path("monitoring/returns/<int:kpi_return_id>/submit/", views.ReturnSubmitView.as_view(), name="kpi-return-submit"),
    path("monitoring/returns/<int:kpi_return_id>/review/", views.ReturnReviewView.as_view(), name="kpi-return-review"),
    path("monitoring/returns/<int:kpi_return_id>/answer/", views.ReturnAnswerView.as_view(), name="kpi-return-answer"),
    path(
        "monitoring/evidence/<int:return_evidence_id>/",
        views.EvidenceDownloadView.as_view(),
        name="kpi-return-evidence",
    ),
    path(
        "monitoring/evidence/<int:return_evidence_id>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="kpi-return-evidence-remove",
    ),
    # Visits, improvement plans
    path("monitoring/visits/<int:visit_id>/", views.VisitRecordView.as_view(), name="visit-record"),
    path("monitoring/visits/<int:visit_id>/cancel/", views.VisitCancelView.as_view(), name="visit-cancel"),
    path("monitoring/plans/<int:improvement_plan_id>/", views.PlanDetailView.as_view(), name="improvement-plan"),
    path(
        "monitoring/plans/<int:improvement_plan_id>/actions/new/",
        views.ActionAddView.as_view(),
        name="improvement-action-add",
    ),
    path(
        "monitoring/plans/<int:improvement_plan_id>/close/",
        views.PlanCloseView.as_view(),
        name="improvement-plan-close",
    ),
    path(
        "monitoring/actions/<int:improvement_action_id>/", views.ActionProgressView.as_view(), name="improvement-action"
    ),
    # The end of the contract
    path("monitoring/end-reviews/<int:end_review_id>/edit/", views.EndReviewEditView.as_view(), name="end-review-edit"),
    path(
        "monitoring/end-reviews/<int:end_review_id>/step/",
        views.EndReviewTransitionView.as_view(),
        name="end-review-transition",
    ),
    path(
        "monitoring/end-reviews/<int:end_review_id>/steps/new/",
        views.StepAddView.as_view(),
        name="decommissioning-step-add",
    ),
    path(
        "monitoring/steps/<int:decommissioning_step_id>/", views.StepUpdateView.as_view(), name="decommissioning-step"
    ),
    path(
        "monitoring/follow-ups/<int:outcome_follow_up_id>/", views.FollowUpRecordView.as_view(), name="follow-up-record"
    ),
]
