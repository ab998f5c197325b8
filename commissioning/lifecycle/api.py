"""REST API: the commission's life as a whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.agreements.api import AgreementSummarySerializer
from commissioning.commissions.api import (
    InviteSerializer,
    ModelChoiceSerializer,
    ParticipationSerializer,
    RespondSerializer,
    YearPartSerializer,
    year_part_json,
)
from commissioning.commissions.models import CommissioningModel, CommissionStatus, JointCommission
from commissioning.commissions.rules import suggestion_for
from commissioning.commissions.selectors import suggest
from commissioning.commissions.services import (
    commission_choose_model,
    commission_create,
    commission_invite,
    commission_respond,
    commission_update,
)
from commissioning.lifecycle.rules import procurement_blockers, sign_up_blockers
from commissioning.lifecycle.services import commission_transition
from commissioning.lifecycle.workflows import COMMISSION_WORKFLOW
from commissioning.money.api import figures_json
from commissioning.money.rules import pro_rata
from commissioning.money.selectors import contribution_table, share
from commissioning.service_map.api import id_filters, money_field, partnership_for
from commissioning.service_map.permissions import READ_ROLES, WRITE_ROLES
from commissioning.timetable.api import StageSerializer, TimetableSerializer
from commissioning.timetable.services import timetable_from_template
from core.amounts import AmountError, parse_amount
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from core.money import financial_year_label
from partners.models import Organisation, Role


class ProRataSerializer(YearPartSerializer):
    amount = money_field()
    adjustment = money_field(allow_negative=True, help_text="Added to the last year so the years add up exactly")
    note = serializers.CharField(max_length=300)


class CommissionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[JointCommission]):
    participations = ParticipationSerializer(many=True, read_only=True)
    agreements = AgreementSummarySerializer(many=True, read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    financial_years = serializers.SerializerMethodField()
    term = serializers.SerializerMethodField()

    class Meta:
        model = JointCommission
        fields = [
            "id",
            "partnership",
            "service_area",
            "title",
            "intended_outcomes",
            "outcomes",
            "model",
            "model_reason",
            "suggested_model",
            "suggestion_reason",
            "new_service",
            "lead",
            "lead_name",
            "lead_contact",
            "term_years",
            "start_date",
            "financial_years",
            "term",
            "status",
            "participations",
            "agreements",
            "created_at",
        ]
        read_only_fields = [
            "partnership",
            "lead",
            "lead_contact",
            "status",
            "suggested_model",
            "suggestion_reason",
            "model",
            "model_reason",
            "created_at",
        ]

    def get_financial_years(self, obj: JointCommission) -> list[str]:
        return [financial_year_label(y) for y in obj.financial_years]

    @extend_schema_field(YearPartSerializer(many=True))
    def get_term(self, obj: JointCommission) -> list[dict[str, Any]]:
        """Every financial year the term touches, part-years at either end flagged and labelled."""
        return [year_part_json(p) for p in obj.year_parts]


class CommissionViewSet(WorkflowActions, TenantModelViewSet):
    """Joint commissions you lead, are invited to or take part in (and, for the accountable body, those it holds
    money for). Steps: ``invite``, ``respond``, ``choose-model``, ``transition`` and ``transitions`` (the workflow), ``blockers`` (what stops
    procurement), ``totals`` (per financial year), ``timetable`` (create stages from the TSCiP template)."""

    serializer_class = CommissionSerializer
    queryset = JointCommission.objects.none()
    workflow = COMMISSION_WORKFLOW
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(
        JointCommission,
        "partnership",
        "service_area",
        "lead",
        status=django_filters.ChoiceFilter(choices=CommissionStatus.choices),
        model=django_filters.ChoiceFilter(choices=CommissioningModel.choices),
    )

    def get_queryset(self) -> QuerySet[JointCommission]:
        return (
            JointCommission.objects.select_related("lead")
            .prefetch_related("participations__organisation", "agreements", "outcomes")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = commission_create(
            service_area=data["service_area"],
            title=data["title"],
            intended_outcomes=data.get("intended_outcomes", ""),
            term_years=data["term_years"],
            start_date=data["start_date"],
            new_service=data.get("new_service", False),
            outcomes=data.get("outcomes", []),
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        c = serializer.instance
        data = serializer.validated_data
        serializer.instance = commission_update(
            commission=c,
            by=self.acting,
            title=data.get("title", c.title),
            intended_outcomes=data.get("intended_outcomes", c.intended_outcomes),
            term_years=data.get("term_years", c.term_years),
            start_date=data.get("start_date", c.start_date),
            new_service=data.get("new_service", c.new_service),
            outcomes=data.get("outcomes", list(c.outcomes.all())),
        )

    def _done(self, commission: JointCommission) -> Response:
        fresh = self.get_queryset().get(pk=commission.pk)
        return Response(CommissionSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=InviteSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        d = self.validated(InviteSerializer)
        organisations = list(Organisation.objects.filter(pk__in=d["organisations"]))
        if len(organisations) != len(set(d["organisations"])):
            raise DomainError("Some of those organisations do not exist", field="organisations")
        commission_invite(commission=commission, organisations=organisations, by=self.acting)
        return self._done(commission)

    @extend_schema(request=RespondSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"], write_roles=(Role.COMMISSIONER, Role.ORG_ADMIN))
    def respond(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        d = self.validated(RespondSerializer)
        commission_respond(commission=commission, accept=d["accept"], reason=d["reason"], by=self.acting)
        return self._done(commission)

    @extend_schema(request=ModelChoiceSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"], url_path="choose-model")
    def choose_model(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        d = self.validated(ModelChoiceSerializer)
        commission_choose_model(commission=commission, model=d["model"], reason=d["reason"], by=self.acting)
        return self._done(commission)

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return commission_transition(commission=obj, name=name, by=self.acting, reason=reason)

    @action(detail=True, methods=["get"])
    def blockers(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        suggestion = suggestion_for(commission)
        return Response(
            {
                "status": commission.status,
                "procurement_blockers": procurement_blockers(commission),
                "sign_up_blockers": sign_up_blockers(commission),
                "suggested_model": suggestion.model,
                "suggestion_reason": suggestion.reason,
                "available_steps": [t.name for t in COMMISSION_WORKFLOW.available(commission, self.acting)],
            }
        )

    @action(detail=True, methods=["get"])
    def totals(self, request: Request, pk: Any = None) -> Response:
        """Totals per financial year and over the term (every partner's money), and your own organisation's share."""
        commission = self.get_object()
        table = contribution_table(commission=commission, acting=self.acting)
        own = next((r for r in table.rows if r.is_own), None)
        years = []
        for part in table.parts:
            year = part.year
            figures = table.totals[year]
            cell = own.cells.get(year) if own else None
            own_amount = cell.amount if cell is not None else Decimal("0.00")
            share_value = share(own_amount, figures.pledged)
            years.append(
                {
                    **year_part_json(part),
                    **figures_json(figures),
                    "own_amount": f"{own_amount:.2f}",
                    "own_share": f"{share_value * 100:.2f}" if share_value is not None else None,
                }
            )
        return Response({"years": years, "term": figures_json(table.term), "reconciles": table.reconciles})

    @extend_schema(
        parameters=[OpenApiParameter("annual", str, required=True, description="A full year's money, e.g. 23750")],
        responses=ProRataSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="pro-rata", pagination_class=None)
    def pro_rata(self, request: Request, pk: Any = None) -> Response:
        """A suggested split of a full year's money over the term, each year by the days the term covers in it, to
        the penny; the years add up exactly to annual x term (the rounding on the last year, which says so)."""
        commission = self.get_object()
        raw = request.query_params.get("annual", "")
        try:
            annual = parse_amount(raw)
        except AmountError as error:
            raise DomainError(error.message, field="annual") from error
        if annual is None:
            raise DomainError("Give a full year's money: ?annual=23750", field="annual")
        return Response(
            [
                {
                    **year_part_json(s.part),
                    "amount": f"{s.amount:.2f}",
                    "adjustment": f"{s.remainder:.2f}",
                    "note": s.note,
                }
                for s in pro_rata(annual, commission.year_parts)
            ]
        )

    @extend_schema(request=TimetableSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def timetable(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        d = self.validated(TimetableSerializer)
        stages = timetable_from_template(commission=commission, begins_on=d.get("begins_on"), by=self.acting)
        return Response(StageSerializer(stages, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("partnership", int, required=True),
            OpenApiParameter("partners", int, required=True),
            OpenApiParameter("annual_value", str),
            OpenApiParameter("new_service", bool),
        ]
    )
    @action(detail=False, methods=["get"], url_path="suggest-model")
    def suggest_model(self, request: Request) -> Response:
        """The model the seeds' guidance suggests for a number of partners, an annual value and a new service."""
        params = request.query_params
        partnership = partnership_for(self.acting, params.get("partnership"))
        try:
            partners = int(params.get("partners", "1"))
            raw = params.get("annual_value")
            value = Decimal(raw).quantize(Decimal("0.01")) if raw else None
        except (ValueError, ArithmeticError) as exc:
            raise DomainError("partners is a whole number and annual_value an amount like 43750.00") from exc
        suggestion = suggest(
            partners=partners,
            annual_value=value,
            new_service=params.get("new_service", "").lower() in ("1", "true", "yes"),
            partnership=partnership,
        )
        return Response({"model": suggestion.model, "label": suggestion.label, "reason": suggestion.reason})
