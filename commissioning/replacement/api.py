"""REST API: what a commission replaces, notices to providers, impact notes, the Compact, options appraisals."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.commissions.models import JointCommission
from commissioning.replacement.models import (
    MAX_SAVING,
    TEXT_LIMIT,
    AppraisalModel,
    AppraisalOption,
    DecommissioningImpact,
    OptionsAppraisal,
    ProviderNotice,
    ReplacedContract,
    notice_months_for,
)
from commissioning.replacement.selectors import appraisals_for, links_of, notices_for, replacement_summary
from commissioning.replacement.services import (
    appraisal_choose,
    appraisal_option_set,
    appraisal_start,
    compact_update,
    contracts_replace,
    impact_record,
    provider_notice_send,
    replaced_contract_remove,
    replaced_contract_saving,
)
from commissioning.service_map.api import id_filters, money_field, partnership_for
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from partners.models import Role


class ReplacedContractSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ReplacedContract]):
    provider_name = serializers.CharField(source="contract.provider_name", read_only=True)
    title = serializers.CharField(source="contract.title", read_only=True)
    annual_value = money_field(source="contract.annual_value", read_only=True)
    saving = money_field(required=False, min_value=0, max_value=MAX_SAVING)

    class Meta:
        model = ReplacedContract
        fields = [
            "id",
            "commission",
            "contract",
            "organisation",
            "provider_name",
            "title",
            "annual_value",
            "saving",
            "saving_note",
            "linked_at",
        ]
        read_only_fields = ["organisation", "linked_at"]


class ReplacedContractViewSet(TenantModelViewSet):
    """The mapped contracts each commission replaces (filter by ``commission``). A partner's commissioner links its
    own (POST ``commission`` and ``contract``), records the saving (PATCH ``saving``, ``saving_note``) or unlinks."""

    serializer_class = ReplacedContractSerializer
    queryset = ReplacedContract.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = id_filters(ReplacedContract, "commission", "organisation")

    def get_queryset(self) -> QuerySet[ReplacedContract]:
        return ReplacedContract.objects.select_related("contract").order_by("commission_id", "pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        commission = d["commission"]
        linked = contracts_replace(commission=commission, contracts=[d["contract"]], by=self.acting)
        serializer.instance = linked[0] if linked else ReplacedContract.objects.get(contract=d["contract"])
        if "saving" in d:
            serializer.instance = replaced_contract_saving(
                link=serializer.instance, saving=d["saving"], note=d.get("saving_note", ""), by=self.acting
            )

    def perform_update(self, serializer: Any) -> None:
        d = serializer.validated_data
        link = serializer.instance
        serializer.instance = replaced_contract_saving(
            link=link,
            saving=d.get("saving", link.saving),
            note=d.get("saving_note", link.saving_note),
            by=self.acting,
        )

    def perform_destroy(self, instance: ReplacedContract) -> None:
        replaced_contract_remove(link=instance, by=self.acting)


class ReplacementSummaryView(TenantAPIView):
    """What a commission replaces: contracts before and after, the value replaced per partner and each financial
    year, against the new contributions (figures you may not see are ``null``), new money and savings."""

    required_roles = READ_ROLES

    @extend_schema(responses=None)
    def get(self, request: Request, commission_id: int) -> Response:
        commission = get_object_or_404(JointCommission.objects.all(), pk=commission_id)
        s = replacement_summary(commission=commission, acting=self.acting)

        def amount(value: Any) -> str | None:
            return None if value is None else f"{value:.2f}"

        return Response(
            {
                "commission": commission.pk,
                "contracts_before": s.contracts_before,
                "contracts_after": s.contracts_after,
                "replaced_a_year": f"{s.replaced_a_year:.2f}",
                "saving": f"{s.saving:.2f}",
                "notice_months": s.notice_months,
                "years": [
                    {
                        "financial_year": line.label,
                        "replaced": f"{line.replaced:.2f}",
                        "contributions": amount(line.contributions),
                        "new_money": amount(line.new_money),
                    }
                    for line in s.lines
                ],
                "partners": [
                    {
                        "organisation": p.organisation_id,
                        "name": p.name,
                        "contracts_replaced": p.contracts,
                        "replaced_a_year": f"{p.replaced_a_year:.2f}",
                        "saving": f"{p.saving:.2f}",
                        "new_funding": p.new_funding,
                        "years": [
                            {
                                "financial_year": y,
                                "contribution": amount(p.contribution(y)),
                                "new_money": amount(p.new_money(y)),
                            }
                            for y in s.years
                        ],
                    }
                    for p in s.partners
                ],
                "contracts": [link.pk for link in links_of(commission=commission)],
            }
        )


class ProviderNoticeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ProviderNotice]):
    provider_name = serializers.CharField(source="contract.provider_name", read_only=True)
    late = serializers.BooleanField(read_only=True)
    letter = serializers.SerializerMethodField()
    reason = serializers.CharField(max_length=TEXT_LIMIT)
    sent_on = serializers.DateField(required=False)

    class Meta:
        model = ProviderNotice
        fields = [
            "id",
            "contract",
            "provider_name",
            "commission",
            "organisation",
            "because",
            "reason",
            "sent_on",
            "notice_months",
            "ends_on",
            "change_on",
            "late",
            "letter",
        ]
        read_only_fields = ["commission", "organisation", "because", "notice_months", "ends_on", "change_on"]

    def get_letter(self, obj: ProviderNotice) -> str:
        return reverse("provider-notice-letter", kwargs={"provider_notice_id": obj.pk})


class ProviderNoticeViewSet(TenantModelViewSet):
    """Written notice to providers of contracts being replaced or ended (the Compact's notice period; ``late`` when it
    runs out after the change). The contract's funder sends it (POST ``contract``, ``reason``, ``sent_on``)."""

    serializer_class = ProviderNoticeSerializer
    queryset = ProviderNotice.objects.none()
    required_roles = (*READ_ROLES, Role.BIDDER)
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(ProviderNotice, "contract", "commission")

    def get_queryset(self) -> QuerySet[ProviderNotice]:
        return notices_for(organisation=self.acting.organisation)

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = provider_notice_send(
            contract=d["contract"], reason=d["reason"], sent_on=d.get("sent_on"), by=self.acting
        )


