"""County-scale monitoring: 200 contracts (at scale 1.0) in ten joint commissions of the benchmark partnership, each
with eight agreed quarterly KPIs and twelve accepted returns (19,200 KPI values), and a board whose member opens the
portfolio of every contract.

Rows are made in bulk (the services are exercised by the tests); RAG statuses come from ``monitoring.rag``."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from benchmarks.run import Page
from boards.models import Board, BoardMember
from commissioning.models import JointCommission, Participation, ServiceArea
from core.tenancy import unscoped
from monitoring import periods, rag
from monitoring.kpis.models import Kpi, KpiSet
from monitoring.returns.models import KpiReturn, KpiValue
from partners.models import User
from procurement.award.models import AwardLine, AwardRecommendation, Contract, ContractShare
from procurement.bids.models import Bid
from procurement.tenders.models import Tender

COMMISSIONS = 10
CONTRACTS = 200
PERIODS = 12
START = dt.date(2023, 10, 1)  # twelve quarters have ended by the end of September 2026
END = dt.date(2027, 9, 30)

KPIS = [
    ("People advised", "count", "150", "150", "120", "higher"),
    ("Debt written off or rescheduled", "money", "250000", "250000", "200000", "higher"),
    ("Clients reporting less stress", "percentage", "80", "80", "70", "higher"),
    ("Complaints upheld", "count", "0", "1", "3", "lower"),
    ("Benefit gains", "money", "120000", "120000", "90000", "higher"),
    ("Cases closed within 12 weeks", "percentage", "75", "75", "60", "higher"),
    ("Volunteer hours", "count", "400", "400", "300", "higher"),
    ("Outreach sessions held", "count", "24", "24", "18", "higher"),
]


def build(context: dict[str, Any]) -> list:

    scale = context.get("scale", 1.0)
    partners = context["partners"]
    providers = context["providers"]
    partnership = context["partnership"]
    rng = random.Random(2011)
    n_contracts = max(2, int(CONTRACTS * scale))
    now = timezone.now()
    with unscoped(reason="the benchmark builds every organisation's monitoring data"), transaction.atomic():
        area = ServiceArea.objects.create(partnership=partnership, name="Monitored advice services")
        commissions = []
        for c in range(COMMISSIONS):
            lead = partners[c % 5]
            commission = JointCommission.objects.create(
                partnership=partnership,
                service_area=area,
                title=f"Advice services {c + 1}",
                intended_outcomes="Residents avoid crisis",
                lead=lead,
                term_years=3,
                start_date=START,
                status="live",
                model="aligned",
            )
            others = [partners[(c % 5 + k) % len(partners)] for k in range(1, 5)]
            Participation.objects.bulk_create(
                [Participation(commission=commission, organisation=lead, status="accepted", is_lead=True)]
                + [Participation(commission=commission, organisation=o, status="accepted") for o in others]
            )
            kpi_set = KpiSet.objects.create(
                commission=commission, title="Advice KPIs", status="agreed", agreed_at=now, agreed_by_name="Bench"
            )
            kpis = Kpi.objects.bulk_create(
                [
                    Kpi(
                        kpi_set=kpi_set,
                        position=i,
                        name=name,
                        definition=name,
                        unit=unit,
                        target=Decimal(t),
                        green_threshold=Decimal(g),
                        red_threshold=Decimal(r),
                        direction=d,
                        frequency="quarterly",
                    )
                    for i, (name, unit, t, g, r, d) in enumerate(KPIS)
                ]
            )
            commissions.append((commission, [lead, *others], kpi_set, kpis))
        quarters = periods.reporting_periods(START, END, periods.QUARTERLY)[:PERIODS]
        tenders, plan = [], []
        for i in range(n_contracts):
            commission, funders, kpi_set, kpis = commissions[i % COMMISSIONS]
            tenders.append(
                Tender(
                    commission=commission,
                    title=f"Advice contract {i + 1}",
                    summary="Advice",
                    specification="Advice",
                    estimated_annual_value=Decimal("100000.00"),
                    term_years=4,
                    clarification_deadline=now - dt.timedelta(days=1200),
                    submission_deadline=now - dt.timedelta(days=1190),
                    status="awarded",
                    published_at=now - dt.timedelta(days=1250),
                )
            )
            plan.append((commission, funders, kpi_set, kpis, providers[i % len(providers)]))
        tenders = Tender.objects.bulk_create(tenders)
        bids = Bid.objects.bulk_create(
            [
                Bid(tender=t, organisation=p[4], status="successful", submitted_at=now)
                for t, p in zip(tenders, plan, strict=True)
            ]
        )
        recs = AwardRecommendation.objects.bulk_create(
            [AwardRecommendation(tender=t, status="approved") for t in tenders]
        )
        lines = AwardLine.objects.bulk_create(
            [
                AwardLine(recommendation=r, bid=b, annual_value=Decimal("100000.00"))
                for r, b in zip(recs, bids, strict=True)
            ]
        )
        contracts = Contract.objects.bulk_create(
            [
                Contract(
                    tender=t,
                    commission=p[0],
                    award_line=line,
                    bid=b,
                    provider=p[4],
                    title=f"Advice contract {i + 1}",
                    annual_value=Decimal("100000.00"),
                    start_date=START,
                    end_date=END,
                    signed_on=START,
                )
                for i, (t, line, b, p) in enumerate(zip(tenders, lines, bids, plan, strict=True))
            ]
        )
        shares = []
        for contract, p in zip(contracts, plan, strict=True):
            for year in (2023, 2024, 2025, 2026, 2027):
                for funder in p[1]:
                    shares.append(
                        ContractShare(
                            contract=contract, organisation=funder, financial_year=year, amount=Decimal("20000.00")
                        )
                    )
        ContractShare.objects.bulk_create(shares, batch_size=5000)
        returns = KpiReturn.objects.bulk_create(
            [
                KpiReturn(
                    contract=contract,
                    kpi_set=p[2],
                    frequency="quarterly",
                    period_start=q.start,
                    period_end=q.end,
                    label=q.label,
                    due_on=q.due_on(20),
                    status="accepted",
                    narrative="Bench",
                    submitted_at=now,
                )
                for contract, p in zip(contracts, plan, strict=True)
                for q in quarters
            ],
            batch_size=2000,
        )
        values = []
        by_contract = {c.pk: p for c, p in zip(contracts, plan, strict=True)}
        worst: dict[int, list[str]] = {}
        for r in returns:
            for k in by_contract[r.contract_id][3]:
                roll = rng.random()
                if k.direction == "higher":
                    actual = (
                        k.green_threshold if roll < 0.7 else (k.red_threshold if roll < 0.9 else k.red_threshold - 1)
                    )
                else:
                    actual = (
                        k.green_threshold if roll < 0.7 else (k.red_threshold if roll < 0.9 else k.red_threshold + 1)
                    )
                status = k.rag_of(max(actual, Decimal("0")))
                values.append(KpiValue(kpi_return=r, kpi=k, actual=max(actual, Decimal("0")), rag=status))
                worst.setdefault(r.pk, []).append(status)
        KpiValue.objects.bulk_create(values, batch_size=5000)
        for r in returns:
            r.rag = rag.worst(worst[r.pk])
        KpiReturn.objects.bulk_update(returns, ["rag"], batch_size=2000)
        board = Board.objects.create(partnership=partnership, name="Bench commissioning board")
        member = User.objects.get(email="bench02-2@bench.example")
        BoardMember.objects.create(board=board, person=member, organisation=partners[2])
    context.setdefault("counts", {}).update(
        monitored_contracts=len(contracts), kpi_returns=len(returns), kpi_values=len(values)
    )
    admin = "bench00-0@bench.example"
    return [
        Page(
            f"Monitoring: board portfolio ({len(contracts)} contracts x {PERIODS} periods)",
            f"/monitoring/boards/{board.pk}/portfolio/",
            member.email,
            partners[2].pk,
        ),
        Page("Monitoring: the lead's contracts", "/monitoring/", admin, partners[0].pk),
        Page(
            "API: monitoring portfolio (board)",
            f"/api/v1/monitoring/portfolio/?board={board.pk}",
            member.email,
            partners[2].pk,
        ),
    ]
