"""Social value promised is social value monitored (seed 004): the winning bid's commitments become KPIs of the
contract (marked social value, annual, the promise as the target), reported in returns like any KPI, and rolled up
per partner pro rata to each partner's share of the contract's funding."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tenancy import unscoped
from monitoring.contracts.social_value import social_value_roll_up
from monitoring.kpis.models import Kpi
from monitoring.kpis.selectors import contract_periods, due_kpis, kpi_set_for
from monitoring.kpis.services import social_value_kpis_set_up
from monitoring.returns.services import return_accept
from partners.models import OrganisationKind
from procurement.bids.models import Bid, BidVersion
from tests.conftest import api_client, sign_in
from tests.factories.monitoring import make_contract
from tests.factories.partners import OrganisationFactory
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db

Q4 = dt.date(2026, 1, 1)  # the last quarter of 2025/26: annual KPIs are due in its return
JOBS = "Social value: Local jobs (jobs a year)"
HOURS = "Social value: Volunteering hours (hours a year)"
MONEY = "Social value: Money reinvested locally (£ a year)"

COMMITMENTS = [
    ("local_jobs", "Local jobs", "Advisers recruited from Lichfield District", "4", "jobs"),
    ("volunteering_hours", "Volunteering hours", "Trained volunteer advisers' hours", "1200", "hours"),
    ("money_reinvested", "Money reinvested locally", "Spent with local suppliers", "5000.00", "£"),
]


def promise(contract, commitments=COMMITMENTS):
    """The contract's winning bid as submitted, with its social value commitments (sealed content)."""
    content = {
        "format": 1,
        "social_value": [
            {
                "id": str(uuid.uuid4()),
                "kind": k,
                "label": label,
                "description": d,
                "target": t,
                "unit": u,
                "per": "year",
            }
            for k, label, d, t, u in commitments
        ],
    }
    with unscoped(reason="test set-up: the submitted version of the winning bid"):
        version = BidVersion(bid=contract.bid, number=1, submitted_at=timezone.now(), content=content, sha256="0" * 64)
        version.save(force_insert=True)
        Bid.objects.filter(pk=contract.bid_id).update(current_version=version)
        contract.bid.refresh_from_db()
    return version


def test_each_commitment_becomes_one_social_value_kpi_of_the_contract(debt):
    promise(debt.contract)
    made = social_value_kpis_set_up(contract=debt.contract, by=debt.lead)
    again = social_value_kpis_set_up(contract=debt.contract, by=debt.lead)
    assert again == []  # idempotent: set up twice, made once
    assert len(made) == 3
    with unscoped(reason="test reads the KPIs"):
        kpis = {k.name: k for k in Kpi.objects.filter(contract=debt.contract)}
    assert set(kpis) == {JOBS, HOURS, MONEY}
    jobs, money_kpi = kpis[JOBS], kpis[MONEY]
    assert (jobs.target, jobs.green_threshold, jobs.red_threshold) == (Decimal("4"), Decimal("4"), Decimal("3.00"))
    assert (jobs.frequency, jobs.unit, jobs.social_value_kind, jobs.social_value_unit) == (
        "annual",
        "count",
        "local_jobs",
        "jobs",
    )
    assert (money_kpi.unit, money_kpi.target, money_kpi.red_threshold) == (
        "money",
        Decimal("5000.00"),
        Decimal("3750.00"),
    )
    assert jobs.kpi_set == kpi_set_for(debt.contract)
    assert "Advisers recruited from Lichfield District" in jobs.definition


def test_a_social_value_kpi_is_reported_only_by_the_contract_that_promised_it(debt, world):
    promise(debt.contract)
    social_value_kpis_set_up(contract=debt.contract, by=debt.lead)
    other_provider = OrganisationFactory(name="Burton Money Matters CIC", kind=OrganisationKind.CHARITY)
    with unscoped(reason="test set-up"):
        other = make_contract(
            commission=debt.commission, provider=other_provider, title="Debt advice: north", tender=debt.contract.tender
        )
        kpi_set = kpi_set_for(debt.contract)
        kpis = list(kpi_set.kpis.all())
    q4 = next(p for p in contract_periods(debt.contract, kpi_set) if p.start == Q4)
    mine = {k.name for k in due_kpis(kpis, q4, debt.contract)}
    theirs = {k.name for k in due_kpis(kpis, q4, other)}
    assert {JOBS, HOURS, MONEY} <= mine
    assert not {JOBS, HOURS, MONEY} & theirs
    assert "Annual safeguarding audit completed" in theirs  # the shared KPIs still apply to both


