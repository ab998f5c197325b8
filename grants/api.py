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
from grants.programmes.api import GrantProgrammeViewSet

router = SimpleRouter(trailing_slash=True)
router.register("grants/programmes", GrantProgrammeViewSet, basename="grant-programme")
router.register("grants/applications", GrantApplicationViewSet, basename="grant-application")
urlpatterns: list[URLPattern] = []
