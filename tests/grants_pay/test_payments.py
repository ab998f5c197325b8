"""Issue 14, "After the award": an accepted grant is paid in instalments that add up exactly to the award; each
payment records its date and reference and is taken from the funding partners' money to the penny; a partner's
finance officer sees what its money paid; paying twice takes effect once. Pages and API alike."""

from __future__ import annotations

import datetime as dt
import random
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import history_for
from core.errors import DomainError, NotPermitted
from core.tenancy import unscoped
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart
from grants.payments.rules import PlannedInstalment, attribute, award_shares, remaining, suggest_schedule
from grants.payments.services import instalment_pay, schedule_set
from tests.concurrency import run_at_once
from tests.conftest import sign_in
from tests.factories.commissioning import acting, finance_officer_at
from tests.factories.grants_pay import accepted_grant, lead_finance
from tests.query_counts import page_queries

TODAY = dt.date.today


def rows(body):
    return body["results"] if isinstance(body, dict) else body


def _parts(grant) -> dict[int, dict[int, Decimal]]:
    with unscoped(reason="test: every part of the grant"):
        out: dict[int, dict[int, Decimal]] = {}
        for p in InstalmentPart.objects.filter(instalment__application=grant).select_related("instalment"):
            out.setdefault(p.instalment.number, {})[p.organisation_id] = p.amount
        return out


def _shares(grant) -> dict[int, Decimal]:
    with unscoped(reason="test"):
        return {s.organisation_id: s.amount for s in GrantFundingShare.objects.filter(application=grant)}


def _instalments(grant) -> list[GrantInstalment]:
    with unscoped(reason="test"):
        return list(GrantInstalment.objects.filter(application=grant).order_by("number"))


def three_instalments(grant, by) -> list[GrantInstalment]:
    today = timezone.localdate()
    return schedule_set(
        application=grant,
        instalments=[
            PlannedInstalment(Decimal("1666.67"), today),
            PlannedInstalment(Decimal("1666.66"), today + dt.timedelta(days=90)),
            PlannedInstalment(Decimal("1666.66"), today + dt.timedelta(days=180)),
        ],
        by=by,
    )


# --- the schedule -------------------------------------------------------------------------------------------------


def test_a_schedule_that_does_not_add_up_to_the_award_is_refused_saying_by_how_much(world):
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    with pytest.raises(DomainError) as refused:
        schedule_set(
            application=grant,
            instalments=[
                PlannedInstalment(Decimal("2500.00"), TODAY()),
                PlannedInstalment(Decimal("2500.00"), TODAY()),
            ],
            by=lead_finance(world),
        )
    assert "£5,000.00" in refused.value.message and "£4,999.99 awarded" in refused.value.message
    assert _instalments(grant) == []


def test_the_grantee_and_a_partner_that_does_not_lead_cannot_set_the_schedule(world):
    grant = accepted_grant(world)
    for who in (acting(world.bidder, world.provider), acting(world.finance_officer, world.district)):
        with pytest.raises(NotPermitted):
            three_instalments(grant, who)


def test_setting_the_schedule_fixes_each_partners_share_of_the_award_to_the_penny(world):
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    three_instalments(grant, lead_finance(world))
    shares = _shares(grant)
    # 23,750 : 20,000 a year for three years: 54.2857...% and 45.7142...% of £4,999.99
    assert shares == {world.county.pk: Decimal("2714.28"), world.district.pk: Decimal("2285.71")}
    assert sum(shares.values()) == Decimal("4999.99")


# --- paying -------------------------------------------------------------------------------------------------------


def test_each_payment_is_taken_from_the_partners_money_and_every_penny_is_accounted_for(world):
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    by = lead_finance(world)
    first, second, third = three_instalments(grant, by)
    instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-0001", by=by)
    paid = _instalments(grant)[0]
    assert (paid.status, paid.paid_on, paid.reference) == ("paid", TODAY(), "SCC-GR-0001")
    parts = _parts(grant)
    assert sum(parts[1].values()) == Decimal("1666.67")
    # the last instalment takes exactly what is left of each share, whatever order they are paid in
    instalment_pay(instalment=third, paid_on=TODAY(), reference="SCC-GR-0003", by=by)
    instalment_pay(instalment=second, paid_on=TODAY(), reference="SCC-GR-0002", by=by)
    parts = _parts(grant)
    for number, instalment in enumerate(_instalments(grant), start=1):
        assert sum(parts[number].values()) == instalment.amount
    shares = _shares(grant)
    for organisation_id, share in shares.items():
        assert sum(parts[n][organisation_id] for n in parts) == share
    assert sum(shares.values()) == grant.amount_awarded
    event = history_for(paid)[0]
    assert event.action == "grant_instalment.pay"


