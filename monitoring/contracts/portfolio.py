"""The portfolio: contracts x periods in a fixed number of queries, for an organisation, a board, or the dashboard
summary.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from boards.models import Board
from core import versions
from core.errors import NotPermitted
from core.tenancy import unscoped
from monitoring import periods, permissions, rag
from monitoring.contracts.selectors import FIGURES, Cell, annotate_contracts, period_cell
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.returns.models import KpiReturn, ReturnStatus
from partners.models import Organisation
from procurement.award.models import Contract

PORTFOLIO_PERIODS = 12


@dataclass
class PortfolioRow:
    contract: Contract
    cells: list[Cell]
    linked: bool
    latest_rag: str = ""
    overdue: int = 0
    awaiting_review: int = 0

    @property
    def agreed(self) -> bool:
        return getattr(self.contract, "kpi_set_status", None) == KpiSetStatus.AGREED


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    today: dt.date
    totals: dict[str, int] = field(default_factory=dict)
    count: int | None = None  # every contract's, when ``rows`` are one page of them

    @property
    def contracts(self) -> int:
        return len(self.rows) if self.count is None else self.count


def portfolio(
    contracts: QuerySet[Contract],
    *,
    today: dt.date | None = None,
    visible: set[int] | None = None,
    returns: QuerySet[KpiReturn] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Portfolio:
    """Each contract with its last ``PORTFOLIO_PERIODS`` reporting periods (to today): the return's status and RAG,
    or due/overdue. Two queries: the annotated contracts and their returns (grouped, with a count of red KPIs).
    With ``limit``, only that many contracts from ``offset`` (one page)."""
    today = today or timezone.localdate()
    selected = annotate_contracts(contracts)
    if limit is not None:
        selected = selected[offset : offset + limit]
    rows_qs = list(selected)
    ids = [c.pk for c in rows_qs]
    returns_qs = returns if returns is not None else KpiReturn.objects.all()
    by_contract: dict[int, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for r in (
        returns_qs.filter(contract_id__in=ids)
        .order_by()
        .values("pk", "contract_id", "period_start", "status", "rag")
        .annotate(reds=Count("values", filter=Q(values__rag=rag.RED)))
    ):
        by_contract[r["contract_id"]][r["period_start"]] = r
    rows: list[PortfolioRow] = []
    totals = {"red": 0, "amber": 0, "green": 0, "overdue": 0, "awaiting_review": 0, "open_plans": 0}
    for contract in rows_qs:
        annotated: Any = contract  # carries the annotations of annotate_contracts
        cells: list[Cell] = []
        frequency = getattr(contract, "return_frequency", None)
        if frequency and annotated.kpi_set_status == KpiSetStatus.AGREED:
            started = [
                p
                for p in periods.reporting_periods(contract.start_date, contract.end_date, frequency)
                if p.start <= today
            ]
            found = by_contract.get(contract.pk, {})
            cells = [
                period_cell(p, p.due_on(annotated.return_due_days), found.get(p.start), today)
                for p in started[-PORTFOLIO_PERIODS:]
            ]
        row = PortfolioRow(contract=contract, cells=cells, linked=visible is None or contract.pk in visible)
        reported = [c for c in cells if c.rag]
        row.latest_rag = reported[-1].rag if reported else ""
        row.overdue = sum(1 for c in cells if c.state == "overdue")
        row.awaiting_review = sum(1 for c in cells if c.state in (ReturnStatus.SUBMITTED, ReturnStatus.ANSWERED))
        if row.latest_rag:
            totals[row.latest_rag] += 1
        totals["overdue"] += row.overdue
        totals["awaiting_review"] += row.awaiting_review
        totals["open_plans"] += annotated.open_plans
        rows.append(row)
    return Portfolio(rows=rows, today=today, totals=totals)


def organisation_portfolio(
    *, organisation: Organisation, today: dt.date | None = None, offset: int = 0, limit: int | None = None
) -> Portfolio:
    return portfolio(
        Contract.objects.all().order_by("commission__title", "title", "pk"), today=today, offset=offset, limit=limit
    )


PER_PAGE = 25


def paged(
    build: Callable[..., Portfolio], *, scope: tuple[Any, ...], page_number: Any, per_page: int = PER_PAGE
) -> tuple[Portfolio, Page[Any]]:
    """One page of a portfolio (``build(offset=, limit=)``), with the totals of every contract: those are computed
    over the whole portfolio only when the data has changed (kept under ``core.versions``, per ``scope`` and day),
    so a page view costs its own rows whatever the number of contracts."""
    today = timezone.localdate()

    def whole() -> dict[str, Any]:
        every = build(offset=0, limit=None)
        return {"count": every.contracts, "totals": every.totals}

    summary = versions.cached(("portfolio-totals", *scope, today.isoformat()), whole)
    page = Paginator(range(summary["count"]), per_page).get_page(page_number)
    part = build(offset=(page.number - 1) * per_page, limit=per_page)
    part.count, part.totals = summary["count"], summary["totals"]
    return part, page


@dataclass(frozen=True)
class Summary:
    contracts: int
    latest_red: int
    awaiting_review: int
    queried: int
    to_agree: int = 0


def _count(queryset: QuerySet[Any]) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset`` as a scalar subquery (always one row, 0 when empty)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"), output_field=IntegerField()
    )


def portfolio_summary(*, organisation: Organisation, kpi_sets_to_agree: bool = False) -> Summary:
    """The dashboard's figures in one query of scalar counts (no periods computed): contracts, those whose latest
    return is red, returns waiting for the lead's review, returns queried (waiting for the provider) and, when
    asked, KPI sets out for agreement."""
    latest = (
        KpiReturn.objects.unscoped(reason=FIGURES)
        .filter(contract=OuterRef("pk"))
        .exclude(status=ReturnStatus.DRAFT)
        .order_by("-period_start")
        .values("rag")[:1]
    )
    counts: dict[str, Any] = {
        "contracts": _count(Contract.objects.all()),
        "latest_red": _count(Contract.objects.annotate(latest_rag=Subquery(latest)).filter(latest_rag=rag.RED)),
        "awaiting": _count(KpiReturn.objects.filter(status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ANSWERED])),
        "queried": _count(KpiReturn.objects.filter(status=ReturnStatus.QUERIED)),
        "to_agree": _count(KpiSet.objects.filter(status=KpiSetStatus.CONSULTATION))
        if kpi_sets_to_agree
        else Value(0, output_field=IntegerField()),
    }
    # Anchored on the organisation's own row (public, unscoped), so the five counts travel in one round trip.
    row = Organisation.objects.filter(pk=organisation.pk).annotate(**counts).values(*counts).get()
    return Summary(row["contracts"], row["latest_red"], row["awaiting"], row["queried"], row["to_agree"])


def board_portfolio(
    *,
    board: Board,
    user: Any,
    organisation: Organisation,
    today: dt.date | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Portfolio:
    """Every contract of the board's partnership, for a person with a seat on the board (or its clerk). Reads
    across the partners' commissions by design -- the board oversees them all -- but shows performance only, never
    confidential feedback; contracts the person's own organisation is not part of are listed without a link."""
    if not permissions.sits_on(board, user):
        raise NotPermitted("Only the board's members and clerks see its portfolio")
    visible = set(Contract.objects.filter(commission__partnership_id=board.partnership_id).values_list("pk", flat=True))
    with unscoped(reason="a board oversees every contract of its partnership"):
        contracts = Contract.objects.filter(commission__partnership_id=board.partnership_id).order_by(
            "commission__title", "title", "pk"
        )
        return portfolio(
            contracts,
            today=today,
            visible=visible,
            returns=KpiReturn.objects.exclude(status=ReturnStatus.DRAFT),
            offset=offset,
            limit=limit,
        )
