"""This app's REST endpoints, mounted under /api/v1/ by config.urls.

Same scoping and roles as the pages: the tenant scope hides other organisations' objects (404), ``required_roles``
and ``write_roles`` say who may read and write, every write goes through ``commissioning.services``, and
contributions follow the money rule (a finance officer sees their own organisation's figures plus totals).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from commissioning import permissions, selectors, services
from commissioning.models import (
    CommissioningModel,
    CommissionStatus,
    Contribution,
    ContributionStatus,
    DelegationScope,
    EvidenceItem,
    JointCommission,
    MappedContract,
    Outcome,
    Participation,
    PartnershipAgreement,
    ServiceArea,
    Stage,
)
from commissioning.permissions import FINANCE_ROLES, MONEY_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.workflows import COMMISSION_WORKFLOW
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from core.errors import DomainError, PermissionDenied
from core.files import check_upload
from core.money import financial_year_label
from partners.models import Organisation, Partnership, Role, User

router = SimpleRouter(trailing_slash=True)


def _money_field(**kwargs: Any) -> serializers.DecimalField:
    """Exact pounds and pence, rendered as strings ("23750.00")."""
    return MoneySerializerField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


def _figures(f: selectors.Figures) -> dict[str, str]:
    return {
        "indicative": f"{f.indicative:.2f}",
        "confirmed": f"{f.confirmed:.2f}",
        "transferred": f"{f.transferred:.2f}",
        "outstanding": f"{f.outstanding:.2f}",
        "total": f"{f.pledged:.2f}",
    }


def _partnership(acting: Any, pk: Any) -> Partnership:
    if pk in (None, ""):
        raise DomainError("Say which partnership", field="partnership")
    try:
        return get_object_or_404(selectors.partnerships_of(organisation=acting.organisation), pk=int(pk))  # type: ignore[no-any-return]
    except (TypeError, ValueError) as exc:
        raise Http404("No such partnership") from exc


def id_filters(for_model: Any, /, *names: str, **extra: Any) -> type[django_filters.FilterSet]:
    """A FilterSet whose foreign keys filter by id (``?commission=12``) with no queryset of their own: a model
    choice filter's queryset would be built once, outside the request's tenant scope."""
    attrs: dict[str, Any] = {name: django_filters.NumberFilter(field_name=f"{name}_id") for name in names}
    attrs.update(extra)
    attrs["Meta"] = type("Meta", (), {"model": for_model, "fields": []})
    return type(f"{for_model.__name__}Filter", (django_filters.FilterSet,), attrs)


def _by_provider(queryset: Any, name: str, value: str) -> Any:
    from commissioning.models import provider_key

    return queryset.filter(provider_key=provider_key(value))


# --------------------------------------------------------------------------------------------------------------
# The service map
# --------------------------------------------------------------------------------------------------------------


class ServiceAreaSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ServiceArea]):
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)

    class Meta:
        model = ServiceArea
        fields = ["id", "partnership", "partnership_name", "name", "description", "created_at"]
        read_only_fields = ["created_at"]


class ServiceAreaViewSet(TenantModelViewSet):
    """Service areas of your partnerships; ``map`` gives who funds whom, duplication and alignment opportunities."""

    serializer_class = ServiceAreaSerializer
    queryset = ServiceArea.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(ServiceArea, "partnership")

    def get_queryset(self) -> QuerySet[ServiceArea]:
        return ServiceArea.objects.select_related("partnership").order_by("partnership__name", "name")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        partnership = _partnership(self.acting, data["partnership"].pk)
        serializer.instance = services.service_area_create(
            partnership=partnership, name=data["name"], description=data.get("description", ""), by=self.acting
        )

    @extend_schema(parameters=[OpenApiParameter("window", int, description="Alignment window in days")])
    @action(detail=True, methods=["get"])
    def map(self, request: Request, pk: Any = None) -> Response:
        area = self.get_object()
        raw = request.query_params.get("window", "")
        window = int(raw) if raw.isdigit() and 1 <= int(raw) <= 1830 else None
        m = selectors.service_map(area=area, window_days=window)
        return Response(
            {
                "service_area": {"id": area.pk, "name": area.name, "partnership": area.partnership_id},
                "contracts": len(m.contracts),
                "partners_funding": len(m.partners),
                "annual_total": f"{m.total:.2f}",
                "alignable_total": f"{m.alignable_total:.2f}",
                "ring_fenced_total": f"{m.ring_fenced_total:.2f}",
                "partners": [
                    {
                        "organisation": p.organisation_id,
                        "name": p.name,
                        "contracts": p.contracts,
                        "annual_total": f"{p.annual_total:.2f}",
                        "ring_fenced_total": f"{p.ring_fenced_total:.2f}",
                    }
                    for p in m.partners
                ],
                "providers": [
                    {
                        "name": p.name,
                        "contracts": p.contracts,
                        "annual_total": f"{p.annual_total:.2f}",
                        "funded_by": [{"partner": n, "annual_total": f"{v:.2f}"} for n, v in p.funder_list],
                        "duplicated": p.duplicated,
                    }
                    for p in m.providers
                ],
                "window_days": m.window_days,
                "alignment_opportunities": [
                    {
                        "contracts": [c.pk for c in o.contracts],
                        "partners": o.partners,
                        "first_end": o.first_end,
                        "last_end": o.last_end,
                        "combined_annual_value": f"{o.combined_value:.2f}",
                    }
                    for o in m.opportunities
                ],
                "ring_fenced": [
                    {
                        "contract": c.pk,
                        "partner": c.funder.name,
                        "annual_value": f"{c.annual_value:.2f}",
                        "why": c.not_alignable_reason,
                    }
                    for c in m.ring_fenced
                ],
            }
        )


class MappedContractSerializer(BoundedSerializerMixin, serializers.ModelSerializer[MappedContract]):
    funder_name = serializers.CharField(source="funder.name", read_only=True)
    service_area_name = serializers.CharField(source="service_area.name", read_only=True)
    annual_value = _money_field(min_value=Decimal("0"))

    class Meta:
        model = MappedContract
        fields = [
            "id",
            "partnership",
            "service_area",
            "service_area_name",
            "funder",
            "funder_name",
            "provider",
            "provider_name",
            "title",
            "reference",
            "annual_value",
            "start_date",
            "end_date",
            "funding_source",
            "alignable",
            "not_alignable_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["partnership", "funder", "provider", "created_at", "updated_at"]


MappedContractFilter = id_filters(
    MappedContract,
    "partnership",
    "service_area",
    "funder",
    alignable=django_filters.BooleanFilter(),
    ends_after=django_filters.DateFilter(field_name="end_date", lookup_expr="gte"),
    ends_before=django_filters.DateFilter(field_name="end_date", lookup_expr="lte"),
    provider=django_filters.CharFilter(method=_by_provider),
)


class MappedContractViewSet(TenantModelViewSet):
    """Partners' existing contracts and grants. Filter by ``partnership``, ``service_area``, ``funder``, ``alignable``,
    ``provider``, ``ends_after``/``ends_before``. You record and change your own organisation's."""

    serializer_class = MappedContractSerializer
    queryset = MappedContract.objects.none()
    required_roles = READ_ROLES
    write_roles = MONEY_ROLES
    filterset_class = MappedContractFilter
    ordering_fields = ["end_date", "annual_value", "provider_name"]

    def get_queryset(self) -> QuerySet[MappedContract]:
        return selectors.contracts_for(organisation=self.acting.organisation)

    def _values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k in services.CONTRACT_FIELDS}

    def perform_create(self, serializer: Any) -> None:
        values = self._values(serializer.validated_data)
        area = values.pop("service_area")
        serializer.instance = services.mapped_contract_create(service_area=area, by=self.acting, **values)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.mapped_contract_update(
            contract=serializer.instance, by=self.acting, **self._values(serializer.validated_data)
        )

    def perform_destroy(self, instance: MappedContract) -> None:
        services.mapped_contract_delete(contract=instance, by=self.acting)


class ContractImportSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    partnership = serializers.IntegerField()
    file = serializers.FileField()


class ContractImportView(TenantAPIView):
    """Import your organisation's contracts from CSV or XLSX: good rows are kept, bad rows refused with the row
    number and the reason."""

    required_roles = MONEY_ROLES
    write_roles = MONEY_ROLES
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ContractImportSerializer, responses=None)
    def post(self, request: Request) -> Response:
        s = ContractImportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        partnership = _partnership(self.acting, s.validated_data["partnership"])
        upload = s.validated_data["file"]
        try:
            check_upload(upload, allowed=("csv", "xlsx"))
        except Exception as exc:
            raise DomainError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
        run = services.contracts_import(partnership=partnership, upload=upload, by=self.acting)
        return Response(
            {
                "id": run.pk,
                "rows": run.rows_total,
                "imported": run.rows_imported,
                "refused": run.rows_refused,
                "report": run.report,
            },
            status=status.HTTP_201_CREATED,
        )


class EvidenceSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EvidenceItem]):
    has_document = serializers.SerializerMethodField()
    document = serializers.FileField(write_only=True, required=False)

    class Meta:
        model = EvidenceItem
        fields = [
            "id",
            "partnership",
            "service_area",
            "title",
            "summary",
            "url",
            "tags",
            "has_document",
            "document",
            "original_filename",
            "added_by_organisation",
            "created_at",
        ]
        read_only_fields = ["original_filename", "added_by_organisation", "created_at"]

    def get_has_document(self, obj: EvidenceItem) -> bool:
        return bool(obj.document)


