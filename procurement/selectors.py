"""Reads for tendering. Each takes who is asking explicitly; the tenant scope filters (and seals) underneath.
List pages run a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.commissions.models import Participation, ParticipationStatus
from commissioning.service_map.models import ServiceArea
from partners.models import Organisation
from procurement import scoring
from procurement.models import (
    RECEIVED,
    AwardLetter,
    AwardLine,
    AwardRecommendation,
    Bid,
    BidAttachment,
    BidStatus,
    BidVersion,
    Clarification,
    Contract,
    Criterion,
    EvaluationMethod,
    Evaluator,
    ModeratedScore,
    Question,
    RecommendationStatus,
    Score,
    ScoreSheet,
    Stage,
    Tender,
    TenderDocument,
    TenderStatus,
)

T = TenderStatus


# --- the public portal ----------------------------------------------------------------------------------------------


def received_count_after_deadline(*, now: dt.datetime | None = None) -> Case:
    """The number of bids received, only once the deadline has passed (else NULL): sealed in SQL, no per-provider
    information. Counted across tenants on purpose: a count after the deadline is public."""
    now = now or timezone.now()
    count = (
        Bid._base_manager.filter(tender=OuterRef("pk"), stage=Stage.FULL, status__in=RECEIVED)
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
        qs = qs.filter(status__in=[T.PUBLISHED, T.CLARIFICATIONS_CLOSED], submission_deadline__gt=now)
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
                    Participation._base_manager.filter(
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
    published = Tender._base_manager.filter(published_at__isnull=False, commission__service_area=OuterRef("pk"))
    return list(
        ServiceArea._base_manager.filter(Exists(published))
        .select_related("partnership")
        .order_by("name", "partnership__name")
    )


def portal_partners() -> list[Organisation]:
    published = Tender._base_manager.filter(published_at__isnull=False)
    leads = published.values("commission__lead_id")
    partners = Participation._base_manager.filter(
        commission__tenders__published_at__isnull=False, status=ParticipationStatus.ACCEPTED
    ).values("organisation_id")
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
    from commissioning.service_map.models import Outcome

    method = EvaluationMethod.objects.filter(tender=tender).first()
    return {
        "documents": list(TenderDocument.objects.filter(tender=tender, removed_at__isnull=True)),
        "lots": list(tender.lots.all()),
        "method": method,
        "criteria": list(Criterion.objects.filter(method=method)) if method else [],
        "questions": list(Question.objects.filter(method=method).select_related("criterion")) if method else [],
        # Linked outcomes are public once the tender is: read them through the link, not the partnership's scope.
        "outcomes": list(Outcome._base_manager.filter(tenders=tender).order_by("kind", "position")),
        "clarifications": list(
            Clarification.objects.filter(tender=tender, published_at__isnull=False).order_by("published_at", "pk")
        ),
        "contracts": list(Contract.objects.filter(tender=tender).select_related("provider", "lot")),
    }


# --- the lead's tenders ---------------------------------------------------------------------------------------------


def tenders_for(*, organisation: Organisation) -> QuerySet[Tender]:
    """Tenders the organisation leads or takes part in (not merely published ones)."""
    from commissioning.commissions.models import JointCommission

    visible = JointCommission._base_manager.filter(
        JointCommission.tenant_filter(organisation), pk=OuterRef("commission")
    )
    return (
        Tender.objects.filter(Exists(visible))
        .select_related("commission__service_area", "commission__lead", "method")
        .annotate(bids_received=received_count_after_deadline())
        .order_by("-created_at", "-pk")
    )


def tender_detail(*, tender_id: int) -> Tender:
    return (
        Tender.objects.select_related(
            "commission__service_area", "commission__lead", "commission__partnership", "method"
        )
        .annotate(bids_received=received_count_after_deadline())
        .get(pk=tender_id)
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


def clarifications_for_lead(*, tender: Tender) -> QuerySet[Clarification]:
    return (
        Clarification.objects.filter(tender=tender)
        .select_related("organisation", "asked_by")
        .order_by(F("published_at").asc(nulls_first=True), "asked_at")
    )


def own_clarifications(*, tender: Tender, organisation: Organisation) -> QuerySet[Clarification]:
    return Clarification.objects.filter(tender=tender, organisation=organisation).order_by("asked_at")


# --- the panel and the evaluation -------------------------------------------------------------------------------


def panel_of(*, tender: Tender) -> list[Evaluator]:
    return list(
        Evaluator.objects.filter(tender=tender)
        .select_related("user", "organisation", "decided_by")
        .annotate(
            sheets_total=Count("sheets", distinct=True),
            sheets_submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False), distinct=True),
        )
        .order_by("added_at", "pk")
    )


def seats_of(*, user: Any) -> QuerySet[Evaluator]:
    return Evaluator.objects.filter(user=user).select_related("tender__commission__lead").order_by("-added_at")


def sheets_of(*, evaluator: Evaluator) -> QuerySet[ScoreSheet]:
    return (
        ScoreSheet.objects.filter(evaluator=evaluator)
        .select_related("bid__organisation", "bid__lot")
        .annotate(scored=Count("scores", filter=Q(scores__score__isnull=False) | Q(scores__passed__isnull=False)))
        .order_by("bid__organisation__name", "pk")
    )


def bidder_names(*, tender: Tender) -> list[str]:
    """Who bid (names only), for panel members declaring interests. Sealed: empty before the deadline."""
    return list(
        Bid.objects.filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )


@dataclass
class Evaluation:
    criteria: list[scoring.CriterionSpec]
    questions: list[Question]
    results: list[scoring.BidResult]
    max_score: int
    formula: str
    by_bid: dict[int, scoring.BidResult] = field(default_factory=dict)


def evaluation_results(tender: Tender) -> Evaluation:
    """Weighted totals from moderated scores and the price formula, ranked (per lot). Reads through the tenant
    scope: before the deadline it sees no bids."""
    method = EvaluationMethod.objects.filter(tender=tender).first()
    if method is None:  # no method, nothing to rank by: an empty evaluation ("not set yet"), not an error
        return Evaluation(criteria=[], questions=[], results=[], max_score=0, formula="")
    criteria_rows = list(Criterion.objects.filter(method=method))
    questions = list(Question.objects.filter(method=method, stage=Stage.FULL).order_by("number"))
    criteria = [scoring.CriterionSpec(c.pk, c.kind, c.name, c.weight) for c in criteria_rows]
    specs = [scoring.QuestionSpec(q.pk, q.criterion_id, q.weight, q.pass_fail) for q in questions]
    bids = list(
        Bid.objects.filter(
            tender=tender,
            stage=Stage.FULL,
            status__in=[BidStatus.SUBMITTED, BidStatus.SUCCESSFUL, BidStatus.UNSUCCESSFUL],
        ).select_related("organisation", "current_version")
    )
    moderated: dict[int, dict[int, ModeratedScore]] = {}
    for m in ModeratedScore.objects.filter(bid__in=[b.pk for b in bids]):
        moderated.setdefault(m.bid_id, {})[m.question_id] = m
    inputs = [
        scoring.BidInput(
            bid_id=b.pk,
            name=b.organisation.name,
            annual_price=b.current_version.annual_price if b.current_version else None,
            scores={qid: m.score for qid, m in moderated.get(b.pk, {}).items()},
            passes={qid: m.passed for qid, m in moderated.get(b.pk, {}).items()},
            lot_id=b.lot_id,
        )
        for b in bids
    ]
    results = scoring.evaluate(criteria, specs, inputs, max_score=method.max_score, formula=method.price_formula)
    return Evaluation(
        criteria=criteria,
        questions=questions,
        results=results,
        max_score=method.max_score,
        formula=method.price_formula,
        by_bid={r.bid_id: r for r in results},
    )


@dataclass
class Cell:
    bid: Bid
    question: Question
    scores: list[Score]
    moderated: ModeratedScore | None

    @property
    def low(self) -> int | None:
        values = [s.score for s in self.scores if s.score is not None]
        return min(values) if values else None

    @property
    def high(self) -> int | None:
        values = [s.score for s in self.scores if s.score is not None]
        return max(values) if values else None

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def passes(self) -> str:
        return ", ".join("pass" if s.passed else "fail" for s in self.scores if s.passed is not None)


def moderation_grid(*, tender: Tender) -> tuple[list[Bid], list[Question], dict[tuple[int, int], Cell]]:
    """Every (bid, question): the submitted scores (never a sheet still being filled in), their spread, and the
    moderated score. A fixed number of queries."""
    bids = list(
        Bid.objects.filter(
            tender=tender,
            stage=Stage.FULL,
            status__in=[BidStatus.SUBMITTED, BidStatus.SUCCESSFUL, BidStatus.UNSUCCESSFUL],
        )
        .select_related("organisation", "lot", "current_version")
        .order_by("organisation__name", "pk")
    )
    questions = list(Question.objects.filter(method__tender=tender, stage=Stage.FULL).order_by("number"))
    scores = Score.objects.filter(
        sheet__bid__in=[b.pk for b in bids], sheet__submitted_at__isnull=False
    ).select_related("sheet__evaluator__user")
    by_cell: dict[tuple[int, int], list[Score]] = {}
    for s in scores:
        by_cell.setdefault((s.sheet.bid_id, s.question_id), []).append(s)
    moderated = {(m.bid_id, m.question_id): m for m in ModeratedScore.objects.filter(bid__in=[b.pk for b in bids])}
    grid = {
        (b.pk, q.pk): Cell(b, q, by_cell.get((b.pk, q.pk), []), moderated.get((b.pk, q.pk)))
        for b in bids
        for q in questions
    }
    return bids, questions, grid


def current_recommendation(*, tender: Tender) -> AwardRecommendation | None:
    return (
        AwardRecommendation.objects.filter(tender=tender)
        .exclude(status=RecommendationStatus.REJECTED)
        .prefetch_related(Prefetch("lines", queryset=AwardLine.objects.select_related("bid__organisation", "lot")))
        .order_by("-created_at", "-pk")
        .first()
    )


def conflicts_record(tender: Tender) -> list[dict[str, str]]:
    """The panel's conflicts record, for the board pack (``core.handlers.Conflict`` rows)."""
    rows = []
    for e in Evaluator._base_manager.filter(tender=tender).select_related("user", "organisation").order_by("added_at"):
        rows.append(
            {
                "person": str(e.user),
                "role": f"Evaluator{' (third-sector representative)' if e.is_third_sector_rep else ''}, {e.organisation}",
                "interest": e.interest
                if e.declaration == Evaluator.Declaration.INTEREST
                else ("None declared" if e.declaration == Evaluator.Declaration.NONE else "Not yet declared"),
                "action": e.conflict_summary,
            }
        )
    return rows


