"""API for tenders (read-only, public once published) and clarifications."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantAPIMixin, TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from partners.models import Role
from procurement.permissions import LEAD_ROLES
from procurement.tenders import selectors, services
from procurement.tenders.cpv import MAX_CODES
from procurement.tenders.models import Clarification, Criterion, Lot, Question, Tender, TenderDocument
from procurement.tenders.regime import Regime, summary_for


class EvaluationCriterionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Criterion]):
    class Meta:
        model = Criterion
        fields = ["id", "kind", "name", "weight"]


class EvaluationQuestionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Question]):
    class Meta:
        model = Question
        fields = ["id", "stage", "number", "text", "guidance", "word_limit", "weight", "pass_fail", "criterion"]


class TenderLotSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Lot]):
    class Meta:
        model = Lot
        fields = ["id", "number", "title", "description", "estimated_annual_value"]


class TenderDocumentSerializer(BoundedSerializerMixin, serializers.ModelSerializer[TenderDocument]):
    class Meta:
        model = TenderDocument
        fields = ["id", "title", "original_filename", "size", "sha256", "added_at"]


class TenderSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Tender]):
    service_area = serializers.CharField(source="commission.service_area.name")
    lead = serializers.CharField(source="commission.lead.name")
    bids_received = serializers.IntegerField(
        allow_null=True, read_only=True, help_text="Only once the deadline has passed; null before (sealed)"
    )

    class Meta:
        model = Tender
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "category",
            "specification",
            "procedure",
            "eligibility",
            "estimated_annual_value",
            "term_years",
            "clarification_deadline",
            "eoi_deadline",
            "submission_deadline",
            "stage",
            "status",
            "published_at",
            "service_area",
            "lead",
            "bids_received",
            "is_light_touch",
            "estimated_value_inc_vat",
            "cpv_codes",
        ]


class TenderCpvSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()


class TenderRegimeSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    """A tender's regime under the Procurement Act 2023, worked out from its value, light-touch flag and the
    partnership's thresholds in force on ``thresholds_on``."""

    regime = serializers.ChoiceField(choices=Regime.choices)
    regime_label = serializers.CharField()
    route = serializers.CharField(help_text="grant, quotes, below_threshold, light_touch or standard")
    route_label = serializers.CharField()
    reason = serializers.CharField()
    required_notices = serializers.ListField(child=serializers.CharField(), help_text='Notice codes such as "UK4"')
    is_light_touch = serializers.BooleanField()
    suggests_light_touch = serializers.BooleanField(help_text="Every CPV code is a Schedule 1 light-touch service")
    estimated_value_inc_vat = serializers.DecimalField(max_digits=12, decimal_places=2)
    cpv = TenderCpvSerializer(many=True)
    thresholds_on = serializers.DateField()


def regime_data(tender: Tender) -> dict[str, Any]:
    summary = summary_for(tender)
    return {
        "regime": summary.regime.value,
        "regime_label": summary.regime.label,
        "route": summary.route.code,
        "route_label": summary.route.label,
        "reason": summary.route.reason,
        "required_notices": summary.notices,
        "is_light_touch": tender.is_light_touch,
        "suggests_light_touch": summary.suggests_light_touch,
        "estimated_value_inc_vat": f"{tender.estimated_value_inc_vat:.2f}",
        "cpv": [{"code": code, "title": title} for code, title in summary.cpv],
        "thresholds_on": summary.on.isoformat(),
    }


class TenderRegimeChangeSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    is_light_touch = serializers.BooleanField(
        required=False, allow_null=True, help_text="null: light-touch when every CPV code is a Schedule 1 service"
    )
    estimated_value_inc_vat = MoneySerializerField(
        max_digits=12, decimal_places=2, coerce_to_string=True, min_value=Decimal("0"), required=False
    )
    cpv_codes = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=MAX_CODES, allow_empty=True
    )


