"""API for grant programmes: anyone signed in reads published ones; the lead commissioner sets one up (criteria,
sections, questions) and takes its steps (``transition/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.models import JointCommission
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from grants.programmes import services
from grants.programmes.models import (
    MAX_PROGRAMME_BUDGET,
    MAX_SCORE,
    MAX_WORD_LIMIT,
    THIRD_SECTOR_CHOICES,
    ApplicationQuestion,
    ApplicationSection,
    GrantCriterion,
    GrantProgramme,
)
from grants.programmes.rules import LEAD_ROLES
from grants.programmes.workflows import PROGRAMME_WORKFLOW


class CriterionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantCriterion]):
    class Meta:
        model = GrantCriterion
        fields = ["id", "name", "guidance", "weight", "max_score", "position"]
        read_only_fields = fields


class QuestionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ApplicationQuestion]):
    class Meta:
        model = ApplicationQuestion
        fields = ["id", "text", "guidance", "word_limit", "required", "criterion", "position"]
        read_only_fields = fields


class SectionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ApplicationSection]):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationSection
        fields = ["id", "title", "guidance", "position", "questions"]
        read_only_fields = fields


class ProgrammeSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantProgramme]):
    criteria = CriterionSerializer(many=True, read_only=True)
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = GrantProgramme
        fields = [
            "id",
            "partnership",
            "commission",
            "service_area",
            "title",
            "category",
            "description",
            "eligible_kinds",
            "area",
            "income_min",
            "income_max",
            "amount_min",
            "amount_max",
            "total_budget",
            "delegated_threshold",
            "opens_at",
            "closes_at",
            "decision_date",
            "is_small_grants",
            "status",
            "opened_at",
            "criteria",
            "sections",
        ]
        read_only_fields = fields


class ProgrammeWriteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000)
    eligible_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=THIRD_SECTOR_CHOICES),
        required=False,
        max_length=len(THIRD_SECTOR_CHOICES),
    )
    area = serializers.CharField(max_length=200, required=False, allow_blank=True)
    income_min = MoneySerializerField(required=False, allow_null=True, max_value=MAX_PROGRAMME_BUDGET)
    income_max = MoneySerializerField(required=False, allow_null=True, max_value=MAX_PROGRAMME_BUDGET)
    amount_min = MoneySerializerField(max_value=MAX_PROGRAMME_BUDGET)
    amount_max = MoneySerializerField(max_value=MAX_PROGRAMME_BUDGET)
    total_budget = MoneySerializerField(max_value=MAX_PROGRAMME_BUDGET)
    delegated_threshold = MoneySerializerField(max_value=MAX_PROGRAMME_BUDGET)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    decision_date = serializers.DateField()
    is_small_grants = serializers.BooleanField(required=False, default=False)


class ProgrammeCreateSerializer(ProgrammeWriteSerializer):
    commission = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ProgrammeUpdateSerializer(ProgrammeWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class CriterionAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    guidance = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    weight = serializers.IntegerField(min_value=1, max_value=100)
    max_score = serializers.IntegerField(min_value=1, max_value=MAX_SCORE, required=False, default=5)


class SectionAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    guidance = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class QuestionAddSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    section = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    text = serializers.CharField(max_length=500)
    guidance = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    word_limit = serializers.IntegerField(min_value=1, max_value=MAX_WORD_LIMIT)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]
    criterion = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)


class GrantProgrammeViewSet(WorkflowActions, TenantModelViewSet):
    """Grant programmes: published ones for anyone signed in; drafts for the commission's partners. The lead
    commissioner creates one from a joint commission (its grant route), adds criteria, sections and questions,
    and opens it (``transition/`` with ``open``)."""

    serializer_class = ProgrammeSerializer
    queryset = GrantProgramme.objects.none()
    workflow = PROGRAMME_WORKFLOW
    write_roles = tuple(LEAD_ROLES)
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["status", "partnership"]

    def get_queryset(self) -> QuerySet[GrantProgramme]:
        return (
            GrantProgramme.objects.select_related("commission")
            .prefetch_related("criteria", "sections__questions")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=ProgrammeCreateSerializer, responses=ProgrammeSerializer)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = dict(self.validated(ProgrammeCreateSerializer))
        commission = get_object_or_404(JointCommission.objects.all(), pk=data.pop("commission"))
        programme = services.programme_create(commission=commission, by=self.acting, **data)
        return Response(ProgrammeSerializer(programme).data, status=201)

    @extend_schema(request=ProgrammeUpdateSerializer, responses=ProgrammeSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        data = self.validated(ProgrammeUpdateSerializer)
        services.programme_update(programme=programme, by=self.acting, data=data)
        return Response(ProgrammeSerializer(self.get_queryset().get(pk=programme.pk)).data)

    @extend_schema(request=CriterionAddSerializer, responses={201: CriterionSerializer})
    @action(detail=True, methods=["post"])
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        criterion = services.criterion_add(
            programme=self.get_object(), by=self.acting, **self.validated(CriterionAddSerializer)
        )
        return Response(CriterionSerializer(criterion).data, status=201)

    @extend_schema(request=SectionAddSerializer, responses={201: SectionSerializer})
    @action(detail=True, methods=["post"])
    def sections(self, request: Request, pk: str | None = None) -> Response:
        section = services.section_add(
            programme=self.get_object(), by=self.acting, **self.validated(SectionAddSerializer)
        )
        return Response(SectionSerializer(section).data, status=201)

    @extend_schema(request=QuestionAddSerializer, responses={201: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request: Request, pk: str | None = None) -> Response:
        programme = self.get_object()
        data = dict(self.validated(QuestionAddSerializer))
        section = get_object_or_404(ApplicationSection.objects.filter(programme=programme), pk=data.pop("section"))
        criterion_id = data.pop("criterion", None)
        criterion = get_object_or_404(programme.criteria.all(), pk=criterion_id) if criterion_id else None
        question = services.question_add(section=section, by=self.acting, criterion=criterion, **data)
        return Response(QuestionSerializer(question).data, status=201)
