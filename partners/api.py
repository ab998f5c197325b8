from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core import audit
from core.api import TenantAPIView, TenantReadOnlyViewSet
from core.api_fields import BoundedSerializerMixin
from core.models import AuditEvent, Notification
from partners.models import Membership, Organisation, Partnership, PartnershipMember


class OrganisationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "sector",
            "charity_number",
            "company_number",
            "local_authority_code",
            "area",
            "website",
        ]


class MembershipSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Membership]):
    user_name = serializers.CharField(source="user.full_name")
    user_email = serializers.EmailField(source="user.email")

    class Meta:
        model = Membership
        fields = ["id", "organisation", "user_name", "user_email", "roles", "job_title", "is_active"]


class PartnershipMemberSerializer(BoundedSerializerMixin, serializers.ModelSerializer[PartnershipMember]):
    organisation_name = serializers.CharField(source="organisation.name")

    class Meta:
        model = PartnershipMember
        fields = ["organisation", "organisation_name", "status", "joined_at"]


class PartnershipSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Partnership]):
    members = PartnershipMemberSerializer(source="memberships", many=True)

    class Meta:
        model = Partnership
        fields = ["id", "name", "description", "accountable_body", "members", "created_at"]


class AuditEventSerializer(BoundedSerializerMixin, serializers.ModelSerializer[AuditEvent]):
    object_type = serializers.CharField(source="content_type.model")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_name",
            "organisation",
            "organisation_name",
            "object_type",
            "object_id",
            "object_repr",
            "action",
            "from_state",
            "to_state",
            "reason",
            "data",
        ]

    def to_representation(self, instance: AuditEvent) -> dict[str, Any]:
        # Show the event's withheld part only to a reader entitled to it (core.audit).
        request = self.context.get("request")
        acting = getattr(request, "acting", None)
        if acting is not None:
            audit.reveal([instance], acting)
        return super().to_representation(instance)


class NotificationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "url", "created_at", "read_at"]


class MeSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    acting_organisation = OrganisationSerializer(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())
    memberships = MembershipSerializer(many=True)


class MeView(TenantAPIView):
    """Who you are, which organisation you act for, and your roles there."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        acting = self.acting
        data = {
            "email": request.user.email,
            "full_name": request.user.full_name,
            "acting_organisation": acting.organisation,
            "roles": sorted(acting.roles),
            "memberships": list(acting.memberships),
        }
        return Response(MeSerializer(data).data)


class OrganisationViewSet(TenantReadOnlyViewSet):
    """The register of organisations: public identities (names, kinds, charity and company numbers)."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()
    filterset_fields = ["sector", "kind"]
    ordering_fields = ["name"]


class MembershipViewSet(TenantReadOnlyViewSet):
    """People in the organisation you act for."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()
    filterset_fields = ["is_active"]

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user").order_by("user__full_name")


class PartnershipViewSet(TenantReadOnlyViewSet):
    serializer_class = PartnershipSerializer
    queryset = Partnership.objects.none()

    def get_queryset(self) -> QuerySet[Partnership]:
        return Partnership.objects.prefetch_related("memberships__organisation").order_by("name")


class AuditEventViewSet(TenantReadOnlyViewSet):
    """The audit trail of everything your organisation is involved in. Read-only: nobody can change it."""

    serializer_class = AuditEventSerializer
    queryset = AuditEvent.objects.none()
    filterset_fields = ["action", "object_id"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.select_related("content_type").order_by("-occurred_at", "-id")


class NotificationViewSet(TenantReadOnlyViewSet):
    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.filter(recipient=self.request.user).order_by("-created_at")
