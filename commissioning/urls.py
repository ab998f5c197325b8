from django.urls import path

from commissioning import views

urlpatterns = [
    # The service map
    path("service-map/", views.ServiceMapView.as_view(), name="service-map"),
    path("service-map/contracts/", views.MappedContractListView.as_view(), name="mapped-contracts"),
    path(
        "service-map/<int:partnership_id>/areas/new/",
        views.ServiceAreaCreateView.as_view(),
        name="service-area-create",
    ),
    path("service-map/areas/<int:service_area_id>/", views.ServiceAreaDetailView.as_view(), name="service-area-detail"),
    path(
        "service-map/areas/<int:service_area_id>/contracts/new/",
        views.MappedContractCreateView.as_view(),
        name="mapped-contract-create",
    ),
    path(
        "service-map/contracts/<int:contract_id>/edit/",
        views.MappedContractEditView.as_view(),
        name="mapped-contract-edit",
    ),
    path(
        "service-map/contracts/<int:contract_id>/remove/",
        views.MappedContractDeleteView.as_view(),
        name="mapped-contract-delete",
    ),
    path(
        "service-map/<int:partnership_id>/import/",
        views.MappedContractImportView.as_view(),
        name="mapped-contract-import",
    ),
    path(
        "service-map/imports/<int:import_id>/", views.ImportReportView.as_view(), name="mapped-contract-import-report"
    ),
    path(
        "service-map/<int:partnership_id>/contracts.csv",
        views.MappedContractExportCsvView.as_view(),
        name="mapped-contract-export-csv",
    ),
    path(
        "service-map/<int:partnership_id>/contracts.xlsx",
        views.MappedContractExportXlsxView.as_view(),
        name="mapped-contract-export-xlsx",
    ),
    path(
        "service-map/<int:partnership_id>/evidence/",
        views.EvidenceListView.as_view(),
        name="evidence-list",
    ),
    path(
        "service-map/<int:partnership_id>/evidence/new/",
        views.EvidenceCreateView.as_view(),
        name="evidence-create",
    ),
    path(
        "service-map/evidence/<int:evidence_id>/document/",
        views.EvidenceDocumentView.as_view(),
        name="evidence-document",
    ),
    path("service-map/<int:partnership_id>/outcomes/", views.OutcomesView.as_view(), name="outcomes"),
    path(
        "service-map/<int:partnership_id>/settings/",
        views.SettingsView.as_view(),
        name="commissioning-settings",
    ),
    # Joint commissions
    path("commissions/", views.CommissionListView.as_view(), name="commissions"),
    path("commissions/new/", views.CommissionCreateView.as_view(), name="commission-create"),
    path("commissions/<int:commission_id>/", views.CommissionDetailView.as_view(), name="commission-detail"),
    path("commissions/<int:commission_id>/edit/", views.CommissionEditView.as_view(), name="commission-edit"),
    path("commissions/<int:commission_id>/model/", views.CommissionModelView.as_view(), name="commission-model"),
    path("commissions/<int:commission_id>/invite/", views.CommissionInviteView.as_view(), name="commission-invite"),
    path("commissions/<int:commission_id>/respond/", views.CommissionRespondView.as_view(), name="commission-respond"),
    path(
        "commissions/<int:commission_id>/withdraw-invitation/",
        views.CommissionWithdrawInvitationView.as_view(),
        name="commission-withdraw-invitation",
    ),
    path(
        "commissions/<int:commission_id>/move/", views.CommissionTransitionView.as_view(), name="commission-transition"
    ),
    path("commissions/<int:commission_id>/history/", views.CommissionHistoryView.as_view(), name="commission-history"),
    path(
        "commissions/<int:commission_id>/contributions/",
        views.CommissionContributionsView.as_view(),
        name="commission-contributions",
    ),
    path(
        "contributions/<int:contribution_id>/confirm/",
        views.ContributionConfirmView.as_view(),
        name="contribution-confirm",
    ),
    path(
        "contributions/<int:contribution_id>/transfer/",
        views.ContributionTransferView.as_view(),
        name="contribution-transfer",
    ),
    path(
        "contributions/<int:contribution_id>/remove/",
        views.ContributionRemoveView.as_view(),
        name="contribution-remove",
    ),
    path("commissions/<int:commission_id>/agreement/", views.AgreementSignView.as_view(), name="agreement-sign"),
    path("agreements/<int:agreement_id>/document/", views.AgreementDocumentView.as_view(), name="agreement-document"),
    path("commissions/<int:commission_id>/timetable/", views.TimetableView.as_view(), name="commission-timetable"),
    path("commissions/<int:commission_id>/timetable/add/", views.StageAddView.as_view(), name="stage-add"),
    path("stages/<int:stage_id>/edit/", views.StageEditView.as_view(), name="stage-edit"),
    path("stages/<int:stage_id>/done/", views.StageCompleteView.as_view(), name="stage-complete"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/<str:feed_token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    # Reports for finance officers
    path(
        "reports/<int:partnership_id>/contributions/",
        views.ContributionReportView.as_view(),
        name="contribution-report",
    ),
    path(
        "reports/<int:partnership_id>/contributions.pdf",
        views.ContributionReportPdfView.as_view(),
        name="contribution-report-pdf",
    ),
    path(
        "reports/<int:partnership_id>/contributions.csv",
        views.ContributionReportCsvView.as_view(),
        name="contribution-report-csv",
    ),
    path(
        "reports/<int:partnership_id>/contributions.xlsx",
        views.ContributionReportXlsxView.as_view(),
        name="contribution-report-xlsx",
    ),
]
