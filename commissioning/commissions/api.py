"""REST API: the joint commission and who takes part in it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from commissioning.commissions.models import CommissioningModel, Participation
from core.api_fields import BoundedSerializerMixin
from core.money import FinancialYearPart


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


class YearPartSerializer(BoundedSerializerMixin, serializers.Serializer[Any]):
    """One financial year of a commission's term: a part-year at either end says which days it covers."""

    financial_year = serializers.CharField(help_text='"2026/27"')
    year = serializers.IntegerField(help_text="The year the financial year starts (1 April)")
    start = serializers.DateField(help_text="The term's first day in this year")
    end = serializers.DateField(help_text="The term's last day in this year")
    days = serializers.IntegerField()
    year_days = serializers.IntegerField(help_text="Days in the whole financial year (366 with 29 February)")
    part_year = serializers.BooleanField()
    long_label = serializers.CharField(help_text='"2026/27 (part year: 1 October 2026 to 31 March 2027)"')


def year_part_json(part: FinancialYearPart) -> dict[str, Any]:
    return {
        "financial_year": part.short_label,
        "year": part.year,
        "start": part.start.isoformat(),
        "end": part.end.isoformat(),
        "days": part.days,
        "year_days": part.year_days,
        "part_year": part.part_year,
        "long_label": part.label,
    }
