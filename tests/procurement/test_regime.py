"""A tender's legal regime: a council officer records the whole contract's value including VAT, whether it buys
Schedule 1 light-touch services, and its CPV codes; Jointly says which regime applies and which notices the
Procurement Act 2023 asks for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from commissioning.thresholds import services as threshold_services
from commissioning.thresholds.models import TierKind
from core.errors import DomainError
from procurement.tenders import services as tender_services
from procurement.tenders.cpv import title_for
from procurement.tenders.models import Procedure
from procurement.tenders.regime import Regime, regime_for, required_notices, summary_for
from tests.factories.procurement import draft_tender, lead_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SOCIAL_WORK = "85312000-9"  # social work services without accommodation (Schedule 1)
CLEANING = "90910000-9"  # not light-touch


def test_an_existing_style_tender_is_valued_over_its_term_and_is_below_threshold(world):
    tender = draft_tender(world)  # Lichfield: £43,750 a year for three years
    assert tender.estimated_value_inc_vat == Decimal("131250.00")
    assert tender.cpv_codes == [] and tender.is_light_touch is False
    assert regime_for(tender) == Regime.BELOW_THRESHOLD
    assert required_notices(tender) == ["UK4", "UK7"]  # advertised and notifiable (£30,000 or more)


def test_schedule_1_codes_suggest_light_touch_and_the_higher_threshold_applies(world):
    lead = lead_of(world)
    tender = draft_tender(world)
    tender = tender_services.tender_update(
        tender=tender,
        cpv_codes=[SOCIAL_WORK, "85311100"],  # the bare eight digits are accepted and stored in full
        is_light_touch=None,
        estimated_value_inc_vat=Decimal("663540.00"),
        by=lead,
    )
    assert tender.cpv_codes == [SOCIAL_WORK, "85311100-3"]
    assert tender.is_light_touch is True
    assert regime_for(tender) == Regime.LIGHT_TOUCH
    assert required_notices(tender) == ["UK4", "UK6", "UK7"]
    tender = tender_services.tender_update(tender=tender, estimated_value_inc_vat=Decimal("663539.99"), by=lead)
    assert regime_for(tender) == Regime.BELOW_THRESHOLD
    summary = summary_for(tender)
    assert summary.cpv == [(SOCIAL_WORK, title_for(SOCIAL_WORK)), ("85311100-3", "Welfare services for the elderly")]
    assert "£663,540" in summary.route.reason


def test_a_code_that_is_not_schedule_1_means_the_standard_threshold(world):
    lead = lead_of(world)
    tender = tender_services.tender_update(
        tender=draft_tender(world),
        cpv_codes=[SOCIAL_WORK, CLEANING],
        is_light_touch=None,
        estimated_value_inc_vat=Decimal("207720.00"),
        by=lead,
    )
    assert tender.is_light_touch is False
    assert regime_for(tender) == Regime.STANDARD
    assert required_notices(tender) == ["UK4", "UK6", "UK7"]


def test_an_unknown_cpv_code_is_refused_next_to_the_field(world):
    with pytest.raises(DomainError) as refused:
        tender_services.tender_update(tender=draft_tender(world), cpv_codes=["12345678-9"], by=lead_of(world))
    assert refused.value.field_errors["cpv_codes"] == [
        "12345678-9 is not a CPV code Jointly knows: choose one from the list"
    ]


def test_the_regime_is_fixed_once_published_and_uses_the_thresholds_of_that_day(world):
    tender = draft_tender(world)
    tender.published_at = dt.datetime(2025, 12, 31, 12, tzinfo=LONDON)
    tender.estimated_value_inc_vat = Decimal("210000.00")  # between £207,720 (2026) and £214,904 (2024-25)
    assert regime_for(tender) == Regime.BELOW_THRESHOLD
    tender.published_at = dt.datetime(2026, 1, 1, 9, tzinfo=LONDON)
    assert regime_for(tender) == Regime.STANDARD


def test_a_partnership_that_raises_its_framework_tier_changes_a_small_tender_to_quotes(world):
    lead = lead_of(world)
    tender = tender_services.tender_update(
        tender=draft_tender(world), estimated_value_inc_vat=Decimal("40000.00"), by=lead
    )
    assert summary_for(tender).route.code == "below_threshold"
    threshold_services.tier_add(
        partnership=tender.commission.partnership,
        kind=TierKind.FRAMEWORK,
        value=Decimal("50000.00"),
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        note="Raised by the board",
        by=lead,
    )
    route = summary_for(tender).route
    assert route.code == "quotes" and "£50,000" in route.reason
    # a tender is advertised whatever the route below threshold: the below-threshold notices still apply
    assert regime_for(tender) == Regime.BELOW_THRESHOLD and required_notices(tender) == ["UK4", "UK7"]


def test_a_grant_round_publishes_no_procurement_notices(world):
    tender = draft_tender(world, procedure=Procedure.GRANT)
    assert required_notices(tender) == []
