"""REST API: end-of-grant reports (write, submit, accept or return) and closing the grant."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from grants.applications.models import GrantApplication
from grants.reports.models import MAX_CASE_STUDY, MAX_OUTCOMES, MAX_SPEND_NOTES, GrantReport
from grants.reports.services import REPORT_FIELDS, grant_close, report_save
from grants.reports.workflows import GRANTEE_ROLES, LEAD_ROLES, REPORT_WORKFLOW


class GrantReportSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantReport]):
    """A grant's end-of-grant report."""

    application = serializers.UUIDField(source="application.public_id", read_only=True)
    grant_status = serializers.CharField(source="application.status", read_only=True)
    spend = MoneySerializerField(max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True)

    class Meta:
        model = GrantReport
        fields = [
            "id",
            "application",
            "grant_status",
            "status",
            "outcomes",
            "spend",
            "spend_notes",
            "case_study",
            "return_reason",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = fields


class ReportWriteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField(help_text="The grant (the accepted application's id)")
    outcomes = serializers.CharField(max_length=MAX_OUTCOMES, required=False, allow_blank=True)
    spend = MoneySerializerField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    spend_notes = serializers.CharField(max_length=MAX_SPEND_NOTES, required=False, allow_blank=True)
    case_study = serializers.CharField(max_length=MAX_CASE_STUDY, required=False, allow_blank=True)


class GrantReportViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """End-of-grant reports of the grants you may see. The grantee writes (``POST``: creates or updates the report
    of ``application``; fields left out are kept) and submits it (``transition`` ``submit``); the lead accepts or
    returns it with a reason; then the lead closes the grant (``{id}/close-grant/``)."""

    serializer_class = GrantReportSerializer
    queryset = GrantReport.objects.none()
    workflow = REPORT_WORKFLOW
    write_roles = tuple(GRANTEE_ROLES | LEAD_ROLES)
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GrantReport]:
        return GrantReport.objects.select_related("application").order_by("-updated_at", "-id")

    @extend_schema(request=ReportWriteSerializer, responses={200: GrantReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        d = self.validated(ReportWriteSerializer)
        application = get_object_or_404(GrantApplication.objects, public_id=d["application"])
        data = {k: d[k] for k in REPORT_FIELDS if k in d}
        report = report_save(application=application, data=data, by=self.acting)
        return Response(GrantReportSerializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=GrantReportSerializer)
    @action(detail=True, methods=["post"], url_path="close-grant")
    def close_grant(self, request: Request, pk: Any = None) -> Response:
        """Close the grant: every instalment paid and this report accepted."""
        report = self.get_object()
        grant_close(application=report.application, by=self.acting)
        return Response(GrantReportSerializer(self.get_queryset().get(pk=report.pk)).data)
