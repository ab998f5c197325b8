"""This app's REST endpoints, mounted under /api/v1/ by config.urls: the one place that registers the packages'
viewsets."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

from grants.payments.api import GrantFundingShareViewSet, GrantInstalmentViewSet, InstalmentPartViewSet
from grants.reports.api import GrantReportViewSet

router = SimpleRouter(trailing_slash=True)
router.register("grant-instalments", GrantInstalmentViewSet, basename="grant-instalment")
router.register("grant-instalment-parts", InstalmentPartViewSet, basename="grant-instalment-part")
router.register("grant-funding-shares", GrantFundingShareViewSet, basename="grant-funding-share")
router.register("grant-reports", GrantReportViewSet, basename="grant-report")
urlpatterns: list[URLPattern] = []