class EvidenceViewSet(TenantModelViewSet):
    """The partnership's shared evidence base: documents and links, tagged (filter with ``tag``)."""

    serializer_class = EvidenceSerializer
    queryset = EvidenceItem.objects.none()
    required_roles = READ_ROLES
    write_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = id_filters(EvidenceItem, "partnership", "service_area")

    def get_queryset(self) -> QuerySet[EvidenceItem]:
        items = EvidenceItem.objects.select_related("service_area")
        tag = self.request.query_params.get("tag")
        return items.filter(tags__contains=[tag.lower()]) if tag else items

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        document = data.get("document")
        if document is not None:
            try:
                check_upload(document)
            except Exception as exc:
                raise DomainError(getattr(exc, "messages", [str(exc)])[0], field="document") from exc
        serializer.instance = services.evidence_add(
            partnership=_partnership(self.acting, data["partnership"].pk),
            title=data["title"],
            summary=data.get("summary", ""),
            url=data.get("url", ""),
            document=document,
            tags=data.get("tags", []),
            service_area=data.get("service_area"),
            by=self.acting,
        )


class OutcomeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Outcome]):
    class Meta:
        model = Outcome
        fields = ["id", "partnership", "kind", "title", "description", "position"]
        read_only_fields = ["position"]


class OutcomeViewSet(TenantModelViewSet):
    """Each partnership's outcomes framework: outcomes and principles that commissions, tenders and KPIs link to."""

    serializer_class = OutcomeSerializer
    queryset = Outcome.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(Outcome, "partnership", kind=django_filters.ChoiceFilter(choices=Outcome.Kind.choices))

    def get_queryset(self) -> QuerySet[Outcome]:
        return Outcome.objects.order_by("partnership_id", "kind", "position", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = services.outcome_add(
            partnership=_partnership(self.acting, data["partnership"].pk),
            kind=data.get("kind", Outcome.Kind.OUTCOME),
            title=data["title"],
            description=data.get("description", ""),
            by=self.acting,
        )


# --------------------------------------------------------------------------------------------------------------
# Joint commissions
# --------------------------------------------------------------------------------------------------------------


class ParticipationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Participation]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "organisation",
            "organisation_name",
            "status",
            "is_lead",
            "invited_at",
            "responded_at",
            "response_reason",
        ]


class AgreementSummarySerializer(BoundedSerializerMixin, serializers.ModelSerializer[PartnershipAgreement]):
    class Meta:
        model = PartnershipAgreement
        fields = ["id", "organisation", "scopes", "signatory_name", "signed_on", "valid_from", "valid_until"]


class CommissionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[JointCommission]):
    participations = ParticipationSerializer(many=True, read_only=True)
    agreements = AgreementSummarySerializer(many=True, read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    financial_years = serializers.SerializerMethodField()

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


class ModelChoiceSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    model = serializers.ChoiceField(choices=CommissioningModel.choices)
    reason = serializers.CharField()


class InviteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisations = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


@extend_schema_serializer(component_name="CommissionInvitationAnswer")
class RespondSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="CommissionTransition")
class TransitionSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    name = serializers.ChoiceField(choices=sorted(COMMISSION_WORKFLOW.transitions))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TimetableSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    begins_on = serializers.DateField(required=False)


