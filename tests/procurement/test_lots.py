"""A tender in lots: bids choose a lot, each lot is ranked on its own, one award per lot, and the partners' money is
split across the lots' contracts so that every partner's and every lot's figures reconcile to the penny."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.tenancy import scope
from procurement.award import services as award_services
from procurement.award.models import Contract
from procurement.bids import services as bid_services
from procurement.evaluation import rules as evaluation_rules
from procurement.evaluation import services as evaluation_services
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    add_to_panel,
    bidder_of,
    close,
    draft_tender,
    evaluator,
    fill_bid,
    lead_of,
    moderate_all,
    provider,
    score_all,
    signed_assessment,
    standard_method,
)


def test_lots_are_ranked_and_awarded_separately_and_the_split_reconciles(world):
    lead = lead_of(world)
    tender = draft_tender(world)
    north = tender_services.lot_add(
        tender=tender, title="North of the district", estimated_annual_value=Decimal("25000"), by=lead
    )
    south = tender_services.lot_add(
        tender=tender, title="South of the district", estimated_annual_value=Decimal("18750"), by=lead
    )
    standard_method(tender, lead)
    tender_services.method_submit(tender=tender, by=lead)
    signed_assessment(tender, lead)
    tender = tender_services.tender_publish(tender=tender, by=lead)
    ageuk, ruth = provider(world, "Age UK South Staffordshire")
    bids = {}
    for who, lot, price in (
        (bidder_of(world), north, Decimal("25000.00")),
        (acting(ruth, ageuk), north, Decimal("24000.00")),
        (acting(ruth, ageuk), south, Decimal("18750.00")),
    ):
        bid = bid_services.bid_start(tender=tender, by=who, lot=lot)
        fill_bid(bid, who, price=price)
        bid_services.bid_submit(bid=bid, by=who)
        bids[(who.organisation.pk, lot.pk)] = bid
    tender = close(tender)
    user = evaluator(world, world.county)
    seat = add_to_panel(tender, lead, user)
    evaluation_services.interests_declare(
        evaluator=seat, has_interest=False, interest="", by=acting(user, world.county)
    )
    tender = tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    scores = {b.pk: 4 if b.organisation_id == world.provider.pk else 3 for b in bids.values()}
    score_all(tender, user, world.county, scores)
    moderate_all(tender, lead, scores)
    with scope(organisation=world.county):
        results = evaluation_rules.evaluation_results(tender).results
    ranks = {(r.lot_id, r.name): r.rank for r in results}
    assert ranks[(north.pk, world.provider.name)] == 1
    assert ranks[(north.pk, "Age UK South Staffordshire")] == 2
    assert ranks[(south.pk, "Age UK South Staffordshire")] == 1
    winners = [
        (bids[(world.provider.pk, north.pk)], Decimal("25000.00")),
        (bids[(ageuk.pk, south.pk)], Decimal("18750.00")),
    ]
    signed_assessment(tender, lead, stage="award")
    recommendation = award_services.recommend(tender=tender, by=lead, choices=winners)
    lines = list(recommendation.lines.order_by("lot__number"))
    for year in (2027, 2028, 2029):
        per_partner: dict[str, Decimal] = {}
        for line in lines:
            amounts = [Decimal(s["amount"]) for s in line.shares if s["financial_year"] == year]
            assert sum(amounts) == line.annual_value
            for s in line.shares:
                if s["financial_year"] == year:
                    per_partner[s["organisation"]] = per_partner.get(s["organisation"], Decimal("0")) + Decimal(
                        s["amount"]
                    )
        assert per_partner == {
            "Staffordshire County Council": Decimal("23750.00"),
            "Lichfield District Council": Decimal("20000.00"),
        }
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    award_services.standstill_start(tender=tender, by=lead)

    Tender._base_manager.filter(pk=tender.pk).update(standstill_ends_on=timezone.localdate() - dt.timedelta(days=2))
    for line in lines:
        award_services.contract_sign(line=line, signed_on=timezone.localdate(), by=lead)
    contracts = list(Contract._base_manager.filter(tender=tender))
    assert len(contracts) == 2 and {c.provider for c in contracts} == {world.provider, ageuk}
    assert Tender._base_manager.get(pk=tender.pk).status == "awarded"
