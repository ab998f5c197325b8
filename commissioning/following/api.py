"""REST API: what the acting person follows (``/api/v1/follows/``), how they hear
(``/api/v1/follow-settings/``), and the categories anyone may follow (``/api/v1/opportunity-categories/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.following import services
from commissioning.following.models import AlertChannel, Follow
from commissioning.following.rules import FOLLOW_ROLES
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from core.opportunities import CATEGORIES


class FollowSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Follow]):
    service_area = serializers.IntegerField(source="service_area_id", required=False, allow_null=True, min_value=1)
    category = serializers.ChoiceField(choices=CATEGORIES, required=False, allow_blank=True)
    what = serializers.CharField(read_only=True)

    class Meta:
        model = Follow
        fields = ["id", "service_area", "category", "what", "created_at"]
        read_only_fields = ["created_at"]


class FollowViewSet(TenantModelViewSet):
    """The service areas (any partnership's, open or not) and categories the acting person follows. ``POST`` one
    (``service_area`` or ``category``), ``DELETE`` to stop following it."""

    serializer_class = FollowSerializer
    queryset = Follow.objects.none()
    required_roles = FOLLOW_ROLES
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Follow]:
        return Follow.objects.filter(user=self.request.user).select_related("service_area").order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.follow_add(
            service_area_id=data.get("service_area_id"), category=data.get("category", ""), by=self.acting
        )

    def perform_destroy(self, instance: Follow) -> None:
        services.follow_remove(follow=instance, by=self.acting)


class FollowSettingsSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    alerts = serializers.ChoiceField(choices=AlertChannel.choices)
    digest = serializers.BooleanField()


class FollowSettingsView(TenantAPIView):
    """How the acting person hears: ``alerts`` (email, in_app, off) and the monthly ``digest`` (true/false)."""

    required_roles = FOLLOW_ROLES

    def _data(self) -> dict[str, Any]:
        row = services.follow_settings_of(organisation=self.acting.organisation, user=self.request.user)
        return {"alerts": row.alerts, "digest": row.digest}

    @extend_schema(responses=FollowSettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(self._data())

    @extend_schema(request=FollowSettingsSerializer, responses=FollowSettingsSerializer)
    def put(self, request: Request) -> Response:
        d = self.validated(FollowSettingsSerializer)
        services.follow_settings_set(alerts=d["alerts"], digest=d["digest"], by=self.acting)
        return Response(self._data())


class CategorySerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    value = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)


class CategoryListView(TenantAPIView):
    """The categories of opportunities (plans, events, tenders, grant rounds) a provider may follow."""

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response([{"value": v, "name": label} for v, label in CATEGORIES])
