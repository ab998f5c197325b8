"""Issue 14, "Open data": every awarded grant is published as 360Giving data (grants.json, and a CSV in 360Giving's
column titles); the funders are the partners, identified GB-LAE/GB-CHC/GB-COH; a co-funded grant is one record per
funding partner whose amounts add up to the award; sealed, undecided and unsuccessful applications never appear;
every package validates against the 360Giving 1.4 schemas with 0 errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, DecisionOutcome, GrantApplication
from grants.payments.rules import PlannedInstalment
from grants.payments.services import instalment_pay, schedule_set
from opendata.threesixty.build import CSV_COLUMNS
from tests.factories.grants_pay import accepted_grant, funded_programme, lead_finance
from tests.factories.partners import ProviderFactory
from tests.opendata.threesixty_validation import assert_valid_package, errors

URL = "/open-data/360giving/grants.json"


def _application(programme, status, **extra) -> GrantApplication:
    with unscoped(reason="test set-up"):
        return GrantApplication.objects.create(
            programme=programme,
            organisation=ProviderFactory(),
            status=status,
            project_title=f"{status} project",
            amount_requested=Decimal("1000.00"),
            **extra,
        )


def test_a_paid_co_funded_grant_is_one_record_per_partner_adding_up_to_the_award(world, client):
    grant = accepted_grant(world, amount=Decimal("4999.99"))
    by = lead_finance(world)
    first, _ = schedule_set(
        application=grant,
        instalments=[
            PlannedInstalment(Decimal("2500.00"), timezone.localdate()),
            PlannedInstalment(Decimal("2499.99"), timezone.localdate() + dt.timedelta(days=180)),
        ],
        by=by,
    )
    instalment_pay(instalment=first, paid_on=timezone.localdate(), reference="SCC-GR-0001", by=by)
    package = client.get(URL).json()
    assert_valid_package(package)
    records = package["grants"]
    assert len(records) == 2
    assert {r["fundingOrganization"][0]["id"] for r in records} == {
        f"GB-LAE-{world.county.local_authority_code}",
        f"GB-LAE-{world.district.local_authority_code}",
    }
    assert sum(Decimal(str(r["amountAwarded"])) for r in records) == Decimal("4999.99")
    assert sum(Decimal(str(r["amountDisbursed"])) for r in records) == Decimal("2500.00")
    assert records[0]["recipientOrganization"][0]["id"] == "GB-CHC-" + grant.organisation.charity_number
    ids = [r["id"] for r in records]
    assert records[0]["relatedActivity"] == [ids[1]] and records[1]["relatedActivity"] == [ids[0]]
    for r in records:
        (payment,) = r["disbursementTransaction"]
        assert payment["value"] == r["amountDisbursed"]


def test_sealed_undecided_refused_and_declined_applications_never_appear(world, client):
    awarded = accepted_grant(world)
    programme = awarded.programme
    for status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.LATE,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.UNSUCCESSFUL,
        ApplicationStatus.INELIGIBLE,
    ):
        _application(programme, status)
    _application(
        programme,
        ApplicationStatus.OFFER_DECLINED,
        decision=DecisionOutcome.AWARD,
        amount_awarded=Decimal("900.00"),
    )
    # awarded in a round that has not closed yet: still sealed
    still_open = funded_programme(world, title="Round two")
    with unscoped(reason="test set-up"):
        still_open.closes_at = timezone.now() + dt.timedelta(days=3)
        still_open.save()
    accepted_grant(world, programme=still_open, organisation=ProviderFactory(name="Early Bird Trust"))
    package = client.get(URL).json()
    assert_valid_package(package)
    names = {r["recipientOrganization"][0]["name"] for r in package["grants"]}
    assert names == {awarded.organisation.name}


def test_the_csv_has_360givings_column_titles_and_the_same_amounts(world, client):
    accepted_grant(world, amount=Decimal("1234.57"))
    response = client.get("/open-data/360giving/grants.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [title for title, _ in CSV_COLUMNS]
    amounts = [Decimal(r[rows[0].index("Amount Awarded")]) for r in rows[1:]]
    assert sum(amounts) == Decimal("1234.57")
    assert {r[rows[0].index("Funding Org:Name")] for r in rows[1:]} == {
        "Staffordshire County Council",
        "Lichfield District Council",
    }


def test_the_api_serves_the_same_package(world, client):
    accepted_grant(world)
    api = client.get("/api/v1/threesixty/grants/")
    assert api.status_code == 200
    assert_valid_package(api.json())
    assert [g["id"] for g in api.json()["grants"]] == [g["id"] for g in client.get(URL).json()["grants"]]


def test_the_validator_does_find_errors():
    assert errors({"grants": [{"id": "x"}]})
    assert errors({"grants": []})


@pytest.mark.parametrize("kind", ["charity", "company", "unregistered"])
def test_recipients_are_identified_by_their_register_or_by_jointlys_prefix(world, client, kind):
    extra = {
        "charity": {},
        "company": {"charity_number": "", "company_number": "09876543", "kind": "cic"},
        "unregistered": {"charity_number": "", "kind": "community_group"},
    }[kind]
    recipient = ProviderFactory(name=f"A {kind} group", **extra)
    accepted_grant(world, organisation=recipient)
    (record, _) = client.get(URL).json()["grants"]
    expected = {
        "charity": f"GB-CHC-{recipient.charity_number}",
        "company": "GB-COH-09876543",
        "unregistered": f"360G-jointly-org-{recipient.pk}",
    }[kind]
    assert record["recipientOrganization"][0]["id"] == expected