def reported(debt, jobs="3", hours="1500", money="4000.00"):
    """The provider's Q4 return reports the social value like any KPI; the lead accepts it."""
    promise(debt.contract)
    social_value_kpis_set_up(contract=debt.contract, by=debt.lead)
    r = debt.submitted_return(Q4, actuals={JOBS: jobs, HOURS: hours, MONEY: money})
    values = {v.kpi.name: v for v in r.values.select_related("kpi")}
    assert values[JOBS].actual == Decimal(jobs) and values[JOBS].rag == "amber"  # 3 of 4: between red and green
    assert values[HOURS].rag == "green"
    return return_accept(kpi_return=r, by=debt.lead)


def test_social_value_is_reported_in_returns_and_rolled_up_pro_rata_per_partner(debt, world):
    reported(debt)
    with unscoped(reason="test reads the roll-up as the county would"):
        rollup = social_value_roll_up(organisation=world.county)
    [contract] = rollup.contracts
    assert [(m.label, m.target, m.delivered, m.years_reported) for m in contract.commitments] == [
        ("Local jobs", Decimal("4"), Decimal("3"), 1),
        ("Volunteering hours", Decimal("1200"), Decimal("1500"), 1),
        ("Money reinvested locally", Decimal("5000.00"), Decimal("4000.00"), 1),
    ]
    lines = {(p.organisation.name, p.label): p for p in rollup.partners}
    # The county pays £23,750 and the district £20,000 of every £43,750: 54.29% and 45.71%.
    county_money = lines[("Staffordshire County Council", "Money reinvested locally")]
    district_money = lines[("Lichfield District Council", "Money reinvested locally")]
    assert (county_money.share_of_delivered, district_money.share_of_delivered) == (
        Decimal("2171.43"),
        Decimal("1828.57"),
    )
    assert county_money.share_of_delivered + district_money.share_of_delivered == Decimal("4000.00")
    assert lines[("Staffordshire County Council", "Local jobs")].share_of_target == Decimal("2.17")
    assert "pro rata" in rollup.hint


def test_the_social_value_page_and_api_show_the_roll_up(client, debt, world):
    reported(debt)
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(reverse("social-value"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "pro rata" in html and "2171.43 £" in html and "Volunteering hours" in html
    body = api_client(world.lead_commissioner, world.county).get("/api/v1/monitoring/social-value/").json()
    county = [p for p in body["partners"] if p["name"] == "Staffordshire County Council"]
    assert {p["label"]: p["share_of_delivered"] for p in county}["Money reinvested locally"] == "2171.43"
    assert body["contracts"][0]["commitments"][0]["target_per_year"] == "4.00"
    with unscoped(reason="test"):
        jobs = Kpi.objects.get(contract=debt.contract, social_value_kind="local_jobs")
    kpi = api_client(world.lead_commissioner, world.county).get(f"/api/v1/kpis/{jobs.pk}/").json()
    assert (kpi["social_value_kind"], kpi["social_value_unit"], kpi["contract"]) == (
        "local_jobs",
        "jobs",
        debt.contract.pk,
    )
    outsider = api_client(world.outsider, world.other_council).get("/api/v1/monitoring/social-value/").json()
    assert outsider["contracts"] == [] and outsider["partners"] == []


def test_the_social_value_page_runs_a_fixed_number_of_queries(client, debt, world):
    reported(debt)
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("social-value")
    one = page_queries(client, url, warm=True)
    with unscoped(reason="test set-up"):
        for i in range(3):
            extra = make_contract(
                commission=debt.commission,
                provider=OrganisationFactory(name=f"Advice charity {i}", kind=OrganisationKind.CHARITY),
                title=f"Debt advice {i}",
                tender=debt.contract.tender,
                shares={world.county: Decimal("1000.00"), world.district: Decimal("3000.00")},
            )
            promise(extra)
    for c in list(debt.commission.contracts.exclude(pk=debt.contract.pk)):
        social_value_kpis_set_up(contract=c, by=debt.lead)
    many = page_queries(client, url, warm=True)
    assert many == one, (one, many)
