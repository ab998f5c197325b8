"""REST API: the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.commissions.models import JointCommission
from commissioning.service_map.api import id_filters
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.timetable.models import Stage
from commissioning.timetable.services import stage_add, stage_complete, stage_update
from core.api import TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from partners.models import Role, User


class TimetableSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    begins_on = serializers.DateField(required=False)


class StageSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Stage]):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True, default=None)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Stage
        fields = [
            "id",
            "commission",
            "key",
            "name",
            "position",
            "owner",
            "owner_name",
            "owner_organisation",
            "planned_start",
            "planned_end",
            "completed_on",
            "notes",
        ]
        read_only_fields = ["key", "position", "owner_organisation"]


class StageViewSet(TenantModelViewSet):
    """Timetable stages (filter by ``commission``). The lead adds and changes them; ``complete`` marks one done."""

    serializer_class = StageSerializer
    queryset = Stage.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(Stage, "commission", "owner")

    def get_queryset(self) -> QuerySet[Stage]:
        return Stage.objects.select_related("owner").order_by("commission_id", "position", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        serializer.instance = stage_add(
            commission=commission,
            name=data["name"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            owner=data.get("owner"),
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        stage = serializer.instance
        data = serializer.validated_data
        serializer.instance = stage_update(
            stage=stage,
            by=self.acting,
            name=data.get("name", stage.name),
            planned_start=data.get("planned_start", stage.planned_start),
            planned_end=data.get("planned_end", stage.planned_end),
            owner=data.get("owner", stage.owner),
            completed_on=data.get("completed_on", stage.completed_on),
            notes=data.get("notes", stage.notes),
        )

    @action(detail=True, methods=["post"], write_roles=(Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN))
    def complete(self, request: Request, pk: Any = None) -> Response:
        stage = stage_complete(stage=self.get_object(), by=self.acting)
        return Response(StageSerializer(stage).data)
