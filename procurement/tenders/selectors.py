"""Reads for the public portal and the lead's tender pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from boards.models import Board
from commissioning.models import JointCommission, Outcome, Participation, ParticipationStatus, ServiceArea
from partners.models import Organisation
from procurement.award.models import Contract
from procurement.bids.models import RECEIVED, Bid
from procurement.tenders.models import (
    Clarification,
    Criterion,
    EvaluationMethod,
    Question,
    Stage,
    Tender,
    TenderDocument,
    TenderStatus,
)

# --- the public portal ----------------------------------------------------------------------------------------------


def received_count_after_deadline(*, now: dt.datetime | None = None) -> Case:
    """The number of bids received, only once the deadline has passed (else NULL): sealed in SQL, no per-provider
    information. Counted across tenants on purpose: a count after the deadline is public."""
    now = now or timezone.now()
    count = (
        Bid.objects.unscoped(reason="the count of received bids is public after the deadline; no bid is read")
        .filter(tender=OuterRef("pk"), stage=Stage.FULL, status__in=RECEIVED)
        .order_by()
        .values("tender")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Case(
        When(
            submission_deadline__lte=now,
            stage=Stage.FULL,
            then=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


@dataclass
class PortalFilters:
    q: str = ""
    service_area: int | None = None
    partner: int | None = None
    closing_from: dt.date | None = None
    closing_to: dt.date | None = None
    include_closed: bool = False


def portal(filters: PortalFilters) -> QuerySet[Tender]:
    """Published opportunities, searchable and filterable (service area, partner, closing date)."""
    now = timezone.now()
    qs = (
        Tender.objects.filter(published_at__isnull=False)
        .select_related("commission__service_area", "commission__lead", "commission__partnership")
        .annotate(bids_received=received_count_after_deadline(now=now))
    )
    if not filters.include_closed:
        qs = qs.filter(
            status__in=[TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED], submission_deadline__gt=now
        )
    if filters.q.strip():
        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "summary", "specification", weight="B", config="english"
        )
        query = SearchQuery(filters.q.strip(), search_type="websearch", config="english")
        qs = qs.annotate(search=vector).filter(Q(search=query) | Q(title__icontains=filters.q.strip()))
    if filters.service_area:
        qs = qs.filter(commission__service_area_id=filters.service_area)
    if filters.partner:
        qs = qs.filter(
            Q(commission__lead_id=filters.partner)
            | Q(
                Exists(
                    Participation.objects.unscoped(
                        reason="the portal lists a published tender's partners to everyone"
                    ).filter(
                        commission=OuterRef("commission"),
                        organisation_id=filters.partner,
                        status=ParticipationStatus.ACCEPTED,
                    )
                )
            )
        )
    if filters.closing_from:
        qs = qs.filter(submission_deadline__date__gte=filters.closing_from)
    if filters.closing_to:
        qs = qs.filter(submission_deadline__date__lte=filters.closing_to)
    return qs.order_by("submission_deadline", "pk")


def portal_service_areas() -> list[ServiceArea]:
    """Service areas with a published opportunity (their names are public through the opportunity)."""
    published = Tender.objects.unscoped(reason="the portal's filters list what published tenders use").filter(
        published_at__isnull=False, commission__service_area=OuterRef("pk")
    )
    return list(
        ServiceArea.objects.unscoped(reason="the portal's filters list what published tenders use")
        .filter(Exists(published))
        .select_related("partnership")
        .order_by("name", "partnership__name")
    )


def portal_partners() -> list[Organisation]:
    published = Tender.objects.unscoped(reason="the portal's filters list what published tenders use").filter(
        published_at__isnull=False
    )
    leads = published.values("commission__lead_id")
    partners = (
        Participation.objects.unscoped(reason="the portal's filters list what published tenders use")
        .filter(commission__tenders__published_at__isnull=False, status=ParticipationStatus.ACCEPTED)
        .values("organisation_id")
    )
    return list(Organisation.objects.filter(Q(pk__in=leads) | Q(pk__in=partners)).order_by("name"))


def opportunity(*, opportunity_id: int) -> Tender:
    return (
        Tender.objects.filter(published_at__isnull=False)
        .select_related("commission__service_area", "commission__lead", "commission__partnership", "method")
        .annotate(bids_received=received_count_after_deadline())
        .get(pk=opportunity_id)
    )


def opportunity_parts(tender: Tender) -> dict[str, Any]:
    """Documents, lots, the evaluation method, linked outcomes and published clarifications of a tender."""

    method = EvaluationMethod.objects.filter(tender=tender).first()
    return {
        "documents": list(TenderDocument.objects.filter(tender=tender, removed_at__isnull=True)),
        "lots": list(tender.lots.all()),
        "method": method,
        "criteria": list(Criterion.objects.filter(method=method)) if method else [],
        "questions": list(Question.objects.filter(method=method).select_related("criterion")) if method else [],
        # Linked outcomes are public once the tender is: read them through the link, not the partnership's scope.
        "outcomes": list(
            Outcome.objects.unscoped(reason="linked outcomes are public once the tender is")
            .filter(tenders=tender)
            .order_by("kind", "position")
        ),
        "clarifications": list(
            Clarification.objects.filter(tender=tender, published_at__isnull=False).order_by("published_at", "pk")
        ),
        "contracts": list(Contract.objects.filter(tender=tender).select_related("provider", "lot")),
    }


# --- the lead's tenders ---------------------------------------------------------------------------------------------


def tenders_for(*, organisation: Organisation) -> QuerySet[Tender]:
    """Tenders the organisation leads or takes part in (not merely published ones)."""

    visible = JointCommission.objects.unscoped(
        reason="the visibility rule is applied explicitly, for the organisation named"
    ).filter(JointCommission.tenant_filter(organisation), pk=OuterRef("commission"))
    return (
        Tender.objects.filter(Exists(visible))
        .select_related("commission__service_area", "commission__lead", "method")
        .annotate(bids_received=received_count_after_deadline())
        .order_by("-created_at", "-pk")
    )


def tender_detail(*, tender_id: int, where: Q | None = None) -> Tender:
    """The tender with what its pages show, in one query: its bid count after the deadline, whether its
    partnership has a board, its clarification questions still to answer, and (``where``) the page's own visibility rule, so a tender outside it is missing."""
    boards = Board.objects.unscoped(
        reason="whether the partnership has a board decides who approves; no board data is read"
    ).filter(partnership_id=OuterRef("commission__partnership_id"))
    tenders = Tender.objects.select_related(
        "commission__service_area", "commission__lead", "commission__partnership", "method"
    ).annotate(
        bids_received=received_count_after_deadline(),
        has_board_annotated=Exists(boards),
        unanswered_clarifications=Coalesce(
            Subquery(
                Clarification.objects.filter(tender=OuterRef("pk"), published_at__isnull=True)
                .order_by()
                .values("tender")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        ),
    )
    if where is not None:
        tenders = tenders.filter(where)
    return tenders.get(pk=tender_id)


def clarifications_for_lead(*, tender: Tender) -> QuerySet[Clarification]:
    return (
        Clarification.objects.filter(tender=tender)
        .select_related("organisation", "asked_by")
        .order_by(F("published_at").asc(nulls_first=True), "asked_at")
    )


def own_clarifications(*, tender: Tender, organisation: Organisation) -> QuerySet[Clarification]:
    return Clarification.objects.filter(tender=tender, organisation=organisation).order_by("asked_at")
