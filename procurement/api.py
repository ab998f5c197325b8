"""This app's REST endpoints, mounted under /api/v1/ by config.urls."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
urlpatterns: list = []  # plain API views (not viewsets) go here
