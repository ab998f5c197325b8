"""What the commission page, the contribution reports and their PDF cost: a fixed number of queries (at most 12)
at every status of the commission and at any number of partners, none of them while the template renders."""

from __future__ import annotations

import pytest

from commissioning.commissions.models import CommissionStatus, JointCommission
from core.tenancy import unscoped
from tests.commissioning.test_query_counts import grow
from tests.conftest import sign_in
from tests.factories.commissioning import lichfield_example
from tests.query_counts import page_queries

BUDGET = 12


def at_status(ex, status: str) -> None:
    with unscoped(reason="the test puts the commission at each status"):
        JointCommission.objects.filter(pk=ex.commission.pk).update(status=status)


@pytest.mark.parametrize("status", [s.value for s in CommissionStatus])
def test_commission_page_costs_the_same_at_every_status(client, world, status):
    ex = lichfield_example(world)
    at_status(ex, status)
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/commissions/{ex.commission.pk}/"
    small = page_queries(client, url, warm=True, render_queries=0)
    at_status(ex, CommissionStatus.SIGN_UP)
    grow(world, ex, 4)
    at_status(ex, status)
    large = page_queries(client, url, warm=True, render_queries=0)
    print(f"\nQUERIES commission {status}: {small} small, {large} large")
    assert small == large <= BUDGET, (status, small, large)


@pytest.mark.parametrize("scope", ["?scope=partnership", ""])
def test_the_contribution_report_costs_the_same_at_any_number_of_partners(client, world, scope):
    """The accountable body's finance officer reads every partner's report, or their own organisation's."""
    ex = lichfield_example(world)
    sign_in(client, world.finance_officer, world.district)
    url = f"/reports/{world.partnership.pk}/contributions/{scope}"
    small = page_queries(client, url, warm=True, render_queries=0)
    grow(world, ex, 6)
    large = page_queries(client, url, warm=True, render_queries=0)
    print(f"\nQUERIES report {scope or 'own'}: {small} small, {large} large")
    assert small == large <= BUDGET, (scope, small, large)
