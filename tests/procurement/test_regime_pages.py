"""The regime on the lead commissioner's pages and in the API: the tender form takes the value including VAT, the
light-touch answer and the CPV codes (an unknown code is refused next to the field, nothing typed lost), the tender
page shows the Regime summary, and the API reads and changes the same fields with the same rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from procurement.tenders.models import Tender
from procurement.tenders.regime import Regime, regime_for
from tests.conftest import api_client, sign_in
from tests.factories.procurement import draft_tender, lichfield_procurement, published_tender

pytestmark = pytest.mark.django_db


def form_data(commission_id: int, **extra) -> dict:
    now = timezone.localtime().replace(microsecond=0, tzinfo=None)
    return {
        "commission": commission_id,
        "title": "Older people's independence service",
        "summary": "Support for older people to live independently.",
        "specification": "Help at home, befriending and early help.",
        "procedure": "open",
        "eligibility": "third_sector",
        "estimated_annual_value": "43,750.00",
        "term_years": "3",
        "clarification_deadline": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S"),
        "submission_deadline": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%S"),
        "standstill_days": "8",
        **extra,
    }


def test_the_form_refuses_an_unknown_cpv_code_next_to_the_field_and_keeps_the_rest(client, world):
    ex = lichfield_procurement(world)
    sign_in(client, world.lead_commissioner, world.county)
    refused = client.post(
        reverse("tender-create"),
        form_data(ex.commission.pk, cpv_codes=["85311100-3", "99999999-9"], estimated_value_inc_vat="131,250"),
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["cpv_codes"] == [
        "99999999-9 is not a CPV code Jointly knows: choose one from the list"
    ]
    html = refused.content.decode()
    assert 'value="131,250"' in html and "Older people&#x27;s independence service" in html
    assert refused.context["form"]["cpv_codes"].value() == ["85311100-3", "99999999-9"]  # the ticks are kept
    assert not Tender.objects.exists()


def test_a_tender_drafted_with_schedule_1_codes_is_light_touch_and_its_page_shows_the_regime(client, world):
    ex = lichfield_procurement(world)
    sign_in(client, world.lead_commissioner, world.county)
    made = client.post(reverse("tender-create"), form_data(ex.commission.pk, cpv_codes=["85311100-3", "85312400-3"]))
    assert made.status_code == 302, made.context["form"].errors if made.context else made
    tender = Tender.objects.get()
    assert tender.is_light_touch is True and tender.estimated_value_inc_vat == Decimal("131250.00")
    page = client.get(reverse("tender-detail", kwargs={"tender_id": tender.pk})).content.decode()
    assert "Below threshold" in page and "£131,250.00" in page
    assert "85311100-3 Welfare services for the elderly" in page
    assert "UK4 tender notice" in page and "UK7 contract details notice" in page
    assert "£663,540" in page  # the reason names the light-touch threshold


def test_the_lead_says_no_to_light_touch_whatever_the_codes(client, world):
    tender = draft_tender(world)
    sign_in(client, world.lead_commissioner, world.county)
    edit = reverse("tender-edit", kwargs={"tender_id": tender.pk})
    initial = client.get(edit).context["form"].initial
    data = {k: v for k, v in initial.items() if v is not None and k != "outcomes"}
    for name in ("clarification_deadline", "submission_deadline"):
        data[name] = data[name].strftime("%Y-%m-%dT%H:%M:%S")
    data.pop("eoi_deadline", None)
    data.update(cpv_codes=["85311100-3"], is_light_touch="False", estimated_value_inc_vat="300,000")
    saved = client.post(edit, data)
    assert saved.status_code == 302, saved.context["form"].errors
    tender.refresh_from_db()
    assert tender.is_light_touch is False and regime_for(tender) == Regime.STANDARD


def test_the_api_round_trip_of_the_regime(world):
    tender = draft_tender(world)
    lead = api_client(world.lead_commissioner, world.county)
    url = f"/api/v1/tenders/{tender.pk}/regime/"
    before = lead.get(url).json()
    assert before["regime"] == "below_threshold" and before["estimated_value_inc_vat"] == "131250.00"
    changed = lead.patch(
        url,
        {"cpv_codes": ["85311100-3"], "is_light_touch": None, "estimated_value_inc_vat": "700000.00"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["regime"] == "light_touch" and body["required_notices"] == ["UK4", "UK6", "UK7"]
    assert body["cpv"] == [{"code": "85311100-3", "title": "Welfare services for the elderly"}]
    detail = lead.get(f"/api/v1/tenders/{tender.pk}/").json()
    assert (detail["is_light_touch"], detail["estimated_value_inc_vat"], detail["cpv_codes"]) == (
        True,
        "700000.00",
        ["85311100-3"],
    )
    unknown = lead.patch(url, {"cpv_codes": ["12345678-9"]}, format="json")
    assert unknown.status_code == 400 and "cpv_codes" in str(unknown.json())
    partner = api_client(world.finance_officer, world.district)
    assert partner.get(url).status_code == 200
    assert partner.patch(url, {"is_light_touch": False}, format="json").status_code == 403


def test_the_regime_is_fixed_once_the_tender_is_published(world):
    tender = published_tender(world)
    lead = api_client(world.lead_commissioner, world.county)
    refused = lead.patch(f"/api/v1/tenders/{tender.pk}/regime/", {"estimated_value_inc_vat": "1.00"}, format="json")
    assert refused.status_code == 400
    anonymous = lead.__class__()
    assert anonymous.get(f"/api/v1/tenders/{tender.pk}/regime/").status_code == 200  # published: public
