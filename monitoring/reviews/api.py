"""The end of the contract in the REST API: the review, its decommissioning steps and outcome follow-ups."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.models import Outcome
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from monitoring.apibase import id_filters
from monitoring.permissions import LEAD_ROLES, READ_ROLES
from monitoring.reviews.models import DecommissioningStep, EndReview, OutcomeFollowUp
from monitoring.reviews.services import (
    follow_up_add,
    follow_up_record,
    review_start,
    review_transition,
    review_update,
    step_add,
    step_update,
)
from monitoring.reviews.workflows import END_REVIEW_WORKFLOW
from procurement.award.models import Contract


class StepSerializer(BoundedSerializerMixin, serializers.ModelSerializer[DecommissioningStep]):
    class Meta:
        model = DecommissioningStep
        fields = ["id", "review", "position", "title", "owner_name", "due_on", "done_on", "not_needed", "note"]
        read_only_fields = ["review", "position", "title"]


class EndReviewSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EndReview]):
    steps = StepSerializer(many=True, read_only=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())

    class Meta:
        model = EndReview
        fields = [
            "id",
            "contract",
            "status",
            "summary",
            "lessons",
            "feedback",
            "feedback_given_at",
            "feedback_given_by_name",
            "track_outcomes",
            "started_at",
            "closed_at",
            "steps",
        ]
        read_only_fields = ["status", "feedback_given_at", "feedback_given_by_name", "started_at", "closed_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]

    def to_representation(self, instance: EndReview) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        acting = getattr(request, "acting", None) if request else None
        organisation = getattr(acting, "organisation", None)
        is_lead = organisation is not None and organisation.pk == instance.contract.commission.lead_id
        if instance.feedback_given_at is None and not is_lead:
            data["feedback"] = ""  # the lead's draft until it is given
        if organisation is None or not organisation.is_public_sector:
            data["lessons"] = ""  # lessons for commissioners, not the provider
        return data


class StepAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    title = serializers.CharField()
    owner_name = serializers.CharField(allow_blank=True, required=False, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndReviewViewSet(WorkflowActions, TenantModelViewSet):
    """End-of-contract reviews: create to start one for a ``contract``; PATCH the summary, lessons, feedback and
    whether outcomes are tracked; ``step`` with ``give_feedback`` or ``close`` (refused, naming what is missing,
    until the provider has had feedback and decommissioning is done); ``steps`` adds a decommissioning step."""

    serializer_class = EndReviewSerializer
    queryset = EndReview.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    workflow = END_REVIEW_WORKFLOW

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return review_transition(review=obj, name=name, by=self.acting, reason=reason)

    filterset_class = id_filters(EndReview, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[EndReview]:
        return EndReview.objects.select_related("contract__commission").prefetch_related("steps").order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = review_start(contract=serializer.validated_data["contract"], by=self.acting)

    def perform_update(self, serializer: Any) -> None:
        r, d = serializer.instance, serializer.validated_data
        serializer.instance = review_update(
            review=r,
            summary=d.get("summary", r.summary),
            lessons=d.get("lessons", r.lessons),
            feedback=d.get("feedback", r.feedback),
            track_outcomes=d.get("track_outcomes", r.track_outcomes),
            by=self.acting,
        )

    @extend_schema(request=StepAddSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="steps")
    def add_step(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(StepAddSerializer)
        step = step_add(review=obj, by=self.acting, **d)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class DecommissioningStepViewSet(TenantModelViewSet):
    """Decommissioning steps; PATCH ``done_on``, or ``not_needed`` with a ``note``."""

    serializer_class = StepSerializer
    queryset = DecommissioningStep.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "patch", "head", "options"]
    filterset_class = id_filters(DecommissioningStep, "review")

    def get_queryset(self) -> QuerySet[DecommissioningStep]:
        return DecommissioningStep.objects.order_by("review", "position", "pk")

    def perform_update(self, serializer: Any) -> None:
        step, d = serializer.instance, serializer.validated_data
        serializer.instance = step_update(
            step=step,
            done_on=d.get("done_on", step.done_on),
            not_needed=d.get("not_needed", step.not_needed),
            note=d.get("note", step.note),
            owner_name=d.get("owner_name"),
            due_on=d.get("due_on"),
            by=self.acting,
        )


class FollowUpSerializer(BoundedSerializerMixin, serializers.ModelSerializer[OutcomeFollowUp]):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    outcome = serializers.PrimaryKeyRelatedField(queryset=Outcome.objects.none(), required=False, allow_null=True)

    class Meta:
        model = OutcomeFollowUp
        fields = ["id", "contract", "outcome", "measure", "due_on", "finding", "recorded_on"]
        read_only_fields = ["finding", "recorded_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]
        self.fields["outcome"].queryset = Outcome.objects.all()  # type: ignore[attr-defined]


class FindingSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    finding = serializers.CharField()


class OutcomeFollowUpViewSet(TenantModelViewSet):
    """Outcomes tracked after the contract ends (optional, chosen in the end-of-contract review)."""

    serializer_class = FollowUpSerializer
    queryset = OutcomeFollowUp.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(OutcomeFollowUp, "contract")

    def get_queryset(self) -> QuerySet[OutcomeFollowUp]:
        return OutcomeFollowUp.objects.order_by("due_on", "pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = follow_up_add(
            contract=d["contract"], measure=d["measure"], due_on=d["due_on"], outcome=d.get("outcome"), by=self.acting
        )

    @extend_schema(request=FindingSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(FindingSerializer)
        follow_up = follow_up_record(follow_up=obj, finding=d["finding"], by=self.acting)
        return Response(FollowUpSerializer(follow_up).data)
