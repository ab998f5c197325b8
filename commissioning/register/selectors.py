"""Reads: a partnership's register, a provider's entries and its current documents (what bids reuse)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.register.models import REMINDER_DAYS, ProviderDocument, RegisterEntry
from partners.models import Organisation, Partnership


def register_of(*, partnership: Partnership, today: dt.date | None = None) -> QuerySet[RegisterEntry]:
    """The partnership's register, with how many of each provider's current documents expire within the reminder
    window (one query whatever its length)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=REMINDER_DAYS)
    expiring = (
        ProviderDocument.objects.unscoped(reason="counted for the register's own rows only")
        .filter(
            organisation=OuterRef("organisation"), removed_at__isnull=True, expires_on__gte=today, expires_on__lte=soon
        )
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        RegisterEntry.objects.filter(partnership=partnership)
        .select_related("organisation")
        .annotate(expiring=Coalesce(Subquery(expiring, output_field=IntegerField()), Value(0)))
        .order_by("organisation__name")
    )


def entries_of(*, organisation: Organisation) -> list[RegisterEntry]:
    return list(
        RegisterEntry.objects.filter(organisation=organisation)
        .select_related("partnership")
        .order_by("partnership__name")
    )


def documents_of(*, organisation_id: int, today: dt.date | None = None) -> list[ProviderDocument]:
    """The provider's documents that are not removed (current and expired), newest first within each kind."""
    return list(
        ProviderDocument.objects.filter(organisation_id=organisation_id, removed_at__isnull=True).order_by(
            "kind", "-uploaded_at"
        )
    )


def current_documents(*, organisation_id: int, today: dt.date | None = None) -> list[ProviderDocument]:
    """What a bid attaches by reference: the provider's documents not removed and not expired."""
    today = today or timezone.localdate()
    return [d for d in documents_of(organisation_id=organisation_id) if d.is_current(today)]


def entry_for(*, partnership_id: int, organisation_id: int) -> RegisterEntry | None:
    """The provider's entry on a partnership's register, read by bids (unscoped: the bid's own provider and the
    lead both see the facts it carries)."""
    return (
        RegisterEntry.objects.unscoped(reason="a bid shows its provider's register entry to the provider and the lead")
        .filter(partnership_id=partnership_id, organisation_id=organisation_id)
        .first()
    )


def register_facts(*, partnership_id: int, organisation_id: int, today: dt.date | None = None) -> dict[str, Any]:
    """What a bid shows without re-entry: the entry (or None) and the current documents, by reference."""
    today = today or timezone.localdate()
    entry = entry_for(partnership_id=partnership_id, organisation_id=organisation_id)
    docs = ProviderDocument.objects.unscoped(reason="a bid attaches its provider's current documents by reference")
    current = [
        d
        for d in docs.filter(organisation_id=organisation_id, removed_at__isnull=True).order_by("kind", "-uploaded_at")
        if d.is_current(today)
    ]
    return {"entry": entry, "documents": current, "today": today}
