"""The releases in the REST API (``/api/v1/ocds-releases/``): the same public releases as the release package,
newest first, filterable by ``ocid`` and ``since``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.api import TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from opendata.ocds import selectors
from opendata.ocds.models import Release
from opendata.ocds.views import BadQuery, parse_since


class ReleaseSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Release]):
    release = serializers.JSONField(source="data", read_only=True, help_text="The OCDS 1.1 release as published")

    class Meta:
        model = Release
        fields = ["id", "ocid", "release_id", "date", "tags", "release"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("ocid", str, description="Only this contracting process's releases"),
            OpenApiParameter("since", str, description="Only releases on or after this ISO 8601 date or date-time"),
        ]
    )
)
class ReleaseViewSet(TenantReadOnlyViewSet):
    """Published OCDS releases: public, no sign-in (Open Government Licence v3.0)."""

    public = True
    serializer_class = ReleaseSerializer
    queryset = Release.objects.none()

    def get_queryset(self) -> QuerySet[Release]:
        params: Any = self.request.query_params
        try:
            since = parse_since(params.get("since"))
        except BadQuery as e:
            raise ValidationError({"since": [str(e)]}) from e
        rows = selectors.releases(since=since)
        ocid = (params.get("ocid") or "")[:100]
        return rows.filter(ocid=ocid) if ocid else rows
