"""Returns in the REST API: values, evidence, queries, confidential feedback (the lead's organisation only) and the
return's workflow.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from monitoring.apibase import id_filters
from monitoring.kpis.api import value_field
from monitoring.permissions import ACTING_ROLES, READ_ROLES
from monitoring.returns.models import KpiReturn, KpiValue, ReturnEvidence, ReturnQuery
from monitoring.returns.selectors import confidential_feedback_for
from monitoring.returns.services import (
    return_accept,
    return_add_evidence,
    return_answer,
    return_query,
    return_save,
    return_start,
    return_submit,
)
from monitoring.returns.workflows import RETURN_WORKFLOW
from procurement.award.models import Contract


class KpiValueSerializer(BoundedSerializerMixin, serializers.ModelSerializer[KpiValue]):
    kpi_name = serializers.CharField(source="kpi.name", read_only=True)
    unit = serializers.CharField(source="kpi.unit", read_only=True)
    target = value_field(source="kpi.target", read_only=True)
    actual = value_field(read_only=True, allow_null=True)

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


class KpiReturnViewSet(WorkflowActions, TenantModelViewSet):
    """The provider's return for each period. Create to start one (``contract``, ``period_start``); PATCH to save
    actuals and text; ``submit``; the lead ``query``s, the provider ``answer``s, the lead ``accept``s (with an
    optional ``note``). A draft is seen by its provider only."""

    serializer_class = KpiReturnSerializer
    queryset = KpiReturn.objects.none()
    required_roles = READ_ROLES
    write_roles = ACTING_ROLES
    http_method_names = ["get", "post", "patch", "head", "options"]
    workflow = RETURN_WORKFLOW
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
        d = self.validated(ReturnStartSerializer)
        contract = get_object_or_404(Contract.objects.all(), pk=d["contract"])
        kpi_return = return_start(contract=contract, period_start=d["period_start"], by=self.acting)
        response = self._fresh(kpi_return)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=ReturnSaveSerializer, responses=KpiReturnSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        obj = self.get_object()
        d = self.validated(ReturnSaveSerializer)
        values = {v["kpi"]: {"actual": v.get("actual"), "note": v.get("note", "")} for v in d.get("values", [])}
        kpi_return = return_save(
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
        return self._fresh(return_submit(kpi_return=self.get_object(), by=self.acting))

    @extend_schema(request=QuestionSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def query(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(QuestionSerializer)
        kpi_return = obj
        return_query(kpi_return=kpi_return, question=d["question"], by=self.acting)
        return self._fresh(kpi_return)

    @extend_schema(request=AnswerSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(AnswerSerializer)
        kpi_return = obj
        return_answer(kpi_return=kpi_return, answer=d["answer"], by=self.acting)
        return self._fresh(kpi_return)

    @extend_schema(request=AcceptSerializer, responses=KpiReturnSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(AcceptSerializer)
        return self._fresh(return_accept(kpi_return=obj, note=d["note"], by=self.acting))

    @extend_schema(request=EvidenceUploadSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], url_path="evidence")
    def add_evidence(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        d = self.validated(EvidenceUploadSerializer)
        evidence = return_add_evidence(
            kpi_return=obj,
            upload=d["file"],
            title=d["title"],
            by=self.acting,
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: {"type": "object", "properties": {"details": {"type": "string"}}}})
    @action(detail=True, methods=["get"])
    def confidential(self, request: Request, pk: Any = None) -> Response:
        """Confidential details of user feedback: the lead commissioner's organisation only (others get 404)."""
        details = confidential_feedback_for(kpi_return=self.get_object(), by=self.acting)
        if details is None:
            raise Http404("No confidential feedback you may see")
        return Response({"details": details})
