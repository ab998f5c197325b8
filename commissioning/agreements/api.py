"""REST API: the partnership agreement each partner signs to delegate to the lead."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request

from commissioning.agreements.models import DelegationScope, PartnershipAgreement
from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import JointCommission
from commissioning.service_map.api import id_filters
from commissioning.service_map.permissions import READ_ROLES
from core.api import TenantModelViewSet
from core.api_fields import BoundedSerializerMixin
from core.errors import DomainError
from core.files import check_upload, serve
from partners.models import Role


class AgreementSummarySerializer(BoundedSerializerMixin, serializers.ModelSerializer[PartnershipAgreement]):
    class Meta:
        model = PartnershipAgreement
        fields = ["id", "organisation", "scopes", "signatory_name", "signed_on", "valid_from", "valid_until"]


class AgreementSerializer(BoundedSerializerMixin, serializers.ModelSerializer[PartnershipAgreement]):
    document = serializers.FileField(write_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=DelegationScope.choices))

    class Meta:
        model = PartnershipAgreement
        fields = [
            "id",
            "commission",
            "organisation",
            "scopes",
            "signatory_name",
            "signatory_authority",
            "signed_on",
            "valid_from",
            "valid_until",
            "original_filename",
            "document",
            "created_at",
        ]
        read_only_fields = [
            "organisation",
            "signatory_name",
            "valid_from",
            "valid_until",
            "original_filename",
            "created_at",
        ]


class AgreementViewSet(TenantModelViewSet):
    """Partnership agreements delegating to the lead commissioner. ``POST`` (multipart, with the signed document)
    signs for your organisation; ``document`` downloads the signed copy."""

    serializer_class = AgreementSerializer
    queryset = PartnershipAgreement.objects.none()
    required_roles = READ_ROLES
    write_roles = (Role.COMMISSIONER, Role.ORG_ADMIN)
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = id_filters(PartnershipAgreement, "commission", "organisation")

    def get_queryset(self) -> QuerySet[PartnershipAgreement]:
        return PartnershipAgreement.objects.select_related("organisation").order_by(
            "commission_id", "organisation__name"
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        commission = get_object_or_404(JointCommission.objects.all(), pk=data["commission"].pk)
        try:
            check_upload(data["document"], allowed=("pdf", "docx", "odt", "png", "jpg", "jpeg"))
        except Exception as exc:
            raise DomainError(getattr(exc, "messages", [str(exc)])[0], field="document") from exc
        serializer.instance = agreement_sign(
            commission=commission,
            scopes=data["scopes"],
            signatory_authority=data["signatory_authority"],
            signed_on=data["signed_on"],
            document=data["document"],
            by=self.acting,
        )

    @action(detail=True, methods=["get"])
    def document(self, request: Request, pk: Any = None) -> Any:

        agreement = self.get_object()
        return serve(agreement.document, filename=agreement.original_filename)
