"""REST API: the service map (what each partner already funds)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.service_map.models import (
    EvidenceItem,
    MapDecision,
    MappedContract,
    Outcome,
    ServiceArea,
    provider_key,
    settings_for,
)
from commissioning.service_map.permissions import MONEY_ROLES, READ_ROLES, WRITE_ROLES
from commissioning.service_map.rules import CONTRACT_FIELDS
from commissioning.service_map.selectors import contracts_for, partnerships_of, service_map
from commissioning.service_map.services import (
    contracts_import,
    evidence_add,
    map_decision_record,
    mapped_contract_create,
    mapped_contract_delete,
    mapped_contract_update,
    outcome_add,
    service_area_create,
    settings_update,
)
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from core.errors import DomainError
from core.files import check_upload
from partners.models import Partnership, Role


def money_field(**kwargs: Any) -> serializers.DecimalField:
    """Exact pounds and pence, rendered as strings ("23750.00")."""
    return MoneySerializerField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


def partnership_for(acting: Any, pk: Any) -> Partnership:
    if pk in (None, ""):
        raise DomainError("Say which partnership", field="partnership")
    try:
        return get_object_or_404(partnerships_of(organisation=acting.organisation), pk=int(pk))
    except (TypeError, ValueError) as exc:
        raise Http404("No such partnership") from exc


def id_filters(for_model: Any, /, *names: str, **extra: Any) -> type[django_filters.FilterSet]:
    """A FilterSet whose foreign keys filter by id (``?commission=12``) with no queryset of their own: a model
    choice filter's queryset would be built once, outside the request's tenant scope."""
    attrs: dict[str, Any] = {name: django_filters.NumberFilter(field_name=f"{name}_id") for name in names}
    attrs.update(extra)
    attrs["Meta"] = type("Meta", (), {"model": for_model, "fields": []})
    return type(f"{for_model.__name__}Filter", (django_filters.FilterSet,), attrs)


def by_provider(queryset: Any, name: str, value: str) -> Any:

    return queryset.filter(provider_key=provider_key(value))


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
        partnership = partnership_for(self.acting, data["partnership"].pk)
        serializer.instance = service_area_create(
            partnership=partnership, name=data["name"], description=data.get("description", ""), by=self.acting
        )

    @extend_schema(parameters=[OpenApiParameter("window", int, description="Alignment window in days")])
    @action(detail=True, methods=["get"])
    def map(self, request: Request, pk: Any = None) -> Response:
        area = self.get_object()
        raw = request.query_params.get("window", "")
        window = int(raw) if raw.isdigit() and 1 <= int(raw) <= 1830 else None
        m = service_map(area=area, window_days=window)
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
    annual_value = money_field(min_value=Decimal("0"))

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
    provider=django_filters.CharFilter(method=by_provider),
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
        return contracts_for(organisation=self.acting.organisation)

    def _values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k in CONTRACT_FIELDS}

    def perform_create(self, serializer: Any) -> None:
        values = self._values(serializer.validated_data)
        area = values.pop("service_area")
        serializer.instance = mapped_contract_create(service_area=area, by=self.acting, **values)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = mapped_contract_update(
            contract=serializer.instance, by=self.acting, **self._values(serializer.validated_data)
        )

    def perform_destroy(self, instance: MappedContract) -> None:
        mapped_contract_delete(contract=instance, by=self.acting)


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
        d = self.validated(ContractImportSerializer)
        partnership = partnership_for(self.acting, d["partnership"])
        upload = d["file"]
        try:
            check_upload(upload, allowed=("csv", "xlsx"))
        except Exception as exc:
            raise DomainError(getattr(exc, "messages", [str(exc)])[0], field="file") from exc
        run = contracts_import(partnership=partnership, upload=upload, by=self.acting)
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
        serializer.instance = evidence_add(
            partnership=partnership_for(self.acting, data["partnership"].pk),
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
        serializer.instance = outcome_add(
            partnership=partnership_for(self.acting, data["partnership"].pk),
            kind=data.get("kind", Outcome.Kind.OUTCOME),
            title=data["title"],
            description=data.get("description", ""),
            by=self.acting,
        )


class SettingsSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    framework_threshold = money_field(min_value=Decimal("0"))
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=365), allow_empty=True)
    alignment_window_days = serializers.IntegerField(min_value=1, max_value=1830)


class CommissioningSettingsView(TenantAPIView):
    """A partnership's commissioning settings: the framework threshold (default £35,000), the days before a stage
    ends when reminders go (default 7 and 1) and the alignment window. Changed by the accountable body."""

    required_roles = READ_ROLES
    write_roles = (Role.ORG_ADMIN, Role.COMMISSIONER)

    def _data(self, partnership: Partnership) -> dict[str, Any]:
        s = settings_for(partnership)
        return {
            "partnership": partnership.pk,
            "framework_threshold": f"{s.framework_threshold:.2f}",
            "reminder_days": list(s.reminder_days),
            "alignment_window_days": s.alignment_window_days,
        }

    @extend_schema(responses=SettingsSerializer)
    def get(self, request: Request, partnership_id: int) -> Response:
        return Response(self._data(partnership_for(self.acting, partnership_id)))

    @extend_schema(request=SettingsSerializer, responses=SettingsSerializer)
    def put(self, request: Request, partnership_id: int) -> Response:
        partnership = partnership_for(self.acting, partnership_id)
        d = self.validated(SettingsSerializer)
        settings_update(partnership=partnership, by=self.acting, **d)
        return Response(self._data(partnership))


class MapDecisionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[MapDecision]):
    reason = serializers.CharField(max_length=2000)

    class Meta:
        model = MapDecision
        fields = [
            "id",
            "partnership",
            "service_area",
            "contract",
            "organisation",
            "kind",
            "reason",
            "review_on",
            "created_at",
        ]
        read_only_fields = ["partnership", "organisation", "created_at"]


class MapDecisionViewSet(TenantModelViewSet):
    """Decisions partners record on the map without a commission ("keep as it is", "look at a stand-alone model
    later"...), per contract (their own) or service area, with the reason and a review date."""

    serializer_class = MapDecisionSerializer
    queryset = MapDecision.objects.none()
    required_roles = READ_ROLES
    write_roles = WRITE_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(MapDecision, "partnership", "service_area", "contract", "organisation")

    def get_queryset(self) -> QuerySet[MapDecision]:
        return MapDecision.objects.order_by("review_on", "pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = map_decision_record(
            service_area=d["service_area"],
            contract=d.get("contract"),
            kind=d["kind"],
            reason=d["reason"],
            review_on=d["review_on"],
            by=self.acting,
        )
