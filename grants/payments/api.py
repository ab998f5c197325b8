"""REST API: grant instalments (the schedule, paying one), the partners' shares and what each partner's money paid."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import TenantReadOnlyViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin, MoneySerializerField
from grants.applications.models import GrantApplication
from grants.payments.models import MAX_INSTALMENTS, GrantFundingShare, GrantInstalment, InstalmentPart
from grants.payments.rules import PlannedInstalment
from grants.payments.services import PAYERS, instalment_pay, schedule_set
from grants.payments.workflows import INSTALMENT_WORKFLOW


def money_field(**kwargs: Any) -> MoneySerializerField:
    return MoneySerializerField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


class InstalmentPartSerializer(BoundedSerializerMixin, serializers.ModelSerializer[InstalmentPart]):
    """What one partner's money paid of one instalment."""

    amount = money_field(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    instalment_number = serializers.IntegerField(source="instalment.number", read_only=True)
    application = serializers.UUIDField(source="instalment.application.public_id", read_only=True)
    paid_on = serializers.DateField(source="instalment.paid_on", read_only=True)
    reference = serializers.CharField(source="instalment.reference", read_only=True)

    class Meta:
        model = InstalmentPart
        fields = [
            "id",
            "instalment",
            "instalment_number",
            "application",
            "organisation",
            "organisation_name",
            "amount",
            "paid_on",
            "reference",
        ]
        read_only_fields = fields


class PartBriefSerializer(BoundedSerializerMixin, serializers.ModelSerializer[InstalmentPart]):
    amount = money_field(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = InstalmentPart
        fields = ["organisation", "organisation_name", "amount"]
        read_only_fields = fields


class GrantInstalmentSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantInstalment]):
    """One instalment of a grant; once paid, its date, reference and what each partner's money paid of it."""

    amount = money_field(read_only=True)
    application = serializers.UUIDField(source="application.public_id", read_only=True)
    parts = PartBriefSerializer(many=True, read_only=True)

    class Meta:
        model = GrantInstalment
        fields = ["id", "application", "number", "amount", "due_on", "status", "paid_on", "reference", "parts"]
        read_only_fields = fields


class PlannedInstalmentSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    amount = money_field()
    due_on = serializers.DateField()


class ScheduleSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    application = serializers.UUIDField(help_text="The grant (the accepted application's id)")
    instalments = serializers.ListField(child=PlannedInstalmentSerializer(), min_length=1, max_length=MAX_INSTALMENTS)


class PaySerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=100)


class GrantFundingShareSerializer(BoundedSerializerMixin, serializers.ModelSerializer[GrantFundingShare]):
    amount = money_field(read_only=True)
    application = serializers.UUIDField(source="application.public_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = GrantFundingShare
        fields = ["id", "application", "organisation", "organisation_name", "amount"]
        read_only_fields = fields


APPLICATION_PARAM = OpenApiParameter("application", str, description="Only this grant's (the application's id)")


def _by_application(rows: QuerySet[Any], request: Request, path: str) -> QuerySet[Any]:
    raw = request.query_params.get("application", "")
    if not raw:
        return rows
    try:
        return rows.filter(**{f"{path}__public_id": serializers.UUIDField().to_internal_value(raw)})
    except serializers.ValidationError:
        return rows.none()


@extend_schema_view(list=extend_schema(parameters=[APPLICATION_PARAM]))
class GrantInstalmentViewSet(WorkflowActions, TenantReadOnlyViewSet):
    """Grant instalments you may see (the grantee's, the lead's). The lead's finance officer or commissioner sets a
    grant's schedule (``schedule/``) and records a payment (``{id}/pay/``: date and reference; paying again with the
    same date and reference changes nothing)."""

    serializer_class = GrantInstalmentSerializer
    queryset = GrantInstalment.objects.none()
    workflow = INSTALMENT_WORKFLOW
    write_roles = PAYERS
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[GrantInstalment]:
        rows = GrantInstalment.objects.select_related("application").prefetch_related("parts__organisation")
        return _by_application(rows, self.request, "application").order_by("application_id", "number")

    @extend_schema(request=PaySerializer, responses=GrantInstalmentSerializer)
    @action(detail=True, methods=["post"], write_roles=PAYERS)
    def pay(self, request: Request, pk: Any = None) -> Response:
        instalment = self.get_object()
        d = self.validated(PaySerializer)
        paid = instalment_pay(instalment=instalment, paid_on=d["paid_on"], reference=d["reference"], by=self.acting)
        fresh = self.get_queryset().get(pk=paid.pk)
        return Response(GrantInstalmentSerializer(fresh).data)

    @extend_schema(request=ScheduleSerializer, responses={201: GrantInstalmentSerializer(many=True)})
    @action(detail=False, methods=["post"], write_roles=PAYERS)
    def schedule(self, request: Request) -> Response:
        d = self.validated(ScheduleSerializer)
        application = get_object_or_404(GrantApplication.objects, public_id=d["application"])
        planned = [PlannedInstalment(row["amount"], row["due_on"]) for row in d["instalments"]]
        schedule_set(application=application, instalments=planned, by=self.acting)
        rows = self.get_queryset().filter(application=application)
        return Response(GrantInstalmentSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[APPLICATION_PARAM]))
class InstalmentPartViewSet(TenantReadOnlyViewSet):
    """What each partner's money paid of each paid instalment: your organisation's parts, and those of the grants
    you see. ``?ours=1``: only what your organisation's money paid."""

    serializer_class = InstalmentPartSerializer
    queryset = InstalmentPart.objects.none()

    def get_queryset(self) -> QuerySet[InstalmentPart]:
        rows = InstalmentPart.objects.select_related("organisation", "instalment__application")
        if self.request.query_params.get("ours") in ("1", "true"):
            rows = rows.filter(organisation=self.acting.organisation)
        return _by_application(rows, self.request, "instalment__application").order_by("-instalment__paid_on", "-id")


@extend_schema_view(list=extend_schema(parameters=[APPLICATION_PARAM]))
class GrantFundingShareViewSet(TenantReadOnlyViewSet):
    """Each funding partner's share of each grant's award (fixed when its schedule is first set)."""

    serializer_class = GrantFundingShareSerializer
    queryset = GrantFundingShare.objects.none()

    def get_queryset(self) -> QuerySet[GrantFundingShare]:
        rows = GrantFundingShare.objects.select_related("organisation", "application")
        return _by_application(rows, self.request, "application").order_by("application_id", "organisation__name")
