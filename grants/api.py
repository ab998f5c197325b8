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
