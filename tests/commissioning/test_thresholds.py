"""Thresholds as data, as a council officer meets them: the partnership's own tiers (small grants, framework) over
time, the law's figures alongside, and the route a value suggests; on the page and in the API with the same rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.thresholds import services
from commissioning.thresholds.models import ThresholdTier, TierKind
from commissioning.thresholds.selectors import tiers_for
from core.errors import DomainError, NotPermitted
from partners.models import Role
from tests.conftest import api_client, sign_in
from tests.factories.commissioning import acting, lichfield_example

pytestmark = pytest.mark.django_db

APRIL_2026 = dt.date(2026, 4, 1)


def framework_on(world, day: dt.date) -> Decimal:
    return next(t.value for t in tiers_for(world.partnership, on=day) if t.kind == TierKind.FRAMEWORK)


def test_a_new_partnership_has_the_defaults_and_the_statutory_tiers(world):
    tiers = {t.kind: t for t in tiers_for(world.partnership, on=dt.date(2026, 11, 26))}
    assert tiers[TierKind.SMALL_GRANTS].value == Decimal("10000.00") and tiers[TierKind.SMALL_GRANTS].pk is None
    assert tiers[TierKind.FRAMEWORK].value == Decimal("35000.00")
    assert tiers[TierKind.STANDARD].value == Decimal("207720.00") and tiers[TierKind.STANDARD].statutory
    assert tiers[TierKind.LIGHT_TOUCH].value == Decimal("663540.00")
    assert tiers[TierKind.NOTIFIABLE].value == Decimal("30000.00")


def test_a_partnership_overrides_its_framework_tier_from_a_date(world):
    lead = acting(world.lead_commissioner, world.county)
    first = services.tier_add(
        partnership=world.partnership,
        kind=TierKind.FRAMEWORK,
        value=Decimal("35000"),
        effective_from=dt.date(2025, 4, 1),
        by=lead,
    )
    raised = services.tier_add(
        partnership=world.partnership,
        kind=TierKind.FRAMEWORK,
        value=Decimal("50000"),
        effective_from=APRIL_2026,
        note="Board decision, March 2026",
        by=lead,
    )
    first.refresh_from_db()
    assert first.effective_to == dt.date(2026, 3, 31)  # the open-ended earlier tier ends the day before
    assert framework_on(world, dt.date(2026, 3, 31)) == Decimal("35000.00")
    assert framework_on(world, APRIL_2026) == Decimal("50000.00")
    assert framework_on(world, dt.date(2025, 3, 31)) == Decimal("35000.00")  # before any own tier: the default
    assert raised.note == "Board decision, March 2026"


def test_overlapping_tiers_and_statutory_kinds_are_refused_next_to_the_field(world):
    lead = acting(world.lead_commissioner, world.county)
    services.tier_add(
        partnership=world.partnership,
        kind=TierKind.FRAMEWORK,
        value=Decimal("40000"),
        effective_from=APRIL_2026,
        effective_to=dt.date(2027, 3, 31),
        by=lead,
    )
    with pytest.raises(DomainError) as clash:
        services.tier_add(
            partnership=world.partnership,
            kind=TierKind.FRAMEWORK,
            value=Decimal("45000"),
            effective_from=dt.date(2026, 10, 1),
            by=lead,
        )
    assert "overlap" in clash.value.field_errors["effective_from"][0]
    with pytest.raises(DomainError) as law:
        services.tier_add(
            partnership=world.partnership,
            kind=TierKind.STANDARD,
            value=Decimal("1"),
            effective_from=APRIL_2026,
            by=lead,
        )
    assert "set by law" in law.value.field_errors["kind"][0]


def test_only_a_commissioner_of_the_partnership_sets_tiers(world):
    finance = acting(world.finance_officer, world.district)
    with pytest.raises(NotPermitted):
        services.tier_add(
            partnership=world.partnership,
            kind=TierKind.FRAMEWORK,
            value=Decimal("1"),
            effective_from=APRIL_2026,
            by=finance,
        )
    outsider = acting(world.outsider, world.other_council)
    with pytest.raises(NotPermitted):
        services.tier_add(
            partnership=world.partnership,
            kind=TierKind.FRAMEWORK,
            value=Decimal("1"),
            effective_from=APRIL_2026,
            by=outsider,
        )


def test_the_thresholds_page_shows_what_is_in_force_and_checks_a_value(client, world):
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("thresholds", kwargs={"partnership_id": world.partnership.pk})
    page = client.get(url, {"value": "131250.00", "light_touch": "on"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "£207,720" in text and "£663,540" in text and "£214,904" in text  # both statutory periods are shown
    assert "Advertised below-threshold contract" in text and "UK4 tender notice" in text


def test_the_add_page_refuses_a_tier_before_its_start_next_to_the_field_and_keeps_what_was_typed(client, world):
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("threshold-add", kwargs={"partnership_id": world.partnership.pk})
    refused = client.post(
        url,
        {
            "kind": "framework",
            "value": "42,500",
            "effective_from": "2026-04-01",
            "effective_to": "2026-03-01",
            "note": "x",
        },
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["effective_to"] == ["The end date must be on or after the start date"]
    assert 'value="42,500"' in refused.content.decode()
    saved = client.post(url, {"kind": "framework", "value": "42,500", "effective_from": "2026-04-01"})
    assert saved.status_code == 302
    tier = ThresholdTier.objects.get(partnership=world.partnership)
    assert tier.value == Decimal("42500.00")
    edit = reverse("threshold-edit", kwargs={"tier_id": tier.pk})
    assert client.post(edit, {"value": "45000", "effective_from": "2026-04-01"}).status_code == 302
    tier.refresh_from_db()
    assert tier.value == Decimal("45000.00")
    assert client.post(reverse("threshold-delete", kwargs={"tier_id": tier.pk})).status_code == 302
    assert not ThresholdTier.objects.filter(pk=tier.pk).exists()


def test_a_viewer_sees_the_tiers_but_cannot_change_them(client, world):
    viewer = world.member(world.county, Role.VIEWER)
    sign_in(client, viewer, world.county)
    page = client.get(reverse("thresholds", kwargs={"partnership_id": world.partnership.pk}))
    assert page.status_code == 200 and "Set a tier" not in page.content.decode()
    add = reverse("threshold-add", kwargs={"partnership_id": world.partnership.pk})
    assert client.post(add, {"kind": "framework", "value": "1", "effective_from": "2026-04-01"}).status_code == 403


def test_the_api_round_trip_with_the_same_rules(world):
    county = api_client(world.lead_commissioner, world.county)
    created = county.post(
        "/api/v1/threshold-tiers/",
        {"partnership": world.partnership.pk, "kind": "framework", "value": "50000.00", "effective_from": "2026-04-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    tier_id = created.json()["id"]
    assert created.json()["value"] == "50000.00"
    changed = county.patch(f"/api/v1/threshold-tiers/{tier_id}/", {"value": "55000.00"}, format="json")
    assert changed.status_code == 200 and changed.json()["value"] == "55000.00"
    law = county.post(
        "/api/v1/threshold-tiers/",
        {"partnership": world.partnership.pk, "kind": "standard", "value": "1.00", "effective_from": "2026-04-01"},
        format="json",
    )
    assert law.status_code == 400 and "kind" in law.json()
    found = county.get(
        f"/api/v1/thresholds/{world.partnership.pk}/", {"on": "2026-06-01", "value": "52000.00", "light_touch": "true"}
    ).json()
    kinds = {t["kind"]: t["value_inc_vat"] for t in found["tiers"]}
    assert kinds["framework"] == "55000.00" and kinds["standard"] == "207720.00"
    assert found["route"]["code"] == "quotes" and found["route"]["notices"] == ["UK7"]
    before = county.get(f"/api/v1/thresholds/{world.partnership.pk}/", {"on": "2025-12-31"}).json()
    assert {t["kind"]: t["value_inc_vat"] for t in before["tiers"]}["standard"] == "214904.00"
    viewer = api_client(world.member(world.county, Role.VIEWER), world.county)
    assert viewer.patch(f"/api/v1/threshold-tiers/{tier_id}/", {"value": "1.00"}, format="json").status_code == 403
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/threshold-tiers/{tier_id}/").status_code == 404
    assert outsider.get(f"/api/v1/thresholds/{world.partnership.pk}/").status_code == 404
    assert county.delete(f"/api/v1/threshold-tiers/{tier_id}/").status_code == 204


def test_the_thresholds_page_runs_a_fixed_number_of_queries(client, world):
    lead = acting(world.lead_commissioner, world.county)
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("thresholds", kwargs={"partnership_id": world.partnership.pk})
    client.get(url)  # the first request of a session warms what every later one shares
    counts = []
    for year in (2021, 2022, 2023, 2024):
        services.tier_add(
            partnership=world.partnership,
            kind=TierKind.FRAMEWORK,
            value=Decimal("35000"),
            effective_from=dt.date(year, 4, 1),
            by=lead,
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_the_commission_page_suggests_a_process_proportionate_to_the_whole_value(client, world):
    ex = lichfield_example(world)  # £43,750 a year for three years: £131,250 over the term
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(reverse("commission-detail", kwargs={"commission_id": ex.commission.pk}))
    text = page.content.decode()
    assert "Suggested process" in text and "Advertised below-threshold contract" in text
    assert "£131,250" in text and "£663,540" in text
