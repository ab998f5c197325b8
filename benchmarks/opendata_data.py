"""Open data at county scale: every published tender's releases recorded (as publishing its notices would), then
the public release package and the lead's Transparency Code file measured."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from benchmarks.run import Page
from core.actors import SYSTEM
from core.tenancy import unscoped
from opendata.ocds.models import Release
from opendata.ocds.services import releases_sync
from opendata.transparency.rules import quarter_of
from procurement.tenders.models import Tender


def build(context: dict[str, Any]) -> list[Page]:
    lead = context["lead"]
    with unscoped(reason="the benchmark records every published tender's releases"):
        for tender in Tender.objects.filter(published_at__isnull=False).select_related("commission"):
            releases_sync(tender=tender, by=SYSTEM)
        context.setdefault("counts", {}).update(releases=Release.objects.count())
    quarter = quarter_of(timezone.localdate()).code
    admin = "bench00-0@bench.example"
    return [
        Page("Open data: OCDS release package (public)", "/open-data/ocds/releases.json", admin, lead.pk),
        Page(
            "Transparency Code CSV (the lead, this quarter)",
            f"/open-data/transparency/contracts.csv?organisation={lead.pk}&quarter={quarter}",
            admin,
            lead.pk,
        ),
    ]