class CommissionViewSet(TenantModelViewSet):
    """Joint commissions you lead, are invited to or take part in (and, for the accountable body, those it holds
    money for). Steps: ``invite``, ``respond``, ``choose-model``, ``move`` (the workflow), ``blockers`` (what stops
    procurement), ``totals`` (per financial year), ``timetable`` (create stages from the TSCiP template)."""

    serializer_class = CommissionSerializer
    queryset = JointCommission.objects.none()
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
        serializer.instance = services.commission_create(
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
        serializer.instance = services.commission_update(
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
        s = InviteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        organisations = list(Organisation.objects.filter(pk__in=s.validated_data["organisations"]))
        if len(organisations) != len(set(s.validated_data["organisations"])):
            raise DomainError("Some of those organisations do not exist", field="organisations")
        services.commission_invite(commission=commission, organisations=organisations, by=self.acting)
        return self._done(commission)

    @extend_schema(request=RespondSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"], write_roles=(Role.COMMISSIONER, Role.ORG_ADMIN))
    def respond(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        s = RespondSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.commission_respond(
            commission=commission, accept=s.validated_data["accept"], reason=s.validated_data["reason"], by=self.acting
        )
        return self._done(commission)

    @extend_schema(request=ModelChoiceSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"], url_path="choose-model")
    def choose_model(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        s = ModelChoiceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.commission_choose_model(
            commission=commission, model=s.validated_data["model"], reason=s.validated_data["reason"], by=self.acting
        )
        return self._done(commission)

    @extend_schema(request=TransitionSerializer, responses=CommissionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.commission_transition(
            commission=commission, name=s.validated_data["name"], reason=s.validated_data["reason"], by=self.acting
        )
        return self._done(commission)

    @action(detail=True, methods=["get"])
    def blockers(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        suggestion = services.suggestion_for(commission)
        return Response(
            {
                "status": commission.status,
                "procurement_blockers": services.procurement_blockers(commission),
                "sign_up_blockers": services.sign_up_blockers(commission),
                "suggested_model": suggestion.model,
                "suggestion_reason": suggestion.reason,
                "available_steps": [t.name for t in COMMISSION_WORKFLOW.available(commission, self.acting)],
            }
        )

    @action(detail=True, methods=["get"])
    def totals(self, request: Request, pk: Any = None) -> Response:
        """Totals per financial year and over the term (every partner's money), and your own organisation's share."""
        commission = self.get_object()
        table = selectors.contribution_table(commission=commission, acting=self.acting)
        own = next((r for r in table.rows if r.is_own), None)
        years = []
        for year, label in table.labels:
            figures = table.totals[year]
            cell = own.cells.get(year) if own else None
            own_amount = cell.amount if cell is not None else Decimal("0.00")
            share_value = selectors.share(own_amount, figures.pledged)
            years.append(
                {
                    "financial_year": label,
                    **_figures(figures),
                    "own_amount": f"{own_amount:.2f}",
                    "own_share": f"{share_value * 100:.2f}" if share_value is not None else None,
                }
            )
        return Response({"years": years, "term": _figures(table.term), "reconciles": table.reconciles})

    @extend_schema(request=TimetableSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def timetable(self, request: Request, pk: Any = None) -> Response:
        commission = self.get_object()
        s = TimetableSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        stages = services.timetable_from_template(
            commission=commission, begins_on=s.validated_data.get("begins_on"), by=self.acting
        )
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
        partnership = _partnership(self.acting, params.get("partnership"))
        try:
            partners = int(params.get("partners", "1"))
            raw = params.get("annual_value")
            value = Decimal(raw).quantize(Decimal("0.01")) if raw else None
        except (ValueError, ArithmeticError) as exc:
            raise DomainError("partners is a whole number and annual_value an amount like 43750.00") from exc
        suggestion = selectors.suggest(
            partners=partners,
            annual_value=value,
            new_service=params.get("new_service", "").lower() in ("1", "true", "yes"),
            partnership=partnership,
        )
        return Response({"model": suggestion.model, "label": suggestion.label, "reason": suggestion.reason})


class ContributionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Contribution]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    financial_year_label = serializers.CharField(source="year_label", read_only=True)
    amount = _money_field(min_value=Decimal("0"))

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
        ]
        read_only_fields = ["status", "confirmed_at", "transferred_on", "transfer_reference"]
        validators: list[Any] = []  # one row per partner and year: recording again changes the indicative figure


class TransferSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    transferred_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)


class ContributionViewSet(TenantModelViewSet):
    """Contributions per partner per financial year: indicative -> confirmed -> transferred. A finance officer sees
    their own organisation's rows (and the totals, on ``commissions/{id}/totals/``); commissioners taking part and
    the accountable body see every partner's. ``POST`` records or changes an indicative figure."""

    serializer_class = ContributionSerializer
    queryset = Contribution.objects.none()
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
        return selectors.contributions_visible(acting=self.acting).order_by(
            "commission_id", "financial_year", "organisation__name"
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        contribution = services.contribution_set(
            commission=commission,
            organisation=data["organisation"],
            financial_year=data["financial_year"],
            amount=data["amount"],
            source=data.get("source"),
            funding_source=data.get("funding_source", ""),
            by=self.acting,
        )
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Contribution) -> None:
        services.contribution_remove(contribution=instance, by=self.acting)

    @action(detail=True, methods=["post"], write_roles=MONEY_ROLES)
    def confirm(self, request: Request, pk: Any = None) -> Response:
        contribution = services.contribution_confirm(contribution=self.get_object(), by=self.acting)
        return Response(ContributionSerializer(contribution).data)

    @extend_schema(request=TransferSerializer, responses=ContributionSerializer)
    @action(detail=True, methods=["post"], write_roles=MONEY_ROLES)
    def transfer(self, request: Request, pk: Any = None) -> Response:
        contribution = self.get_object()
        s = TransferSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        contribution = services.contribution_transfer(
            contribution=contribution,
            transferred_on=s.validated_data["transferred_on"],
            reference=s.validated_data["reference"],
            by=self.acting,
        )
        return Response(ContributionSerializer(contribution).data)


class AgreementSerializer(BoundedSerializerMixin, serializers.ModelSerializer[PartnershipAgreement]):
    document = serializers.FileField(write_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=DelegationScope.choices))

    class Meta:
        model = PartnershipAgreement
        fields = [
            "id",
            "commission",
            "organisation",
            "scopes",
            "signatory_name",
            "signatory_authority",
            "signed_on",
            "valid_from",
            "valid_until",
            "original_filename",
            "document",
            "created_at",
        ]
        read_only_fields = [
            "organisation",
            "signatory_name",
            "valid_from",
            "valid_until",
            "original_filename",
            "created_at",
        ]


class AgreementViewSet(TenantModelViewSet):
    """Partnership agreements delegating to the lead commissioner. ``POST`` (multipart, with the signed document)
    signs for your organisation; ``document`` downloads the signed copy."""

    serializer_class = AgreementSerializer
    queryset = PartnershipAgreement.objects.none()
    required_roles = READ_ROLES
    write_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = id_filters(PartnershipAgreement, "commission", "organisation")

    def get_queryset(self) -> QuerySet[PartnershipAgreement]:
        return PartnershipAgreement.objects.select_related("organisation").order_by(
            "commission_id", "organisation__name"
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        try:
            check_upload(data["document"], allowed=("pdf", "docx", "odt", "png", "jpg", "jpeg"))
        except Exception as exc:
            raise DomainError(getattr(exc, "messages", [str(exc)])[0], field="document") from exc
        serializer.instance = services.agreement_sign(
            commission=commission,
            scopes=data["scopes"],
            signatory_authority=data["signatory_authority"],
            signed_on=data["signed_on"],
            document=data["document"],
            by=self.acting,
        )

    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: Any = None) -> Any:
        from core.files import serve

        agreement = self.get_object()
        return serve(agreement.document, filename=agreement.original_filename)


class StageSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Stage]):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True, default=None)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Stage
        fields = [
            "id",
            "commission",
            "key",
            "name",
            "position",
            "owner",
            "owner_name",
            "owner_organisation",
            "planned_start",
            "planned_end",
            "completed_on",
            "notes",
        ]
        read_only_fields = ["key", "position", "owner_organisation"]


class StageViewSet(TenantModelViewSet):
    """Timetable stages (filter by ``commission``). The lead adds and changes them; ``complete`` marks one done."""

    serializer_class = StageSerializer
    queryset = Stage.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(Stage, "commission", "owner")

    def get_queryset(self) -> QuerySet[Stage]:
        return Stage.objects.select_related("owner").order_by("commission_id", "position", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        serializer.instance = services.stage_add(
            commission=commission,
            name=data["name"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            owner=data.get("owner"),
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        stage = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.stage_update(
            stage=stage,
            by=self.acting,
            name=data.get("name", stage.name),
            planned_start=data.get("planned_start", stage.planned_start),
            planned_end=data.get("planned_end", stage.planned_end),
            owner=data.get("owner", stage.owner),
            completed_on=data.get("completed_on", stage.completed_on),
            notes=data.get("notes", stage.notes),
        )

    @action(detail=True, methods=["post"], write_roles=(Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN))
    def complete(self, request: Request, pk: Any = None) -> Response:
        stage = services.stage_complete(stage=self.get_object(), by=self.acting)
        return Response(StageSerializer(stage).data)


# --------------------------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------------------------


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
        partnership = _partnership(self.acting, request.query_params.get("partnership"))
        whole = permissions.sees_whole_partnership_report(partnership, self.acting)
        organisation: Organisation | None = self.acting.organisation
        if request.query_params.get("scope") == "partnership":
            if not whole:
                raise PermissionDenied("Only the accountable body can report on every partner")
            organisation = None
        else:
            raw = request.query_params.get("organisation", "")
            if raw.isdigit() and int(raw) != self.acting.organisation.pk:
                if not whole:
                    raise PermissionDenied("You can report on your own organisation's contributions only")
                organisation = get_object_or_404(partnership.members.all(), pk=int(raw))
        report = selectors.contribution_report(partnership=partnership, organisation=organisation)
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
                        **_figures(y.figures),
                        "commissions_total": f"{y.commissions_total:.2f}",
                    }
                    for y in report.years
                ],
                "totals": {**_figures(report.totals), "commissions_total": f"{report.commissions_total:.2f}"},
                "lines": [
                    {
                        "commission": line.commission_id,
                        "commission_title": line.commission,
                        "partner": line.partner,
                        "financial_year": line.year_label,
                        **_figures(line.figures),
                        "commission_total": f"{line.commission_total:.2f}",
                        "share": f"{line.share * 100:.2f}" if line.share is not None else None,
                    }
                    for line in report.lines
                ],
            }
        )


router.register("service-areas", ServiceAreaViewSet, basename="service-area")
router.register("mapped-contracts", MappedContractViewSet, basename="mapped-contract")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("commissions", CommissionViewSet, basename="commission")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("stages", StageViewSet, basename="stage")


class SettingsSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    framework_threshold = _money_field(min_value=Decimal("0"))
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=365), allow_empty=True)
    alignment_window_days = serializers.IntegerField(min_value=1, max_value=1830)


