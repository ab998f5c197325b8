"""Reads of applications: the applicant's own, and a programme's (sealed until closing by the tenant rule)."""

from __future__ import annotations

from django.db.models import QuerySet

from grants.applications.models import RECEIVED, GrantApplication
from grants.programmes.models import GrantProgramme
from partners.models import Organisation


def applications_of(*, organisation: Organisation) -> QuerySet[GrantApplication]:
    return (
        GrantApplication.objects.filter(organisation=organisation)
        .select_related("programme", "programme__partnership")
        .order_by("-created_at", "-id")
    )


def received_for(*, programme: GrantProgramme) -> QuerySet[GrantApplication]:
    """The programme's received applications the caller may read: none before closing (sealed), whoever asks."""
    return (
        GrantApplication.objects.filter(programme=programme, status__in=RECEIVED)
        .select_related("organisation", "current_version")
        .order_by("submitted_at", "id")
    )
