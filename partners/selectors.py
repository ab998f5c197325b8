"""Reads for ``partners``. Each takes who is asking explicitly; the tenant scope filters underneath."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from core.models import AuditEvent
from partners.models import Invitation, Membership, Organisation, Partnership, PartnershipMember, Role


def people_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-is_active", "user__full_name")
    )


def open_invitations_of(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def partnerships_for(*, organisation: Organisation) -> QuerySet[Partnership]:
    return (
        Partnership.objects.all()
        .select_related("accountable_body")
        .annotate(
            active_members=Count(
                "memberships", filter=Q(memberships__status=PartnershipMember.Status.ACTIVE), distinct=True
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=PartnershipMember.objects.filter(organisation=organisation),
                to_attr="own_membership",
            )
        )
        .order_by("name")
    )


def partnership_detail(*, partnership_id: int) -> Partnership:
    return (
        Partnership.objects.select_related("accountable_body")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=PartnershipMember.objects.select_related("organisation").order_by("organisation__name"),
            )
        )
        .get(pk=partnership_id)
    )


def recent_activity(*, organisation: Organisation, limit: int = 20) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("content_type").order_by("-occurred_at", "-id")[:limit]


def organisations_available_to_invite(*, partnership: Partnership) -> QuerySet[Organisation]:
    taken = PartnershipMember.objects.filter(
        partnership=partnership, status__in=[PartnershipMember.Status.ACTIVE, PartnershipMember.Status.INVITED]
    ).values("organisation_id")
    return Organisation.objects.filter(sector="public").exclude(pk__in=taken)


def public_sector_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(sector="public")


def members_with_role(*, organisation: Organisation, role: str) -> QuerySet[Membership]:
    return Membership.objects.filter(organisation=organisation, is_active=True, roles__contains=[role]).select_related(
        "user"
    )


def role_summary(acting: Any) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[r]) for r in sorted(acting.roles) if r in labels]