def test_the_general_rule_every_penny_of_every_split_is_accounted_for():
    """Random awards, partners and schedules, paid in a random order: each instalment's parts add up to it, each
    partner's parts to its share, and the shares to the award; no part is negative."""
    rng = random.Random(14)
    for _ in range(300):
        partners = {k: Decimal(rng.randint(1, 5_000_000)) / 100 for k in range(rng.randint(1, 5))}
        award = Decimal(rng.randint(1, int(sum(partners.values()) * 100))) / 100
        shares = award_shares(partners, award)
        assert sum(shares.values()) == award
        count = rng.randint(1, min(8, int(award * 100)))
        schedule = [i.amount for i in suggest_schedule(award, count, dt.date(2026, 4, 1))]
        assert sum(schedule) == award and all(a > 0 for a in schedule)
        order = list(range(count))
        rng.shuffle(order)
        paid: list[tuple[int, Decimal]] = []
        per_instalment: dict[int, dict[int, Decimal]] = {}
        for i in order:
            parts = attribute(remaining(shares, paid), schedule[i])
            assert sum(parts.values()) == schedule[i]
            assert all(v >= 0 for v in parts.values())
            per_instalment[i] = parts
            paid.extend(parts.items())
        for k, share in shares.items():
            assert sum(per_instalment[i][k] for i in order) == share


def test_paying_the_same_instalment_again_takes_effect_once_and_a_different_payment_is_refused(world):
    grant = accepted_grant(world)
    by = lead_finance(world)
    first, *_ = three_instalments(grant, by)
    instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-0001", by=by)
    instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-0001", by=by)  # a double click
    assert len(_parts(grant)[1]) == 2
    assert sum(_parts(grant)[1].values()) == first.amount
    with pytest.raises(DomainError, match="already paid"):
        instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-9999", by=by)
    assert len([e for e in history_for(_instalments(grant)[0]) if e.action == "grant_instalment.pay"]) == 1


def test_a_payment_cannot_be_dated_in_the_future_or_have_no_reference(world):
    grant = accepted_grant(world)
    by = lead_finance(world)
    first, *_ = three_instalments(grant, by)
    with pytest.raises(DomainError) as future:
        instalment_pay(instalment=first, paid_on=TODAY() + dt.timedelta(days=1), reference="X1", by=by)
    assert future.value.field == "paid_on"
    with pytest.raises(DomainError) as blank:
        instalment_pay(instalment=first, paid_on=TODAY(), reference="  ", by=by)
    assert blank.value.field == "reference"


@pytest.mark.django_db(transaction=True)
def test_two_finance_officers_paying_at_once_pay_once(world):
    grant = accepted_grant(world)
    by = lead_finance(world)
    first, *_ = three_instalments(grant, by)
    start = threading.Barrier(2)
    errors: list[Exception] = []

    def pay() -> None:
        try:
            start.wait()
            instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-0001", by=by)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    run_at_once(pay)
    assert errors == []
    assert sum(_parts(grant)[1].values()) == first.amount
    assert len(_parts(grant)[1]) == 2


# --- pages and API ------------------------------------------------------------------------------------------------


def test_the_lead_finance_officer_sets_the_schedule_and_records_a_payment_on_the_pages(world, as_user):
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    client = as_user(finance_officer_at(world, world.county), world.county)
    page = reverse("grant-payments", kwargs={"grant_id": grant.public_id})
    assert "Set the payment schedule" in client.get(page).content.decode()
    schedule = reverse("grant-payment-schedule", kwargs={"grant_id": grant.public_id})
    today = timezone.localdate()
    wrong = client.post(
        schedule, {"amount_1": "2500.00", "due_1": today.isoformat(), "amount_2": "2500.00", "due_2": today.isoformat()}
    )
    assert wrong.status_code == 400
    assert "must add up exactly" in wrong.content.decode() and 'value="2500.00"' in wrong.content.decode()
    ok = client.post(
        schedule, {"amount_1": "2500.00", "due_1": today.isoformat(), "amount_2": "2499.99", "due_2": today.isoformat()}
    )
    assert ok.status_code == 302
    first = _instalments(grant)[0]
    pay = reverse("grant-instalment-pay", kwargs={"instalment_id": first.pk})
    assert client.post(pay, {"paid_on": today.isoformat(), "reference": "SCC-GR-0001"}).status_code == 302
    body = client.get(page).content.decode()
    assert "SCC-GR-0001" in body and "Staffordshire County Council: £1,357.14" in body
    assert "Lichfield District Council: £1,142.86" in body


