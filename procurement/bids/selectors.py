"""Reads of bids: the received bids of a tender, an organisation's bids, a version's attachments."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)

from partners.models import Organisation
from procurement.bids.models import RECEIVED, Bid, BidAttachment, BidVersion
from procurement.tenders.models import (
    Stage,
    Tender,
)


def received_bids(*, tender: Tender, stage: str = Stage.FULL) -> QuerySet[Bid]:
    """Bids the acting organisation may read: sealed by the tenant filter until the deadline."""
    return (
        Bid.objects.filter(tender=tender, stage=stage, status__in=RECEIVED)
        .select_related("organisation", "lot", "current_version")
        .order_by("organisation__name", "pk")
    )


def bids_of(*, organisation: Organisation) -> QuerySet[Bid]:
    return (
        Bid.objects.filter(organisation=organisation)
        .select_related("tender__commission__lead", "lot", "current_version")
        .order_by("-created_at", "-pk")
    )


def version_attachments(version: BidVersion | None) -> list[BidAttachment]:
    if version is None:
        return []
    return list(BidAttachment.objects.filter(versions=version).order_by("uploaded_at", "pk"))
