"""REST API: provider register entries (``/api/v1/register-entries/``: the partnership's commissioners and the
provider itself; steps through ``transition/``, approval through ``approve/``) and the provider's documents
(``/api/v1/provider-documents/``: uploaded once, read by every register the provider is on)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from commissioning.register import services
from commissioning.register.models import DocumentKind, ProviderDocument, RegisterEntry
from commissioning.register.rules import PROVIDER_ROLES, REGISTRAR_ROLES
from commissioning.register.workflows import REGISTER_WORKFLOW
from commissioning.service_map.api import id_filters
from commissioning.service_map.permissions import READ_ROLES
from core.api import TenantModelViewSet, WorkflowActions
from core.api_fields import BoundedSerializerMixin
from core.opportunities import CATEGORIES
from core.tenancy import unscoped
from partners.models import Organisation, Partnership

READERS = tuple({*READ_ROLES, *PROVIDER_ROLES})
WRITERS = tuple({*REGISTRAR_ROLES, *PROVIDER_ROLES})


class RegisterEntrySerializer(BoundedSerializerMixin, serializers.ModelSerializer[RegisterEntry]):
    partnership = serializers.IntegerField(source="partnership_id", min_value=1)
    organisation = serializers.IntegerField(source="organisation_id", min_value=1)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORIES), read_only=True, help_text="Approved for these"
    )
    services_offered = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "partnership",
            "organisation",
            "organisation_name",
            "status",
            "categories",
            "approved_until",
            "suspended_reason",
            "services_offered",
            "areas_served",
            "contact_name",
            "contact_email",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "approved_until", "suspended_reason", "created_at", "updated_at"]


class ApproveSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=CATEGORIES), min_length=1, max_length=len(CATEGORIES)
    )
    approved_until = serializers.DateField()


class RegisterEntryViewSet(WorkflowActions, TenantModelViewSet):
    """Entries of the registers of your partnerships (commissioners), or your own entries (a provider). ``POST``
    puts a provider on a register (a commissioner; or the provider itself, joining); ``PATCH`` changes the
    provider's own details (the provider only); ``approve`` approves for categories until a date."""

    serializer_class = RegisterEntrySerializer
    queryset = RegisterEntry.objects.none()
    required_roles = READERS
    write_roles = WRITERS
    workflow = REGISTER_WORKFLOW
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = id_filters(RegisterEntry, "partnership", "organisation")

    def get_queryset(self) -> QuerySet[RegisterEntry]:
        return RegisterEntry.objects.select_related("organisation").order_by("partnership_id", "organisation__name")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        with unscoped(reason="a provider joins any partnership's register; a commissioner adds any provider"):
            organisation = get_object_or_404(Organisation.objects.all(), pk=data["organisation_id"])
            partnership = get_object_or_404(Partnership.objects.all(), pk=data["partnership_id"])
        serializer.instance = services.entry_register(
            partnership=partnership, organisation=organisation, by=self.acting
        )

    def perform_update(self, serializer: Any) -> None:
        facts = {k: v for k, v in serializer.validated_data.items() if k in services.FACT_FIELDS}
        serializer.instance = services.entry_facts_set(entry=serializer.instance, by=self.acting, **facts)

    def perform_transition(self, obj: Any, *, name: str, reason: str) -> Any:
        return services.entry_transition(entry=obj, name=name, reason=reason, by=self.acting)

    @extend_schema(request=ApproveSerializer, responses=RegisterEntrySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        entry = self.get_object()
        d = self.validated(ApproveSerializer)
        entry = services.entry_approve(
            entry=entry, categories=d["categories"], approved_until=d["approved_until"], by=self.acting
        )
        return Response(RegisterEntrySerializer(self.get_queryset().get(pk=entry.pk)).data)


class ProviderDocumentSerializer(BoundedSerializerMixin, serializers.ModelSerializer[ProviderDocument]):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    file = serializers.FileField(write_only=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = ProviderDocument
        fields = [
            "id",
            "organisation",
            "kind",
            "title",
            "file",
            "original_filename",
            "size",
            "expires_on",
            "uploaded_at",
            "removed_at",
        ]
        read_only_fields = ["organisation", "original_filename", "size", "uploaded_at", "removed_at"]


class ProviderDocumentViewSet(TenantModelViewSet):
    """A provider's documents (insurance, safeguarding policy, accounts) with expiry dates: the provider uploads
    (multipart) and removes them; the commissioners of every register it is on read them."""

    serializer_class = ProviderDocumentSerializer
    queryset = ProviderDocument.objects.none()
    required_roles = READERS
    write_roles = PROVIDER_ROLES
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "delete", "head", "options"]
    filterset_class = id_filters(ProviderDocument, "organisation")

    def get_queryset(self) -> QuerySet[ProviderDocument]:
        return ProviderDocument.objects.filter(removed_at__isnull=True).order_by("organisation_id", "kind", "-pk")

    def perform_create(self, serializer: Any) -> None:
        d = serializer.validated_data
        serializer.instance = services.document_add(
            organisation=self.acting.organisation,
            kind=d["kind"],
            file=d["file"],
            title=d.get("title", ""),
            expires_on=d.get("expires_on"),
            by=self.acting,
        )

    def perform_destroy(self, instance: ProviderDocument) -> None:
        services.document_remove(document=instance, by=self.acting)
