"""Tendering's REST endpoints, mounted under /api/v1/ by config.urls. The same sealing and permissions as the pages:
every queryset goes through the tenant scope (bids sealed until the deadline), then the person-level checks."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api import TenantAPIMixin, TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import PermissionDenied
from partners.models import Role
from procurement import permissions, selectors, services
from procurement.models import (
    AwardLine,
    AwardRecommendation,
    Bid,
    Clarification,
    Contract,
    Criterion,
    Evaluator,
    Lot,
    Question,
    Score,
    ScoreSheet,
    Tender,
    TenderDocument,
)
from procurement.workflows import is_lead

router = SimpleRouter(trailing_slash=True)
urlpatterns: list = []


# --- tenders (public once published) --------------------------------------------------------------------------------


UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


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
        ]


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
    queryset = Tender.objects.none()
    filterset_fields = ["status", "procedure", "eligibility"]
    ordering_fields = ["submission_deadline", "published_at"]

    def get_serializer_class(self) -> Any:
        return TenderDetailSerializer if self.action == "retrieve" else TenderSerializer

    def get_queryset(self) -> QuerySet[Tender]:
        return (
            Tender.objects.select_related("commission__service_area", "commission__lead", "method")
            .annotate(bids_received=selectors.received_count_after_deadline())
            .order_by("submission_deadline", "pk")
        )


# --- bids (sealed) ----------------------------------------------------------------------------------------------------


class BidVersionSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    annual_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class BidSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Bid]):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The bid's random public id")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    submitted = serializers.SerializerMethodField(help_text="The latest submitted version (the receipt)")
    content = serializers.SerializerMethodField(
        help_text="The bidder sees its working copy; the lead and cleared evaluators see what was submitted"
    )

    class Meta:
        model = Bid
        fields = [
            "id",
            "tender",
            "organisation",
            "organisation_name",
            "stage",
            "lot",
            "status",
            "is_consortium",
            "submitted_at",
            "submitted",
            "content",
        ]
        read_only_fields = fields

    def get_submitted(self, bid: Bid) -> dict[str, Any] | None:
        v = bid.current_version
        return BidVersionSerializer(v).data if v else None  # type: ignore[return-value]

    def get_content(self, bid: Bid) -> dict[str, Any] | None:
        acting = self.context["request"].acting
        if acting.organisation is not None and acting.organisation.pk == bid.organisation_id:
            return services.canonical_content(bid)
        return bid.current_version.content if bid.current_version else None


class BidListSerializer(BidSerializer):
    class Meta(BidSerializer.Meta):
        fields = [f for f in BidSerializer.Meta.fields if f != "content"]
        read_only_fields = fields


class BidCreateSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    tender = serializers.IntegerField()
    lot = serializers.IntegerField(required=False, allow_null=True)


class BidDraftSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    summary = serializers.CharField(required=False, allow_blank=True)
    is_consortium = serializers.BooleanField(required=False)
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    price_lines = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        help_text='{"staff": {"amount": "30000.00", "description": "..."}}',
    )


class BidReceiptSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    bid = serializers.UUIDField()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    detail = serializers.CharField(
        required=False, help_text="Present when this exact content was already submitted: no new version was made"
    )


class BidViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Your organisation's bids (working copy, versions and receipts). The lead commissioner and cleared evaluators
    read submitted bids only once the deadline has passed; before it, a bid does not exist for them."""

    serializer_class = BidSerializer
    queryset = Bid.objects.none()
    # Addressed by the random public id: sequential ids would hint at bidding volume.
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    required_roles = (Role.BIDDER, Role.ORG_ADMIN, Role.COMMISSIONER, Role.EVALUATOR)
    write_roles = permissions.BID_ROLES
    filterset_fields = ["tender", "status", "stage"]

    def get_serializer_class(self) -> Any:
        return BidListSerializer if self.action == "list" else BidSerializer

    def get_queryset(self) -> QuerySet[Bid]:
        acting = self.acting
        mine = Q(organisation=acting.organisation)
        lead = Q(tender__commission__lead=acting.organisation) if acting.has_role(Role.COMMISSIONER) else Q(pk__in=[])
        seats = [
            e.tender_id
            for e in Evaluator._base_manager.filter(user=acting.user, organisation=acting.organisation)
            if e.is_cleared and permissions.may_evaluate(e.tender, acting.user)
        ]
        panel = Q(tender_id__in=seats)
        return (
            Bid.objects.filter(mine | lead | panel)
            .select_related("organisation", "current_version", "tender", "lot")
            .order_by("-created_at", "-pk")
        )

    def _own(self) -> Bid:
        bid = self.get_object()
        if bid.organisation_id != self.acting.organisation.pk:
            raise PermissionDenied("Only the bidding organisation can change its bid")
        return bid

    @extend_schema(request=BidCreateSerializer, responses=BidSerializer)
    def create(self, request: Request) -> Response:
        data = BidCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=data.validated_data["tender"])
        lot = None
        if data.validated_data.get("lot"):
            lot = get_object_or_404(Lot.objects.filter(tender=tender), pk=data.validated_data["lot"])
        bid = services.bid_start(tender=tender, by=self.acting, lot=lot)
        return Response(BidSerializer(bid, context={"request": request}).data, status=201)

    @extend_schema(request=BidDraftSerializer, responses=BidSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        bid = self._own()
        data = BidDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        answers = {int(k): text for k, text in v.get("answers", {}).items() if str(k).isdigit()} or None
        prices = {
            cat: (line.get("amount"), str(line.get("description", "")))
            for cat, line in v.get("price_lines", {}).items()
        } or None
        bid = services.bid_save_draft(
            bid=bid,
            by=self.acting,
            answers=answers,
            price_lines=prices,
            summary=v.get("summary"),
            is_consortium=v.get("is_consortium"),
        )
        bid.refresh_from_db()
        return Response(BidSerializer(bid, context={"request": request}).data)

    @extend_schema(request=None, responses=BidReceiptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit (or resubmit) before the deadline, judged on the server's clock. Returns the receipt."""
        version, new = services.bid_submit_once(bid=self._own(), by=self.acting)
        body: dict[str, Any] = {
            "bid": version.bid.public_id,
            "version": version.number,
            "submitted_at": version.submitted_at,
            "sha256": version.sha256,
        }
        if not new:
            body["detail"] = services.ALREADY_SUBMITTED
        return Response(body)

    @extend_schema(request=None, responses=BidSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        bid = services.bid_withdraw(bid=self._own(), by=self.acting)
        return Response(BidSerializer(bid, context={"request": request}).data)


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
    viewsets.GenericViewSet,  # type: ignore[type-arg]
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
        data = ClarificationAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=data.validated_data["tender"])
        c = services.clarification_ask(tender=tender, question=data.validated_data["question"], by=self.acting)
        return Response(ClarificationSerializer(c, context={"request": request}).data, status=201)

    @extend_schema(request=ClarificationAnswerSerializer, responses=ClarificationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        clarification = self.get_object()
        data = ClarificationAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.clarification_answer(clarification=clarification, by=self.acting, **data.validated_data)
        return Response(ClarificationSerializer(c, context={"request": request}).data)


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
        data = EvaluatorScoresInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sheet = services.scores_save(
            sheet=sheet,
            scores={int(k): v for k, v in data.validated_data["scores"].items() if str(k).isdigit()},
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
        data = DeclarationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seat = services.interests_declare(evaluator=seat, by=self.acting, **data.validated_data)
        return Response(EvaluatorSerializer(seat).data)

    @extend_schema(request=ConflictDecisionInputSerializer, responses=EvaluatorSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        seat = self.get_object()
        data = ConflictDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seat = services.conflict_decide(evaluator=seat, by=self.acting, **data.validated_data)
        return Response(EvaluatorSerializer(seat).data)


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
            raise PermissionDenied("Only the lead commissioner can approve the award")
        services.recommendation_approve(recommendation=recommendation, by=self.acting)
        return Response(RecommendationSerializer(self.get_queryset().get(pk=recommendation.pk)).data)


class ContractPartnerShareSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    financial_year = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class ContractSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Contract]):
    provider_name = serializers.CharField(source="provider.name")
    shares = ContractPartnerShareSerializer(many=True, read_only=True)
    total_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

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
        ]


class ContractViewSet(TenantReadOnlyViewSet):
    """Signed contracts: the provider, the value per year, and each partner's share of each financial year."""

    serializer_class = ContractSerializer
    queryset = Contract.objects.none()
    filterset_fields = ["commission", "provider"]

    def get_queryset(self) -> QuerySet[Contract]:
        return (
            Contract.objects.select_related("provider")
            .prefetch_related("shares__organisation")
            .order_by("-signed_on", "-pk")
        )


router.register("tenders", TenderViewSet, basename="tender")
router.register("bids", BidViewSet, basename="bid")
router.register("clarifications", ClarificationViewSet, basename="clarification")
router.register("evaluators", EvaluatorViewSet, basename="evaluator")
router.register("scoresheets", ScoreSheetViewSet, basename="scoresheet")
router.register("award-recommendations", RecommendationViewSet, basename="award-recommendation")
router.register("contracts", ContractViewSet, basename="contract")
