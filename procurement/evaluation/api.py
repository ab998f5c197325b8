"""API for evaluators (declarations, conflict decisions) and score sheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantAPIMixin, TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from partners.models import Role
from procurement import permissions
from procurement.bids import services as bid_services
from procurement.bids.api import UUID_PATTERN, BidSerializer, BidViewSet
from procurement.bids.models import Bid
from procurement.evaluation import services
from procurement.evaluation.models import Evaluator, Score, ScoreSheet
from procurement.workflows import BID_WORKFLOW, step_through

# --- evaluation ---------------------------------------------------------------------------------------------------------


class EvaluatorScoreSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Score]):
    class Meta:
        model = Score
        fields = ["question", "score", "passed", "justification"]


class ScoreSheetSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ScoreSheet]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    bid = serializers.UUIDField(source="bid.public_id", read_only=True)
    bidder = serializers.CharField(source="bid.organisation.name")
    tender = serializers.IntegerField(source="evaluator.tender_id")
    scores = EvaluatorScoreSerializer(many=True, read_only=True)
    bid_content = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["id", "tender", "bid", "bidder", "submitted_at", "scores", "bid_content"]

    def get_bid_content(self, sheet: ScoreSheet) -> dict[str, Any] | None:
        version = sheet.bid.current_version
        return version.content if version else None


class EvaluatorScoresInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    scores = serializers.DictField(
        child=serializers.DictField(), help_text='{"<question id>": {"score": 4, "justification": "..."}}'
    )


class ScoreSheetViewSet(TenantReadOnlyViewSet):
    """Your own score sheets as an evaluator (private to you until you submit)."""

    serializer_class = ScoreSheetSerializer
    queryset = ScoreSheet.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    required_roles = permissions.EVALUATOR_ROLES

    def get_queryset(self) -> QuerySet[ScoreSheet]:
        return (
            ScoreSheet.objects.filter(evaluator__user=self.request.user)
            .select_related("bid__organisation", "bid__current_version", "evaluator")
            .prefetch_related("scores")
            .order_by("pk")
        )

    @extend_schema(request=EvaluatorScoresInputSerializer, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"])
    def scores(self, request: Request, pk: str | None = None) -> Response:
        sheet = self.get_object()
        data = self.validated(EvaluatorScoresInputSerializer)
        sheet = services.scores_save(
            sheet=sheet,
            scores={int(k): v for k, v in data["scores"].items() if str(k).isdigit()},
            by=self.acting,
        )
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)

    @extend_schema(request=None, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        sheet = services.sheet_submit(sheet=self.get_object(), by=self.acting)
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)


class EvaluatorSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Evaluator]):
    person = serializers.CharField(source="user.full_name")
    organisation_name = serializers.CharField(source="organisation.name")
    conflict_summary = serializers.CharField(read_only=True)

    class Meta:
        model = Evaluator
        fields = [
            "id",
            "tender",
            "person",
            "organisation",
            "organisation_name",
            "is_third_sector_rep",
            "declaration",
            "interest",
            "declared_at",
            "conflict_decision",
            "mitigation",
            "conflict_summary",
        ]


class DeclarationInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    has_interest = serializers.BooleanField()
    interest = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictDecisionInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["exclude", "mitigate"])
    mitigation = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluatorViewSet(TenantReadOnlyViewSet):
    """Evaluation panels and the conflicts record. An evaluator declares their interests (``declare``) before
    seeing any bid; the lead decides on each declared interest (``decide``: exclude, or allow with mitigation)."""

    serializer_class = EvaluatorSerializer
    queryset = Evaluator.objects.none()
    required_roles = (*permissions.READ_ROLES, Role.EVALUATOR)
    write_roles = (Role.COMMISSIONER, Role.EVALUATOR)
    filterset_fields = ["tender", "declaration"]

    def get_queryset(self) -> QuerySet[Evaluator]:
        return Evaluator.objects.select_related("user", "organisation").order_by("tender_id", "added_at", "pk")

    @extend_schema(request=DeclarationInputSerializer, responses=EvaluatorSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request: Request, pk: str | None = None) -> Response:
        seat = self.get_object()
        data = self.validated(DeclarationInputSerializer)
        seat = services.interests_declare(evaluator=seat, by=self.acting, **data)
        return Response(EvaluatorSerializer(seat).data)

    @extend_schema(request=ConflictDecisionInputSerializer, responses=EvaluatorSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        seat = self.get_object()
        data = self.validated(ConflictDecisionInputSerializer)
        seat = services.conflict_decide(evaluator=seat, by=self.acting, **data)
        return Response(EvaluatorSerializer(seat).data)


# --- the bid's steps ---------------------------------------------------------------------------------------------------

# Each step of BID_WORKFLOW a person takes goes through the service that owns it (it checks and notifies); marking a
# bid successful or not is the standstill's, taken by the system, so the API refuses it with the workflow's reason.
BID_STEPS: dict[str, Callable[[Bid, Any, str], Any]] = {
    "submit": lambda bid, by, reason: bid_services.bid_submit(bid=bid, by=by),
    "resubmit": lambda bid, by, reason: bid_services.bid_submit(bid=bid, by=by),
    "withdraw": lambda bid, by, reason: bid_services.bid_withdraw(bid=bid, by=by, reason=reason),
    "shortlist": lambda bid, by, reason: services.eoi_decide(bid=bid, shortlist=True, by=by, reason=reason),
    "reject": lambda bid, by, reason: services.eoi_decide(bid=bid, shortlist=False, by=by, reason=reason),
}


class BidStepsViewSet(WorkflowActions, TenantAPIMixin, viewsets.GenericViewSet):
    """The steps of BID_WORKFLOW for a bid: ``POST /bids/{id}/transition/`` (the bidder submits and withdraws; the lead
    shortlists or rejects an expression of interest) and ``GET /bids/{id}/transitions/``. Same path and rows as
    ``BidViewSet``; apart because the lead writes here and nowhere else in the bid API."""

    workflow = BID_WORKFLOW
    serializer_class = BidSerializer
    queryset = Bid.objects.none()
    lookup_field = BidViewSet.lookup_field
    lookup_url_kwarg = BidViewSet.lookup_url_kwarg
    lookup_value_regex = BidViewSet.lookup_value_regex
    required_roles = BidViewSet.required_roles
    write_roles = (*permissions.BID_ROLES, *permissions.LEAD_ROLES)
    get_queryset = BidViewSet.get_queryset

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return step_through(BID_STEPS, obj=obj, workflow=BID_WORKFLOW, name=name, by=self.acting, reason=reason)
