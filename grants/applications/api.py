"""API for grant applications (sealed: the applicant's own; the lead's and assessors' only after closing)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.api import TenantAPIMixin, WorkflowActions, domain_error_body
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from core.errors import DomainError, NotPermitted
from grants.applications import services
from grants.applications.models import ApplicationVersion, GrantApplication
from grants.applications.rules import LateSubmission, canonical_content, working_copy
from grants.applications.workflows import APPLICATION_WORKFLOW
from grants.programmes.models import MAX_PROGRAMME_BUDGET, GrantProgramme
from grants.programmes.rules import APPLICANT_ROLES, LEAD_ROLES
from partners.models import Role

UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class VersionSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ApplicationVersion]):
    class Meta:
        model = ApplicationVersion
        fields = ["number", "submitted_at", "sha256", "amount_requested"]
        read_only_fields = fields


class ApplicationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantApplication]):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="The application's random public id")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    submitted = serializers.SerializerMethodField(help_text="The latest submitted version (the receipt)")
    content = serializers.SerializerMethodField(
        help_text="The applicant sees its working copy; the lead and assessors see what was submitted"
    )

    class Meta:
        model = GrantApplication
        fields = [
            "id",
            "programme",
            "organisation",
            "organisation_name",
            "status",
            "project_title",
            "amount_requested",
            "submitted_at",
            "submitted",
            "content",
        ]
        read_only_fields = fields

    def get_submitted(self, application: GrantApplication) -> dict[str, Any] | None:
        v = application.current_version
        return dict(VersionSerializer(v).data) if v else None

    def get_content(self, application: GrantApplication) -> dict[str, Any] | None:
        acting = self.context["request"].acting
        if acting.organisation is not None and acting.organisation.pk == application.organisation_id:
            return canonical_content(application, working_copy(application), contact=acting.user)
        return application.current_version.content if application.current_version else None


class ApplicationStartSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    programme = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ApplicationDraftSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    project_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project_summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    amount_requested = MoneySerializerField(required=False, allow_null=True, max_value=MAX_PROGRAMME_BUDGET)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=50_000),
        required=False,
        help_text='Answers by question id: {"12": "Our answer"}. Each within its word limit.',
    )


class ApplicationSubmitSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    declaration = serializers.BooleanField(help_text="The applicant confirms the declaration")


class ReceiptSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField()
    version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    sha256 = serializers.CharField()


class GrantApplicationViewSet(
    WorkflowActions,
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your organisation's grant applications (working copy and receipts). The programme's lead commissioner and
    assessors read received applications only once the programme has closed; before it, an application does not
    exist for them."""

    serializer_class = ApplicationSerializer
    queryset = GrantApplication.objects.none()
    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = UUID_PATTERN
    workflow = APPLICATION_WORKFLOW
    required_roles = (*APPLICANT_ROLES, *LEAD_ROLES, Role.EVALUATOR)
    write_roles = tuple(APPLICANT_ROLES)
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["programme", "status"]

    def get_queryset(self) -> QuerySet[GrantApplication]:
        return GrantApplication.objects.select_related("organisation", "current_version", "programme").order_by(
            "-created_at", "-pk"
        )

    def _own(self) -> GrantApplication:
        application: GrantApplication = self.get_object()
        if application.organisation_id != self.acting.organisation.pk:
            raise NotPermitted("Only the applicant can change its application")
        return application

    @extend_schema(request=ApplicationStartSerializer, responses=ApplicationSerializer)
    def create(self, request: Request) -> Response:
        data = self.validated(ApplicationStartSerializer)
        programme = get_object_or_404(GrantProgramme.objects.filter(opened_at__isnull=False), pk=data["programme"])
        application = services.application_start(programme=programme, by=self.acting)
        return Response(ApplicationSerializer(application, context={"request": request}).data, status=201)

    @extend_schema(request=ApplicationDraftSerializer, responses=ApplicationSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        application = self._own()
        v = self.validated(ApplicationDraftSerializer)
        if {"project_title", "project_summary", "amount_requested"} & set(v):
            services.application_save_project(
                application=application,
                by=self.acting,
                project_title=v.get("project_title", application.project_title),
                project_summary=v.get("project_summary", application.project_summary),
                amount_requested=v.get("amount_requested", application.amount_requested),
            )
        if "answers" in v:
            answers = {int(k): text for k, text in v["answers"].items() if str(k).isdigit()}
            services.application_save_answers(application=application, by=self.acting, answers=answers)
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationSerializer(fresh, context={"request": request}).data)

    @extend_schema(request=ApplicationSubmitSerializer, responses=ReceiptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Submit before the closing time, judged on the server's clock, with the declaration. Returns the receipt;
        the applicant is emailed a PDF copy. After closing: 400, and the application is recorded as late."""
        application = self._own()
        data = self.validated(ApplicationSubmitSerializer)
        try:
            version = services.submit_or_refuse_late(
                application=application, by=self.acting, declaration=data["declaration"]
            )
        except LateSubmission as error:
            set_rollback()
            return Response({"problems": [], **domain_error_body(error)}, status=400)
        body = {
            "application": application.public_id,
            "version": version.number,
            "submitted_at": version.submitted_at,
            "sha256": version.sha256,
        }
        return Response(ReceiptSerializer(body).data)

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        if name == "submit":
            raise DomainError("Submit through submit/ with the declaration", field="transition")
        if name == "withdraw":
            return services.application_withdraw(application=obj, by=self.acting, reason=reason)
        if name == "refuse_late":
            return services.application_refuse_late(application=obj, by=self.acting)
        return super().perform_transition(obj, name=name, reason=reason)
