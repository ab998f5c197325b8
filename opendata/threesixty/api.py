"""The 360Giving grant records in the REST API (``/api/v1/threesixty/grants/``): public, the same package as
``/open-data/360giving/grants.json``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantAPIView
from opendata.threesixty.views import grants_package


class ThreeSixtyGrantsView(TenantAPIView):
    """Every awarded grant as a 360Giving 1.4 data package: public, no sign-in (Open Government Licence v3.0). A
    co-funded grant is one record per funding partner, the records naming each other in ``relatedActivity``."""

    public = True

    @extend_schema(responses={200: OpenApiResponse(description="A 360Giving 1.4 data package")})
    def get(self, request: Request) -> Response:
        return Response(grants_package(request._request))
