"""County-scale tendering: 100 tenders (70 open, 30 past their deadline) and 3,000 submitted bids from the 60
providers, with evaluation methods; pages: the public portal, the lead's tenders, a closed tender's bids (after the
deadline), a provider's bids, and the API lists."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from benchmarks.run import Page
from commissioning.commissions.models import (
    CommissioningModel,
    CommissionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
)
from commissioning.service_map.models import ServiceArea
from core.tenancy import unscoped
from partners.models import Membership, Role, User
from procurement.bids.models import Bid, BidStatus, BidVersion
from procurement.tenders.models import Criterion, EvaluationMethod, MethodStatus, Question, Stage, Tender, TenderStatus

PASSWORD = "Benchmark-password-2026"


def build(context: dict[str, Any]) -> list:
    scale = context.get("scale", 1.0)
    partners = context["partners"]
    providers = context["providers"]
    partnership = context["partnership"]
    lead = context["lead"]
    now = timezone.now()
    n_tenders = max(2, int(100 * scale))
    per_tender = min(len(providers), max(1, int(3000 * scale) // n_tenders))
    with unscoped(reason="the benchmark builds every partner's tenders and every provider's bids"):
        areas = [ServiceArea.objects.create(partnership=partnership, name=f"Bench service area {i}") for i in range(5)]
        commissions = []
        for i, area in enumerate(areas):
            c = JointCommission.objects.create(
                partnership=partnership,
                service_area=area,
                title=f"Bench commission {i}",
                intended_outcomes="Outcomes",
                model=CommissioningModel.ALIGNED,
                lead=lead,
                term_years=3,
                start_date=dt.date(now.year + 1, 4, 1),
                status=CommissionStatus.PROCUREMENT,
            )
            Participation.objects.create(
                commission=c, organisation=lead, status=ParticipationStatus.ACCEPTED, is_lead=True
            )
            for p in partners[1:4]:
                Participation.objects.create(commission=c, organisation=p, status=ParticipationStatus.ACCEPTED)
            commissions.append(c)
        tenders = []
        for i in range(n_tenders):
            closed = i < n_tenders * 3 // 10
            deadline = now - dt.timedelta(days=1 + i) if closed else now + dt.timedelta(days=10 + i)
            tenders.append(
                Tender(
                    commission=commissions[i % len(commissions)],
                    title=f"Bench opportunity {i:03d}: community support service",
                    summary="A community support service jointly funded by the partners.",
                    specification="Support for residents. " * 40,
                    estimated_annual_value=Decimal("43750.00"),
                    term_years=3,
                    clarification_deadline=deadline - dt.timedelta(days=3),
                    submission_deadline=deadline,
                    status=TenderStatus.CLOSED_FOR_BIDS if closed else TenderStatus.PUBLISHED,
                    published_at=now - dt.timedelta(days=30),
                )
            )
        Tender.objects.bulk_create(tenders)
        methods = EvaluationMethod.objects.bulk_create(
            [EvaluationMethod(tender=t, status=MethodStatus.APPROVED, approved_at=now) for t in tenders]
        )
        criteria = []
        for m in methods:
            for position, (kind, name, weight) in enumerate(
                (
                    ("quality", "Quality", 60),
                    ("price", "Price", 20),
                    ("social_value", "Social value", 10),
                    ("local_benefit", "Local benefit", 10),
                )
            ):
                criteria.append(Criterion(method=m, kind=kind, name=name, weight=weight, position=position))
        Criterion.objects.bulk_create(criteria)
        questions = []
        for c in criteria:
            if c.kind != "price":
                questions.append(Question(method=c.method, criterion=c, number=c.position + 1, text=f"About {c.name}?"))
        Question.objects.bulk_create(questions)

        bids: list[Bid] = []
        for t_index, tender in enumerate(tenders):
            for k in range(per_tender):
                provider = providers[(t_index + k) % len(providers)]  # distinct within a tender
                bids.append(
                    Bid(
                        tender=tender,
                        organisation=provider,
                        stage=Stage.FULL,
                        status=BidStatus.SUBMITTED,
                        summary="Bench bid",
                        submitted_at=tender.submission_deadline - dt.timedelta(hours=1),
                    )
                )
        Bid.objects.bulk_create(bids, batch_size=1000)
        versions = []
        for b in bids:
            content = {
                "format": 1,
                "bidder": {"id": b.organisation_id},
                "answers": [],
                "price": {"annual_total": "43000.00"},
            }
            versions.append(
                BidVersion(
                    bid=b,
                    number=1,
                    submitted_at=b.submitted_at,
                    content=content,
                    sha256=hashlib.sha256(str(content).encode()).hexdigest(),
                    annual_price=Decimal("43000.00"),
                )
            )
        BidVersion.objects.bulk_create(versions, batch_size=1000)
        for b, v in zip(bids, versions, strict=True):
            b.current_version = v
        Bid.objects.bulk_update(bids, ["current_version"], batch_size=1000)

        bidder = User.objects.create_user("bench-bidder@bench.example", PASSWORD, full_name="Bench Bidder")
        Membership.objects.create(user=bidder, organisation=providers[0], roles=[Role.ORG_ADMIN, Role.BIDDER])
        TOTPDevice.objects.create(user=bidder, name="bench", confirmed=True)

    closed_tender = tenders[0]
    context.setdefault("counts", {}).update(tenders=len(tenders), bids=len(bids), bids_on_closed_tender=per_tender)
    admin = "bench00-0@bench.example"
    return [
        Page("Opportunities portal (70 open)", "/opportunities/", admin, lead.pk),
        Page("Opportunities Atom feed", "/opportunities/feed.atom", admin, lead.pk),
        Page("Tenders (lead, 100)", "/tenders/", admin, lead.pk),
        Page(
            f"A closed tender's bids ({per_tender}, after the deadline)",
            f"/tenders/{closed_tender.pk}/bids/",
            admin,
            lead.pk,
        ),
        Page("API: tenders", "/api/v1/tenders/", admin, lead.pk),
        Page("API: a closed tender's bids", f"/api/v1/bids/?tender={closed_tender.pk}", admin, lead.pk),
        Page("A provider's bids", "/bids/", "bench-bidder@bench.example", providers[0].pk),
    ]
