"""Reads: the joint commission and who takes part in it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.commissions.rules import suggest_model, suggestion_for
from commissioning.service_map.models import settings_for
from partners.models import Organisation, Partnership, PartnershipMember


def commissions_for(*, organisation: Organisation) -> QuerySet[JointCommission]:
    """Commissions the organisation leads, is invited to or takes part in (and, for the accountable body, those it
    holds money for), with what a list needs, in a fixed number of queries."""
    return (
        JointCommission.objects.select_related("lead", "service_area", "partnership", "lead_contact")
        .annotate(
            partners_taking_part=Count(
                "participations", filter=Q(participations__status=ParticipationStatus.ACCEPTED), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(organisation=organisation),
                to_attr="own_participation",
            )
        )
        .order_by("-created_at", "-id")
    )


def invitable_organisations(*, commission: JointCommission) -> QuerySet[Organisation]:
    taken = Participation.objects.filter(
        commission=commission, status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED]
    ).values("organisation_id")
    members = PartnershipMember.objects.filter(
        partnership_id=commission.partnership_id, status=PartnershipMember.Status.ACTIVE
    ).values("organisation_id")
    return Organisation.objects.filter(pk__in=members).exclude(pk__in=taken).exclude(pk=commission.lead_id)


def pending_invitations(*, organisation: Organisation) -> QuerySet[Participation]:
    return Participation.objects.filter(organisation=organisation, status=ParticipationStatus.INVITED).select_related(
        "commission__lead", "commission__service_area"
    )


def model_suggestion(*, commission: JointCommission) -> Any:

    return suggestion_for(commission)


def suggest(*, partners: int, annual_value: Decimal | None, new_service: bool, partnership: Partnership) -> Any:
    return suggest_model(
        partners=partners,
        annual_value=annual_value,
        new_service=new_service,
        threshold=settings_for(partnership).framework_threshold,
    )
