"""This app's REST endpoints, mounted under /api/v1/ by config.urls: the one place that registers the packages'
viewsets."""

from __future__ import annotations

from django.urls import URLPattern
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
urlpatterns: list[URLPattern] = []
