"""Changing and ending a signed contract, as Staffordshire's lead commissioner does it: the Lichfield contract
(£43,750 a year for three years: county £23,750, district £20,000) is varied -- more hours, a longer term, a change of
scope -- with each partner's share of the change adding up to the penny and the Act's contract change notice flagged
when the change is large enough (s.75); then it ends, and monitoring still reads it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError, NotPermitted
from core.tenancy import unscoped
from partners.models import Role
from procurement.award import services as award_services
from procurement.award.models import Contract, ContractVariation, VariationShare
from procurement.award.rules import current_value, variation_needs_change_notice
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.procurement import awarded

SIGNED_VALUE = Decimal("131250.00")  # 3 x £43,750


def _shares(variation: ContractVariation) -> dict[str, Decimal]:
    return {
        s.organisation.name: s.amount
        for s in VariationShare._base_manager.filter(variation=variation).select_related("organisation")
    }


def test_a_variation_splits_the_change_between_the_partners_to_the_penny(world):
    flow = awarded(world)
    contract, lead = flow.contract, flow.lead
    today = timezone.localdate()
    small = award_services.variation_record(
        contract=contract,
        kind="value",
        reason="Ten more befriending hours a week over the winter",
        change=Decimal("9999.99"),
        agreed_on=today,
        by=lead,
    )
    assert (small.number, small.value_before, small.value_after) == (1, SIGNED_VALUE, Decimal("141249.99"))
    shares = _shares(small)
    # In proportion to what each pays (23,750 : 20,000), in whole pennies adding up exactly.
    assert shares == {
        "Staffordshire County Council": Decimal("5428.57"),
        "Lichfield District Council": Decimal("4571.42"),
    }
    assert sum(shares.values()) == Decimal("9999.99")
    assert not variation_needs_change_notice(small)  # 7.6% of the value: under the 10% for services
    with unscoped(reason="the test reads the contract"):
        assert current_value(contract) == Decimal("141249.99")

    # The partners agree their own split of a reduction; it must add up to the change.
    with pytest.raises(DomainError, match="add up to"):
        award_services.variation_record(
            contract=contract,
            kind="value",
            reason="Fewer home visits",
            change=Decimal("-3000.00"),
            shares={world.county.pk: Decimal("-1000.00"), world.district.pk: Decimal("-1000.00")},
            agreed_on=today,
            by=lead,
        )
    cut = award_services.variation_record(
        contract=contract,
        kind="value",
        reason="Fewer home visits",
        change=Decimal("-3000.00"),
        shares={world.county.pk: Decimal("-3000.00"), world.district.pk: Decimal("0")},
        agreed_on=today,
        by=lead,
    )
    assert _shares(cut) == {"Staffordshire County Council": Decimal("-3000.00")}
    assert cut.number == 2 and cut.value_before == Decimal("141249.99")


def test_a_change_notice_is_needed_above_ten_per_cent_or_for_the_term_or_the_scope(world):
    flow = awarded(world)
    contract, lead = flow.contract, flow.lead
    today = timezone.localdate()
    big = award_services.variation_record(
        contract=contract, kind="value", reason="A second team", change=Decimal("13125.01"), agreed_on=today, by=lead
    )
    assert variation_needs_change_notice(big)  # just over 10% of £131,250
    # Two changes that together move the value by more than 10% count together (s.75(4)-(5)).
    flow_end = contract.end_date
    longer = award_services.variation_record(
        contract=contract,
        kind="term",
        reason="Six more months while the partners re-commission",
        end_date=flow_end + dt.timedelta(days=183),
        agreed_on=today,
        by=lead,
    )
    assert variation_needs_change_notice(longer)  # six months of a three-year term is over 10%
    assert Contract._base_manager.get(pk=contract.pk).end_date == flow_end + dt.timedelta(days=183)
    assert (longer.end_date_before, longer.end_date_after) == (flow_end, flow_end + dt.timedelta(days=183))
    scope = award_services.variation_record(
        contract=contract, kind="scope", reason="Add a hospital discharge service", agreed_on=today, by=lead
    )
    assert variation_needs_change_notice(scope)


def test_a_short_extension_needs_no_change_notice(world):
    flow = awarded(world)
    contract = flow.contract
    short = award_services.variation_record(
        contract=contract,
        kind="term",
        reason="A month to finish the handover",
        end_date=contract.end_date + dt.timedelta(days=30),
        agreed_on=timezone.localdate(),
        by=flow.lead,
    )
    assert not variation_needs_change_notice(short)


def test_variations_are_the_leads_and_are_checked(world):
    flow = awarded(world)
    contract = flow.contract
    district = acting(world.member(world.district, Role.COMMISSIONER), world.district)
    with pytest.raises(NotPermitted):
        award_services.variation_record(
            contract=contract,
            kind="value",
            reason="x",
            change=Decimal("1"),
            agreed_on=timezone.localdate(),
            by=district,
        )
    with pytest.raises(DomainError, match="Say why") as refused:
        award_services.variation_record(
            contract=contract,
            kind="value",
            reason="  ",
            change=Decimal("1"),
            agreed_on=timezone.localdate(),
            by=flow.lead,
        )
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="future") as refused:
        award_services.variation_record(
            contract=contract,
            kind="value",
            reason="More hours",
            change=Decimal("1"),
            agreed_on=timezone.localdate() + dt.timedelta(days=1),
            by=flow.lead,
        )
    assert refused.value.field == "agreed_on"
    with pytest.raises(DomainError, match="new end date"):
        award_services.variation_record(
            contract=contract, kind="term", reason="Longer", agreed_on=timezone.localdate(), by=flow.lead
        )


def test_the_contract_ends_early_and_monitoring_still_reads_it(world, client):
    flow = awarded(world)
    contract, lead = flow.contract, flow.lead
    today = timezone.localdate()
    with pytest.raises(DomainError, match="expires on its end date"):
        award_services.contract_terminate(contract=contract, by=lead, on=today, reason="Over", kind="expired")
    with pytest.raises(DomainError, match="Say why"):
        award_services.contract_terminate(contract=contract, by=lead, on=today, reason=" ", kind="early_agreement")
    ended = award_services.contract_terminate(
        contract=contract,
        by=lead,
        on=today,
        reason="The provider asked to hand the service back; the partners agreed",
        kind="early_agreement",
    )
    assert ended.terminated_on == today and ended.termination_kind == "early_agreement"
    with pytest.raises(DomainError, match="already ended"):
        award_services.contract_terminate(contract=contract, by=lead, on=today, reason="Again", kind="early_breach")
    with pytest.raises(DomainError, match="cannot be varied"):
        award_services.variation_record(
            contract=contract, kind="value", reason="More", change=Decimal("1"), agreed_on=today, by=lead
        )
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200
    assert "Ended early by agreement" in page.content.decode()
    for url in ("/monitoring/", f"/monitoring/contracts/{contract.pk}/"):
        assert client.get(url).status_code == 200, url


def test_a_contract_expires_on_its_end_date(world):
    flow = awarded(world)
    contract = flow.contract
    Contract._base_manager.filter(pk=contract.pk).update(
        start_date=contract.signed_on - dt.timedelta(days=400), end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    contract.refresh_from_db()
    ended = award_services.contract_terminate(
        contract=contract, by=flow.lead, on=contract.end_date, reason="The term ran its course", kind="expired"
    )
    assert ended.get_termination_kind_display() == "Expired at the end of its term"
