"""Monitoring visits, improvement plans and their actions in the REST API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from monitoring.apibase import id_filters
from monitoring.kpis.models import Kpi
from monitoring.oversight.models import ImprovementAction, ImprovementPlan, MonitoringVisit
from monitoring.oversight.services import (
    action_add,
    action_update,
    plan_close,
    plan_open,
    visit_cancel,
    visit_plan,
    visit_record,
)
from monitoring.permissions import ACTING_ROLES, LEAD_ROLES, READ_ROLES
from monitoring.returns.models import KpiReturn
from partners.models import Organisation
from procurement.award.models import Contract


class VisitSerializer(BoundedSerializerMixin, serializers.ModelSerializer[MonitoringVisit]):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())

    class Meta:
        model = MonitoringVisit
        fields = ["id", "contract", "planned_on", "purpose", "status", "visited_on", "visitors", "notes", "findings"]
        read_only_fields = ["status", "visited_on", "visitors", "notes", "findings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]


class VisitRecordSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    visited_on = serializers.DateField()
    visitors = serializers.CharField(allow_blank=True, required=False, default="")
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    findings = serializers.CharField()


class ReasonSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    reason = serializers.CharField()


class MonitoringVisitViewSet(TenantModelViewSet):
    """Monitoring visits (planned, done, notes, findings): the lead plans and records them."""

    serializer_class = VisitSerializer
    queryset = MonitoringVisit.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(MonitoringVisit, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[MonitoringVisit]:
        return MonitoringVisit.objects.order_by("-planned_on", "-pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = visit_plan(
            contract=d["contract"], planned_on=d["planned_on"], purpose=d["purpose"], by=self.acting
        )

    @extend_schema(request=VisitRecordSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(VisitRecordSerializer)
        visit = visit_record(visit=obj, by=self.acting, **d)
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=ReasonSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(ReasonSerializer)
        visit = visit_cancel(visit=obj, reason=d["reason"], by=self.acting)
        return Response(VisitSerializer(visit).data)


class ActionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ImprovementAction]):
    owner_organisation_name = serializers.CharField(source="owner_organisation.name", read_only=True)

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "plan",
            "action",
            "owner_name",
            "owner_organisation",
            "owner_organisation_name",
            "due_on",
            "status",
            "progress",
            "updated_at",
        ]
        read_only_fields = ["plan", "action", "owner_name", "owner_organisation", "due_on", "updated_at"]


class PlanSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ImprovementPlan]):
    actions = ActionSerializer(many=True, read_only=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    kpis = serializers.PrimaryKeyRelatedField(queryset=Kpi.objects.none(), many=True, required=False)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "contract",
            "title",
            "concern",
            "support_offered",
            "kpis",
            "source_return",
            "review_on",
            "status",
            "opened_at",
            "closed_at",
            "closing_note",
            "actions",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "closing_note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]
        self.fields["kpis"].child_relation.queryset = Kpi.objects.all()  # type: ignore[attr-defined]
        self.fields["source_return"].queryset = KpiReturn.objects.all()  # type: ignore[attr-defined]


class ActionAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    action = serializers.CharField()
    owner_name = serializers.CharField()
    owner_organisation = serializers.IntegerField()
    due_on = serializers.DateField()


class NoteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    note = serializers.CharField()


class ImprovementPlanViewSet(TenantModelViewSet):
    """Improvement plans for poor performance, support first: what the commissioners will do to help, and actions
    with owners, dates and progress."""

    serializer_class = PlanSerializer
    queryset = ImprovementPlan.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(ImprovementPlan, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[ImprovementPlan]:
        return ImprovementPlan.objects.prefetch_related("actions__owner_organisation", "kpis").order_by("-opened_at")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = plan_open(
            contract=d["contract"],
            title=d["title"],
            concern=d["concern"],
            support_offered=d["support_offered"],
            kpis=d.get("kpis", []),
            source_return=d.get("source_return"),
            review_on=d.get("review_on"),
            by=self.acting,
        )

    @extend_schema(request=ActionAddSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(ActionAddSerializer)
        owner = Organisation.objects.filter(pk=d["owner_organisation"]).first()
        if owner is None:
            raise DomainError("Choose the provider or the lead commissioner", field="owner_organisation")
        item = action_add(
            plan=obj,
            action=d["action"],
            owner_name=d["owner_name"],
            owner_organisation=owner,
            due_on=d["due_on"],
            by=self.acting,
        )
        return Response(ActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(NoteSerializer)
        plan = plan_close(plan=obj, note=d["note"], by=self.acting)
        return Response(PlanSerializer(plan).data)


class ImprovementActionViewSet(TenantModelViewSet):
    """Actions of improvement plans; PATCH ``status`` and ``progress`` (the lead, or the provider for its own)."""

    serializer_class = ActionSerializer
    queryset = ImprovementAction.objects.none()
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    http_method_names = ["get", "patch", "head", "options"]
    filterset_class = id_filters(ImprovementAction, "plan", plain=("status",))

    def get_queryset(self) -> QuerySet[ImprovementAction]:
        return ImprovementAction.objects.select_related("owner_organisation").order_by("due_on", "pk")

    def perform_update(self, serializer: Any) -> None:
        a, d = serializer.instance, serializer.validated_data
        serializer.instance = action_update(
            action=a, status=d.get("status", a.status), progress=d.get("progress", a.progress), by=self.acting
        )
