"""REST API: contributions and the finance reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.commissions.models import Contribution, ContributionStatus, JointCommission
from commissioning.commissions.permissions import sees_whole_partnership_report
from commissioning.money.models import ChangeKind, ChangeStatus, ContributionChange, ReportFile
from commissioning.money.report_pdf import latest_file, report_pdf_request, status_of
from commissioning.money.selectors import Figures, contribution_report, contributions_visible
from commissioning.money.services import (
    CONTRIBUTION_STEPS,
    VARIATION_STEPS,
    contribution_confirm,
    contribution_remove,
    contribution_set,
    contribution_transfer,
    variation_propose,
    variation_withdraw,
)
from commissioning.money.workflows import CONTRIBUTION_WORKFLOW, VARIATION_WORKFLOW
from commissioning.service_map.api import id_filters, money_field, partnership_for
from commissioning.service_map.permissions import FINANCE_ROLES, MONEY_ROLES, READ_ROLES, WRITE_ROLES
from core.api import TenantAPIView, TenantModelViewSet, TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from core.errors import NotPermitted
from partners.models import Organisation


def figures_json(f: Figures) -> dict[str, str]:
    return {
        "indicative": f"{f.indicative:.2f}",
        "confirmed": f"{f.confirmed:.2f}",
        "transferred": f"{f.transferred:.2f}",
        "outstanding": f"{f.outstanding:.2f}",
        "total": f"{f.pledged:.2f}",
    }


class ContributionChangeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ContributionChange]):
    """One change to a contribution's amount: an indicative figure changed, or a variation (pending until the
    partner re-confirms it; the old figure stands meanwhile)."""

    old_amount = money_field(read_only=True)
    new_amount = money_field(read_only=True)
    proposed_by_name = serializers.CharField(source="proposed_by.get_full_name", read_only=True, default="")
    decided_by_name = serializers.CharField(source="decided_by.get_full_name", read_only=True, default="")

    class Meta:
        model = ContributionChange
        fields = [
            "id",
            "contribution",
            "kind",
            "status",
            "old_amount",
            "new_amount",
            "reason",
            "proposed_by",
            "proposed_by_name",
            "proposed_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
        ]
        read_only_fields = fields


class VariationSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    new_amount = money_field()
    reason = serializers.CharField(max_length=1000)


class ContributionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Contribution]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    financial_year_label = serializers.CharField(source="year_label", read_only=True)
    amount = money_field(min_value=Decimal("0"))
    reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, write_only=True, help_text="Why an indicative figure changed"
    )
    changes = ContributionChangeSerializer(many=True, read_only=True, help_text="Every change, newest first")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "commission",
            "organisation",
            "organisation_name",
            "financial_year",
            "financial_year_label",
            "amount",
            "status",
            "source",
            "funding_source",
            "confirmed_at",
            "transferred_on",
            "transfer_reference",
            "reason",
            "changes",
        ]
        read_only_fields = ["status", "confirmed_at", "transferred_on", "transfer_reference", "changes"]
        validators: list[Any] = []  # one row per partner and year: recording again changes the indicative figure


class TransferSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    transferred_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)


class ContributionViewSet(WorkflowActions, TenantModelViewSet):
    """Contributions per partner per financial year: indicative -> confirmed -> transferred. A finance officer sees
    their own organisation's rows (and the totals, on ``commissions/{id}/totals/``); commissioners taking part and
    the accountable body see every partner's. ``POST`` records or changes an indicative figure (the old one kept in ``changes``; a confirmed or transferred figure is refused: ``variation``); ``transition`` takes a step of the workflow (a transfer needs
    its date and reference: ``transfer``)."""

    serializer_class = ContributionSerializer
    queryset = Contribution.objects.none()
    workflow = CONTRIBUTION_WORKFLOW
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = id_filters(
        Contribution,
        "commission",
        "organisation",
        financial_year=django_filters.NumberFilter(),
        status=django_filters.ChoiceFilter(choices=ContributionStatus.choices),
    )

    def get_queryset(self) -> QuerySet[Contribution]:
        return (
            contributions_visible(acting=self.acting)
            .prefetch_related(
                Prefetch(
                    "changes",
                    queryset=ContributionChange.objects.select_related("proposed_by", "decided_by").order_by(
                        "-proposed_at", "-id"
                    ),
                )
            )
            .order_by("commission_id", "financial_year", "organisation__name")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        contribution = contribution_set(
            commission=commission,
            organisation=data["organisation"],
            financial_year=data["financial_year"],
            amount=data["amount"],
            source=data.get("source"),
            funding_source=data.get("funding_source", ""),
            reason=data.get("reason", ""),
            by=self.acting,
        )
        fresh = self.get_queryset().get(pk=contribution.pk)
        return Response(ContributionSerializer(fresh).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Contribution) -> None:
        contribution_remove(contribution=instance, by=self.acting)

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return CONTRIBUTION_STEPS[name](contribution=obj, by=self.acting)

    @action(detail=True, methods=["post"], write_roles=MONEY_ROLES)
    def confirm(self, request: Request, pk: Any = None) -> Response:
        contribution = contribution_confirm(contribution=self.get_object(), by=self.acting)
        return Response(ContributionSerializer(contribution).data)

    @extend_schema(request=TransferSerializer, responses=ContributionSerializer)
    @action(detail=True, methods=["post"], write_roles=MONEY_ROLES)
    def transfer(self, request: Request, pk: Any = None) -> Response:
        contribution = self.get_object()
        d = self.validated(TransferSerializer)
        contribution = contribution_transfer(
            contribution=contribution,
            transferred_on=d["transferred_on"],
            reference=d["reference"],
            by=self.acting,
        )
        return Response(ContributionSerializer(contribution).data)

    @extend_schema(request=VariationSerializer, responses={201: ContributionChangeSerializer})
    @action(detail=True, methods=["post"], write_roles=MONEY_ROLES)
    def variation(self, request: Request, pk: Any = None) -> Response:
        """Propose a new figure for a confirmed or transferred contribution, with the reason. The old figure stands
        until the partner re-confirms (``contribution-changes/{id}/transition/`` with ``reconfirmed``)."""
        contribution = self.get_object()
        d = self.validated(VariationSerializer)
        change = variation_propose(
            contribution=contribution, new_amount=d["new_amount"], reason=d["reason"], by=self.acting
        )
        return Response(ContributionChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class ContributionChangeViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """Every change to the contributions you may see: indicative figures changed (old value kept) and variations
    to confirmed or transferred figures. A pending variation is re-confirmed by a commissioner or finance officer of
    the contributing partner (``transition`` ``reconfirmed``), or withdrawn (``withdrawn``)."""

    serializer_class = ContributionChangeSerializer
    queryset = ContributionChange.objects.none()
    workflow = VARIATION_WORKFLOW
    required_roles = READ_ROLES
    write_roles = MONEY_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(
        ContributionChange,
        "contribution",
        status=django_filters.ChoiceFilter(choices=ChangeStatus.choices),
        kind=django_filters.ChoiceFilter(choices=ChangeKind.choices),
    )

    def get_queryset(self) -> QuerySet[ContributionChange]:
        visible = contributions_visible(acting=self.acting).values("pk")
        return (
            ContributionChange.objects.filter(contribution__in=visible)
            .select_related("proposed_by", "decided_by")
            .order_by("-proposed_at", "-id")
        )

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name == "withdrawn":
            return variation_withdraw(change=obj, by=self.acting, reason=reason)
        return VARIATION_STEPS[name](change=obj, by=self.acting)


class ContributionReportView(TenantAPIView):
    """The partner contribution report: for your organisation (default), or -- for the accountable body -- one
    partner (``organisation``) or every partner (``scope=partnership``). Per commission and financial year:
    indicative, confirmed, transferred, transfers outstanding, the commission's total and the partner's share."""

    required_roles = FINANCE_ROLES

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", int, required=True),
            OpenApiParameter("organisation", int),
            OpenApiParameter("scope", str, enum=["partnership"]),
        ],
        responses=None,
    )
    def get(self, request: Request) -> Response:
        partnership = partnership_for(self.acting, request.query_params.get("partnership"))
        whole = sees_whole_partnership_report(partnership, self.acting)
        organisation: Organisation | None = self.acting.organisation
        if request.query_params.get("scope") == "partnership":
            if not whole:
                raise NotPermitted("Only the accountable body can report on every partner")
            organisation = None
        else:
            raw = request.query_params.get("organisation", "")
            if raw.isdigit() and int(raw) != self.acting.organisation.pk:
                if not whole:
                    raise NotPermitted("You can report on your own organisation's contributions only")
                organisation = get_object_or_404(partnership.members.all(), pk=int(raw))
        report = contribution_report(partnership=partnership, organisation=organisation)
        return Response(
            {
                "partnership": partnership.pk,
                "organisation": organisation.pk if organisation else None,
                "title": report.title,
                "generated_at": report.generated_at,
                "reconciles": report.reconciles,
                "years": [
                    {
                        "financial_year": y.label,
                        **figures_json(y.figures),
                        "commissions_total": f"{y.commissions_total:.2f}",
                    }
                    for y in report.years
                ],
                "totals": {**figures_json(report.totals), "commissions_total": f"{report.commissions_total:.2f}"},
                "lines": [
                    {
                        "commission": line.commission_id,
                        "commission_title": line.commission,
                        "partner": line.partner,
                        "financial_year": line.year_label,
                        **figures_json(line.figures),
                        "commission_total": f"{line.commission_total:.2f}",
                        "share": f"{line.share * 100:.2f}" if line.share is not None else None,
                    }
                    for line in report.lines
                ],
            }
        )


class ContributionReportPdfView(TenantAPIView):
    """Every partner's contribution report as a PDF (the accountable body's finance officers and commissioners):
    ``GET`` the latest one's progress; ``POST`` asks for the PDF of the figures as they stand now (the stored one when
    they are unchanged, else prepared in the background). Either answers ``{"status", "label", "progress", "ready",
    "download_url", "size"}``; ``download_url`` is the page route that serves the file."""

    required_roles = FINANCE_ROLES
    write_roles = FINANCE_ROLES

    def _partnership(self, request: Request) -> Any:
        data = request.data if request.method == "POST" and isinstance(request.data, dict) else {}
        raw = data.get("partnership")
        partnership = partnership_for(self.acting, raw or request.query_params.get("partnership"))
        if not sees_whole_partnership_report(partnership, self.acting):
            raise NotPermitted("Only the accountable body can report on every partner")
        return partnership

    @extend_schema(parameters=[OpenApiParameter("partnership", int, required=True)], responses=None)
    def get(self, request: Request) -> Response:
        partnership = self._partnership(request)
        return Response(status_of(latest_file(partnership), download_url=_pdf_url(partnership.pk)))

    @extend_schema(parameters=[OpenApiParameter("partnership", int, required=True)], request=None, responses=None)
    def post(self, request: Request) -> Response:
        partnership = self._partnership(request)
        report = contribution_report(partnership=partnership, organisation=None)
        file = report_pdf_request(partnership=partnership, report=report, by=self.acting)
        file.refresh_from_db()
        ready = file.status == ReportFile.Status.READY
        return Response(
            status_of(file, download_url=_pdf_url(partnership.pk)),
            status=status.HTTP_200_OK if ready else status.HTTP_202_ACCEPTED,
        )


def _pdf_url(partnership_id: int) -> str:
    return f"{reverse('contribution-report-pdf', args=[partnership_id])}?scope=partnership"
