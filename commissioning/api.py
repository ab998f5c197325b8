"""The REST API's one router: every subpackage's viewsets and paths, mounted under ``/api/v1/``."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from commissioning.agreements.api import AgreementViewSet
from commissioning.engagement.api import (
    EngagementEventViewSet,
    EngagementGroupViewSet,
    EventSignupViewSet,
    GroupMeetingViewSet,
    GroupMemberViewSet,
)
from commissioning.following.api import CategoryListView, FollowSettingsView, FollowViewSet
from commissioning.lifecycle.api import CommissionViewSet
from commissioning.money.api import (
    ContributionChangeViewSet,
    ContributionReportPdfView,
    ContributionReportView,
    ContributionViewSet,
)
from commissioning.plans.api import ForwardPlanViewSet
from commissioning.register.api import ProviderDocumentViewSet, RegisterEntryViewSet
from commissioning.replacement.api import (
    AppraisalViewSet,
    CompactSettingsView,
    ImpactViewSet,
    ProviderNoticeViewSet,
    ReplacedContractViewSet,
    ReplacementSummaryView,
)
from commissioning.risks.api import RiskViewSet
from commissioning.service_map.api import (
    CommissioningSettingsView,
    ContractImportView,
    EvidenceViewSet,
    MapDecisionViewSet,
    MappedContractViewSet,
    OutcomeViewSet,
    ServiceAreaViewSet,
)
from commissioning.thresholds.api import ThresholdsView, ThresholdTierViewSet
from commissioning.timetable.api import StageViewSet

router = SimpleRouter(trailing_slash=True)


router.register("service-areas", ServiceAreaViewSet, basename="service-area")


router.register("mapped-contracts", MappedContractViewSet, basename="mapped-contract")


router.register("evidence", EvidenceViewSet, basename="evidence")


router.register("outcomes", OutcomeViewSet, basename="outcome")


router.register("commissions", CommissionViewSet, basename="commission")


router.register("contributions", ContributionViewSet, basename="contribution")
router.register("contribution-changes", ContributionChangeViewSet, basename="contribution-change")


router.register("agreements", AgreementViewSet, basename="agreement")


router.register("stages", StageViewSet, basename="stage")


router.register("map-decisions", MapDecisionViewSet, basename="map-decision")


router.register("replaced-contracts", ReplacedContractViewSet, basename="replaced-contract")


router.register("provider-notices", ProviderNoticeViewSet, basename="provider-notice")


router.register("decommissioning-impacts", ImpactViewSet, basename="decommissioning-impact")


router.register("appraisals", AppraisalViewSet, basename="appraisal")
router.register("risks", RiskViewSet, basename="risk")
router.register("threshold-tiers", ThresholdTierViewSet, basename="threshold-tier")
router.register("forward-plans", ForwardPlanViewSet, basename="forward-plan")
router.register("engagement-events", EngagementEventViewSet, basename="engagement-event")
router.register("event-signups", EventSignupViewSet, basename="event-signup")
router.register("engagement-groups", EngagementGroupViewSet, basename="engagement-group")
router.register("engagement-group-members", GroupMemberViewSet, basename="engagement-group-member")
router.register("engagement-group-meetings", GroupMeetingViewSet, basename="engagement-group-meeting")
router.register("follows", FollowViewSet, basename="follow")
router.register("register-entries", RegisterEntryViewSet, basename="register-entry")
router.register("provider-documents", ProviderDocumentViewSet, basename="provider-document")


urlpatterns: list[Any] = [
    path(
        "commissioning-settings/<int:partnership_id>/",
        CommissioningSettingsView.as_view(),
        name="commissioning-settings",
    ),
    path("thresholds/<int:partnership_id>/", ThresholdsView.as_view(), name="thresholds"),
    path("mapped-contracts/import/", ContractImportView.as_view(), name="mapped-contract-import"),
    path("reports/contributions/", ContributionReportView.as_view(), name="contribution-report"),
    path("reports/contributions/pdf/", ContributionReportPdfView.as_view(), name="contribution-report-pdf"),
    path("commissions/<int:commission_id>/replacement/", ReplacementSummaryView.as_view(), name="replacement-summary"),
    path("compact-settings/<int:partnership_id>/", CompactSettingsView.as_view(), name="compact-settings"),
    path("follow-settings/", FollowSettingsView.as_view(), name="follow-settings"),
    path("opportunity-categories/", CategoryListView.as_view(), name="opportunity-categories"),
]
