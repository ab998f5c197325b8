"""API of the conflicts assessment: read every version with its people; start (or review), read the declarations
again, add a person, record a declaration and steps, sign -- the same services and permissions as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from procurement import permissions
from procurement.conflicts import services
from procurement.conflicts.models import (
    TEXT_LIMIT,
    AssessmentEntry,
    AssessmentStage,
    ConflictsAssessment,
    DeclarationState,
    Step,
)
from procurement.conflicts.rules import entry_problems
from procurement.tenders.models import Tender


class EntrySerializer(BoundedSerializerMixin, serializers.ModelSerializer[AssessmentEntry]):
    class Meta:
        model = AssessmentEntry
        fields = [
            "id",
            "person_name",
            "organisation_name",
            "role_title",
            "capacity",
            "source",
            "declaration",
            "interest",
            "step",
            "step_detail",
            "step_from_source",
        ]


class AssessmentSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ConflictsAssessment]):
    entries = EntrySerializer(many=True, read_only=True)
    problems = serializers.SerializerMethodField()

    class Meta:
        model = ConflictsAssessment
        fields = [
            "id",
            "tender",
            "stage",
            "version",
            "supersedes",
            "signed_by",
            "signed_by_name",
            "signed_role",
            "signed_at",
            "created_at",
            "problems",
            "entries",
        ]

    def get_problems(self, obj: ConflictsAssessment) -> list[str]:
        """What keeps this version from being signed (empty once signed and still current)."""
        return entry_problems(obj)


BIGGEST_ID = 2**63 - 1


class StartInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    tender = serializers.IntegerField(min_value=1, max_value=BIGGEST_ID)
    stage = serializers.ChoiceField(choices=AssessmentStage.choices)


class PersonInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    person_name = serializers.CharField(max_length=200)
    organisation_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    role_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EntryInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    entry = serializers.IntegerField(min_value=1, max_value=BIGGEST_ID)
    declaration = serializers.ChoiceField(
        choices=[DeclarationState.NONE, DeclarationState.INTEREST], required=False, allow_null=True, default=None
    )
    interest = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")
    step = serializers.ChoiceField(
        choices=["", Step.EXCLUDED, Step.MITIGATED, Step.NONE_NEEDED], required=False, allow_blank=True, default=""
    )
    step_detail = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class SignInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    role = serializers.CharField(max_length=200)


class ConflictsAssessmentViewSet(TenantReadOnlyViewSet):
    """Conflicts assessments (Procurement Act 2023 s.83) of tenders your organisation leads or funds, every version.
    The lead commissioner prepares, completes and signs them; a signed version never changes."""

    serializer_class = AssessmentSerializer
    queryset = ConflictsAssessment.objects.none()
    required_roles = permissions.READ_ROLES
    write_roles = permissions.LEAD_ROLES
    filterset_fields = ["tender", "stage"]

    def get_queryset(self) -> QuerySet[ConflictsAssessment]:
        return ConflictsAssessment.objects.prefetch_related("entries").order_by("tender", "-version")

    def _answer(self, assessment: ConflictsAssessment, code: int = status.HTTP_200_OK) -> Response:
        return Response(AssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data, status=code)

    @extend_schema(request=StartInputSerializer, responses={201: AssessmentSerializer})
    @action(detail=False, methods=["post"])
    def start(self, request: Request) -> Response:
        """Start the assessment for a stage, or a review of the signed one (a new version)."""
        data = self.validated(StartInputSerializer)
        tender = Tender.objects.filter(pk=data["tender"]).first()
        if tender is None:
            return Response({"detail": "No such tender"}, status=status.HTTP_404_NOT_FOUND)
        assessment = services.assessment_start(tender=tender, stage=data["stage"], by=self.acting)
        return self._answer(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request: Request, pk: str | None = None) -> Response:
        """Read the panel's and the board's declarations again."""
        assessment = services.assessment_refresh(assessment=self.get_object(), by=self.acting)
        return self._answer(assessment)

    @extend_schema(request=PersonInputSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def people(self, request: Request, pk: str | None = None) -> Response:
        """Add someone else acting in the procurement."""
        assessment = self.get_object()
        services.entry_add(assessment=assessment, by=self.acting, **self.validated(PersonInputSerializer))
        return self._answer(assessment)

    @extend_schema(request=EntryInputSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record a person's declaration (where the panel and board do not) and the steps for a conflict."""
        assessment = self.get_object()
        data = self.validated(EntryInputSerializer)
        entry = AssessmentEntry.objects.filter(assessment=assessment, pk=data.pop("entry")).first()
        if entry is None:
            return Response({"detail": "No such person on this assessment"}, status=status.HTTP_404_NOT_FOUND)
        services.entry_record(entry=entry, by=self.acting, **data)
        return self._answer(assessment)

    @extend_schema(request=SignInputSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """Sign: a named person of the lead, with their role. Refused, naming what is missing, until complete."""
        assessment = services.assessment_sign(
            assessment=self.get_object(), by=self.acting, **self.validated(SignInputSerializer)
        )
        return self._answer(assessment)
