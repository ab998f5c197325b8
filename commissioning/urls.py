from django.urls import path

from commissioning.agreements.views import AgreementDocumentView, AgreementSignView
from commissioning.commissions.views import (
    CommissionCreateView,
    CommissionEditView,
    CommissionInviteView,
    CommissionListView,
    CommissionModelView,
    CommissionRespondView,
    CommissionWithdrawInvitationView,
)
from commissioning.engagement import views as engagement
from commissioning.following.views import DigestUnsubscribeView, FollowView
from commissioning.lifecycle.views import CommissionDetailView, CommissionHistoryView, CommissionTransitionView
from commissioning.money.views import (
    CommissionContributionsView,
    ContributionConfirmView,
    ContributionRemoveView,
    ContributionReportCsvView,
    ContributionReportPdfProgressView,
    ContributionReportPdfStatusView,
    ContributionReportPdfView,
    ContributionReportView,
    ContributionReportXlsxView,
    ContributionTransferView,
    VariationProposeView,
    VariationStepView,
)
from commissioning.plans import views as plans
from commissioning.register.views import (
    AddProviderView,
    DocumentAddView,
    DocumentFileView,
    DocumentRemoveView,
    EntryApproveView,
    EntryFactsView,
    EntryTransitionView,
    EntryView,
    JoinRegisterView,
    MyRegisterView,
    RegistersView,
    RegisterView,
)
from commissioning.replacement.views import (
    AppraisalChooseView,
    AppraisalCreateView,
    AppraisalDetailView,
    AppraisalListView,
    AppraisalOptionView,
    AppraisalPdfView,
    CommissionReplacementView,
    CompactView,
    ImpactView,
    ProviderNoticeCreateView,
    ProviderNoticeLetterView,
    ProviderNoticeListView,
    ReplacedContractRemoveView,
    ReplacedContractSavingView,
    ReplacementLinkView,
)
from commissioning.risks.views import RiskAddView, RiskCloseView, RiskEditView, RiskRegisterView
from commissioning.service_map.views import (
    EvidenceCreateView,
    EvidenceDocumentView,
    EvidenceListView,
    ImportReportView,
    MapDecisionCreateView,
    MappedContractCreateView,
    MappedContractDeleteView,
    MappedContractEditView,
    MappedContractExportCsvView,
    MappedContractExportXlsxView,
    MappedContractImportView,
    MappedContractListView,
    OutcomesView,
    ServiceAreaCreateView,
    ServiceAreaDetailView,
    ServiceMapView,
    SettingsView,
)
from commissioning.thresholds.views import ThresholdsView, TierAddView, TierDeleteView, TierEditView
from commissioning.timetable.views import (
    CalendarFeedView,
    CalendarView,
    StageAddView,
    StageCompleteView,
    StageEditView,
    TimetableView,
)

