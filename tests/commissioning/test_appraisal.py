"""Options appraisal (seed 000 tables 2-3, seed 003): the models considered for a service area or a commission,
in-house delivery included, each with advantages and disadvantages, and the option chosen with its reason."""

from __future__ import annotations

import pytest

from commissioning.replacement.models import AppraisalModel
from commissioning.replacement.pdf import appraisal_pdf
from commissioning.replacement.selectors import appraisal_detail
from commissioning.replacement.services import appraisal_choose, appraisal_option_set, appraisal_start
from core.errors import DomainError, NotPermitted
from tests.conftest import api_client, sign_in
from tests.factories.commissioning import acting

SEED_TABLE_2 = {
    "aligned": (
        "Allows individual PSOs to determine their own priorities. Shared process should reduce commissioning costs.",
        "May be more difficult to commission against outcomes due to individual PSOs prescribing different delivery.",
    ),
    "standalone": (
        "Simple to set up. Existing examples of this in practice locally.",
        "It is unlikely that more than 3 organisations will partner due to the logistics of agreeing arrangements.",
    ),
    "do_nothing": (
        "No change required.",
        "No efficiencies or economies of scale will be realised.",
    ),
    "in_house": (
        "Direct control of the service and its staff.",
        "Loses the added value of the voluntary sector; staff costs and pensions.",
    ),
}


def test_in_house_delivery_is_one_of_the_models_weighed():
    assert "in_house" in AppraisalModel.values
    assert {"aligned", "standalone", "individual", "pooled", "do_nothing"} <= set(AppraisalModel.values)


def test_an_appraisal_before_any_commission_weighs_each_option_and_records_the_choice(lichfield):
    a = appraisal_start(
        service_area=lichfield.area, title="Debt, benefits and consumer advice", by=lichfield.county_lead
    )
    assert a.commission is None
    for model, (pros, cons) in SEED_TABLE_2.items():
        appraisal_option_set(appraisal=a, model=model, advantages=pros, disadvantages=cons, by=lichfield.county_lead)
    with pytest.raises(DomainError) as not_weighed:
        appraisal_choose(appraisal=a, model="pooled", reason="Cheapest", by=lichfield.county_lead)
    assert not_weighed.value.field == "model"
    with pytest.raises(DomainError) as no_reason:
        appraisal_choose(appraisal=a, model="aligned", reason=" ", by=lichfield.county_lead)
    assert no_reason.value.field == "reason"
    appraisal_choose(
        appraisal=a,
        model="aligned",
        reason="A number of organisations wish to commission broadly similar services",
        by=lichfield.district_commissioner,
    )
    a = appraisal_detail(appraisal_id=a.pk)
    assert a.chosen == "aligned" and [o.model for o in a.options.all()] == list(SEED_TABLE_2)
    # Saving an option again rewrites it rather than adding a second.
    appraisal_option_set(
        appraisal=a, model="in_house", advantages="Control", disadvantages="Cost", by=lichfield.county_lead
    )
    assert a.options.count() == 4 and a.options.get(model="in_house").advantages == "Control"
    assert appraisal_pdf(a).startswith(b"%PDF")


@pytest.mark.parametrize("field", ["advantages", "disadvantages"])
def test_each_text_is_required_and_bounded(lichfield, field):
    a = appraisal_start(service_area=lichfield.area, title="Options", by=lichfield.county_lead)
    values = {"advantages": "Good", "disadvantages": "Bad"}
    for bad in ("", "x" * 2001):
        values[field] = bad
        with pytest.raises(DomainError) as refused:
            appraisal_option_set(appraisal=a, model="aligned", by=lichfield.county_lead, **values)
        assert refused.value.field == field


def test_an_appraisal_for_a_commission_and_who_may_write(lichfield, world):
    a = appraisal_start(
        service_area=lichfield.area, title="Options", commission=lichfield.commission, by=lichfield.county_lead
    )
    assert a.commission_id == lichfield.commission.pk
    with pytest.raises(NotPermitted):
        appraisal_start(service_area=lichfield.area, title="Ours", by=acting(world.outsider, world.other_council))
    with pytest.raises(NotPermitted):
        appraisal_option_set(
            appraisal=a,
            model="aligned",
            advantages="x",
            disadvantages="y",
            by=acting(world.finance_officer, world.district),
        )


def test_the_appraisal_pages(client, lichfield, world):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(f"/service-map/areas/{lichfield.area.pk}/appraisals/new/", {"title": "Advice options"})
    assert response.status_code == 302
    detail = response["Location"]
    option = client.post(f"{detail}options/new/", {"model": "in_house", "advantages": "", "disadvantages": "Cost"})
    assert option.status_code == 400 and "Cost" in option.content.decode()
    for model, (pros, cons) in SEED_TABLE_2.items():
        assert (
            client.post(
                f"{detail}options/new/", {"model": model, "advantages": pros, "disadvantages": cons}
            ).status_code
            == 302
        )
    assert client.post(f"{detail}choose/", {"model": "aligned", "reason": "Most partners"}).status_code == 302
    page = client.get(detail).content.decode()
    assert "In-house delivery" in page and "Simple to set up" in page and "Most partners" in page
    assert 'data-testid="option-in_house"' in page
    pdf = client.get(f"{detail}appraisal.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listing = client.get(f"/service-map/areas/{lichfield.area.pk}/appraisals/").content.decode()
    assert "Advice options" in listing and "Aligned budget with a lead commissioner" in listing


def test_the_appraisal_api(lichfield, world):
    county = api_client(world.lead_commissioner, world.county)
    created = county.post(
        "/api/v1/appraisals/",
        {"service_area": lichfield.area.pk, "commission": lichfield.commission.pk, "title": "Options"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    added = county.post(
        f"/api/v1/appraisals/{pk}/options/",
        {"model": "in_house", "advantages": "Control", "disadvantages": "Cost"},
        format="json",
    )
    assert added.status_code == 201 and added.json()["options"][0]["model"] == "in_house"
    chosen = county.post(f"/api/v1/appraisals/{pk}/choose/", {"model": "in_house", "reason": "Control"}, format="json")
    assert chosen.status_code == 200 and chosen.json()["chosen"] == "in_house"
    refused = county.post(f"/api/v1/appraisals/{pk}/choose/", {"model": "pooled", "reason": "x"}, format="json")
    assert refused.status_code == 400
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/appraisals/{pk}/").status_code == 404