class TenderDetailSerializer(TenderSerializer):
    lots = TenderLotSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()
    price_formula = serializers.CharField(source="method.price_formula", read_only=True)
    scale = serializers.JSONField(source="method.scale", read_only=True)

    class Meta(TenderSerializer.Meta):
        fields = [*TenderSerializer.Meta.fields, "lots", "documents", "criteria", "questions", "price_formula", "scale"]

    def get_documents(self, tender: Tender) -> list[dict[str, Any]]:
        docs = TenderDocument.objects.filter(tender=tender, removed_at__isnull=True)
        return TenderDocumentSerializer(docs, many=True).data  # type: ignore[return-value]

    def get_criteria(self, tender: Tender) -> list[dict[str, Any]]:
        return EvaluationCriterionSerializer(Criterion.objects.filter(method__tender=tender), many=True).data  # type: ignore[return-value]

    def get_questions(self, tender: Tender) -> list[dict[str, Any]]:
        return EvaluationQuestionSerializer(Question.objects.filter(method__tender=tender), many=True).data  # type: ignore[return-value]


class TenderViewSet(TenantReadOnlyViewSet):
    """Published opportunities (anyone, no sign-in); signed-in partners also see their own drafts."""

    public = True
    write_roles = LEAD_ROLES
    queryset = Tender.objects.none()
    filterset_fields = ["status", "procedure", "eligibility"]
    ordering_fields = ["submission_deadline", "published_at"]

    def get_serializer_class(self) -> Any:
        return TenderDetailSerializer if self.action == "retrieve" else TenderSerializer

    @extend_schema(methods=["GET"], request=None, responses=TenderRegimeSerializer)
    @extend_schema(methods=["PATCH"], request=TenderRegimeChangeSerializer, responses=TenderRegimeSerializer)
    @action(detail=True, methods=["get", "patch"])
    def regime(self, request: Request, pk: str | None = None) -> Response:
        """The tender's regime and the notices it must publish; the lead changes its value including VAT, its
        light-touch flag and its CPV codes (until it is published) with PATCH."""
        tender = self.get_object()
        if request.method == "PATCH":
            data = self.validated(TenderRegimeChangeSerializer)
            tender = services.tender_update(tender=tender, by=self.acting, **data)
        return Response(regime_data(tender))

    def get_queryset(self) -> QuerySet[Tender]:
        return (
            Tender.objects.select_related("commission__service_area", "commission__lead", "method")
            .annotate(bids_received=selectors.received_count_after_deadline())
            .order_by("submission_deadline", "pk")
        )


# --- clarifications ----------------------------------------------------------------------------------------------------


class ClarificationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Clarification]):
    question = serializers.SerializerMethodField()
    asked_by_your_organisation = serializers.SerializerMethodField()

    class Meta:
        model = Clarification
        fields = ["id", "tender", "question", "answer", "published_at", "asked_by_your_organisation"]

    def _sees_asker(self, c: Clarification) -> bool:
        acting = self.context["request"].acting
        return acting.organisation is not None and (
            acting.organisation.pk == c.organisation_id or acting.organisation.pk == c.tender.commission.lead_id
        )

    def get_question(self, c: Clarification) -> str:
        return c.question if self._sees_asker(c) else c.published_question

    def get_asked_by_your_organisation(self, c: Clarification) -> bool:
        acting = self.context["request"].acting
        return acting.organisation is not None and acting.organisation.pk == c.organisation_id


class ClarificationAskSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    tender = serializers.IntegerField()
    question = serializers.CharField()


class ClarificationAnswerSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    answer = serializers.CharField()
    published_question = serializers.CharField(required=False, allow_blank=True)


class ClarificationViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Published answers (never naming who asked), your own questions, and -- for the lead -- every question."""

    serializer_class = ClarificationSerializer
    queryset = Clarification.objects.none()
    required_roles = (Role.BIDDER, Role.ORG_ADMIN, Role.COMMISSIONER)
    filterset_fields = ["tender"]

    def get_queryset(self) -> QuerySet[Clarification]:
        return Clarification.objects.select_related("tender__commission").order_by("asked_at", "pk")

    @extend_schema(request=ClarificationAskSerializer, responses=ClarificationSerializer)
    def create(self, request: Request) -> Response:
        data = self.validated(ClarificationAskSerializer)
        tender = get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=data["tender"])
        c = services.clarification_ask(tender=tender, question=data["question"], by=self.acting)
        return Response(ClarificationSerializer(c, context={"request": request}).data, status=201)

    @extend_schema(request=ClarificationAnswerSerializer, responses=ClarificationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        clarification = self.get_object()
        data = self.validated(ClarificationAnswerSerializer)
        c = services.clarification_answer(clarification=clarification, by=self.acting, **data)
        return Response(ClarificationSerializer(c, context={"request": request}).data)
