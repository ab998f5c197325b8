"""This app's REST endpoints, mounted under /api/v1/ by config.urls."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.routers import SimpleRouter

from opendata.ocds.api import ReleaseViewSet
from opendata.threesixty.api import ThreeSixtyGrantsView

router = SimpleRouter(trailing_slash=True)
router.register("ocds-releases", ReleaseViewSet, basename="ocds-release")

urlpatterns: list[Any] = [
    path("threesixty/grants/", ThreeSixtyGrantsView.as_view(), name="threesixty-grants"),
]
