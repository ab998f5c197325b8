"""REST API: the joint commission and who takes part in it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from commissioning.commissions.models import CommissioningModel, Participation
from core.api_fields import BoundedSerializerMixin


class ParticipationSerializer(BoundedSerializerMixin, serializers.ModelSerializer[Participation]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Participation
        fields = [
            "organisation",
            "organisation_name",
            "status",
            "is_lead",
            "invited_at",
            "responded_at",
            "response_reason",
        ]


class ModelChoiceSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    model = serializers.ChoiceField(choices=CommissioningModel.choices)
    reason = serializers.CharField()


class InviteSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    organisations = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


@extend_schema_serializer(component_name="CommissionInvitationAnswer")
class RespondSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
