"""Tendering fixtures: the Lichfield worked example in procurement, its lead, and the world's provider as bidder."""

from __future__ import annotations

import pytest

from partners.acting import Acting
from tests.factories.procurement import bidder_of, lead_of


@pytest.fixture
def lead(world) -> Acting:
    return lead_of(world)


@pytest.fixture
def bidder(world) -> Acting:
    return bidder_of(world)
