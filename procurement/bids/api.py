"""API for bids (sealed: the bidder's own, the lead's and the cleared panel's after the deadline)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantAPIMixin
from core.api_fields import BoundedSerializerMixin
from core.errors import NotPermitted
from partners.models import Role
from procurement import permissions
from procurement.bids import rules, services
from procurement.bids.models import SOCIAL_VALUE_MAX_TARGET, Bid, BidSocialValue
from procurement.tenders.models import Lot, Tender

# --- tenders (public once published) --------------------------------------------------------------------------------


UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


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
        return BidVersionSerializer(v).data if v else None

    def get_content(self, bid: Bid) -> dict[str, Any] | None:
        acting = self.context["request"].acting
        if acting.organisation is not None and acting.organisation.pk == bid.organisation_id:
            return rules.canonical_content(bid)
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
    viewsets.GenericViewSet,
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
        panel = Q(tender_id__in=permissions.scoring_seats(acting))
        return (
            Bid.objects.filter(mine | lead | panel)
            .select_related("organisation", "current_version", "tender", "lot")
            .order_by("-created_at", "-pk")
        )

    def _own(self) -> Bid:
        bid = self.get_object()
        if bid.organisation_id != self.acting.organisation.pk:
            raise NotPermitted("Only the bidding organisation can change its bid")
        return bid

    @extend_schema(request=BidCreateSerializer, responses=BidSerializer)
    def create(self, request: Request) -> Response:
        data = self.validated(BidCreateSerializer)
        tender = get_object_or_404(Tender.objects.filter(published_at__isnull=False), pk=data["tender"])
        lot = None
        if data.get("lot"):
            lot = get_object_or_404(Lot.objects.filter(tender=tender), pk=data["lot"])
        bid = services.bid_start(tender=tender, by=self.acting, lot=lot)
        return Response(BidSerializer(bid, context={"request": request}).data, status=201)

    @extend_schema(request=BidDraftSerializer, responses=BidSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        bid = self._own()
        v = self.validated(BidDraftSerializer)
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


# --- social value commitments (part of the sealed bid: the bidder's alone until submitted) ----------------------------


class BidSocialValueSerializer(BoundedSerializerMixin, serializers.ModelSerializer[BidSocialValue]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    bid = serializers.SlugRelatedField(slug_field="public_id", queryset=Bid.objects.none())
    target = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=Decimal(SOCIAL_VALUE_MAX_TARGET)
    )
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = BidSocialValue
        fields = ["id", "bid", "kind", "kind_label", "description", "target", "unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        acting = getattr(request, "acting", None)
        if acting is not None and acting.organisation is not None:
            self.fields["bid"].queryset = Bid.objects.filter(organisation=acting.organisation)  # type: ignore[attr-defined]


class BidSocialValueViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your bids' social value commitments (kind, target per year, unit, what it means): the bidder's working copy
    only. What the commissioners read after the deadline is the submitted version's ``content.social_value``."""

    serializer_class = BidSocialValueSerializer
    queryset = BidSocialValue.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    required_roles = permissions.BID_ROLES
    write_roles = permissions.BID_ROLES

    def get_queryset(self) -> QuerySet[BidSocialValue]:
        return BidSocialValue.objects.select_related("bid").order_by("bid_id", "id")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.bid_social_value_add(
            bid=data["bid"],
            kind=data["kind"],
            target=data["target"],
            unit=data.get("unit", ""),
            description=data["description"],
            by=self.acting,
        )

    def perform_destroy(self, instance: BidSocialValue) -> None:
        services.bid_social_value_remove(commitment=instance, by=self.acting)
