"""REST API: a provider's history with a partnership (``/api/v1/provider-history/{entry_id}/``), for the
partnership's members."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.register.models import RegisterEntry
from commissioning.service_map.permissions import READ_ROLES, is_active_partner
from core.api import TenantAPIView
from core.api_fields import BoundedSerializerMixin
from monitoring.history.selectors import provider_history


class HistoryRowSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    kind = serializers.CharField(max_length=300)
    title = serializers.CharField(max_length=300)
    when = serializers.DateField(allow_null=True)
    status = serializers.CharField(max_length=300)
    detail = serializers.CharField(max_length=300)


class HistoryContractSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField(max_length=300)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    annual_value = serializers.CharField(max_length=300)
    latest_rag = serializers.CharField(allow_null=True, max_length=40)
    latest_period = serializers.CharField(allow_null=True, max_length=40)
    open_improvement_plans = serializers.IntegerField()
    terminated_on = serializers.DateField(allow_null=True)


class ProviderHistorySerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    partnership = serializers.IntegerField()
    organisation = serializers.IntegerField()
    bids = HistoryRowSerializer(many=True)
    contracts = HistoryContractSerializer(many=True)
    others = serializers.DictField(child=HistoryRowSerializer(many=True), help_text="Rows other apps add (grants)")


class ProviderHistoryView(TenantAPIView):
    """The provider's unsealed bids, grants, contracts and their performance with the register's partnership."""

    required_roles = READ_ROLES

    @extend_schema(responses=ProviderHistorySerializer)
    def get(self, request: Request, entry_id: int) -> Response:
        entry = get_object_or_404(RegisterEntry.objects.all(), pk=entry_id)
        if not is_active_partner(entry.partnership_id, self.acting):
            raise Http404
        h = provider_history(partnership_id=entry.partnership_id, organisation_id=entry.organisation_id)

        def row(r: Any) -> dict[str, Any]:
            return {"kind": r.kind, "title": r.title, "when": r.when, "status": r.status, "detail": r.detail}

        data = {
            "partnership": entry.partnership_id,
            "organisation": entry.organisation_id,
            "bids": [row(b) for b in h.bids],
            "contracts": [
                {
                    "id": c["contract"].pk,
                    "title": c["contract"].title,
                    "start_date": c["contract"].start_date,
                    "end_date": c["contract"].end_date,
                    "annual_value": f"{c['contract'].annual_value:.2f}",
                    "latest_rag": c["contract"].latest_rag,
                    "latest_period": c["contract"].latest_period,
                    "open_improvement_plans": c["contract"].open_plans,
                    "terminated_on": c["contract"].terminated_on,
                }
                for c in h.contracts
            ],
            "others": {k: [row(r) for r in rows] for k, rows in h.others.items()},
        }
        return Response(ProviderHistorySerializer(data).data)
