"""REST API: forward plans (``/api/v1/forward-plans/``): every partner's plans, one's own to add and change, their
workflow steps, publishing, the overlaps and a joint commission started from them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.lifecycle.api import CommissionSerializer
from commissioning.plans.models import DEFAULT_OVERLAP_MONTHS, ForwardPlan, PlanCategory, PlanStatus
from commissioning.plans.rules import MAX_WINDOW_MONTHS
from commissioning.plans.selectors import pipeline
from commissioning.plans.services import commission_from_plans, plan_create, plan_update, plans_publish
from commissioning.plans.workflows import PLAN_WORKFLOW
from commissioning.service_map.api import id_filters
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.service_map.selectors import partnerships_of
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin


class ForwardPlanSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ForwardPlan]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    service_area = serializers.PrimaryKeyRelatedField(queryset=ServiceArea.objects.all())
    category = serializers.ChoiceField(choices=PlanCategory.choices, required=False)
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (PlanStatus.DRAFT, PlanStatus.PLANNED)],
        required=False,
        help_text="On creation only (draft or planned); afterwards use the transition action",
    )

    class Meta:
        model = ForwardPlan
        fields = [
            "id",
            "partnership",
            "organisation",
            "organisation_name",
            "service_area",
            "title",
            "category",
            "service_category",
            "description",
            "estimated_value",
            "procurement_date",
            "start_date",
            "status",
            "published_at",
            "commission",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["partnership", "organisation", "published_at", "commission", "created_at", "updated_at"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["service_area"].queryset = ServiceArea.objects.all()
        return fields

    def to_representation(self, instance: ForwardPlan) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["status"] = instance.status
        return data


class PlanIdsSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    plans = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)


class FromPlansSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    plans = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=100)
    contracts = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=100
    )
    window = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW_MONTHS, default=DEFAULT_OVERLAP_MONTHS)
    title = serializers.CharField(max_length=200, required=False, default="")
    term_years = serializers.IntegerField(min_value=1, max_value=5, default=3)


class OverlapSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    service_area = serializers.IntegerField(source="service_area_id")
    service_area_name = serializers.CharField(max_length=200)
    plans = serializers.SerializerMethodField()
    contracts = serializers.SerializerMethodField()
    combined_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    contracts_annual_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    startable = serializers.BooleanField()

    def get_plans(self, obj: Any) -> list[int]:
        return [p.pk for p in obj.plans]

    def get_contracts(self, obj: Any) -> list[int]:
        return [c.pk for c in obj.contracts]


class ForwardPlanViewSet(WorkflowActions, TenantModelViewSet):
    """Every partner's forward plans in the partnerships the organisation belongs to (and anyone's published ones).
    A partner's commissioners add plans for their own organisation and change only their own; ``publish`` /
    ``unpublish`` put chosen plans on the public pipeline; ``overlaps`` lists the flagged overlaps (``partnership``,
    ``window`` in months); ``joint-commission`` starts a joint commission from an overlap's plans."""

    serializer_class = ForwardPlanSerializer
    queryset = ForwardPlan.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    workflow = PLAN_WORKFLOW
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(ForwardPlan, "partnership", "organisation", "service_area")

    def get_queryset(self) -> QuerySet[ForwardPlan]:
        return ForwardPlan.objects.select_related("organisation").order_by("procurement_date", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        area = get_object_or_404(ServiceArea.objects.all(), pk=data.pop("service_area").pk)
        serializer.instance = plan_create(service_area=area, by=self.acting, **data)

    def perform_update(self, serializer: Any) -> None:
        changes = {k: v for k, v in serializer.validated_data.items() if k != "status"}
        serializer.instance = plan_update(plan=serializer.instance, changes=changes, by=self.acting)

    def _publish(self, publish: bool) -> Response:
        ids = self.validated(PlanIdsSerializer)["plans"]
        plans = list(ForwardPlan.objects.filter(pk__in=ids))
        if len(plans) != len(set(ids)):
            return Response({"detail": "Not found."}, status=404)
        done = plans_publish(plans=plans, publish=publish, by=self.acting)
        return Response(ForwardPlanSerializer(done, many=True).data)

    @extend_schema(request=PlanIdsSerializer, responses=ForwardPlanSerializer(many=True))
    @action(detail=False, methods=["post"])
    def publish(self, request: Request) -> Response:
        return self._publish(True)

    @extend_schema(request=PlanIdsSerializer, responses=ForwardPlanSerializer(many=True))
    @action(detail=False, methods=["post"])
    def unpublish(self, request: Request) -> Response:
        return self._publish(False)

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", int, required=True),
            OpenApiParameter("window", int, description=f"Months, 1 to {MAX_WINDOW_MONTHS} (default 6)"),
        ],
        responses=OverlapSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def overlaps(self, request: Request) -> Response:
        raw = request.query_params.get("partnership", "")
        window = request.query_params.get("window", "")
        if not raw.isdigit() or len(raw) > 12:
            return Response({"detail": "Give the partnership", "problems": []}, status=400)
        months = DEFAULT_OVERLAP_MONTHS
        if window:
            if not window.isdigit() or not 1 <= int(window) <= MAX_WINDOW_MONTHS:
                return Response({"detail": f"The window is 1 to {MAX_WINDOW_MONTHS} months", "problems": []}, 400)
            months = int(window)
        partnership = get_object_or_404(partnerships_of(organisation=self.acting.organisation), pk=int(raw))
        data = pipeline(partnership=partnership, today=timezone.localdate(), months=months)
        return Response(OverlapSerializer(data.overlaps, many=True).data)

    @extend_schema(request=FromPlansSerializer, responses={201: CommissionSerializer})
    @action(detail=False, methods=["post"], url_path="joint-commission")
    def joint_commission(self, request: Request) -> Response:
        data = self.validated(FromPlansSerializer)
        plans = list(ForwardPlan.objects.filter(pk__in=data["plans"]))
        if len(plans) != len(set(data["plans"])):
            return Response({"detail": "Not found."}, status=404)
        commission = commission_from_plans(
            plans=plans,
            contracts=data["contracts"],
            months=data["window"],
            title=data["title"],
            term_years=data["term_years"],
            by=self.acting,
        )
        return Response(CommissionSerializer(commission, context={"request": request}).data, status=201)