class CommissioningSettingsView(TenantAPIView):
    """A partnership's commissioning settings: the framework threshold (default £35,000), the days before a stage
    ends when reminders go (default 7 and 1) and the alignment window. Changed by the accountable body."""

    required_roles = READ_ROLES
    write_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)

    def _data(self, partnership: Partnership) -> dict[str, Any]:
        s = services.settings_for(partnership)
        return {
            "partnership": partnership.pk,
            "framework_threshold": f"{s.framework_threshold:.2f}",
            "reminder_days": list(s.reminder_days),
            "alignment_window_days": s.alignment_window_days,
        }

    @extend_schema(responses=SettingsSerializer)
    def get(self, request: Request, partnership_id: int) -> Response:
        return Response(self._data(_partnership(self.acting, partnership_id)))

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def put(self, request: Request, partnership_id: int) -> Response:
        partnership = _partnership(self.acting, partnership_id)
        s = SettingsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.settings_update(partnership=partnership, by=self.acting, **s.validated_data)
        return Response(self._data(partnership))


urlpatterns: list[Any] = [
    path(
        "commissioning-settings/<int:partnership_id>/",
        CommissioningSettingsView.as_view(),
        name="commissioning-settings",
    ),
    path("mapped-contracts/import/", ContractImportView.as_view(), name="mapped-contract-import"),
    path("reports/contributions/", ContributionReportView.as_view(), name="contribution-report"),
]
