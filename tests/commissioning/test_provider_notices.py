"""Providers affected by change (seeds 003, 004): when a contract is to be replaced or ended, its provider gets
written notice, with the date, the reason and the notice period agreed under the local Compact (three months by
default, set per partnership); a notice sent too late for the change is flagged; an impact note is recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.replacement.models import ProviderNotice, notice_end
from commissioning.replacement.pdf import notice_letter_pdf
from commissioning.replacement.services import compact_update, contracts_replace, impact_record, provider_notice_send
from commissioning.service_map.models import MapDecision
from commissioning.service_map.services import map_decision_record
from core.errors import DomainError, NotPermitted
from core.models import Notification
from core.tenancy import unscoped
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, acting


@pytest.fixture
def replaced(lichfield, world):
    """A county contract with the registered provider (Citizens Advice Lichfield District), replaced by the commission
    that starts on 1 April 2027."""
    with unscoped(reason="test set-up"):
        contract = MappedContractFactory(
            service_area=lichfield.area,
            funder=world.county,
            provider=world.provider,
            provider_name=world.provider.name,
            title="Debt advice",
            annual_value=Decimal("12000.00"),
            end_date=dt.date(2027, 3, 31),
        )
    contracts_replace(commission=lichfield.commission, contracts=[contract], by=lichfield.county_lead)
    return contract


@pytest.mark.parametrize(
    ("sent", "months", "ends"),
    [
        (dt.date(2026, 12, 1), 3, dt.date(2027, 3, 1)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),  # no 30 February: the last day of the month
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 10, 31), 6, dt.date(2027, 4, 30)),
        (dt.date(2026, 12, 15), 12, dt.date(2027, 12, 15)),
    ],
)
def test_the_notice_runs_for_the_compact_period_from_the_date_sent(sent, months, ends):
    assert notice_end(sent, months) == ends


def test_three_months_notice_by_default_to_the_provider_once_in_the_app_and_by_email(lichfield, world, replaced):
    sent_on = dt.date(2026, 11, 20)
    notice = provider_notice_send(
        contract=replaced, reason="Replaced by the joint advice contract", sent_on=sent_on, by=lichfield.county_lead
    )
    assert (notice.notice_months, notice.ends_on, notice.change_on) == (3, dt.date(2027, 2, 20), dt.date(2027, 4, 1))
    assert notice.because == "replaced" and notice.commission_id == lichfield.commission.pk and not notice.late
    told = Notification.objects.unscoped(reason="test").filter(recipient=world.bidder)
    assert told.count() == 1
    assert "3 months' notice" in told.get().body and "20 February 2027" in told.get().body
    with pytest.raises(DomainError) as again:
        provider_notice_send(contract=replaced, reason="Again", sent_on=sent_on, by=lichfield.county_lead)
    assert "already been given notice" in again.value.message
    assert told.count() == 1


def test_a_notice_sent_too_late_for_the_new_contract_is_flagged_not_refused(lichfield, replaced):
    notice = provider_notice_send(
        contract=replaced,
        reason="Replaced",
        sent_on=min(timezone.localdate(), dt.date(2027, 1, 15)),
        by=lichfield.county_lead,
    )
    # Sent on 15 January 2027 (or earlier today): three months run past 1 April 2027 when sent after 1 January.
    assert notice.late == (notice.ends_on > dt.date(2027, 4, 1))
    late = ProviderNotice(
        sent_on=dt.date(2027, 1, 15), ends_on=notice_end(dt.date(2027, 1, 15), 3), change_on=dt.date(2027, 4, 1)
    )
    assert late.late and late.ends_on == dt.date(2027, 4, 15)
    in_time = ProviderNotice(
        sent_on=dt.date(2027, 1, 1), ends_on=notice_end(dt.date(2027, 1, 1), 3), change_on=dt.date(2027, 4, 1)
    )
    assert not in_time.late


def test_the_partnership_sets_its_own_compact_period(lichfield, world, replaced):
    body = world.partnership.accountable_body
    setter = acting(world.member(body, Role.COMMISSIONER), body)
    with pytest.raises(NotPermitted):
        compact_update(partnership=world.partnership, notice_months=6, by=acting(world.outsider, world.other_council))
    with pytest.raises(DomainError):
        compact_update(partnership=world.partnership, notice_months=25, by=setter)
    compact_update(partnership=world.partnership, notice_months=6, by=setter)
    notice = provider_notice_send(
        contract=replaced, reason="Replaced", sent_on=dt.date(2026, 9, 1), by=lichfield.county_lead
    )
    assert (notice.notice_months, notice.ends_on) == (6, dt.date(2027, 3, 1))


def test_notice_needs_a_change_and_a_reason_and_the_funder(lichfield, world):
    with unscoped(reason="test set-up"):
        contract = MappedContractFactory(service_area=lichfield.area, funder=world.county, title="Befriending")
    with pytest.raises(DomainError) as nothing_changes:
        provider_notice_send(contract=contract, reason="Why not", by=lichfield.county_lead)
    assert "replaces, or one a partner has decided to end" in nothing_changes.value.message
    with pytest.raises(NotPermitted):
        provider_notice_send(contract=contract, reason="x", by=lichfield.district_commissioner)
    # A partner that decides to end the contract gives notice: the change is the day after it ends.
    map_decision_record(
        service_area=lichfield.area,
        contract=contract,
        kind=MapDecision.Kind.END,
        reason="No longer a priority after the needs assessment",
        review_on=timezone.localdate() + dt.timedelta(days=30),
        by=lichfield.county_lead,
    )
    with pytest.raises(DomainError) as blank:
        provider_notice_send(contract=contract, reason="   ", by=lichfield.county_lead)
    assert blank.value.field == "reason"
    notice = provider_notice_send(
        contract=contract, reason="Ending", sent_on=dt.date(2026, 11, 1), by=lichfield.county_lead
    )
    assert notice.because == "ended" and notice.change_on == contract.end_date + dt.timedelta(days=1)
    assert notice.commission is None


def test_the_letter_is_a_pdf_naming_the_date_reason_and_period(lichfield, replaced):
    notice = provider_notice_send(
        contract=replaced,
        reason="Replaced by one joint contract",
        sent_on=dt.date(2026, 11, 20),
        by=lichfield.county_lead,
    )
    pdf = notice_letter_pdf(notice)
    assert pdf.startswith(b"%PDF")


def test_the_impact_note_is_bounded_and_kept_per_contract(lichfield, replaced):
    with pytest.raises(DomainError) as blank:
        impact_record(contract=replaced, who_is_affected="", mitigation="x", by=lichfield.county_lead)
    assert blank.value.field == "who_is_affected"
    with pytest.raises(DomainError) as long:
        impact_record(contract=replaced, who_is_affected="x", mitigation="y" * 2001, by=lichfield.county_lead)
    assert long.value.field == "mitigation"
    impact_record(
        contract=replaced,
        who_is_affected="About 400 clients a year",
        service_users="Open cases transfer to the new provider",
        staff="Two advisers; TUPE may apply",
        mitigation="Three months' handover",
        by=lichfield.county_lead,
    )
    impact = impact_record(
        contract=replaced, who_is_affected="About 450 clients", mitigation="Handover", by=lichfield.county_lead
    )
    assert impact.who_is_affected == "About 450 clients" and replaced.impact.pk == impact.pk


def test_the_notice_page_shows_three_months_and_sends_it(client, lichfield, world, replaced):
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/service-map/contracts/{replaced.pk}/notice/"
    page = client.get(url).content.decode()
    assert "3 months" in page and lichfield.commission.title in page
    bad = client.post(url, {"reason": "", "sent_on": "2026-11-20"})
    assert bad.status_code == 400 and 'value="2026-11-20"' in bad.content.decode()
    assert client.post(url, {"reason": "Replaced by the joint contract", "sent_on": "2026-11-20"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Notice sent on 20 November 2026: 3 months, running to 20 February 2027" in page
    notice = ProviderNotice.objects.get(contract=replaced)
    letter = client.get(f"/provider-notices/{notice.pk}/letter.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    # The provider reads its notice; another council does not.
    sign_in(client, world.bidder, world.provider)
    assert client.get(f"/provider-notices/{notice.pk}/letter.pdf").status_code == 200
    assert "Replaced by a joint commission" in client.get("/provider-notices/").content.decode()
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/provider-notices/{notice.pk}/letter.pdf").status_code == 404
    assert client.get(url).status_code == 404
