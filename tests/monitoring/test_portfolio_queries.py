"""The portfolio (contracts x twelve periods) runs a fixed number of queries whatever the size of the data: the
organisation's page, the board's page, the dashboard panel and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories.board import simple_board
from tests.factories.monitoring import bulk_returns, more_contracts
from tests.query_counts import page_queries


@pytest.fixture
def board(world):
    return simple_board(
        world.partnership, world.board_member, world.district, name="Lichfield Locality Commissioning Board"
    )


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("lead", "monitoring-contracts"),
        ("board", "board-portfolio"),
        ("lead", "dashboard"),
        ("lead", "api:monitoring-portfolio"),
        ("board", "api:monitoring-portfolio"),
    ],
)
def test_portfolio_queries_do_not_grow_with_contracts_and_periods(
    client, world, debt, board, who, url_name, django_assert_num_queries
):
    user, org = (world.lead_commissioner, world.county) if who == "lead" else (world.board_member, world.district)
    kwargs = {"board_id": board.pk} if url_name == "board-portfolio" else {}
    url = reverse(url_name, kwargs=kwargs)
    if url_name == "api:monitoring-portfolio" and who == "board":
        url += f"?board={board.pk}"
    sign_in(client, user, org)
    bulk_returns(debt, debt.contract, count=1)
    small = page_queries(client, url, warm=True)
    print(f"\n{who} {url_name}: {small} queries")
    more_contracts(debt, 6, returns=12)
    client.get(url)  # warm again: the new contracts moved the data version on, so the totals are counted once
    with django_assert_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    if url_name in ("monitoring-contracts", "board-portfolio"):
        assert response.content.count(b'class="jointly-periods"') == 7
