"""This app's REST endpoints, mounted under /api/v1/ by config.urls.

Same scoping and roles as the pages: the tenant scope hides other organisations' objects (404), ``required_roles``
and ``write_roles`` say who may read and write, every write goes through ``monitoring.services`` and every state
change through its workflow. Confidential details of user feedback are never in a return's representation: the lead
commissioner's organisation reads them at ``kpi-returns/{id}/confidential/``.
"""

from __future__ import annotations

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

from boards.models import Board
from commissioning.models import JointCommission, Outcome
from core.api import TenantAPIView, TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from monitoring import selectors, services
from monitoring.models import (
    DecommissioningStep,
    EndReview,
    ImprovementAction,
    ImprovementPlan,
    Kpi,
    KpiReturn,
    KpiSet,
    KpiSetResponse,
    KpiValue,
    MonitoringVisit,
    OutcomeFollowUp,
    ReturnEvidence,
    ReturnQuery,
)
from monitoring.permissions import ACTING_ROLES, LEAD_ROLES, READ_ROLES
from partners.models import Organisation
from procurement.models import Contract, Lot

router = SimpleRouter(trailing_slash=True)


def id_filters(for_model: Any, /, *names: str, plain: tuple[str, ...] = ()) -> type[django_filters.FilterSet]:
    """A FilterSet whose foreign keys filter by id (``?contract=12``) with no queryset of their own: a model choice
    filter's queryset is built once, at import, outside any request's tenant scope."""
    attrs: dict[str, Any] = {name: django_filters.NumberFilter(field_name=f"{name}_id") for name in names}
    attrs["Meta"] = type("Meta", (), {"model": for_model, "fields": list(plain)})
    return type(f"{for_model.__name__}Filter", (django_filters.FilterSet,), attrs)


def _value_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, **kwargs)


@extend_schema_serializer(component_name="MonitoringTransition")
class TransitionSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    name = serializers.CharField(max_length=40)


# --------------------------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------------------------


class KpiSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Kpi]):
    target = serializers.CharField(max_length=20)
    green_threshold = serializers.CharField(max_length=20, required=False, allow_blank=True)
    red_threshold = serializers.CharField(max_length=20, required=False, allow_blank=True)
    outcome = serializers.PrimaryKeyRelatedField(queryset=Outcome.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Kpi
        fields = [
            "id",
            "kpi_set",
            "position",
            "name",
            "definition",
            "unit",
            "target",
            "frequency",
            "direction",
            "green_threshold",
            "red_threshold",
            "outcome",
            "evidence_required",
            "payment_linked",
        ]
        read_only_fields = ["position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi_set"].queryset = KpiSet.objects.all()  # type: ignore[attr-defined]
        self.fields["outcome"].queryset = Outcome.objects.all()  # type: ignore[attr-defined]

    def to_representation(self, instance: Kpi) -> dict[str, Any]:
        data = super().to_representation(instance)
        for name in ("target", "green_threshold", "red_threshold"):
            data[name] = f"{getattr(instance, name):.2f}"
        return data


class KpiSetResponseSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiSetResponse]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = KpiSetResponse
        fields = ["id", "organisation", "organisation_name", "kind", "text", "version", "by_name", "at"]


class KpiSetSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiSet]):
    kpis = KpiSerializer(many=True, read_only=True)
    responses = KpiSetResponseSerializer(many=True, read_only=True)
    commission = serializers.PrimaryKeyRelatedField(queryset=JointCommission.objects.none())
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.none(), required=False, allow_null=True)
    reminder_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=60), required=False)

    class Meta:
        model = KpiSet
        fields = [
            "id",
            "commission",
            "lot",
            "title",
            "return_frequency",
            "return_due_days",
            "reminder_days",
            "status",
            "version",
            "shared_at",
            "agreed_at",
            "agreed_by_name",
            "kpis",
            "responses",
        ]
        read_only_fields = ["status", "version", "shared_at", "agreed_at", "agreed_by_name"]
        validators: list[Any] = []  # one set per commission and lot: the service says so, in words

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = JointCommission.objects.all()  # type: ignore[attr-defined]
        self.fields["lot"].queryset = Lot.objects.all()  # type: ignore[attr-defined]


