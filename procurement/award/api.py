"""API for award recommendations and contracts."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantAPIMixin, TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError, NotPermitted
from procurement import permissions
from procurement.award import selectors, services
from procurement.award.models import (
    REASON_LIMIT,
    AwardLine,
    AwardRecommendation,
    Contract,
    ContractVariation,
    RecommendationStatus,
    TerminationKind,
    VariationKind,
    VariationShare,
)
from procurement.tenders import services as tender_services
from procurement.tenders.api import TenderSerializer, TenderViewSet
from procurement.tenders.models import Tender
from procurement.tenders.rules import is_lead
from procurement.workflows import TENDER_WORKFLOW, step_through

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
            raise NotPermitted("Only the lead commissioner can approve the award")
        services.recommendation_approve(recommendation=recommendation, by=self.acting)
        return Response(RecommendationSerializer(self.get_queryset().get(pk=recommendation.pk)).data)


class ContractPartnerShareSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    financial_year = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class VariationShareSerializer(BoundedSerializerMixin, serializers.ModelSerializer[VariationShare]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = VariationShare
        fields = ["organisation", "organisation_name", "amount"]


class VariationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ContractVariation]):
    shares = VariationShareSerializer(many=True, read_only=True)
    change = serializers.DecimalField(max_digits=13, decimal_places=2, read_only=True)

    class Meta:
        model = ContractVariation
        fields = [
            "number",
            "kind",
            "reason",
            "value_before",
            "value_after",
            "change",
            "end_date_before",
            "end_date_after",
            "agreed_on",
            "agreed_by_name",
            "shares",
        ]


class ContractSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Contract]):
    provider_name = serializers.CharField(source="provider.name")
    shares = ContractPartnerShareSerializer(many=True, read_only=True)
    total_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    variations = VariationSerializer(many=True, read_only=True)

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
            "variations",
            "terminated_on",
            "termination_kind",
            "termination_reason",
        ]


class VariationShareInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class VariationInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=VariationKind.choices)
    reason = serializers.CharField(max_length=REASON_LIMIT)
    agreed_on = serializers.DateField()
    value_after = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False, allow_null=True, default=None
    )
    change = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    shares = VariationShareInputSerializer(  # type: ignore[call-arg]
        many=True, required=False, allow_null=True, default=None, max_length=50
    )


class TerminationInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=TerminationKind.choices)
    on = serializers.DateField()
    reason = serializers.CharField(max_length=REASON_LIMIT)


class ContractViewSet(TenantReadOnlyViewSet):
    """Signed contracts: the provider, the value per year, and each partner's share of each financial year."""

    serializer_class = ContractSerializer
    queryset = Contract.objects.none()
    filterset_fields = ["commission", "provider"]

    write_roles = permissions.LEAD_ROLES

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            Contract.objects.select_related("provider")
            .prefetch_related(
                "shares__organisation",
                Prefetch(
                    "variations",
                    queryset=ContractVariation.objects.order_by("number").prefetch_related("shares__organisation"),
                ),
            )
            .order_by("-signed_on", "-pk")
        )

    @extend_schema(request=VariationInputSerializer, responses={201: VariationSerializer})
    @action(detail=True, methods=["post"])
    def vary(self, request: Request, pk: str | None = None) -> Response:
        """Record an agreed variation (the lead commissioner): each partner's share of the change, if given, must add
        up to it; otherwise it is split in proportion to what each pays."""
        contract = self.get_object()
        data = self.validated(VariationInputSerializer)
        shares = data.pop("shares")
        variation = services.variation_record(
            contract=contract,
            by=self.acting,
            shares={s["organisation"]: s["amount"] for s in shares} if shares else None,
            **data,
        )
        return Response(VariationSerializer(variation).data, status=201)

    @extend_schema(request=TerminationInputSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str | None = None) -> Response:
        """Record that the contract ended (the lead commissioner): how, on which date and why."""
        contract = services.contract_terminate(
            contract=self.get_object(), by=self.acting, **self.validated(TerminationInputSerializer)
        )
        return Response(ContractSerializer(self.get_queryset().get(pk=contract.pk)).data)


# --- the tender's steps ------------------------------------------------------------------------------------------------


def _approve_award(tender: Tender, by: Any, reason: str) -> Any:
    recommendation = selectors.current_recommendation(tender=tender)
    if recommendation is None or recommendation.status != RecommendationStatus.SUBMITTED:
        raise DomainError("There is no award recommendation waiting for approval")
    return services.recommendation_approve(recommendation=recommendation, by=by)


def _recommend(tender: Tender, by: Any, reason: str) -> Any:
    raise DomainError(
        "Recommending the award needs the recommended bid and annual value for each lot: use the recommendation page",
        field="transition",
    )


# Each step of TENDER_WORKFLOW goes through the service that owns it (it checks, records and notifies). The tender's
# API lives here, at the top of the packages, because its steps reach every stage.
TENDER_STEPS: dict[str, Callable[[Tender, Any, str], Any]] = {
    "approve_method": lambda tender, by, reason: tender_services.method_approve(tender=tender, by=by),
    "publish": lambda tender, by, reason: tender_services.tender_publish(tender=tender, by=by),
    **{
        name: (
            lambda tender, by, reason, name=name: tender_services.tender_transition(
                tender=tender, name=name, by=by, reason=reason
            )
        )
        for name in ("close_clarifications", "close_bids", "start_evaluation", "return_to_evaluation", "cancel")
    },
    "recommend": _recommend,
    "approve_award": _approve_award,
    "start_standstill": lambda tender, by, reason: services.standstill_start(tender=tender, by=by),
}


class TenderStepsViewSet(WorkflowActions, TenantAPIMixin, viewsets.GenericViewSet):
    """The steps of TENDER_WORKFLOW for a tender: ``POST /tenders/{id}/transition/`` (the lead, and approvals where the
    partnership has no board) and ``GET /tenders/{id}/transitions/``. Served apart from the public ``TenderViewSet``
    because the steps are for the signed-in only; same path, same rows."""

    workflow = TENDER_WORKFLOW
    serializer_class = TenderSerializer
    queryset = Tender.objects.none()
    write_roles = tuple(permissions.LEAD_ROLES)
    get_queryset = TenderViewSet.get_queryset

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return step_through(TENDER_STEPS, obj=obj, workflow=TENDER_WORKFLOW, name=name, by=self.acting, reason=reason)
