"""Every app's pages at the root and its API under /api/v1/ (apps listed lowest layer first)."""

from importlib import import_module

from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from core.views import PublicView
from partners import api as partners_api

APPS = ["partners", "boards", "commissioning", "procurement", "grants", "monitoring", "opendata", "notices"]


class SchemaView(PublicView, SpectacularAPIView):
    pass


@method_decorator(
    # Redoc injects its own <style> elements, searches in a blob: worker and shows Redocly's logo: relaxed on this
    # page only; scripts stay 'self' (templates/drf_spectacular/redoc.html has no inline script).
    csp_replace(
        {
            "style-src": ["'self'", "'unsafe-inline'"],
            "worker-src": ["'self'", "blob:"],
            "img-src": ["'self'", "data:", "https://cdn.redoc.ly"],
        }
    ),
    name="dispatch",
)
class DocsView(PublicView, SpectacularRedocView):
    pass


router = SimpleRouter(trailing_slash=True)
router.register("organisations", partners_api.OrganisationViewSet, basename="organisation")
router.register("memberships", partners_api.MembershipViewSet, basename="membership")
router.register("partnerships", partners_api.PartnershipViewSet, basename="partnership")
router.register("audit-events", partners_api.AuditEventViewSet, basename="audit-event")
router.register("notifications", partners_api.NotificationViewSet, basename="notification")

api_urlpatterns = [
    path("me/", partners_api.MeView.as_view(), name="me"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
for app in APPS[1:]:
    module = import_module(f"{app}.api")
    api_urlpatterns += [*module.urlpatterns, *module.router.urls]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"), namespace="api")),
    *[path("", include(f"{app}.urls")) for app in APPS],
]

# Errors: the 500 page shows a reference that is also in the log line (core.views.server_error).
handler500 = "core.views.server_error"
handler404 = "core.views.page_not_found"