@extend_schema_serializer(component_name="KpiResponse")
class RespondSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    agree = serializers.BooleanField(required=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class KpiSetViewSet(TenantModelViewSet):
    """KPIs for a joint commission (or one lot), drafted by the lead before award and agreed by every partner.
    ``step`` moves it on (``share``, ``reopen``, ``agree``, ``revise``); partners ``respond`` (comment or agree)."""

    serializer_class = KpiSetSerializer
    queryset = KpiSet.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(KpiSet, "commission", plain=("status",))

    def get_queryset(self) -> QuerySet[KpiSet]:
        return KpiSet.objects.select_related("commission").prefetch_related("kpis", "responses__organisation")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.kpi_set_create(
            commission=d["commission"],
            lot=d.get("lot"),
            title=d["title"],
            return_frequency=d.get("return_frequency", "quarterly"),
            return_due_days=d.get("return_due_days", 20),
            reminder_days=d.get("reminder_days") or [7, 1],
            by=self.acting,
        )

    def perform_update(self, serializer: Any) -> None:
        s, d = serializer.instance, serializer.validated_data
        serializer.instance = services.kpi_set_update(
            kpi_set=s,
            title=d.get("title", s.title),
            return_frequency=d.get("return_frequency", s.return_frequency),
            return_due_days=d.get("return_due_days", s.return_due_days),
            reminder_days=d.get("reminder_days", s.reminder_days),
            by=self.acting,
        )

    @extend_schema(request=TransitionSerializer, responses=KpiSetSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        kpi_set = services.kpi_set_transition(kpi_set=obj, name=s.validated_data["name"], by=self.acting)
        return Response(KpiSetSerializer(self.get_queryset().get(pk=kpi_set.pk)).data)

    @extend_schema(request=RespondSerializer, responses=KpiSetResponseSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = RespondSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        response = services.kpi_set_respond(
            kpi_set=obj, agree=s.validated_data["agree"], text=s.validated_data["text"], by=self.acting
        )
        return Response(KpiSetResponseSerializer(response).data, status=status.HTTP_201_CREATED)


class KpiViewSet(TenantModelViewSet):
    """One KPI: name, definition, unit, target per period, frequency, direction, thresholds, outcome, evidence
    required and whether payment depends on it. Changed only while its set is a draft."""

    serializer_class = KpiSerializer
    queryset = Kpi.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    filterset_class = id_filters(Kpi, "kpi_set")

    def get_queryset(self) -> QuerySet[Kpi]:
        return Kpi.objects.order_by("kpi_set", "position", "pk")

    def _values(self, d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if k != "kpi_set"}

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.kpi_add(kpi_set=d["kpi_set"], by=self.acting, **self._values(d))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.kpi_update(
            kpi=serializer.instance, by=self.acting, **self._values(serializer.validated_data)
        )

    def perform_destroy(self, instance: Kpi) -> None:
        services.kpi_remove(kpi=instance, by=self.acting)


# --------------------------------------------------------------------------------------------------------------
# Returns
# --------------------------------------------------------------------------------------------------------------


class KpiValueSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiValue]):
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    unit = serializers.CharField(source="kpi.unit", read_only=True)
    target = _value_field(source="kpi.target", read_only=True)
    actual = _value_field(read_only=True, allow_null=True)

    class Meta:
        model = KpiValue
        fields = ["kpi", "kpi_name", "unit", "target", "actual", "rag", "note"]


@extend_schema_serializer(component_name="ReturnEvidence")
class EvidenceSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ReturnEvidence]):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReturnEvidence
        fields = ["id", "title", "original_filename", "size", "uploaded_at", "download"]

    def get_download(self, obj: ReturnEvidence) -> str:
        from django.urls import reverse

        return reverse("kpi-return-evidence", kwargs={"return_evidence_id": obj.pk})


class QuerySerializer(BoundedSerializerMixin, serializers.ModelSerializer[ReturnQuery]):
    class Meta:
        model = ReturnQuery
        fields = ["id", "question", "asked_by_name", "asked_at", "answer", "answered_by_name", "answered_at"]


class KpiReturnSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiReturn]):
    values = KpiValueSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    queries = QuerySerializer(many=True, read_only=True)

    class Meta:
        model = KpiReturn
        fields = [
            "id",
            "contract",
            "kpi_set",
            "frequency",
            "period_start",
            "period_end",
            "label",
            "due_on",
            "status",
            "rag",
            "narrative",
            "case_studies",
            "feedback_summary",
            "has_confidential_feedback",
            "submitted_at",
            "submitted_by_name",
            "reviewed_at",
            "reviewed_by_name",
            "review_note",
            "values",
            "evidence",
            "queries",
        ]
        read_only_fields = fields


class ReturnStartSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    contract = serializers.IntegerField()
    period_start = serializers.DateField()


class ValueInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    kpi = serializers.IntegerField()
    actual = serializers.CharField(allow_blank=True, allow_null=True, required=False)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class ReturnSaveSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    values = ValueInputSerializer(many=True, required=False)
    narrative = serializers.CharField(allow_blank=True, required=False)
    case_studies = serializers.CharField(allow_blank=True, required=False)
    feedback_summary = serializers.CharField(allow_blank=True, required=False)
    confidential_details = serializers.CharField(
        allow_blank=True, required=False, write_only=True, help_text="For the lead commissioner only; never returned"
    )


class QuestionSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    question = serializers.CharField()


class AnswerSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    answer = serializers.CharField()


class AcceptSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    note = serializers.CharField(allow_blank=True, required=False, default="")


class EvidenceUploadSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    file = serializers.FileField()
    title = serializers.CharField(allow_blank=True, required=False, default="")


class KpiReturnViewSet(TenantModelViewSet):
    """The provider's return for each period. Create to start one (``contract``, ``period_start``); PATCH to save
    actuals and text; ``submit``; the lead ``query``s, the provider ``answer``s, the lead ``accept``s (with an
    optional ``note``). A draft is seen by its provider only."""

    serializer_class = KpiReturnSerializer
    queryset = KpiReturn.objects.none()
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(KpiReturn, "contract", plain=("status", "rag"))
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[KpiReturn]:
        return (
            KpiReturn.objects.select_related("contract__commission", "contract__provider")
            .prefetch_related("values__kpi", "evidence", "queries")
            .order_by("contract", "period_start")
        )

    def _fresh(self, kpi_return: KpiReturn) -> Response:
        return Response(KpiReturnSerializer(self.get_queryset().get(pk=kpi_return.pk)).data)

    @extend_schema(request=ReturnStartSerializer, responses=KpiReturnSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        s = ReturnStartSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        contract = get_object_or_404(Contract.objects.all(), pk=s.validated_data["contract"])
        kpi_return = services.return_start(
            contract=contract, period_start=s.validated_data["period_start"], by=self.acting
        )
        response = self._fresh(kpi_return)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=ReturnSaveSerializer, responses=KpiReturnSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        s = ReturnSaveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        values = {v["kpi"]: {"actual": v.get("actual"), "note": v.get("note", "")} for v in d.get("values", [])}
        kpi_return = services.return_save(
            kpi_return=obj,
            values=values,
            narrative=d.get("narrative"),
            case_studies=d.get("case_studies"),
            feedback_summary=d.get("feedback_summary"),
            confidential_details=d.get("confidential_details"),
            by=self.acting,
        )
        return self._fresh(kpi_return)

    @extend_schema(request=None, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        return self._fresh(services.return_submit(kpi_return=self.get_object(), by=self.acting))

    @extend_schema(request=QuestionSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def query(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = QuestionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        kpi_return = obj
        services.return_query(kpi_return=kpi_return, question=s.validated_data["question"], by=self.acting)
        return self._fresh(kpi_return)

    @extend_schema(request=AnswerSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        kpi_return = obj
        services.return_answer(kpi_return=kpi_return, answer=s.validated_data["answer"], by=self.acting)
        return self._fresh(kpi_return)

    @extend_schema(request=AcceptSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = AcceptSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._fresh(services.return_accept(kpi_return=obj, note=s.validated_data["note"], by=self.acting))

    @extend_schema(request=EvidenceUploadSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], url_path="evidence")
    def add_evidence(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = EvidenceUploadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        evidence = services.return_add_evidence(
            kpi_return=obj,
            upload=s.validated_data["file"],
            title=s.validated_data["title"],
            by=self.acting,
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: {"type": "object", "properties": {"details": {"type": "string"}}}})
    @action(detail=True, methods=["get"])
    def confidential(self, request: Request, pk: Any = None) -> Response:
        """Confidential details of user feedback: the lead commissioner's organisation only (others get 404)."""
        details = selectors.confidential_feedback_for(kpi_return=self.get_object(), by=self.acting)
        if details is None:
            raise Http404("No confidential feedback you may see")
        return Response({"details": details})


# --------------------------------------------------------------------------------------------------------------
# Visits, improvement plans
# --------------------------------------------------------------------------------------------------------------


class VisitSerializer(BoundedSerializerMixin, serializers.ModelSerializer[MonitoringVisit]):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())

    class Meta:
        model = MonitoringVisit
        fields = ["id", "contract", "planned_on", "purpose", "status", "visited_on", "visitors", "notes", "findings"]
        read_only_fields = ["status", "visited_on", "visitors", "notes", "findings"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]


class VisitRecordSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    visited_on = serializers.DateField()
    visitors = serializers.CharField(allow_blank=True, required=False, default="")
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    findings = serializers.CharField()


class ReasonSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    reason = serializers.CharField()


class MonitoringVisitViewSet(TenantModelViewSet):
    """Monitoring visits (planned, done, notes, findings): the lead plans and records them."""

    serializer_class = VisitSerializer
    queryset = MonitoringVisit.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(MonitoringVisit, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[MonitoringVisit]:
        return MonitoringVisit.objects.order_by("-planned_on", "-pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.visit_plan(
            contract=d["contract"], planned_on=d["planned_on"], purpose=d["purpose"], by=self.acting
        )

    @extend_schema(request=VisitRecordSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = VisitRecordSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        visit = services.visit_record(visit=obj, by=self.acting, **s.validated_data)
        return Response(VisitSerializer(visit).data)

    @extend_schema(request=ReasonSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        visit = services.visit_cancel(visit=obj, reason=s.validated_data["reason"], by=self.acting)
        return Response(VisitSerializer(visit).data)


class ActionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ImprovementAction]):
    owner_organisation_name = serializers.CharField(source="owner_organisation.name", read_only=True)

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "plan",
            "action",
            "owner_name",
            "owner_organisation",
            "owner_organisation_name",
            "due_on",
            "status",
            "progress",
            "updated_at",
        ]
        read_only_fields = ["plan", "action", "owner_name", "owner_organisation", "due_on", "updated_at"]


class PlanSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ImprovementPlan]):
    actions = ActionSerializer(many=True, read_only=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    kpis = serializers.PrimaryKeyRelatedField(queryset=Kpi.objects.none(), many=True, required=False)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "contract",
            "title",
            "concern",
            "support_offered",
            "kpis",
            "source_return",
            "review_on",
            "status",
            "opened_at",
            "closed_at",
            "closing_note",
            "actions",
        ]
        read_only_fields = ["status", "opened_at", "closed_at", "closing_note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]
        self.fields["kpis"].child_relation.queryset = Kpi.objects.all()  # type: ignore[attr-defined]
        self.fields["source_return"].queryset = KpiReturn.objects.all()  # type: ignore[attr-defined]


class ActionAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    action = serializers.CharField()
    owner_name = serializers.CharField()
    owner_organisation = serializers.IntegerField()
    due_on = serializers.DateField()


class NoteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    note = serializers.CharField()


class ImprovementPlanViewSet(TenantModelViewSet):
    """Improvement plans for poor performance, support first: what the commissioners will do to help, and actions
    with owners, dates and progress."""

    serializer_class = PlanSerializer
    queryset = ImprovementPlan.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(ImprovementPlan, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[ImprovementPlan]:
        return ImprovementPlan.objects.prefetch_related("actions__owner_organisation", "kpis").order_by("-opened_at")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.plan_open(
            contract=d["contract"],
            title=d["title"],
            concern=d["concern"],
            support_offered=d["support_offered"],
            kpis=d.get("kpis", []),
            source_return=d.get("source_return"),
            review_on=d.get("review_on"),
            by=self.acting,
        )

    @extend_schema(request=ActionAddSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = ActionAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        owner = Organisation.objects.filter(pk=d["owner_organisation"]).first()
        if owner is None:
            raise DomainError("Choose the provider or the lead commissioner", field="owner_organisation")
        item = services.action_add(
            plan=obj,
            action=d["action"],
            owner_name=d["owner_name"],
            owner_organisation=owner,
            due_on=d["due_on"],
            by=self.acting,
        )
        return Response(ActionSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = services.plan_close(plan=obj, note=s.validated_data["note"], by=self.acting)
        return Response(PlanSerializer(plan).data)


class ImprovementActionViewSet(TenantModelViewSet):
    """Actions of improvement plans; PATCH ``status`` and ``progress`` (the lead, or the provider for its own)."""

    serializer_class = ActionSerializer
    queryset = ImprovementAction.objects.none()
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    http_method_names = ["get", "patch", "head", "options"]
    filterset_class = id_filters(ImprovementAction, "plan", plain=("status",))

    def get_queryset(self) -> QuerySet[ImprovementAction]:
        return ImprovementAction.objects.select_related("owner_organisation").order_by("due_on", "pk")

    def perform_update(self, serializer: Any) -> None:
        a, d = serializer.instance, serializer.validated_data
        serializer.instance = services.action_update(
            action=a, status=d.get("status", a.status), progress=d.get("progress", a.progress), by=self.acting
        )


# --------------------------------------------------------------------------------------------------------------
# The end of the contract
# --------------------------------------------------------------------------------------------------------------


class StepSerializer(BoundedSerializerMixin, serializers.ModelSerializer[DecommissioningStep]):
    class Meta:
        model = DecommissioningStep
        fields = ["id", "review", "position", "title", "owner_name", "due_on", "done_on", "not_needed", "note"]
        read_only_fields = ["review", "position", "title"]


class EndReviewSerializer(BoundedSerializerMixin, serializers.ModelSerializer[EndReview]):
    steps = StepSerializer(many=True, read_only=True)
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())

    class Meta:
        model = EndReview
        fields = [
            "id",
            "contract",
            "status",
            "summary",
            "lessons",
            "feedback",
            "feedback_given_at",
            "feedback_given_by_name",
            "track_outcomes",
            "started_at",
            "closed_at",
            "steps",
        ]
        read_only_fields = ["status", "feedback_given_at", "feedback_given_by_name", "started_at", "closed_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]

    def to_representation(self, instance: EndReview) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        acting = getattr(request, "acting", None) if request else None
        organisation = getattr(acting, "organisation", None)
        is_lead = organisation is not None and organisation.pk == instance.contract.commission.lead_id
        if instance.feedback_given_at is None and not is_lead:
            data["feedback"] = ""  # the lead's draft until it is given
        if organisation is None or not organisation.is_public_sector:
            data["lessons"] = ""  # lessons for commissioners, not the provider
        return data


class StepAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    title = serializers.CharField()
    owner_name = serializers.CharField(allow_blank=True, required=False, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndReviewViewSet(TenantModelViewSet):
    """End-of-contract reviews: create to start one for a ``contract``; PATCH the summary, lessons, feedback and
    whether outcomes are tracked; ``step`` with ``give_feedback`` or ``close`` (refused, naming what is missing,
    until the provider has had feedback and decommissioning is done); ``steps`` adds a decommissioning step."""

    serializer_class = EndReviewSerializer
    queryset = EndReview.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(EndReview, "contract", plain=("status",))

    def get_queryset(self) -> QuerySet[EndReview]:
        return EndReview.objects.select_related("contract__commission").prefetch_related("steps").order_by("pk")

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = services.review_start(contract=serializer.validated_data["contract"], by=self.acting)

    def perform_update(self, serializer: Any) -> None:
        r, d = serializer.instance, serializer.validated_data
        serializer.instance = services.review_update(
            review=r,
            summary=d.get("summary", r.summary),
            lessons=d.get("lessons", r.lessons),
            feedback=d.get("feedback", r.feedback),
            track_outcomes=d.get("track_outcomes", r.track_outcomes),
            by=self.acting,
        )

    @extend_schema(request=TransitionSerializer, responses=EndReviewSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        review = services.review_transition(review=obj, name=s.validated_data["name"], by=self.acting)
        return Response(EndReviewSerializer(self.get_queryset().get(pk=review.pk), context={"request": request}).data)

    @extend_schema(request=StepAddSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="steps")
    def add_step(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = StepAddSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        step = services.step_add(review=obj, by=self.acting, **s.validated_data)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)


class DecommissioningStepViewSet(TenantModelViewSet):
    """Decommissioning steps; PATCH ``done_on``, or ``not_needed`` with a ``note``."""

    serializer_class = StepSerializer
    queryset = DecommissioningStep.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "patch", "head", "options"]
    filterset_class = id_filters(DecommissioningStep, "review")

    def get_queryset(self) -> QuerySet[DecommissioningStep]:
        return DecommissioningStep.objects.order_by("review", "position", "pk")

    def perform_update(self, serializer: Any) -> None:
        step, d = serializer.instance, serializer.validated_data
        serializer.instance = services.step_update(
            step=step,
            done_on=d.get("done_on", step.done_on),
            not_needed=d.get("not_needed", step.not_needed),
            note=d.get("note", step.note),
            owner_name=d.get("owner_name"),
            due_on=d.get("due_on"),
            by=self.acting,
        )


class FollowUpSerializer(BoundedSerializerMixin, serializers.ModelSerializer[OutcomeFollowUp]):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.none())
    outcome = serializers.PrimaryKeyRelatedField(queryset=Outcome.objects.none(), required=False, allow_null=True)

    class Meta:
        model = OutcomeFollowUp
        fields = ["id", "contract", "outcome", "measure", "due_on", "finding", "recorded_on"]
        read_only_fields = ["finding", "recorded_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.all()  # type: ignore[attr-defined]
        self.fields["outcome"].queryset = Outcome.objects.all()  # type: ignore[attr-defined]


class FindingSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    finding = serializers.CharField()


class OutcomeFollowUpViewSet(TenantModelViewSet):
    """Outcomes tracked after the contract ends (optional, chosen in the end-of-contract review)."""

    serializer_class = FollowUpSerializer
    queryset = OutcomeFollowUp.objects.none()
    required_roles = READ_ROLES
    write_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = id_filters(OutcomeFollowUp, "contract")

    def get_queryset(self) -> QuerySet[OutcomeFollowUp]:
        return OutcomeFollowUp.objects.order_by("due_on", "pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.follow_up_add(
            contract=d["contract"], measure=d["measure"], due_on=d["due_on"], outcome=d.get("outcome"), by=self.acting
        )

    @extend_schema(request=FindingSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        s = FindingSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        follow_up = services.follow_up_record(follow_up=obj, finding=s.validated_data["finding"], by=self.acting)
        return Response(FollowUpSerializer(follow_up).data)


# --------------------------------------------------------------------------------------------------------------
# The portfolio
# --------------------------------------------------------------------------------------------------------------


class PortfolioView(TenantAPIView):
    """Contracts with their last twelve periods' returns (status and RAG), as on the portfolio page: your
    organisation's contracts, or with ``board`` every contract of that board's partnership (its members only)."""

    required_roles = READ_ROLES

    @extend_schema(parameters=[OpenApiParameter("board", int)], responses=None)
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("board", "")
        if raw:
            if not raw.isdigit():
                raise Http404("No such board")
            board = get_object_or_404(Board.objects.all(), pk=int(raw))
            portfolio = selectors.board_portfolio(board=board, user=request.user, organisation=self.acting.organisation)
        else:
            portfolio = selectors.organisation_portfolio(organisation=self.acting.organisation)
        return Response(
            {
                "today": portfolio.today,
                "totals": portfolio.totals,
                "contracts": [
                    {
                        "id": row.contract.pk,
                        "title": row.contract.title,
                        "provider": row.contract.provider.name,
                        "lead": row.contract.commission.lead.name,
                        "annual_value": f"{row.contract.annual_value:.2f}",
                        "kpis_agreed": row.agreed,
                        "kpis": getattr(row.contract, "kpi_count", 0),
                        "open_improvement_plans": getattr(row.contract, "open_plans", 0),
                        "next_visit": getattr(row.contract, "next_visit_on", None),
                        "latest_rag": row.latest_rag,
                        "overdue": row.overdue,
                        "periods": [
                            {
                                "label": c.period.label,
                                "start": c.period.start,
                                "end": c.period.end,
                                "state": c.state,
                                "rag": c.rag,
                                "red_kpis": c.reds,
                                "return": c.return_id if row.linked else None,
                            }
                            for c in row.cells
                        ],
                    }
                    for row in portfolio.rows
                ],
            }
        )


router.register("kpi-sets", KpiSetViewSet, basename="kpi-set")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("kpi-returns", KpiReturnViewSet, basename="kpi-return")
router.register("monitoring-visits", MonitoringVisitViewSet, basename="monitoring-visit")
router.register("improvement-plans", ImprovementPlanViewSet, basename="improvement-plan")
router.register("improvement-actions", ImprovementActionViewSet, basename="improvement-action")
router.register("end-reviews", EndReviewViewSet, basename="end-review")
router.register("decommissioning-steps", DecommissioningStepViewSet, basename="decommissioning-step")
router.register("outcome-follow-ups", OutcomeFollowUpViewSet, basename="outcome-follow-up")

urlpatterns: list[Any] = [path("monitoring/portfolio/", PortfolioView.as_view(), name="monitoring-portfolio")]
