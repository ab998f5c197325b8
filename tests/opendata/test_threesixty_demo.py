"""The demo's 360Giving data: after ``load_demo`` (twice: nothing doubles), grants.json validates against the
360Giving 1.4 schemas with 0 errors, has the demo grant's paid first instalment (from both partners' money), and
every grant's records add up to its award; the offer still awaiting an answer is published as awarded."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.management import call_command

from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, GrantApplication
from tests.opendata.threesixty_validation import assert_valid_package


def test_the_demos_grants_are_valid_360giving_data(db, client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    package = client.get("/open-data/360giving/grants.json").json()
    assert_valid_package(package)
    with unscoped(reason="test: the demo's grants"):
        awarded = {
            a.public_id.hex: a.amount_awarded
            for a in GrantApplication.objects.filter(
                status__in=[ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED, ApplicationStatus.CLOSED]
            )
        }
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for record in package["grants"]:
        key = next(k for k in awarded if k in record["id"])
        totals[key] += Decimal(str(record["amountAwarded"]))
    assert {k: totals[k] for k in awarded} == awarded
    paid = [record for record in package["grants"] if record.get("disbursementTransaction")]
    assert len(paid) == 2  # the first instalment, from each of the two partners' money
    assert all(len(record["disbursementTransaction"]) == 1 for record in paid)
