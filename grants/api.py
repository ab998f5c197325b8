"""This app's REST endpoints, mounted under /api/v1/ by config.urls: the one place that registers the packages'
viewsets."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

from grants.assessment import api as assessment_api
from grants.decisions import api as decision_api

router = SimpleRouter(trailing_slash=True)
urlpatterns: list[URLPattern] = []

# Deciding grants: the panel, score sheets, moderation and ranking, decisions, letters and offers.
router.register("grant-panel", assessment_api.GrantPanelViewSet, basename="grant-panel")
router.register("grant-sheets", assessment_api.GrantSheetViewSet, basename="grant-sheet")
router.register("grant-moderation", assessment_api.GrantModerationViewSet, basename="grant-moderation")
router.register("grant-decisions", decision_api.GrantDecisionViewSet, basename="grant-decision")
router.register("grant-letters", decision_api.GrantLetterViewSet, basename="grant-letter")
router.register("grant-outcomes", decision_api.GrantOutcomeViewSet, basename="grant-outcome")
