"""Issue 13, "Contributions are overwritten silently": an indicative figure changes with its old value kept; a
confirmed or transferred one changes only through a variation the partner re-confirms; the form writes only the
years the user filled in; a repeated or concurrent save takes effect once. Pages and API alike."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from commissioning import demo
from commissioning.commissions.models import Contribution, ContributionStatus, JointCommission
from commissioning.money.models import ChangeKind, ChangeStatus, ContributionChange
from commissioning.money.selectors import contribution_table
from commissioning.money.services import (
    contribution_confirm,
    contribution_set,
    contribution_transfer,
    contributions_record,
    variation_propose,
    variation_reconfirm,
    variation_withdraw,
)
from core.audit import history_for
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.tenancy import unscoped
from tests.concurrency import run_at_once
from tests.conftest import sign_in
from tests.factories.commissioning import acting, lichfield_example
from tests.query_counts import page_queries

OCTOBER = dt.date(2026, 10, 1)
PART_FIRST, FULL_1, FULL_2, PART_LAST = 2026, 2027, 2028, 2029


def rows(commission, organisation) -> dict[int, Decimal]:
    return dict(
        Contribution.objects.unscoped(reason="test")
        .filter(commission=commission, organisation=organisation)
        .values_list("financial_year", "amount")
    )


@pytest.fixture
def october(world):
    """Three years from 1 October 2026: county £23,750 and district £20,000 a year, pro rata in the part-years."""
    return lichfield_example(world, start_date=OCTOBER)


# ---- indicative figures: changed, the old value kept -------------------------------------------------------------


def test_changing_an_indicative_amount_keeps_the_old_one(october, world):
    before = rows(october.commission, world.district)[FULL_1]
    assert before == Decimal("20000.00")
    recorded = contributions_record(
        commission=october.commission,
        organisation=world.district,
        amounts={FULL_1: Decimal("21500")},
        reason="Cabinet agreed an uplift",
        by=october.district_commissioner,
    )
    assert recorded[0].message == "2027/28: changed from £20,000.00 to £21,500.00"
    change = ContributionChange.objects.unscoped(reason="test").get()
    assert (change.kind, change.status, change.old_amount, change.new_amount, change.reason) == (
        ChangeKind.CHANGE,
        ChangeStatus.APPLIED,
        Decimal("20000.00"),
        Decimal("21500.00"),
        "Cabinet agreed an uplift",
    )
    assert change.proposed_by == october.district_commissioner.user
    contribution = change.contribution
    events = [e.action for e in history_for(contribution)]
    assert "contribution.changed" in events


def test_entering_one_part_year_leaves_the_full_years_alone(october, world, client):
    """The defect: one part-year amount entered, the form re-ticked every year and overwrote the full years."""
    before = rows(october.commission, world.district)
    sign_in(client, october.district_commissioner.user, world.district)
    response = client.post(
        f"/commissions/{october.commission.pk}/contributions/",
        {"organisation": world.district.pk, f"year_{PART_LAST}": "9,000", "annual_amount": ""},
    )
    assert response.status_code == 302
    after = rows(october.commission, world.district)
    assert after[PART_LAST] == Decimal("9000.00")
    assert {y: after[y] for y in (PART_FIRST, FULL_1, FULL_2)} == {y: before[y] for y in (PART_FIRST, FULL_1, FULL_2)}
    assert after[FULL_1] == after[FULL_2] == Decimal("20000.00")
    page = client.get(response.url).content.decode()
    assert "2029/30 (part year: 1 April 2029 to 30 September 2029): changed from £10,027.40 to £9,000.00" in page
    # No year is pre-filled or ticked after the save: the boxes are empty again.
    assert f'name="year_{FULL_1}" type="text" value=' not in page.replace("inputmode", "")
    assert ContributionChange.objects.unscoped(reason="test").count() == 1


def test_the_same_figure_saved_twice_takes_effect_once(october, world):
    for _ in range(2):
        contributions_record(
            commission=october.commission,
            organisation=world.district,
            amounts={FULL_1: Decimal("21500")},
            by=october.district_commissioner,
        )
    assert ContributionChange.objects.unscoped(reason="test").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_once_take_effect_once(world):
    ex = lichfield_example(world, start_date=OCTOBER)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def save() -> None:
        try:
            start.wait()
            contributions_record(
                commission=ex.commission,
                organisation=world.district,
                amounts={FULL_2: Decimal("22222.22")},
                by=ex.district_commissioner,
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    run_at_once(save)
    assert errors == []
    assert rows(ex.commission, world.district)[FULL_2] == Decimal("22222.22")
    assert ContributionChange.objects.unscoped(reason="test").count() == 1


# ---- confirmed and transferred figures: only through a variation ------------------------------------------------


def _confirmed(october, world, year=FULL_1) -> Contribution:
    c = Contribution.objects.get(commission=october.commission, organisation=world.district, financial_year=year)
    return contribution_confirm(contribution=c, by=acting(world.finance_officer, world.district))


def test_a_confirmed_amount_is_refused_naming_who_confirmed_it(october, world):
    c = _confirmed(october, world)
    with pytest.raises(DomainError) as refused:
        contribution_set(
            commission=october.commission,
            organisation=world.district,
            financial_year=FULL_1,
            amount=Decimal("1"),
            by=october.county_lead,
        )
    assert refused.value.message.startswith("This amount (£20,000.00 for 2027/28) was confirmed by Lichfield District")
    assert refused.value.message.endswith("; propose a variation instead")
    c.refresh_from_db()
    assert c.amount == Decimal("20000.00")


def test_a_variation_waits_for_the_partner_then_replaces_the_figure(october, world):
    c = _confirmed(october, world)
    with pytest.raises(DomainError) as no_reason:
        variation_propose(contribution=c, new_amount=Decimal("18000"), reason=" ", by=october.county_lead)
    assert "reason" in no_reason.value.field_errors
    change = variation_propose(
        contribution=c, new_amount=Decimal("18000"), reason="District budget reduced by cabinet", by=october.county_lead
    )
    assert change.status == ChangeStatus.PENDING
    # The old figure stands in every total until the partner re-confirms.
    table = contribution_table(commission=october.commission, acting=october.county_lead)
    assert table.totals[FULL_1].pledged == Decimal("43750.00")
    assert [p.pk for p in table.pending] == [change.pk]
    # The lead cannot re-confirm the district's money.
    with pytest.raises(TransitionNotAllowed):
        variation_reconfirm(change=change, by=october.county_lead)
    # A second, different proposal is refused while one waits.
    with pytest.raises(DomainError, match="already awaiting"):
        variation_propose(contribution=c, new_amount=Decimal("17000"), reason="Again", by=october.county_lead)
    done = variation_reconfirm(change=change, by=acting(world.finance_officer, world.district))
    assert done.status == ChangeStatus.APPLIED and done.decided_by == world.finance_officer
    c.refresh_from_db()
    assert c.amount == Decimal("18000.00") and c.status == ContributionStatus.CONFIRMED
    table = contribution_table(commission=october.commission, acting=october.county_lead)
    assert table.totals[FULL_1].pledged == Decimal("41750.00")
    assert [(h.old_amount, h.new_amount) for _, _, h in table.history] == [(Decimal("20000.00"), Decimal("18000.00"))]
    # Re-confirming twice takes effect once.
    with pytest.raises(TransitionNotAllowed):
        variation_reconfirm(change=change, by=acting(world.finance_officer, world.district))
    actions = [e.action for e in history_for(c)]
    assert "contribution.variation_proposed" in actions and "contribution.variation_reconfirmed" in actions


def test_a_withdrawn_variation_leaves_the_figure(october, world):
    c = _confirmed(october, world)
    change = variation_propose(contribution=c, new_amount=Decimal("1"), reason="Typo", by=october.county_lead)
    variation_withdraw(change=change, by=october.county_lead)
    c.refresh_from_db()
    assert c.amount == Decimal("20000.00")
    assert ContributionChange.objects.unscoped(reason="test").get().status == ChangeStatus.WITHDRAWN


def test_a_transferred_amount_changes_only_through_a_variation(october, world):
    c = _confirmed(october, world)
    fo = acting(world.finance_officer, world.district)
    c = contribution_transfer(contribution=c, transferred_on=dt.date(2026, 11, 2), reference="JNL-1", by=fo)
    with pytest.raises(DomainError, match="transferred to the lead on 2 November 2026; propose a variation instead"):
        contribution_set(
            commission=october.commission,
            organisation=world.district,
            financial_year=FULL_1,
            amount=Decimal("1"),
            by=october.county_lead,
        )


def test_only_the_lead_or_the_partner_may_propose(october, world):
    c = _confirmed(october, world)
    outsider = acting(world.member(world.other_council, "commissioner"), world.other_council)
    with pytest.raises((NotPermitted, Contribution.DoesNotExist)):
        variation_propose(contribution=c, new_amount=Decimal("1"), reason="x", by=outsider)


# ---- pages and API -----------------------------------------------------------------------------------------------


def test_the_page_shows_the_pending_variation_and_the_history(october, world, client):
    c = _confirmed(october, world)
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(
        f"/contributions/{c.pk}/variation/", {"new_amount": "18,000", "reason": "District budget reduced"}
    )
    assert response.status_code == 302
    page = client.get(f"/commissions/{october.commission.pk}/contributions/").content.decode()
    assert "Variation to £18,000.00 awaiting re-confirmation" in page
    assert "District budget reduced" in page
    refused = client.post(f"/contributions/{c.pk}/variation/", {"new_amount": "18,500", "reason": ""})
    assert refused.status_code == 400 and "Say why the figure must change" in refused.content.decode()
    change = ContributionChange.objects.unscoped(reason="test").get()
    sign_in(client, world.finance_officer, world.district)
    done = client.post(f"/contribution-changes/{change.pk}/step/", {"transition": "reconfirmed"}, follow=True)
    assert "Re-confirmed: changed from £20,000.00 to £18,000.00" in done.content.decode()


def test_the_api_changes_proposes_and_reconfirms_with_the_same_permissions(october, world, client):
    c = _confirmed(october, world)
    sign_in(client, world.lead_commissioner, world.county)
    changed = client.post(
        "/api/v1/contributions/",
        {
            "commission": october.commission.pk,
            "organisation": world.district.pk,
            "financial_year": FULL_2,
            "amount": "20500.00",
            "reason": "Uplift",
        },
        content_type="application/json",
    )
    assert changed.status_code == 201, changed.content
    assert changed.json()["changes"][0]["old_amount"] == "20000.00"
    refused = client.post(
        "/api/v1/contributions/",
        {
            "commission": october.commission.pk,
            "organisation": world.district.pk,
            "financial_year": FULL_1,
            "amount": "1",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and "propose a variation instead" in refused.json()["detail"]
    proposed = client.post(
        f"/api/v1/contributions/{c.pk}/variation/",
        {"new_amount": "18000.00", "reason": "Budget reduced"},
        content_type="application/json",
    )
    assert proposed.status_code == 201, proposed.content
    change_id = proposed.json()["id"]
    lead_tries = client.post(
        f"/api/v1/contribution-changes/{change_id}/transition/",
        {"transition": "reconfirmed"},
        content_type="application/json",
    )
    assert lead_tries.status_code in (400, 403)
    sign_in(client, world.finance_officer, world.district)
    done = client.post(
        f"/api/v1/contribution-changes/{change_id}/transition/",
        {"transition": "reconfirmed"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "applied"
    assert client.get(f"/api/v1/contributions/{c.pk}/").json()["amount"] == "18000.00"


def test_the_api_suggests_a_pro_rata_split(october, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    split = client.get(f"/api/v1/commissions/{october.commission.pk}/pro-rata/?annual=23750").json()
    assert [(y["financial_year"], y["amount"], y["part_year"]) for y in split] == [
        ("2026/27", "11842.47", True),
        ("2027/28", "23750.00", False),
        ("2028/29", "23750.00", False),
        ("2029/30", "11907.53", True),
    ]
    assert client.get(f"/api/v1/commissions/{october.commission.pk}/pro-rata/?annual=abc").status_code == 400
    term = client.get(f"/api/v1/commissions/{october.commission.pk}/").json()["term"]
    assert term[-1]["long_label"] == "2029/30 (part year: 1 April 2029 to 30 September 2029)"


def test_the_form_suggests_a_split_and_saves_nothing_until_asked(october, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    before = rows(october.commission, world.county)
    page = client.post(
        f"/commissions/{october.commission.pk}/contributions/",
        {"organisation": world.county.pk, "annual_amount": "30000", "suggest": "1"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="14958.90"' in html and 'value="15041.10"' in html  # 182/365 and 183/365 of £30,000
    assert rows(october.commission, world.county) == before


def test_the_demo_has_a_live_part_year_example_with_history_and_a_pending_variation(db):
    call_command("load_demo", verbosity=0)
    with unscoped(reason="test reads the demo"):
        commission = JointCommission.objects.get(title=demo.PART_YEAR_TITLE)
        assert [p.label for p in commission.year_parts] == [
            "2027/28 (part year: 1 October 2027 to 31 March 2028)",
            "2028/29",
            "2029/30",
            "2030/31 (part year: 1 April 2030 to 30 September 2030)",
        ]
        changes = ContributionChange.objects.filter(contribution__commission=commission)
        assert sorted((c.kind, c.status) for c in changes) == [
            ("change", "applied"),
            ("variation", "applied"),
            ("variation", "pending"),
        ]


def test_the_money_pages_run_a_fixed_number_of_queries_however_many_changes(october, world, client):
    c, p = october.commission.pk, world.partnership.pk
    pages = [
        f"/commissions/{c}/contributions/",
        "/api/v1/contributions/",
        "/api/v1/contribution-changes/",
        f"/api/v1/commissions/{c}/totals/",
        f"/reports/{p}/contributions/",
    ]
    sign_in(client, world.lead_commissioner, world.county)
    contributions_record(
        commission=october.commission,
        organisation=world.district,
        amounts={FULL_2: Decimal("20001")},
        by=october.district_commissioner,
    )
    small = {url: page_queries(client, url, warm=True) for url in pages}
    for n in range(2, 7):
        contributions_record(
            commission=october.commission,
            organisation=world.district,
            amounts={FULL_2: Decimal(20000 + n), PART_LAST: Decimal(10000 + n)},
            by=october.district_commissioner,
        )
    settled = _confirmed(october, world)
    variation_propose(contribution=settled, new_amount=Decimal("1"), reason="Pending", by=october.county_lead)
    large = {url: page_queries(client, url, warm=True) for url in pages}
    assert ContributionChange.objects.unscoped(reason="test").count() == 12
    assert large == small
