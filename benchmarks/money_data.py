"""County-scale money: 40 joint commissions (at scale 1.0) of the benchmark partnership, each with five partners
contributing in each of its three financial years (600 contributions), and the contribution report in both scopes:
the accountable body's finance officer on every partner, and one partner's finance officer on their own.

Rows are made in bulk (the services are exercised by the tests)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from benchmarks.run import Page
from commissioning.models import Contribution, JointCommission, Participation, ServiceArea
from core.tenancy import unscoped

COMMISSIONS = 40
START = dt.date(2026, 4, 1)


def build(context: dict[str, Any]) -> list[Page]:
    scale = context.get("scale", 1.0)
    partners = context["partners"]
    partnership = context["partnership"]
    rng = random.Random(2012)
    n = max(2, int(COMMISSIONS * scale))
    now = timezone.now()
    with unscoped(reason="the benchmark builds every partner's contributions"), transaction.atomic():
        area = ServiceArea.objects.create(partnership=partnership, name="Pooled early help")
        commissions = JointCommission.objects.bulk_create(
            [
                JointCommission(
                    partnership=partnership,
                    service_area=area,
                    title=f"Early help {i + 1}",
                    intended_outcomes="Families get help early",
                    lead=partners[i % 5],
                    term_years=3,
                    start_date=START,
                    status="funding",
                    model="pooled",
                )
                for i in range(n)
            ]
        )
        taking_part = {
            c.pk: [partners[(i % 5 + k) % len(partners)] for k in range(5)] for i, c in enumerate(commissions)
        }
        Participation.objects.bulk_create(
            [
                Participation(commission=c, organisation=o, status="accepted", is_lead=(k == 0))
                for c in commissions
                for k, o in enumerate(taking_part[c.pk])
            ]
        )
        Contribution.objects.bulk_create(
            [
                Contribution(
                    commission=c,
                    organisation=o,
                    financial_year=START.year + y,
                    amount=Decimal(rng.randrange(5_000, 80_000)) + Decimal(rng.randrange(0, 100)) / 100,
                    status="confirmed" if rng.random() < 0.6 else "indicative",
                    recorded_at=now,
                )
                for c in commissions
                for o in taking_part[c.pk]
                for y in range(3)
            ],
            batch_size=2000,
        )
    context.setdefault("counts", {}).update(money_commissions=n, contributions=n * 15)
    report = reverse("contribution-report", kwargs={"partnership_id": partnership.pk})
    # Finance officers: bench<organisation>-1 (partners_data); partners[0] is the accountable body.
    return [
        Page(
            f"Contribution report, all partners ({n} commissions)",
            f"{report}?scope=partnership",
            "bench00-1@bench.example",
            partners[0].pk,
        ),
        Page("Contribution report, own organisation", report, "bench03-1@bench.example", partners[3].pk),
    ]
