"""This app's REST endpoints, mounted under /api/v1/ by config.urls: the one place that registers the packages'
viewsets.

Same scoping and roles as the pages: the tenant scope hides other organisations' objects (404), ``required_roles``
and ``write_roles`` say who may read and write, every write goes through a service and every state change through
its workflow. Confidential details of user feedback are never in a return's representation: the lead
commissioner's organisation reads them at ``kpi-returns/{id}/confidential/``.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from monitoring.contracts.api import PortfolioView, SocialValueView
from monitoring.history.api import ProviderHistoryView
from monitoring.kpis.api import KpiSetViewSet, KpiViewSet
from monitoring.oversight.api import ImprovementActionViewSet, ImprovementPlanViewSet, MonitoringVisitViewSet
from monitoring.returns.api import KpiReturnViewSet
from monitoring.reviews.api import DecommissioningStepViewSet, EndReviewViewSet, OutcomeFollowUpViewSet

router = SimpleRouter(trailing_slash=True)
router.register("kpi-sets", KpiSetViewSet, basename="kpi-set")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("kpi-returns", KpiReturnViewSet, basename="kpi-return")
router.register("monitoring-visits", MonitoringVisitViewSet, basename="monitoring-visit")
router.register("improvement-plans", ImprovementPlanViewSet, basename="improvement-plan")
router.register("improvement-actions", ImprovementActionViewSet, basename="improvement-action")
router.register("end-reviews", EndReviewViewSet, basename="end-review")
router.register("decommissioning-steps", DecommissioningStepViewSet, basename="decommissioning-step")
router.register("outcome-follow-ups", OutcomeFollowUpViewSet, basename="outcome-follow-up")

urlpatterns: list[Any] = [
    path("monitoring/portfolio/", PortfolioView.as_view(), name="monitoring-portfolio"),
    path("monitoring/social-value/", SocialValueView.as_view(), name="social-value"),
    path("provider-history/<int:entry_id>/", ProviderHistoryView.as_view(), name="provider-history"),
]
