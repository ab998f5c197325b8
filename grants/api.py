"""This app's REST endpoints, mounted under /api/v1/ by config.urls: the one place that registers the packages'
viewsets.

Same scoping and roles as the pages: published programmes for anyone signed in, drafts for the commission's
partners; applications sealed until the closing time (the applicant's own before it; the lead's and assessors'
after it). Every write goes through a service and every state change through its workflow.
"""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

from grants.applications.api import GrantApplicationViewSet
from grants.assessment import api as assessment_api
from grants.decisions import api as decision_api
from grants.payments.api import GrantFundingShareViewSet, GrantInstalmentViewSet, InstalmentPartViewSet
from grants.programmes.api import GrantProgrammeViewSet
from grants.reports.api import GrantReportViewSet

router = SimpleRouter(trailing_slash=True)
router.register("grants/programmes", GrantProgrammeViewSet, basename="grant-programme")
router.register("grants/applications", GrantApplicationViewSet, basename="grant-application")
router.register("grant-instalments", GrantInstalmentViewSet, basename="grant-instalment")
router.register("grant-instalment-parts", InstalmentPartViewSet, basename="grant-instalment-part")
router.register("grant-funding-shares", GrantFundingShareViewSet, basename="grant-funding-share")
router.register("grant-reports", GrantReportViewSet, basename="grant-report")
urlpatterns: list[URLPattern] = []

# Deciding grants: the panel, score sheets, moderation and ranking, decisions, letters and offers.
router.register("grants/panel", assessment_api.GrantPanelViewSet, basename="grant-panel")
router.register("grants/sheets", assessment_api.GrantSheetViewSet, basename="grant-sheet")
router.register("grants/moderation", assessment_api.GrantModerationViewSet, basename="grant-moderation")
router.register("grants/decisions", decision_api.GrantDecisionViewSet, basename="grant-decision")
router.register("grants/letters", decision_api.GrantLetterViewSet, basename="grant-letter")
router.register("grants/outcomes", decision_api.GrantOutcomeViewSet, basename="grant-outcome")
