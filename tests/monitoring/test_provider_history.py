"""A provider's history from the register, as a council officer reads it: Citizens Advice won the Lichfield older
people's tender and holds the contract; Age UK's losing bid shows too, once unsealed; grants arrive through the
``core.handlers`` kind the grants app registers; another council sees nothing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.html import escape

from core import handlers
from monitoring.history.selectors import HISTORY_KIND, HistoryRow
from tests.factories.procurement import awarded, provider
from tests.factories.register import on_register


def test_the_history_shows_bids_contracts_and_rows_grants_add(world, client, as_user):
    flow = awarded(world)
    cab = on_register(world)
    age_uk_org, _ = provider(world, "Age UK South Staffordshire")
    age_uk = on_register(world, organisation=age_uk_org)

    def grant_rows(*, partnership_id, organisation_id):
        assert partnership_id == world.partnership.pk
        return [HistoryRow(kind="Grant", title="Food poverty small grant", when=dt.date(2026, 5, 1), status="Paid")]

    with handlers.override(f"{HISTORY_KIND}:grants", rows=grant_rows):
        as_user(world.lead_commissioner, world.county)
        page = client.get(reverse("register-provider-history", kwargs={"entry_id": cab.pk}))
        assert page.status_code == 200
        text = page.content.decode()
        assert escape(flow.contract.title) in text and "£43,750.00" in text
        assert escape(flow.tender.title) in text and "Successful" in text
        assert "Food poverty small grant" in text
        other = client.get(reverse("register-provider-history", kwargs={"entry_id": age_uk.pk})).content.decode()
        assert "No contracts with this partnership." in other and "Unsuccessful" in other

    as_user(world.outsider, world.other_council)
    assert client.get(reverse("register-provider-history", kwargs={"entry_id": cab.pk})).status_code == 404
    as_user(world.bidder, world.provider)  # the provider reads its own entry, not the partnership's view of it
    assert client.get(reverse("register-provider-history", kwargs={"entry_id": cab.pk})).status_code in (403, 404)
