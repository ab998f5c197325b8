"""API for award recommendations and contracts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import PermissionDenied
from procurement import permissions
from procurement.award import services
from procurement.award.models import AwardLine, AwardRecommendation, Contract
from procurement.tenders.rules import is_lead

# --- recommendations and contracts ------------------------------------------------------------------------------------


class AwardLineSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AwardLine]):
    bid = serializers.UUIDField(source="bid.public_id", read_only=True)
    bidder = serializers.CharField(source="bid.organisation.name")

    class Meta:
        model = AwardLine
        fields = ["id", "lot", "bid", "bidder", "annual_value", "shares"]


class RecommendationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AwardRecommendation]):
    lines = AwardLineSerializer(many=True, read_only=True)

    class Meta:
        model = AwardRecommendation
        fields = [
            "id",
            "tender",
            "status",
            "ranking",
            "rationale",
            "lines",
            "created_at",
            "decided_at",
            "decided_by_name",
            "approval_route",
        ]


class RecommendationViewSet(TenantReadOnlyViewSet):
    """Award recommendations of tenders your organisation leads or funds. The lead approves where there is no
    board (a board approves through its decision)."""

    serializer_class = RecommendationSerializer
    queryset = AwardRecommendation.objects.none()
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES
    filterset_fields = ["tender", "status"]

    def get_queryset(self) -> QuerySet[AwardRecommendation]:
        return (
            AwardRecommendation.objects.select_related("tender__commission")
            .prefetch_related("lines__bid__organisation")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=None, responses=RecommendationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        recommendation = self.get_object()
        if not is_lead(recommendation.tender, self.acting):
            raise PermissionDenied("Only the lead commissioner can approve the award")
        services.recommendation_approve(recommendation=recommendation, by=self.acting)
        return Response(RecommendationSerializer(self.get_queryset().get(pk=recommendation.pk)).data)


class ContractPartnerShareSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    financial_year = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ContractSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Contract]):
    provider_name = serializers.CharField(source="provider.name")
    shares = ContractPartnerShareSerializer(many=True, read_only=True)
    total_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "tender",
            "commission",
            "lot",
            "provider",
            "provider_name",
            "title",
            "reference",
            "annual_value",
            "start_date",
            "end_date",
            "signed_on",
            "shares",
            "total_value",
        ]


class ContractViewSet(TenantReadOnlyViewSet):
    """Signed contracts: the provider, the value per year, and each partner's share of each financial year."""

    serializer_class = ContractSerializer
    queryset = Contract.objects.none()
    filterset_fields = ["commission", "provider"]

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            Contract.objects.select_related("provider")
            .prefetch_related("shares__organisation")
            .order_by("-signed_on", "-pk")
        )