def letters_of(*, tender: Tender) -> QuerySet[AwardLetter]:
    return AwardLetter.objects.filter(bid__tender=tender).select_related("bid__organisation")


def contracts_for(*, organisation: Organisation) -> QuerySet[Contract]:
    return Contract.objects.select_related("provider", "tender", "commission").order_by("-signed_on", "-pk")


def contract_detail(*, contract_id: int) -> Contract:
    return (
        Contract.objects.select_related("provider", "tender", "commission__lead", "lot")
        .prefetch_related("shares__organisation", "documents")
        .get(pk=contract_id)
    )


def shares_table(
    shares: list[Any],
) -> tuple[list[int], list[tuple[str, list[Decimal], Decimal]], list[Decimal], Decimal]:
    """Rows per partner, columns per financial year, with totals (for the contract and recommendation pages)."""
    years = sorted({int(s["financial_year"] if isinstance(s, dict) else s.financial_year) for s in shares})
    partners: dict[str, dict[int, Decimal]] = {}
    for s in shares:
        if isinstance(s, dict):
            name, year, amount = s["organisation"], int(s["financial_year"]), Decimal(s["amount"])
        else:
            name, year, amount = s.organisation.name, s.financial_year, s.amount
        partners.setdefault(name, {})[year] = partners.setdefault(name, {}).get(year, Decimal("0")) + amount
    rows = [
        (name, [by_year.get(y, Decimal("0")) for y in years], sum(by_year.values(), Decimal("0")))
        for name, by_year in sorted(partners.items())
    ]
    totals = [sum((r[1][i] for r in rows), Decimal("0")) for i in range(len(years))]
    return years, rows, totals, sum(totals, Decimal("0"))