class ImpactSerializer(BoundedSerializerMixin, serializers.ModelSerializer[DecommissioningImpact]):
    class Meta:
        model = DecommissioningImpact
        fields = ["id", "contract", "who_is_affected", "service_users", "staff", "mitigation", "updated_at"]
        read_only_fields = ["updated_at"]
        extra_kwargs = {"contract": {"validators": []}}  # one note per contract: posting again rewrites it


class ImpactViewSet(TenantModelViewSet):
    """Decommissioning impact notes, one per contract being ended or replaced (POST again to rewrite it)."""

    serializer_class = ImpactSerializer
    queryset = DecommissioningImpact.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(DecommissioningImpact, "contract")

    def get_queryset(self) -> QuerySet[DecommissioningImpact]:
        return DecommissioningImpact.objects.order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        d = dict(serializer.validated_data)
        contract = d.pop("contract")
        serializer.instance = impact_record(contract=contract, by=self.acting, **d)


class AppraisalOptionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AppraisalOption]):
    class Meta:
        model = AppraisalOption
        fields = ["model", "advantages", "disadvantages"]


class AppraisalSerializer(BoundedSerializerMixin, serializers.ModelSerializer[OptionsAppraisal]):
    options = AppraisalOptionSerializer(many=True, read_only=True)

    class Meta:
        model = OptionsAppraisal
        fields = [
            "id",
            "partnership",
            "service_area",
            "commission",
            "title",
            "options",
            "chosen",
            "chosen_reason",
            "organisation",
            "created_at",
        ]
        read_only_fields = ["partnership", "chosen", "chosen_reason", "organisation", "created_at"]


class ChooseSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    model = serializers.ChoiceField(choices=AppraisalModel.choices)
    reason = serializers.CharField(max_length=TEXT_LIMIT)


class AppraisalViewSet(TenantModelViewSet):
    """Options appraisals per service area (and commission): each model considered, in-house delivery included,
    with advantages and disadvantages (POST ``options``), and the option chosen with the reason (POST ``choose``)."""

    serializer_class = AppraisalSerializer
    queryset = OptionsAppraisal.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(OptionsAppraisal, "service_area", "commission")

    def get_queryset(self) -> QuerySet[OptionsAppraisal]:
        return appraisals_for().prefetch_related("options")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = appraisal_start(
            service_area=d["service_area"], title=d["title"], commission=d.get("commission"), by=self.acting
        )

    @extend_schema(request=AppraisalOptionSerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"], url_path="options")
    def add_option(self, request: Request, pk: Any = None) -> Response:
        appraisal = self.get_object()
        d = self.validated(AppraisalOptionSerializer)
        appraisal_option_set(appraisal=appraisal, by=self.acting, **d)
        return Response(
            AppraisalSerializer(self.get_queryset().get(pk=appraisal.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ChooseSerializer, responses=AppraisalSerializer)
    @action(detail=True, methods=["post"])
    def choose(self, request: Request, pk: Any = None) -> Response:
        appraisal = self.get_object()
        d = self.validated(ChooseSerializer)
        appraisal_choose(appraisal=appraisal, model=d["model"], reason=d["reason"], by=self.acting)
        return Response(AppraisalSerializer(self.get_queryset().get(pk=appraisal.pk)).data)


class CompactSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    notice_months = serializers.IntegerField(min_value=1, max_value=24)


class CompactSettingsView(TenantAPIView):
    """The notice period agreed under the partnership's local Compact (three months by default). The accountable
    body's admin or commissioner changes it."""

    required_roles = READ_ROLES
    write_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)

    @extend_schema(responses=CompactSerializer)
    def get(self, request: Request, partnership_id: int) -> Response:
        partnership = partnership_for(self.acting, partnership_id)
        return Response({"notice_months": notice_months_for(partnership.pk)})

    @extend_schema(request=CompactSerializer, responses=CompactSerializer)
    def put(self, request: Request, partnership_id: int) -> Response:
        partnership = partnership_for(self.acting, partnership_id)
        d = self.validated(CompactSerializer)
        found = compact_update(partnership=partnership, notice_months=d["notice_months"], by=self.acting)
        return Response({"notice_months": found.notice_months})