urlpatterns = [
    # Following service areas and categories; the monthly digest's one-click unsubscribe
    path("opportunities/follow/", FollowView.as_view(), name="opportunity-follows"),
    # The provider register ("tell us once")
    path("register/", RegistersView.as_view(), name="provider-registers"),
    path("register/<int:partnership_id>/", RegisterView.as_view(), name="provider-register"),
    path("register/<int:partnership_id>/add/", AddProviderView.as_view(), name="provider-register-add"),
    path("register/entries/<int:entry_id>/", EntryView.as_view(), name="register-entry"),
    path("register/entries/<int:entry_id>/approve/", EntryApproveView.as_view(), name="register-entry-approve"),
    path("register/entries/<int:entry_id>/step/", EntryTransitionView.as_view(), name="register-entry-transition"),
    path("register/mine/<int:my_entry_id>/details/", EntryFactsView.as_view(), name="register-entry-facts"),
    path("register/mine/", MyRegisterView.as_view(), name="register-mine"),
    path("register/mine/join/", JoinRegisterView.as_view(), name="register-join"),
    path("register/documents/new/", DocumentAddView.as_view(), name="register-document-add"),
    path("register/documents/<int:document_id>/file/", DocumentFileView.as_view(), name="register-document-file"),
    path("register/documents/<int:document_id>/remove/", DocumentRemoveView.as_view(), name="register-document-remove"),
    path("digest/unsubscribe/<str:unsubscribe_token>/", DigestUnsubscribeView.as_view(), name="digest-unsubscribe"),
    # The service map
    path("service-map/", ServiceMapView.as_view(), name="service-map"),
    path("service-map/contracts/", MappedContractListView.as_view(), name="mapped-contracts"),
    path(
        "service-map/<int:partnership_id>/areas/new/",
        ServiceAreaCreateView.as_view(),
        name="service-area-create",
    ),
    path("service-map/areas/<int:service_area_id>/", ServiceAreaDetailView.as_view(), name="service-area-detail"),
    path(
        "service-map/areas/<int:service_area_id>/contracts/new/",
        MappedContractCreateView.as_view(),
        name="mapped-contract-create",
    ),
    path(
        "service-map/contracts/<int:contract_id>/edit/",
        MappedContractEditView.as_view(),
        name="mapped-contract-edit",
    ),
    path(
        "service-map/contracts/<int:contract_id>/remove/",
        MappedContractDeleteView.as_view(),
        name="mapped-contract-delete",
    ),
    path(
        "service-map/<int:partnership_id>/import/",
        MappedContractImportView.as_view(),
        name="mapped-contract-import",
    ),
    path("service-map/imports/<int:import_id>/", ImportReportView.as_view(), name="mapped-contract-import-report"),
    path(
        "service-map/<int:partnership_id>/contracts.csv",
        MappedContractExportCsvView.as_view(),
        name="mapped-contract-export-csv",
    ),
    path(
        "service-map/<int:partnership_id>/contracts.xlsx",
        MappedContractExportXlsxView.as_view(),
        name="mapped-contract-export-xlsx",
    ),
    path(
        "service-map/<int:partnership_id>/evidence/",
        EvidenceListView.as_view(),
        name="evidence-list",
    ),
    path(
        "service-map/<int:partnership_id>/evidence/new/",
        EvidenceCreateView.as_view(),
        name="evidence-create",
    ),
    path(
        "service-map/evidence/<int:evidence_id>/document/",
        EvidenceDocumentView.as_view(),
        name="evidence-document",
    ),
    path("service-map/<int:partnership_id>/outcomes/", OutcomesView.as_view(), name="outcomes"),
    path(
        "service-map/<int:partnership_id>/settings/",
        SettingsView.as_view(),
        name="commissioning-settings",
    ),
    # Decisions on the map, notices to providers, options appraisals (commissioning.replacement)
    path(
        "service-map/areas/<int:service_area_id>/decisions/new/",
        MapDecisionCreateView.as_view(),
        name="map-decision-create",
    ),
    path("service-map/<int:partnership_id>/compact/", CompactView.as_view(), name="compact-settings"),
    path(
        "service-map/contracts/<int:contract_id>/notice/",
        ProviderNoticeCreateView.as_view(),
        name="provider-notice-create",
    ),
    path("service-map/contracts/<int:contract_id>/impact/", ImpactView.as_view(), name="contract-impact"),
    path("provider-notices/", ProviderNoticeListView.as_view(), name="provider-notices"),
    path(
        "provider-notices/<int:provider_notice_id>/letter.pdf",
        ProviderNoticeLetterView.as_view(),
        name="provider-notice-letter",
    ),
    path("service-map/areas/<int:service_area_id>/appraisals/", AppraisalListView.as_view(), name="appraisals"),
    path(
        "service-map/areas/<int:service_area_id>/appraisals/new/",
        AppraisalCreateView.as_view(),
        name="appraisal-create",
    ),
    path("appraisals/<int:appraisal_id>/", AppraisalDetailView.as_view(), name="appraisal-detail"),
    path("appraisals/<int:appraisal_id>/options/new/", AppraisalOptionView.as_view(), name="appraisal-option"),
    path("appraisals/<int:appraisal_id>/choose/", AppraisalChooseView.as_view(), name="appraisal-choose"),
    path("appraisals/<int:appraisal_id>/appraisal.pdf", AppraisalPdfView.as_view(), name="appraisal-pdf"),
    path(
        "commissions/<int:commission_id>/replaces/",
        CommissionReplacementView.as_view(),
        name="commission-replacement",
    ),
    path(
        "commissions/<int:commission_id>/replaces/link/",
        ReplacementLinkView.as_view(),
        name="replacement-link",
    ),
    path(
        "replaced-contracts/<int:replaced_contract_id>/saving/",
        ReplacedContractSavingView.as_view(),
        name="replaced-contract-saving",
    ),
    path(
        "replaced-contracts/<int:replaced_contract_id>/remove/",
        ReplacedContractRemoveView.as_view(),
        name="replaced-contract-remove",
    ),
    # Procurement thresholds (commissioning.thresholds)
    path("service-map/<int:partnership_id>/thresholds/", ThresholdsView.as_view(), name="thresholds"),
    path("service-map/<int:partnership_id>/thresholds/add/", TierAddView.as_view(), name="threshold-add"),
    path("service-map/thresholds/<int:tier_id>/", TierEditView.as_view(), name="threshold-edit"),
    path("service-map/thresholds/<int:tier_id>/remove/", TierDeleteView.as_view(), name="threshold-delete"),
    # Joint commissions
    path("commissions/", CommissionListView.as_view(), name="commissions"),
    path("commissions/new/", CommissionCreateView.as_view(), name="commission-create"),
    path("commissions/<int:commission_id>/", CommissionDetailView.as_view(), name="commission-detail"),
    path("commissions/<int:commission_id>/edit/", CommissionEditView.as_view(), name="commission-edit"),
    path("commissions/<int:commission_id>/model/", CommissionModelView.as_view(), name="commission-model"),
    path("commissions/<int:commission_id>/invite/", CommissionInviteView.as_view(), name="commission-invite"),
    path("commissions/<int:commission_id>/respond/", CommissionRespondView.as_view(), name="commission-respond"),
    path(
        "commissions/<int:commission_id>/withdraw-invitation/",
        CommissionWithdrawInvitationView.as_view(),
        name="commission-withdraw-invitation",
    ),
    path("commissions/<int:commission_id>/move/", CommissionTransitionView.as_view(), name="commission-transition"),
    path("commissions/<int:commission_id>/history/", CommissionHistoryView.as_view(), name="commission-history"),
    path(
        "commissions/<int:commission_id>/contributions/",
        CommissionContributionsView.as_view(),
        name="commission-contributions",
    ),
    path(
        "contributions/<int:contribution_id>/confirm/",
        ContributionConfirmView.as_view(),
        name="contribution-confirm",
    ),
    path(
        "contributions/<int:contribution_id>/transfer/",
        ContributionTransferView.as_view(),
        name="contribution-transfer",
    ),
    path(
        "contributions/<int:contribution_id>/remove/",
        ContributionRemoveView.as_view(),
        name="contribution-remove",
    ),
    path(
        "contributions/<int:contribution_id>/variation/",
        VariationProposeView.as_view(),
        name="contribution-variation",
    ),
    path(
        "contribution-changes/<int:change_id>/step/",
        VariationStepView.as_view(),
        name="contribution-variation-step",
    ),
    path("commissions/<int:commission_id>/agreement/", AgreementSignView.as_view(), name="agreement-sign"),
    path("agreements/<int:agreement_id>/document/", AgreementDocumentView.as_view(), name="agreement-document"),
    path("commissions/<int:commission_id>/timetable/", TimetableView.as_view(), name="commission-timetable"),
    path("commissions/<int:commission_id>/timetable/add/", StageAddView.as_view(), name="stage-add"),
    path("stages/<int:stage_id>/edit/", StageEditView.as_view(), name="stage-edit"),
    path("stages/<int:stage_id>/done/", StageCompleteView.as_view(), name="stage-complete"),
    path("commissions/<int:commission_id>/risks/", RiskRegisterView.as_view(), name="commission-risks"),
    path("commissions/<int:commission_id>/risks/add/", RiskAddView.as_view(), name="risk-add"),
    path("risks/<int:risk_id>/", RiskEditView.as_view(), name="risk-edit"),
    path("risks/<int:risk_id>/close/", RiskCloseView.as_view(), name="risk-close"),
    path("calendar/", CalendarView.as_view(), name="calendar"),
    path("calendar/<str:feed_token>.ics", CalendarFeedView.as_view(), name="calendar-feed"),
    # Reports for finance officers
    path(
        "reports/<int:partnership_id>/contributions/",
        ContributionReportView.as_view(),
        name="contribution-report",
    ),
    path(
        "reports/<int:partnership_id>/contributions.pdf",
        ContributionReportPdfView.as_view(),
        name="contribution-report-pdf",
    ),
    path(
        "reports/<int:partnership_id>/contributions/pdf/",
        ContributionReportPdfStatusView.as_view(),
        name="contribution-report-pdf-status",
    ),
    path(
        "reports/<int:partnership_id>/contributions/pdf/progress/",
        ContributionReportPdfProgressView.as_view(),
        name="contribution-report-pdf-progress",
    ),
    path(
        "reports/<int:partnership_id>/contributions.csv",
        ContributionReportCsvView.as_view(),
        name="contribution-report-csv",
    ),
    path(
        "reports/<int:partnership_id>/contributions.xlsx",
        ContributionReportXlsxView.as_view(),
        name="contribution-report-xlsx",
    ),
    # Forward plans (commissioning.plans)
    path("plans/<int:partnership_id>/", plans.PlansView.as_view(), name="forward-plans"),
    path("plans/<int:partnership_id>/new/", plans.PlanCreateView.as_view(), name="forward-plan-create"),
    path("plans/<int:partnership_id>/publish/", plans.PlansPublishView.as_view(), name="forward-plans-publish"),
    path(
        "plans/<int:partnership_id>/joint-commission/",
        plans.JointCommissionFromPlansView.as_view(),
        name="forward-plans-joint-commission",
    ),
    path("forward-plans/<int:plan_id>/", plans.PlanDetailView.as_view(), name="forward-plan"),
    path("forward-plans/<int:plan_id>/move/", plans.PlanTransitionView.as_view(), name="forward-plan-transition"),
    path("pipeline/", plans.PublicPipelineView.as_view(), name="public-pipeline"),
    # Market engagement and training (commissioning.engagement)
    path("engagement/<int:partnership_id>/", engagement.EventsView.as_view(), name="engagement-events"),
    path("engagement/<int:partnership_id>/new/", engagement.EventCreateView.as_view(), name="engagement-event-create"),
    path(
        "engagement/<int:partnership_id>/groups/new/",
        engagement.GroupCreateView.as_view(),
        name="engagement-group-create",
    ),
    path("engagement/events/<int:event_id>/", engagement.EventDetailView.as_view(), name="engagement-event"),
    path(
        "engagement/events/<int:event_id>/move/",
        engagement.EventTransitionView.as_view(),
        name="engagement-event-transition",
    ),
    path(
        "engagement/events/<int:event_id>/attendance/",
        engagement.AttendanceView.as_view(),
        name="engagement-event-attendance",
    ),
    path("engagement/events/<int:event_id>/notes/", engagement.NotesView.as_view(), name="engagement-event-notes"),
    path("events/", engagement.PublicEventsView.as_view(), name="public-events"),
    path("events/<int:event_id>/", engagement.PublicEventView.as_view(), name="public-event"),
    path("events/<int:event_id>/sign-up/", engagement.SignupView.as_view(), name="event-signup"),
    path("event-places/<int:signup_id>/cancel/", engagement.SignupCancelView.as_view(), name="event-signup-cancel"),
    path("engagement-groups/<int:group_id>/", engagement.GroupView.as_view(), name="engagement-group"),
    path(
        "engagement-groups/<int:group_id>/members/new/",
        engagement.GroupMemberAddView.as_view(),
        name="engagement-group-member-add",
    ),
    path(
        "engagement-groups/<int:group_id>/meetings/new/",
        engagement.GroupMeetingAddView.as_view(),
        name="engagement-group-meeting-add",
    ),
    path(
        "engagement-meetings/<int:meeting_id>/publish/",
        engagement.GroupMeetingPublishView.as_view(),
        name="engagement-group-meeting-publish",
    ),
]
