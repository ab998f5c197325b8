"""Tenders as a source of ``core.opportunities``: the opportunity a published tender is (announced once, on
publication, to the followers of its service area and category), and the open tenders the monthly digest lists."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core import opportunities
from core.opportunities import Opportunity
from core.tenancy import unscoped
from procurement.tenders.models import Tender, TenderStatus

OPEN = (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED)


def tender_opportunity(tender: Tender) -> Opportunity:
    commission = tender.commission
    return Opportunity(
        kind="tender",
        kind_label="Tender",
        key=f"tender:{tender.pk}",
        title=tender.title,
        url=reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk}),
        partnership_id=commission.partnership_id,
        service_area_id=commission.service_area_id,
        category=tender.category,
        opens=tender.published_at,
        closes=tender.submission_deadline,
        summary=tender.summary,
    )


def open_tenders(*, partnership_ids: set[int] | None, now: dt.datetime) -> list[Opportunity]:
    """Published tenders still taking bids (public facts only: what the opportunities portal shows)."""
    with unscoped(reason="open tenders are public on the opportunities portal"):
        rows = Tender.objects.filter(
            published_at__isnull=False, status__in=OPEN, submission_deadline__gt=now
        ).select_related("commission")
        if partnership_ids is not None:
            rows = rows.filter(commission__partnership_id__in=partnership_ids)
        return [tender_opportunity(t) for t in rows.order_by("submission_deadline", "pk")]


def register() -> None:
    opportunities.register_source("tenders", forthcoming=open_tenders)
