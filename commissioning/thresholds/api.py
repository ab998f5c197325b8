"""REST API: a partnership's own threshold tiers (``/api/v1/threshold-tiers/``) and the tiers in force on a date with
the route a value suggests (``/api/v1/thresholds/<partnership_id>/``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.service_map.api import id_filters, money_field, partnership_for
from commissioning.service_map.permissions import READ_ROLES
from commissioning.thresholds.models import LOCAL_KINDS, MAX_TIER_VALUE, ThresholdTier, TierKind
from commissioning.thresholds.rules import suggested_route
from commissioning.thresholds.selectors import tier_rows, tiers_for
from commissioning.thresholds.services import tier_add, tier_delete, tier_update
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from partners.models import Role

EDIT_ROLES = (Role.COMMISSIONER,)


class ThresholdTierSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ThresholdTier]):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in LOCAL_KINDS])
    value = money_field(min_value=Decimal("0.01"), max_value=MAX_TIER_VALUE)

    class Meta:
        model = ThresholdTier
        fields = ["id", "partnership", "kind", "value", "effective_from", "effective_to", "note", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class ThresholdTierViewSet(TenantModelViewSet):
    """Your partnerships' own tiers (small grants, framework), each from a date. Commissioners of the partnership
    add, change and remove them; the Procurement Act 2023 thresholds are law and are read from ``thresholds``."""

    serializer_class = ThresholdTierSerializer
    queryset = ThresholdTier.objects.none()
    required_roles = READ_ROLES
    write_roles = EDIT_ROLES
    filterset_class = id_filters(ThresholdTier, "partnership")

    def get_queryset(self) -> QuerySet[ThresholdTier]:
        return ThresholdTier.objects.order_by("partnership_id", "kind", "effective_from", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        partnership = partnership_for(self.acting, data.pop("partnership").pk)
        serializer.instance = tier_add(partnership=partnership, by=self.acting, **data)

    def perform_update(self, serializer: Any) -> None:
        tier = serializer.instance
        data = serializer.validated_data
        if "partnership" in data and data["partnership"].pk != tier.partnership_id:
            raise DomainError("A tier stays with its partnership", field="partnership")
        if "kind" in data and data["kind"] != tier.kind:
            raise DomainError("A tier's kind cannot change: add a tier of the other kind", field="kind")
        serializer.instance = tier_update(
            tier=tier,
            value=data.get("value", tier.value),
            effective_from=data.get("effective_from", tier.effective_from),
            effective_to=data.get("effective_to", tier.effective_to),
            note=data.get("note", tier.note),
            by=self.acting,
        )

    def perform_destroy(self, instance: ThresholdTier) -> None:
        tier_delete(tier=instance, by=self.acting)


class TierInForceSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(allow_null=True, help_text="The partnership's own tier; null for a default or law")
    kind = serializers.ChoiceField(choices=TierKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    value_inc_vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    statutory = serializers.BooleanField()


class SuggestedRouteSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="grant, quotes, below_threshold, light_touch or standard")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label, not Field.label
    reason = serializers.CharField()
    notices = serializers.ListField(child=serializers.CharField())


class ThresholdsSerializer(serializers.Serializer[Any]):
    partnership = serializers.IntegerField()
    on = serializers.DateField()
    tiers = TierInForceSerializer(many=True)
    route = SuggestedRouteSerializer(allow_null=True)


class ThresholdsQuerySerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    on = serializers.DateField(required=False)
    value = money_field(min_value=Decimal("0"), required=False)
    light_touch = serializers.BooleanField(required=False, default=False)


class ThresholdsView(TenantAPIView):
    """The tiers in force for a partnership on a date (default today): its own or the defaults, and the law's.
    Give ``value`` (the whole contract's value including VAT) and ``light_touch`` for the route it suggests."""

    required_roles = READ_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("on", dt.date, description="The date (default today)"),
            OpenApiParameter("value", str, description="Whole contract value including VAT, e.g. 131250.00"),
            OpenApiParameter("light_touch", bool, description="Schedule 1 light-touch services"),
        ],
        responses=ThresholdsSerializer,
    )
    def get(self, request: Request, partnership_id: int) -> Response:
        partnership = partnership_for(self.acting, partnership_id)
        query = ThresholdsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        tiers = tiers_for(partnership, on=on)
        route = None
        value = query.validated_data.get("value")
        if value is not None:
            found = suggested_route(value, light_touch=query.validated_data["light_touch"], tiers=tiers)
            route = {"code": found.code, "label": found.label, "reason": found.reason, "notices": found.notices}
        return Response(
            {"partnership": partnership.pk, "on": on.isoformat(), "tiers": tier_rows(tiers), "route": route}
        )
