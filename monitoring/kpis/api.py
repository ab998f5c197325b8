"""KPI sets and KPIs in the REST API: drafting, partners' responses and the set's workflow."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.models import JointCommission, Outcome
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from monitoring.apibase import id_filters
from monitoring.kpis.models import Kpi, KpiSet, KpiSetResponse
from monitoring.kpis.services import (
    KPI_FIELDS,
    kpi_add,
    kpi_remove,
    kpi_set_create,
    kpi_set_respond,
    kpi_set_transition,
    kpi_set_update,
    kpi_update,
)
from monitoring.kpis.workflows import KPI_SET_WORKFLOW
from monitoring.permissions import LEAD_ROLES, READ_ROLES
from procurement.tenders.models import Lot


class KpiSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Kpi]):
    target = serializers.CharField(max_length=20)
    green_threshold = serializers.CharField(max_length=20, required=False, allow_blank=True)
    red_threshold = serializers.CharField(max_length=20, required=False, allow_blank=True)
    outcome = serializers.PrimaryKeyRelatedField(queryset=Outcome.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Kpi
        fields = ["id", "kpi_set", "position", *KPI_FIELDS, "social_value_kind", "social_value_unit", "contract"]
        # Social value KPIs are made from the winning bid's commitments (seed 004), never typed.
        read_only_fields = ["position", "social_value_kind", "social_value_unit", "contract"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi_set"].queryset = KpiSet.objects.all()  # type: ignore[attr-defined]
        self.fields["outcome"].queryset = Outcome.objects.all()  # type: ignore[attr-defined]

    def to_representation(self, instance: Kpi) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in ("target", "green_threshold", "red_threshold"):
            data[name] = f"{getattr(instance, name):.2f}"
        return data


class KpiSetResponseSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiSetResponse]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = KpiSetResponse
        fields = ["id", "organisation", "organisation_name", "kind", "text", "version", "by_name", "at"]


class KpiSetSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiSet]):
    kpis = KpiSerializer(many=True, read_only=True)
    responses = KpiSetResponseSerializer(many=True, read_only=True)
    commission = serializers.PrimaryKeyRelatedField(queryset=JointCommission.objects.none())
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.none(), required=False, allow_null=True)
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=60), required=False)

    class Meta:
        model = KpiSet
        fields = [
            "id",
            "commission",
            "lot",
            "title",
            "return_frequency",
            "return_due_days",
            "reminder_days",
            "status",
            "version",
            "shared_at",
            "agreed_at",
            "agreed_by_name",
            "kpis",
            "responses",
        ]
        read_only_fields = ["status", "version", "shared_at", "agreed_at", "agreed_by_name"]
        validators: list[Any] = []  # one set per commission and lot: the service says so, in words

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = JointCommission.objects.all()  # type: ignore[attr-defined]
        self.fields["lot"].queryset = Lot.objects.all()  # type: ignore[attr-defined]


@extend_schema_serializer(component_name="KpiResponse")
class RespondSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    agree = serializers.BooleanField(required=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class KpiSetViewSet(WorkflowActions, TenantModelViewSet):
    """KPIs for a joint commission (or one lot), drafted by the lead before award and agreed by every partner.
    ``transition`` moves it on (``share``, ``reopen``, ``agree``, ``revise``); partners ``respond`` (comment or agree)."""

    serializer_class = KpiSetSerializer
    queryset = KpiSet.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    workflow = KPI_SET_WORKFLOW
    filterset_class = id_filters(KpiSet, "commission", plain=("status",))

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return kpi_set_transition(kpi_set=obj, name=name, by=self.acting, reason=reason)

    def get_queryset(self) -> QuerySet[KpiSet]:
        return KpiSet.objects.select_related("commission").prefetch_related("kpis", "responses__organisation")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = kpi_set_create(
            commission=d["commission"],
            lot=d.get("lot"),
            title=d["title"],
            return_frequency=d.get("return_frequency", "quarterly"),
            return_due_days=d.get("return_due_days", 20),
            reminder_days=d.get("reminder_days") or [7, 1],
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        s, d = serializer.instance, serializer.validated_data
        serializer.instance = kpi_set_update(
            kpi_set=s,
            title=d.get("title", s.title),
            return_frequency=d.get("return_frequency", s.return_frequency),
            return_due_days=d.get("return_due_days", s.return_due_days),
            reminder_days=d.get("reminder_days", s.reminder_days),
            by=self.acting,
        )

    @extend_schema(request=RespondSerializer, responses=KpiSetResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(RespondSerializer)
        response = kpi_set_respond(kpi_set=obj, agree=d["agree"], text=d["text"], by=self.acting)
        return Response(KpiSetResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class KpiViewSet(TenantModelViewSet):
    """One KPI: name, definition, unit, target per period, frequency, direction, thresholds, outcome, evidence
    required and whether payment depends on it. Changed only while its set is a draft."""

    serializer_class = KpiSerializer
    queryset = Kpi.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    filterset_class = id_filters(Kpi, "kpi_set")

    def get_queryset(self) -> QuerySet[Kpi]:
        return Kpi.objects.order_by("kpi_set", "position", "pk")

    def _values(self, d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "kpi_set"}

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = kpi_add(kpi_set=d["kpi_set"], by=self.acting, **self._values(d))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = kpi_update(
            kpi=serializer.instance, by=self.acting, **self._values(serializer.validated_data)
        )

    def perform_destroy(self, instance: Kpi) -> None:
        kpi_remove(kpi=instance, by=self.acting)


def value_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)
