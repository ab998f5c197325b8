"""The portfolio at county scale (issue #15): the board member and the lead commissioner see 25 contracts a page,
each with its last twelve periods, and the totals of every contract above them. A page costs the same number of
queries (at most 12, none while rendering) with 3 contracts as with 30, and the totals follow every change."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from monitoring.contracts.portfolio import PER_PAGE
from tests.conftest import sign_in
from tests.factories.board import simple_board
from tests.factories.monitoring import bulk_returns, more_contracts
from tests.query_counts import page_queries

MAX_QUERIES = 12


@pytest.fixture
def board(world):
    return simple_board(
        world.partnership, world.board_member, world.district, name="Lichfield Locality Commissioning Board"
    )


def _stat(html: str, words: str) -> int:
    return int(re.search(r'jointly-stat">(\d+)</span>' + words, html).group(1))


@pytest.mark.parametrize("who", ["lead", "board"])
def test_a_portfolio_page_costs_the_same_at_3_and_30_contracts(client, world, debt, board, who):
    user, org = (world.lead_commissioner, world.county) if who == "lead" else (world.board_member, world.district)
    url = reverse("monitoring-contracts") if who == "lead" else reverse("board-portfolio", args=[board.pk])
    sign_in(client, user, org)
    bulk_returns(debt, debt.contract, count=12)
    more_contracts(debt, 2, returns=12)
    small = page_queries(client, url, warm=True, render_queries=0)
    more_contracts(debt, 27, returns=12)
    large = page_queries(client, url, warm=True, render_queries=0)
    assert small == large <= MAX_QUERIES, (small, large)

    first = client.get(url).content.decode()
    assert first.count('class="jointly-periods"') == PER_PAGE
    assert _stat(first, "contracts") == 30 and "1 to 25 of 30" in first and 'rel="next"' in first
    second = client.get(f"{url}?page=2").content.decode()
    assert second.count('class="jointly-periods"') == 30 - PER_PAGE and "26 to 30 of 30" in second
    assert _stat(second, "contracts") == 30


def test_the_totals_count_every_contract_and_follow_a_change(client, world, debt):
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("monitoring-contracts")
    more_contracts(debt, 26, returns=12)
    page = client.get(url).content.decode()
    reds = _stat(page, "red in the latest return")
    assert _stat(page, "contracts") == 27
    more_contracts(debt, 1, returns=12)  # a new contract: the totals are counted again, not kept
    assert _stat(client.get(url).content.decode(), "contracts") == 28
    assert _stat(client.get(f"{url}?page=2").content.decode(), "red in the latest return") >= reds
