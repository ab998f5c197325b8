"""API of the assessment: the panel (naming an assessor, declaring interests), score sheets, moderation and the
ranked list. Same rules as the pages: the services decide who may do what."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.models import JointCommission
from core.api import TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from grants.applications.models import GrantApplication
from grants.assessment import rules, services
from grants.assessment.models import (
    AssessmentScore,
    AssessmentSheet,
    AssessorInterest,
    InterestKind,
    ModeratedGrantScore,
)
from grants.assessment.views import LEAD_ROLES, PANEL_ROLES, READ_ROLES
from grants.programmes.models import GrantAssessor, GrantProgramme
from partners.models import Organisation, User

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class InterestSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AssessorInterest]):
    application = serializers.UUIDField(source="application.public_id", read_only=True)
    applicant = serializers.CharField(source="application.organisation.name", read_only=True)

    class Meta:
        model = AssessorInterest
        fields = ["application", "applicant", "kind", "detail", "declared_at"]


class PanelMemberSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantAssessor]):
    person = serializers.CharField(source="user.full_name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    interests = InterestSerializer(many=True, read_only=True)

    class Meta:
        model = GrantAssessor
        fields = ["id", "programme", "person", "organisation", "organisation_name", "declared_at", "interests"]


class AppointSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    programme = serializers.IntegerField(min_value=1, max_value=2**62)
    user = serializers.IntegerField(min_value=1, max_value=2**62)
    organisation = serializers.IntegerField(min_value=1, max_value=2**62)


class InterestInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=InterestKind.choices)
    detail = serializers.CharField(max_length=2000)


class DeclarationInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    interests = InterestInputSerializer(many=True, help_text="Empty: no interests", max_length=500)  # type: ignore[call-arg]


def _programme_for_lead(view: Any, programme_id: int) -> GrantProgramme:
    programme = get_object_or_404(GrantProgramme.objects.select_related("commission"), pk=programme_id)
    if not JointCommission.objects.filter(pk=programme.commission_id).exists():
        raise Http404
    return programme


class GrantPanelViewSet(TenantReadOnlyViewSet):
    """The assessment panels you can see (the lead's and partners' programmes); the lead names assessors after
    closing; each assessor declares their interests (per application, with the type of interest)."""

    serializer_class = PanelMemberSerializer
    queryset = GrantAssessor.objects.none()
    required_roles = (*READ_ROLES, PANEL_ROLES[0])
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GrantAssessor]:
        commissions = JointCommission.objects.values("pk")
        return (
            GrantAssessor.objects.filter(programme__commission__in=commissions)
            .select_related("user", "organisation")
            .prefetch_related("interests__application__organisation")
            .order_by("pk")
        )

    @extend_schema(request=AppointSerializer, responses={201: PanelMemberSerializer})
    def create(self, request: Request) -> Response:
        data = self.validated(AppointSerializer)
        programme = _programme_for_lead(self, data["programme"])
        user = get_object_or_404(User.objects.all(), pk=data["user"])
        organisation = get_object_or_404(Organisation.objects.all(), pk=data["organisation"])
        assessor = services.assessor_appoint(programme=programme, user=user, organisation=organisation, by=self.acting)
        return Response(PanelMemberSerializer(self.get_queryset().get(pk=assessor.pk)).data, status=201)

    @extend_schema(request=DeclarationInputSerializer, responses=PanelMemberSerializer)
    @action(detail=True, methods=["post"])
    def declare(self, request: Request, pk: str | None = None) -> Response:
        assessor = self.get_object()
        data = self.validated(DeclarationInputSerializer)
        by_id = {a.public_id: a for a in rules.assessed_applications(assessor.programme)}
        interests = []
        for row in data["interests"]:
            application = by_id.get(row["application"])
            if application is None:
                raise DomainError("That application is not being assessed", field="interests")
            interests.append((application, row["kind"], row["detail"]))
        services.interests_declare(assessor=assessor, interests=interests, by=self.acting)
        return Response(PanelMemberSerializer(self.get_queryset().get(pk=assessor.pk)).data)


class SheetScoreSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AssessmentScore]):
    class Meta:
        model = AssessmentScore
        fields = ["criterion", "score", "comment"]


class SheetSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AssessmentSheet]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    application = serializers.UUIDField(source="application.public_id", read_only=True)
    applicant = serializers.CharField(source="application.organisation.name", read_only=True)
    programme = serializers.IntegerField(source="assessor.programme_id", read_only=True)
    scores = SheetScoreSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentSheet
        fields = ["id", "programme", "application", "applicant", "submitted_at", "scores"]


class ScoreInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    criterion = serializers.IntegerField(min_value=1, max_value=2**62)
    score = serializers.IntegerField(min_value=0, max_value=100, allow_null=True, required=False)
    comment = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class SheetInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField()
    scores = ScoreInputSerializer(many=True, max_length=100)  # type: ignore[call-arg]


class GrantSheetViewSet(TenantReadOnlyViewSet):
    """Your own score sheets as an assessor: save scores and comments for an application (refused where you
    declared an interest), then submit."""

    serializer_class = SheetSerializer
    queryset = AssessmentSheet.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    required_roles = PANEL_ROLES
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[AssessmentSheet]:
        return (
            AssessmentSheet.objects.filter(assessor__user=self.request.user)
            .select_related("application__organisation", "assessor")
            .prefetch_related("scores")
            .order_by("pk")
        )

    @extend_schema(request=SheetInputSerializer, responses=SheetSerializer)
    def create(self, request: Request) -> Response:
        data = self.validated(SheetInputSerializer)
        application = get_object_or_404(
            GrantApplication.objects.select_related("programme"), public_id=data["application"]
        )
        assessor = get_object_or_404(
            GrantAssessor.objects.all(),
            programme=application.programme,
            user=request.user,
            organisation=self.acting.organisation,
        )
        sheet = services.scores_save(
            assessor=assessor,
            application=application,
            scores={
                row["criterion"]: {"score": row.get("score"), "comment": row.get("comment", "")}
                for row in data["scores"]
            },
            by=self.acting,
        )
        return Response(SheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)

    @extend_schema(request=None, responses=SheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        sheet = services.sheet_submit(sheet=self.get_object(), by=self.acting)
        return Response(SheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)


class ModeratedSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ModeratedGrantScore]):
    application = serializers.UUIDField(source="application.public_id", read_only=True)

    class Meta:
        model = ModeratedGrantScore
        fields = ["application", "criterion", "score", "note", "recorded_at"]


class ModerationRowSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    criterion = serializers.IntegerField(min_value=1, max_value=2**62)
    score = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=5000)


class ModerationInputSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField()
    scores = ModerationRowSerializer(many=True, max_length=100)  # type: ignore[call-arg]


class RankedSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    rank = serializers.IntegerField(allow_null=True, read_only=True)
    application = serializers.UUIDField(read_only=True)
    applicant = serializers.CharField(read_only=True)
    requested = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    criteria = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=2), read_only=True)
    total = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)


class RankingSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    programme = serializers.IntegerField(read_only=True)
    problems = serializers.ListField(child=serializers.CharField(), read_only=True)
    ranking = RankedSerializer(many=True, read_only=True)


class GrantModerationViewSet(TenantReadOnlyViewSet):
    """The panel's agreed scores (the lead records them) and the ranked list with weighted scores."""

    serializer_class = ModeratedSerializer
    queryset = ModeratedGrantScore.objects.none()
    required_roles = LEAD_ROLES
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[ModeratedGrantScore]:
        return ModeratedGrantScore.objects.select_related("application").order_by("pk")

    @extend_schema(request=ModerationInputSerializer, responses=ModeratedSerializer(many=True))
    def create(self, request: Request) -> Response:
        data = self.validated(ModerationInputSerializer)
        application = get_object_or_404(
            GrantApplication.objects.select_related("programme__commission"), public_id=data["application"]
        )
        rows = services.moderate(
            application=application,
            scores={row["criterion"]: {"score": row["score"], "note": row["note"]} for row in data["scores"]},
            by=self.acting,
        )
        return Response(ModeratedSerializer(self.get_queryset().filter(pk__in=[r.pk for r in rows]), many=True).data)

    @extend_schema(request=None, responses=RankingSerializer)
    @action(detail=False, methods=["get"], url_path=r"ranking/(?P<assessed_round_id>\d+)")
    def ranking(self, request: Request, assessed_round_id: str) -> Response:
        programme = _programme_for_lead(self, int(assessed_round_id))
        if not services.is_lead(programme, self.acting):
            raise Http404
        ranking = rules.programme_ranking(programme)
        ids = {a.pk: a.public_id for a in rules.assessed_applications(programme)}
        body = {
            "programme": programme.pk,
            "problems": rules.moderation_problems(programme),
            "ranking": [
                {
                    "rank": r.rank,
                    "application": ids[r.application_id],
                    "applicant": r.applicant,
                    "requested": r.requested,
                    "criteria": {str(k): v for k, v in r.criterion_scores.items()},
                    "total": r.total,
                }
                for r in ranking.rows
            ],
        }
        return Response(RankingSerializer(body).data)
