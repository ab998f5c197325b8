"""Reads of grant programmes: the public list of open rounds, the lead's list, one programme's set-up, and the
forthcoming grant rounds for alerts and the digest (``core.opportunities``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from commissioning.models import Contribution
from core import opportunities
from core.tenancy import unscoped
from grants.programmes.models import (
    ApplicationQuestion,
    ApplicationSection,
    GrantProgramme,
    ProgrammeStatus,
)
from grants.programmes.services import opportunity_of
from partners.models import Organisation


def _with_parts(qs: QuerySet[GrantProgramme]) -> QuerySet[GrantProgramme]:
    return qs.select_related("partnership", "service_area", "commission__lead")


def open_programmes(*, now: dt.datetime | None = None) -> QuerySet[GrantProgramme]:
    """Programmes taking applications now, soonest closing first (the public list)."""
    now = now or timezone.now()
    return _with_parts(
        GrantProgramme.objects.filter(status=ProgrammeStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
    ).order_by("closes_at", "id")


def published_programmes() -> QuerySet[GrantProgramme]:
    return _with_parts(GrantProgramme.objects.filter(opened_at__isnull=False)).order_by("-opened_at", "-id")


def programmes_for(*, organisation: Organisation) -> QuerySet[GrantProgramme]:
    """Programmes the organisation's commissioners see (its own and its partnerships')."""
    return _with_parts(GrantProgramme.objects.all()).order_by("-created_at", "-id")


def form_of(programme: GrantProgramme) -> list[ApplicationSection]:
    return list(
        ApplicationSection.objects.filter(programme=programme).prefetch_related(
            Prefetch("questions", queryset=ApplicationQuestion.objects.select_related("criterion"))
        )
    )


def funding(programme: GrantProgramme) -> list[dict[str, Any]]:
    """Each partner's contributions to the programme's commission (the same contributions and reports as any
    commission), with the total."""
    rows = (
        Contribution.objects.filter(commission_id=programme.commission_id)
        .values("organisation__name")
        .annotate(total=Sum("amount"))
        .order_by("organisation__name")
    )
    return [{"partner": r["organisation__name"], "amount": r["total"] or Decimal("0.00")} for r in rows]


def forthcoming_grant_rounds(*, partnership_ids: set[int] | None, now: dt.datetime) -> list[opportunities.Opportunity]:
    with unscoped(reason="forthcoming grant rounds are public facts"):
        qs = GrantProgramme.objects.filter(status=ProgrammeStatus.OPEN, closes_at__gt=now)
        if partnership_ids is not None:
            qs = qs.filter(partnership_id__in=partnership_ids)
        return [opportunity_of(p) for p in qs.order_by("closes_at", "id")]


def register_source() -> None:
    opportunities.register_source("grant_rounds", forthcoming=forthcoming_grant_rounds)
