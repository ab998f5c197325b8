"""Pages cope with rows that are legitimately missing: they say "not set yet" instead of failing (issue #9: the
demo's awarded tender answered 500 on its Evaluation method, Moderation and Recommendation tabs, and its award page
showed a £0.00 partner-share total under a contract that holds the full split)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from procurement.award.models import AwardLine
from procurement.tenders.models import EvaluationMethod, Tender, TenderStatus
from tests.conftest import sign_in
from tests.factories.procurement import awarded, lichfield_procurement


def test_a_tender_without_an_evaluation_method_says_so_on_every_tab(world, client):
    # An awarded tender written straight into the database (as the old demo did, or an import): no method row.
    commission = lichfield_procurement(world).commission
    now = timezone.now()
    tender = Tender._base_manager.create(
        commission=commission,
        title="Imported older people's service",
        summary="Imported",
        specification="Imported",
        estimated_annual_value=Decimal("43750.00"),
        term_years=3,
        clarification_deadline=now - dt.timedelta(days=70),
        submission_deadline=now - dt.timedelta(days=60),
        status=TenderStatus.AWARDED,
    )
    assert not EvaluationMethod._base_manager.filter(tender=tender).exists()
    sign_in(client, world.lead_commissioner, world.county)
    method = client.get(f"/tenders/{tender.pk}/method/")
    assert method.status_code == 200
    assert "The evaluation method is not set yet" in method.content.decode()
    for tab in ("moderation", "recommendation", "award"):
        assert client.get(f"/tenders/{tender.pk}/{tab}/").status_code == 200, tab


def test_the_award_page_shows_the_signed_contracts_split_and_never_a_zero_total(world, client):
    flow = awarded(world)
    assert flow.contract is not None
    # An award line recorded without its split (as the old demo wrote one): the contract holds the binding split.
    AwardLine._base_manager.filter(pk=flow.contract.award_line_id).update(shares=[])
    sign_in(client, world.finance_officer, world.district)
    page = client.get(f"/tenders/{flow.tender.pk}/award/").content.decode()
    assert "£131,250.00" in page  # £43,750 a year for three years, split between the county and the district
    assert "£0.00" not in page


def test_a_recommendation_without_its_split_says_it_is_not_set_yet(world, client):
    flow = awarded(world)
    AwardLine._base_manager.filter(recommendation__tender=flow.tender).update(shares=[])
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/tenders/{flow.tender.pk}/recommendation/").content.decode()
    assert "Each partner&#x27;s share is not set yet" in page or "Each partner's share is not set yet" in page
