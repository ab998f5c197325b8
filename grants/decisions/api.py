"""API of the decision: preparing it and its recommendations, its steps (send to the board, decide under
delegation, take back, revise) through ``WorkflowActions``, the letters, and the applicant's answer to an offer
(accept, or decline with a reason) through ``WorkflowActions`` on the application's outcome."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from core.errors import DomainError
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.assessment.api import UUID_PATTERN, _programme_for_lead
from grants.assessment.views import LEAD_ROLES, READ_ROLES
from grants.decisions import services
from grants.decisions.models import GrantDecision, GrantLetter, GrantOutcome, GrantRecommendation
from grants.decisions.views import APPLICANT_ROLES, DECIDER_ROLES
from grants.decisions.workflows import DECISION_WORKFLOW, OUTCOME_WORKFLOW
from grants.programmes.models import MAX_PROGRAMME_BUDGET
from partners.models import Membership

OUTCOMES = (
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.UNSUCCESSFUL,
)


class RecommendationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantRecommendation]):
    application = serializers.UUIDField(source="application.public_id", read_only=True)
    applicant = serializers.CharField(source="application.organisation.name", read_only=True)

    class Meta:
        model = GrantRecommendation
        fields = ["application", "applicant", "fund", "amount", "conditions", "feedback"]


class DecisionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantDecision]):
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = GrantDecision
        fields = [
            "id",
            "programme",
            "status",
            "route",
            "officer",
            "accept_by",
            "summary",
            "ranking",
            "recommendations",
            "decided_at",
            "decided_by_name",
            "board_name",
            "board_decision_id",
        ]


class PrepareSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    programme = serializers.IntegerField(min_value=1, max_value=2**62)
    accept_by = serializers.DateField()
    officer = serializers.IntegerField(min_value=1, max_value=2**62, allow_null=True, required=False)
    summary = serializers.CharField(max_length=10_000, allow_blank=True, required=False, default="")


class RecommendInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField()
    fund = serializers.BooleanField()
    amount = MoneySerializerField(max_value=MAX_PROGRAMME_BUDGET, allow_null=True, required=False)
    conditions = serializers.CharField(max_length=10_000, allow_blank=True, required=False, default="")
    feedback = serializers.CharField(max_length=10_000, allow_blank=True, required=False, default="")


class GrantDecisionViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """A grant round's decision (the partners see it; applicants never do). The lead prepares it and recommends;
    at or above the delegated threshold it goes to the board, below it the named officer decides."""

    serializer_class = DecisionSerializer
    queryset = GrantDecision.objects.none()
    required_roles = READ_ROLES
    write_roles = DECIDER_ROLES
    workflow = DECISION_WORKFLOW
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GrantDecision]:
        return GrantDecision.objects.prefetch_related("recommendations__application__organisation").order_by("pk")

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.decision_step(decision=obj, name=name, reason=reason, by=self.acting)

    @extend_schema(request=PrepareSerializer, responses={201: DecisionSerializer})
    def create(self, request: Request) -> Response:
        data = self.validated(PrepareSerializer)
        programme = _programme_for_lead(self, data["programme"])
        officer = None
        if data.get("officer"):
            member = (
                Membership.objects.filter(organisation_id=programme.commission.lead_id, user_id=data["officer"])
                .select_related("user")
                .first()
            )
            if member is None:
                raise DomainError("Choose an officer of the lead organisation", field="officer")
            officer = member.user
        decision = services.decision_prepare(
            programme=programme,
            accept_by=data["accept_by"],
            officer=officer,
            summary=data.get("summary", ""),
            by=self.acting,
        )
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data, status=201)

    @extend_schema(request=RecommendInputSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request: Request, pk: str | None = None) -> Response:
        decision = self.get_object()
        data = self.validated(RecommendInputSerializer)
        application = get_object_or_404(
            GrantApplication.objects.all(), public_id=data["application"], programme=decision.programme
        )
        services.recommendation_set(
            decision=decision,
            application=application,
            fund=data["fund"],
            amount=data.get("amount"),
            conditions=data.get("conditions", ""),
            feedback=data.get("feedback", ""),
            by=self.acting,
        )
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)


class LetterSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantLetter]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    application = serializers.UUIDField(source="application.public_id", read_only=True)

    class Meta:
        model = GrantLetter
        fields = ["id", "application", "kind", "content", "accept_by", "sent_at"]


class GrantLetterViewSet(TenantReadOnlyViewSet):
    """Offer and decline letters: the applicant's own, and the programme's partners'."""

    serializer_class = LetterSerializer
    queryset = GrantLetter.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self) -> QuerySet[GrantLetter]:
        return GrantLetter.objects.select_related("application").order_by("pk")


class OutcomeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantOutcome]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    applicant = serializers.CharField(source="organisation.name", read_only=True)
    letter = serializers.SerializerMethodField()

    class Meta:
        model = GrantOutcome
        fields = [
            "id",
            "programme",
            "applicant",
            "status",
            "decision",
            "decision_route",
            "amount_awarded",
            "offer_conditions",
            "offered_at",
            "accepted_at",
            "declined_at",
            "declined_reason",
            "feedback",
            "letter",
        ]

    def get_letter(self, application: GrantApplication) -> str | None:
        letter = getattr(application, "letter", None)
        return str(letter.public_id) if letter is not None else None


class GrantOutcomeViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """Decided applications and their offers: the applicant accepts (by the date) or declines (saying why)."""

    serializer_class = OutcomeSerializer
    queryset = GrantOutcome.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    required_roles = APPLICANT_ROLES + LEAD_ROLES
    write_roles = APPLICANT_ROLES
    workflow = OUTCOME_WORKFLOW
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GrantOutcome]:
        return GrantOutcome.objects.filter(status__in=OUTCOMES).select_related("organisation", "letter").order_by("pk")

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name == "accept":
            return services.offer_accept(application=obj, by=self.acting)
        if name == "decline_offer":
            return services.offer_decline(application=obj, reason=reason, by=self.acting)
        raise DomainError("The applicant accepts or declines the offer; the decision makes it", field="transition")
