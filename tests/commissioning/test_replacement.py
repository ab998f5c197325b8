"""What a new joint commission replaces (seed 000: "new contract replaces 11 existing contracts ... and one new
funding area"): each partner links its own mapped contracts, the commission weighs the value replaced against the
new contributions, counts the contracts before and after, and records the commissioning cost saved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commissioning import demo as commissioning_demo
from commissioning.commissions.models import JointCommission
from commissioning.replacement.models import OptionsAppraisal, ProviderNotice, ReplacedContract
from commissioning.replacement.selectors import replacement_summary
from commissioning.replacement.services import contracts_replace, replaced_contract_remove, replaced_contract_saving
from commissioning.service_map.models import MapDecision
from core.errors import DomainError, NotPermitted
from core.tenancy import unscoped
from partners import demo as partners_demo
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, acting, lichfield_example
from tests.query_counts import page_queries


def county_contracts(lichfield, values=("10000.00", "8000.00", "3750.00")):
    with unscoped(reason="test set-up"):
        return [
            MappedContractFactory(
                service_area=lichfield.area,
                funder=lichfield.county,
                provider_name=f"Advice provider {i}",
                title=f"Advice {i}",
                annual_value=Decimal(v),
            )
            for i, v in enumerate(values, start=1)
        ]


def test_the_county_links_three_contracts_and_sees_value_replaced_against_contributions(lichfield):
    contracts = county_contracts(lichfield)
    contracts_replace(commission=lichfield.commission, contracts=contracts, by=lichfield.county_lead)

    s = replacement_summary(commission=lichfield.commission, acting=lichfield.county_lead)
    assert (s.contracts_before, s.contracts_after) == (3, 1)
    assert s.replaced_a_year == Decimal("21750.00")
    assert [(line.label, line.replaced, line.contributions, line.new_money) for line in s.lines] == [
        ("2027/28", Decimal("21750.00"), Decimal("43750.00"), Decimal("22000.00")),
        ("2028/29", Decimal("21750.00"), Decimal("43750.00"), Decimal("22000.00")),
        ("2029/30", Decimal("21750.00"), Decimal("43750.00"), Decimal("22000.00")),
    ]
    county, district = (
        next(p for p in s.partners if p.organisation_id == o.pk) for o in (lichfield.county, lichfield.district)
    )
    assert (county.contracts, county.replaced_a_year, county.new_money(2027)) == (
        3,
        Decimal("21750.00"),
        Decimal("2000.00"),
    )
    # The district replaces nothing and puts £20,000 a year in: new money, a new funding area.
    assert district.new_funding and district.new_money(2027) == Decimal("20000.00")
    assert [p.name for p in s.new_funding_partners] == [lichfield.district.name]
    assert s.new_money_over_term == Decimal("66000.00")


def test_each_partner_links_only_its_own_contracts_and_the_lead_sees_all(lichfield, world):
    county_contract = county_contracts(lichfield, values=("5000.00",))[0]
    with unscoped(reason="test set-up"):
        district_contract = MappedContractFactory(
            service_area=lichfield.area, funder=world.district, annual_value=Decimal("20000.00")
        )
    with pytest.raises(NotPermitted):
        contracts_replace(
            commission=lichfield.commission, contracts=[county_contract], by=lichfield.district_commissioner
        )
    contracts_replace(
        commission=lichfield.commission, contracts=[district_contract], by=lichfield.district_commissioner
    )
    contracts_replace(commission=lichfield.commission, contracts=[county_contract], by=lichfield.county_lead)
    s = replacement_summary(commission=lichfield.commission, acting=lichfield.county_lead)
    assert s.contracts_before == 2 and s.replaced_a_year == Decimal("25000.00")
    assert not s.new_funding_partners
    # The county's finance officer sees the county's contribution, not the district's; the value replaced is on the
    # map for every partner to see.
    finance = acting(world.member(world.county, Role.FINANCE_OFFICER), world.county)
    seen = replacement_summary(commission=lichfield.commission, acting=finance)
    assert seen.lines[0].contributions is None and seen.replaced_a_year == Decimal("25000.00")
    own = next(p for p in seen.partners if p.organisation_id == world.county.pk)
    assert own.contribution(2027) == Decimal("23750.00") and own.new_money(2027) == Decimal("18750.00")
    other = next(p for p in seen.partners if p.organisation_id == world.district.pk)
    assert other.contribution(2027) is None


def test_a_contract_is_replaced_by_one_commission_only(lichfield, world):
    contract = county_contracts(lichfield, values=("5000.00",))[0]
    contracts_replace(commission=lichfield.commission, contracts=[contract], by=lichfield.county_lead)
    other = lichfield_example(world, status="draft")
    with pytest.raises(DomainError) as refused:
        contracts_replace(commission=other.commission, contracts=[contract], by=lichfield.county_lead)
    assert refused.value.field == "contracts" and "already replaced" in refused.value.message
    # Linking it again to the same commission changes nothing.
    assert contracts_replace(commission=lichfield.commission, contracts=[contract], by=lichfield.county_lead) == []
    assert ReplacedContract.objects.unscoped(reason="test").count() == 1


def test_a_partner_not_taking_part_cannot_link(lichfield, world):
    with unscoped(reason="test set-up"):
        contract = MappedContractFactory(service_area=lichfield.area, funder=world.other_council)
    outsider = acting(world.outsider, world.other_council)
    with pytest.raises(JointCommission.DoesNotExist):  # not even visible to them
        contracts_replace(commission=lichfield.commission, contracts=[contract], by=outsider)


@pytest.mark.parametrize(
    ("saving", "note", "field"),
    [
        (Decimal("-1"), "x", "saving"),
        (Decimal("1000000.01"), "x", "saving"),
        (Decimal("2500"), "", "note"),
        (Decimal("2500"), "x" * 501, "note"),
    ],
)
def test_a_saving_is_bounded_and_explained(lichfield, saving, note, field):
    contract = county_contracts(lichfield, values=("5000.00",))[0]
    [link] = contracts_replace(commission=lichfield.commission, contracts=[contract], by=lichfield.county_lead)
    with pytest.raises(DomainError) as refused:
        replaced_contract_saving(link=link, saving=saving, note=note, by=lichfield.county_lead)
    assert refused.value.field == field


def test_savings_add_up_per_partner_and_in_total(lichfield):
    contracts = county_contracts(lichfield)
    links = contracts_replace(commission=lichfield.commission, contracts=contracts, by=lichfield.county_lead)
    for link in links[:2]:
        replaced_contract_saving(
            link=link, saving=Decimal("2500.00"), note="10 days of officer time at £250", by=lichfield.county_lead
        )
    with pytest.raises(NotPermitted):
        replaced_contract_saving(link=links[2], saving=Decimal("1"), note="x", by=lichfield.district_commissioner)
    s = replacement_summary(commission=lichfield.commission, acting=lichfield.county_lead)
    assert s.saving == Decimal("5000.00")
    replaced_contract_remove(link=links[0], by=lichfield.county_lead)
    s = replacement_summary(commission=lichfield.commission, acting=lichfield.county_lead)
    assert (s.contracts_before, s.saving, s.replaced_a_year) == (2, Decimal("2500.00"), Decimal("11750.00"))


def test_the_pages_link_contracts_record_a_saving_and_tag_the_map(client, lichfield, world):
    contracts = county_contracts(lichfield)
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/commissions/{lichfield.commission.pk}/replaces/"
    page = client.get(url).content.decode()
    assert "No contracts linked yet" in page and "Advice provider 1" in page
    response = client.post(
        f"/commissions/{lichfield.commission.pk}/replaces/link/", {"contracts": [c.pk for c in contracts]}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "replaces 3 existing contracts worth £21,750.00 a year" in page
    assert "plus new funding from Lichfield District Council" in page
    assert "£22,000.00" in page  # new money each year
    link = ReplacedContract.objects.filter(contract=contracts[0]).first()
    bad = client.post(f"/replaced-contracts/{link.pk}/saving/", {"saving": "2,500", "note": ""})
    assert bad.status_code == 400 and 'value="2,500"' in bad.content.decode()
    ok = client.post(f"/replaced-contracts/{link.pk}/saving/", {"saving": "2,500", "note": "Officer time"})
    assert ok.status_code == 302
    assert "£2,500.00" in client.get(url).content.decode()
    area_page = client.get(f"/service-map/areas/{lichfield.area.pk}/").content.decode()
    assert area_page.count('data-testid="replaced-tag"') == 3
    assert f'href="/commissions/{lichfield.commission.pk}/replaces/"' in area_page
    contracts_page = client.get(f"/service-map/contracts/?partnership={world.partnership.pk}").content.decode()
    assert contracts_page.count('data-testid="replaced-tag"') == 3


def test_a_partner_outside_the_commission_sees_no_tag_and_the_page_is_404(client, lichfield, world):
    contracts = county_contracts(lichfield, values=("5000.00",))
    contracts_replace(commission=lichfield.commission, contracts=contracts, by=lichfield.county_lead)
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/commissions/{lichfield.commission.pk}/replaces/").status_code == 404


def test_the_map_and_the_replacement_page_run_a_fixed_number_of_queries(client, lichfield, world):
    sign_in(client, world.lead_commissioner, world.county)
    urls = [
        f"/service-map/areas/{lichfield.area.pk}/",
        f"/commissions/{lichfield.commission.pk}/replaces/",
        f"/service-map/contracts/?partnership={world.partnership.pk}",
    ]
    contracts_replace(
        commission=lichfield.commission, contracts=county_contracts(lichfield, ("1.00",)), by=lichfield.county_lead
    )
    for url in urls:
        page_queries(client, url)
    small = {url: page_queries(client, url) for url in urls}
    more = county_contracts(lichfield, values=[f"{n}.00" for n in range(100, 112)])
    contracts_replace(commission=lichfield.commission, contracts=more, by=lichfield.county_lead)
    with unscoped(reason="test set-up"):
        district = MappedContractFactory(service_area=lichfield.area, funder=world.district)
    contracts_replace(commission=lichfield.commission, contracts=[district], by=lichfield.district_commissioner)
    for url in urls:
        page_queries(client, url)
    large = {url: page_queries(client, url) for url in urls}
    assert small == large, (small, large)


def test_the_commission_tabs_lead_to_the_replacement_page(client, lichfield, world):
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/commissions/{lichfield.commission.pk}/").content.decode()
    assert f'href="/commissions/{lichfield.commission.pk}/replaces/"' in page


def test_the_demo_shows_a_commission_replacing_contracts_a_decision_an_appraisal_and_a_notice(db):
    partners_demo.load()
    commissioning_demo.load()
    commissioning_demo.load()  # idempotent
    with unscoped(reason="test reads the demo"):
        links = ReplacedContract.objects.select_related("commission", "contract")
        assert links.count() == 9 and {link.commission.title for link in links} == {commissioning_demo.RUNNING_TITLE}
        assert MapDecision.objects.filter(kind="keep").count() == 1
        notice = ProviderNotice.objects.get()
        assert notice.notice_months == 3 and not notice.late and notice.contract.impact.mitigation
        appraisal = OptionsAppraisal.objects.get()
        assert appraisal.chosen == "aligned" and appraisal.options.filter(model="in_house").exists()
