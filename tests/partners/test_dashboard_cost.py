"""Ravi's dashboard (issue #15): read many times a day, changed a few. Its panels cost at most 12 queries with any
amount of data and none while the page renders; their figures are kept under the data version (core.versions), so
what changes shows on the next view, for him and for every other person it concerns."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from commissioning.commissions.services import commission_create
from core import versions
from core.tenancy import scope
from monitoring import rag
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.kpis.services import kpi_set_transition
from monitoring.returns.models import KpiReturn, ReturnStatus
from procurement.award.models import Contract
from tests.conftest import sign_in
from tests.factories.commissioning import acting, lichfield_example
from tests.factories.monitoring import bulk_returns, debt_advice, more_contracts
from tests.query_counts import page_queries

MAX_QUERIES = 12


def _start(world, ex, title: str) -> None:
    commission_create(
        service_area=ex.area,
        title=title,
        intended_outcomes="Residents avoid crisis",
        term_years=3,
        start_date=dt.date(2027, 4, 1),
        by=acting(world.lead_commissioner, world.county),
    )


def test_ravis_dashboard_costs_the_same_with_more_commissions_and_nothing_while_rendering(client, world):
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    client.get("/dashboard/")  # the first view of the session (content types, the unread count)
    _start(world, ex, "Debt advice")
    built = page_queries(client, "/dashboard/", render_queries=0)  # a new version: every panel built
    cached = page_queries(client, "/dashboard/", render_queries=0)  # unchanged: every panel from the cache
    for n in range(5):
        _start(world, ex, f"Debt advice lot {n}")
    grown = page_queries(client, "/dashboard/", render_queries=0)
    assert grown == built, (built, grown)
    assert cached <= 5 < built, (cached, built)  # the session, the person, the device, the membership; no panel
    assert cached <= MAX_QUERIES


def test_a_new_commission_shows_on_the_next_view(client, world):
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    assert "Carers support in Tamworth" not in client.get("/dashboard/").content.decode()
    _start(world, ex, "Carers support in Tamworth")
    assert "Carers support in Tamworth" in client.get("/dashboard/").content.decode()


def test_a_write_moves_the_version_on_and_each_person_has_their_own_panels(world):
    ex = lichfield_example(world)
    before = versions.current()
    _start(world, ex, "Young carers")
    assert versions.current() != before

    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    finance = sign_in(Client(), world.finance_officer, world.district)
    ravis = ravi.get("/dashboard/").content.decode()
    theirs = finance.get("/dashboard/").content.decode()
    assert "Young carers" in ravis and "Joint commissions" in ravis
    assert "Joint commissions" not in theirs and "Contributions" in theirs


def test_without_the_cache_the_dashboard_is_built_every_time(client, world, monkeypatch):
    class Down:
        def get(self, *a, **k):
            raise ConnectionError("Redis is down")

        add = set = incr = get

    monkeypatch.setattr(versions, "cache", Down())
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get("/dashboard/").status_code == 200
    _start(world, ex, "Falls prevention")
    assert "Falls prevention" in client.get("/dashboard/").content.decode()


def _busy_county(world):
    """Every panel of Ravi's dashboard has something to show: commissions and their deadlines, contracts with
    returns (some red, some queried, some waiting for review), a set of KPIs out for agreement."""
    debt = debt_advice(world)
    bulk_returns(debt, debt.contract, count=6)
    more_contracts(debt, 3, returns=6)
    returns = list(KpiReturn.objects.order_by("pk"))
    KpiReturn.objects.filter(pk__in=[r.pk for r in returns[::4]]).update(status=ReturnStatus.QUERIED)
    KpiReturn.objects.filter(pk__in=[r.pk for r in returns[1::5]]).update(status=ReturnStatus.SUBMITTED)
    second = debt_advice(world, agreed=False, title="Debt advice, second contract")
    second.draft_kpis()
    kpi_set_transition(kpi_set=second.kpi_set, name="share", by=second.lead)
    return debt


@pytest.mark.parametrize("who", ["lead", "finance"])
def test_the_first_view_after_a_change_costs_at_most_12_queries_with_every_panel_full(client, world, who):
    """The cold cache: after any write every panel is built again, and that first view is the one that costs (the
    header's unread count is kept apart, per person, and forgotten only when their notifications change)."""
    _busy_county(world)
    user, org = (world.lead_commissioner, world.county) if who == "lead" else (world.finance_officer, world.district)
    sign_in(client, user, org)
    client.get("/dashboard/")  # the session's first view (content types, the unread count)
    versions.changed()  # any write: every panel's figures are built again
    cold = page_queries(client, "/dashboard/", render_queries=0)
    assert cold <= MAX_QUERIES, cold


def _expected_monitoring(organisation) -> tuple[int, int, int, int, int]:
    """The monitoring panel's figures counted the slow, obvious way, in the organisation's own scope."""
    with scope(organisation=organisation):
        contracts = list(Contract.objects.all())
        red = 0
        for contract in contracts:
            latest = (
                KpiReturn.objects.filter(contract=contract)
                .exclude(status=ReturnStatus.DRAFT)
                .order_by("-period_start")
                .first()
            )
            red += bool(latest and latest.rag == rag.RED)
        awaiting = KpiReturn.objects.filter(status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ANSWERED]).count()
        queried = KpiReturn.objects.filter(status=ReturnStatus.QUERIED).count()
        to_agree = KpiSet.objects.filter(status=KpiSetStatus.CONSULTATION).count()
    return len(contracts), red, awaiting, queried, to_agree


def test_the_monitoring_panel_shows_the_same_figures_from_one_query(client, world):
    _busy_county(world)
    contracts, red, awaiting, queried, to_agree = _expected_monitoring(world.county)
    assert contracts >= 4 and awaiting and queried and to_agree  # a test of something
    sign_in(client, world.lead_commissioner, world.county)
    html = re.sub(r"\s+", " ", client.get("/dashboard/").content.decode())
    assert f"{contracts} contracts; <strong>{red}</strong> red in the latest return." in html
    assert f"{awaiting} return{'s' if awaiting != 1 else ''} waiting for review" in html
    assert f"{queried} return{'s' if queried != 1 else ''} with a question to answer" in html
    assert f"{to_agree} set{'s' if to_agree != 1 else ''} of KPIs waiting for agreement" in html

    # The provider sees its own contract only, no review queue and no KPI sets to agree.
    provider = sign_in(Client(), world.bidder, world.provider)
    p_contracts, p_red, _, p_queried, _ = _expected_monitoring(world.provider)
    theirs = re.sub(r"\s+", " ", provider.get("/dashboard/").content.decode())
    assert f"{p_contracts} contract{'s' if p_contracts != 1 else ''}; <strong>{p_red}</strong> red" in theirs
    if p_queried:
        assert f"{p_queried} return{'s' if p_queried != 1 else ''} with a question to answer" in theirs
    assert "waiting for review" not in theirs and "waiting for agreement" not in theirs
