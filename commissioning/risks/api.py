"""REST API: a joint commission's risk register (``/api/v1/risks/``, filter by ``commission``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.commissions.models import JointCommission
from commissioning.risks.models import Risk, RiskStatus
from commissioning.risks.rules import EDIT_ROLES, band_of
from commissioning.risks.services import risk_add, risk_close, risk_update
from commissioning.service_map.api import id_filters
from commissioning.service_map.permissions import READ_ROLES
from core.api import TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from partners.models import User


class RiskSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Risk]):
    letter = serializers.CharField(read_only=True)
    band = serializers.SerializerMethodField()
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    owner_name = serializers.CharField(source="owner.full_name", read_only=True, default=None)
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    impact = serializers.IntegerField(min_value=1, max_value=5)
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (RiskStatus.OPEN, RiskStatus.MANAGED)], required=False
    )

    class Meta:
        model = Risk
        fields = [
            "id",
            "commission",
            "reference",
            "letter",
            "description",
            "likelihood",
            "impact",
            "score",
            "band",
            "status",
            "owner",
            "owner_name",
            "owner_organisation",
            "countermeasure",
            "review_date",
            "closed_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "reference",
            "score",
            "owner_organisation",
            "closed_reason",
            "created_at",
            "updated_at",
        ]

    def get_band(self, obj: Risk) -> str:
        return band_of(obj.score).label

    def to_representation(self, instance: Risk) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["status"] = instance.status  # closed is shown, though only open/managed may be sent
        return data


class RiskCloseSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class RiskViewSet(TenantModelViewSet):
    """Risks of the joint commissions the organisation takes part in. The lead commissioner adds them; the lead and
    the risk's owner change them (``score`` is likelihood x impact, never sent) and ``close`` them with a reason."""

    serializer_class = RiskSerializer
    queryset = Risk.objects.none()
    required_roles = READ_ROLES
    write_roles = EDIT_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(Risk, "commission", "owner")

    def get_queryset(self) -> QuerySet[Risk]:
        return Risk.objects.select_related("owner", "commission__lead").order_by("commission_id", "reference")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        serializer.instance = risk_add(
            commission=commission,
            description=data["description"],
            likelihood=data["likelihood"],
            impact=data["impact"],
            owner=data["owner"],
            countermeasure=data.get("countermeasure", ""),
            review_date=data["review_date"],
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        changes = {k: v for k, v in serializer.validated_data.items() if k != "commission"}
        serializer.instance = risk_update(risk=serializer.instance, changes=changes, by=self.acting)

    @extend_schema(request=RiskCloseSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        risk = self.get_object()  # another organisation's risk is a 404 before its body is read
        data = self.validated(RiskCloseSerializer)
        risk = risk_close(risk=risk, reason=data["reason"], by=self.acting)
        return Response(RiskSerializer(risk).data)