def test_the_grantee_sees_its_payments_but_cannot_record_one(world, as_user):
    grant = accepted_grant(world, organisation=world.provider)
    first, *_ = three_instalments(grant, lead_finance(world))
    client = as_user(world.bidder, world.provider)
    page = client.get(reverse("grant-payments", kwargs={"grant_id": grant.public_id}))
    assert page.status_code == 200 and "Record payment" not in page.content.decode()
    pay = reverse("grant-instalment-pay", kwargs={"instalment_id": first.pk})
    assert client.post(pay, {"paid_on": TODAY().isoformat(), "reference": "X"}).status_code == 403


def test_another_council_cannot_see_the_grants_payments(world, as_user):
    grant = accepted_grant(world)
    three_instalments(grant, lead_finance(world))
    client = as_user(world.outsider, world.other_council)
    assert client.get(reverse("grant-payments", kwargs={"grant_id": grant.public_id})).status_code == 404
    assert rows(client.get("/api/v1/grant-instalments/").json()) == []


def test_a_partners_finance_officer_sees_what_its_money_paid(world, as_user):
    """Lichfield District does not lead the programme, yet its finance officer sees its own money's payments."""
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    by = lead_finance(world)
    first, second, _ = three_instalments(grant, by)
    instalment_pay(instalment=first, paid_on=TODAY(), reference="SCC-GR-0001", by=by)
    instalment_pay(instalment=second, paid_on=TODAY(), reference="SCC-GR-0002", by=by)
    client = as_user(world.finance_officer, world.district)
    body = client.get(reverse("grant-payments-ours")).content.decode()
    ours = _parts(grant)
    total = ours[1][world.district.pk] + ours[2][world.district.pk]
    assert "SCC-GR-0001" in body and "SCC-GR-0002" in body and f"£{total:,.2f}" in body
    api = rows(client.get("/api/v1/grant-instalment-parts/?ours=1").json())
    assert {r["reference"] for r in api} == {"SCC-GR-0001", "SCC-GR-0002"}
    assert sum(Decimal(r["amount"]) for r in api) == total


def test_the_api_sets_the_schedule_and_pays_once(world, as_user):
    grant = accepted_grant(world, amount=Decimal("1000.00"))
    client = as_user(finance_officer_at(world, world.county), world.county)
    today = timezone.localdate().isoformat()
    made = client.post(
        "/api/v1/grant-instalments/schedule/",
        {
            "application": str(grant.public_id),
            "instalments": [{"amount": "600.00", "due_on": today}, {"amount": "400.00", "due_on": today}],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    first = made.json()[0]
    for _ in range(2):
        paid = client.post(
            f"/api/v1/grant-instalments/{first['id']}/pay/",
            {"paid_on": today, "reference": "SCC-1"},
            content_type="application/json",
        )
        assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    assert sum(Decimal(p["amount"]) for p in paid.json()["parts"]) == Decimal("600.00")
    steps = client.get(f"/api/v1/grant-instalments/{made.json()[1]['id']}/transitions/").json()
    assert [s["transition"] for s in steps] == ["pay"]


def test_the_payment_pages_cost_the_same_queries_with_one_payment_or_many(world, as_user):
    """The grant's payments page and a partner's 'what our money paid' page: a fixed number of queries."""
    by = lead_finance(world)
    grant = accepted_grant(world, amount=Decimal("6000.00"))
    today = timezone.localdate()
    instalments = schedule_set(
        application=grant, instalments=[PlannedInstalment(Decimal("1000.00"), today) for _ in range(6)], by=by
    )
    instalment_pay(instalment=instalments[0], paid_on=today, reference="Q-1", by=by)
    lead = as_user(finance_officer_at(world, world.county), world.county)
    grant_page = reverse("grant-payments", kwargs={"grant_id": grant.public_id})
    district = Client()
    sign_in(district, world.finance_officer, world.district)
    ours = reverse("grant-payments-ours")
    one = (page_queries(lead, grant_page, warm=True), page_queries(district, ours, warm=True))
    for n, instalment in enumerate(instalments[1:], start=2):
        instalment_pay(instalment=instalment, paid_on=today, reference=f"Q-{n}", by=by)
    many = (page_queries(lead, grant_page), page_queries(district, ours))
    assert many == one
