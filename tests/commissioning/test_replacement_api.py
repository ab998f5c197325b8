"""What a commission replaces, notices, impact notes, decisions and the Compact, through the REST API: the same
rules and the same permissions as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from core.tenancy import unscoped
from partners.models import Role
from tests.conftest import api_client
from tests.factories.commissioning import MappedContractFactory


def test_linking_a_saving_a_summary_and_a_notice_through_the_api(lichfield, world):
    with unscoped(reason="test set-up"):
        contract = MappedContractFactory(
            service_area=lichfield.area, funder=world.county, annual_value=Decimal("21750.00"), provider=world.provider
        )
    county = api_client(world.lead_commissioner, world.county)
    district = api_client(lichfield.district_commissioner.user, world.district)
    refused = district.post(
        "/api/v1/replaced-contracts/", {"commission": lichfield.commission.pk, "contract": contract.pk}, format="json"
    )
    assert refused.status_code == 403
    linked = county.post(
        "/api/v1/replaced-contracts/", {"commission": lichfield.commission.pk, "contract": contract.pk}, format="json"
    )
    assert linked.status_code == 201, linked.json()
    link = linked.json()["id"]
    bad = county.patch(f"/api/v1/replaced-contracts/{link}/", {"saving": "2500.00", "saving_note": ""}, format="json")
    assert bad.status_code == 400
    ok = county.patch(
        f"/api/v1/replaced-contracts/{link}/", {"saving": "2500.00", "saving_note": "Officer time"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["saving"] == "2500.00"

    summary = county.get(f"/api/v1/commissions/{lichfield.commission.pk}/replacement/").json()
    assert (summary["contracts_before"], summary["contracts_after"]) == (1, 1)
    assert summary["replaced_a_year"] == "21750.00" and summary["saving"] == "2500.00"
    assert summary["years"][0] == {
        "financial_year": "2027/28",
        "replaced": "21750.00",
        "contributions": "43750.00",
        "new_money": "22000.00",
    }
    district_row = next(p for p in summary["partners"] if p["organisation"] == world.district.pk)
    assert district_row["new_funding"] is True

    assert county.get(f"/api/v1/compact-settings/{world.partnership.pk}/").json() == {"notice_months": 3}
    notice = county.post(
        "/api/v1/provider-notices/",
        {"contract": contract.pk, "reason": "Replaced by the joint contract", "sent_on": "2026-11-20"},
        format="json",
    )
    assert notice.status_code == 201, notice.json()
    body = notice.json()
    assert (body["notice_months"], body["ends_on"], body["late"]) == (3, "2027-02-20", False)
    again = county.post("/api/v1/provider-notices/", {"contract": contract.pk, "reason": "x"}, format="json")
    assert again.status_code == 400
    # The provider reads the notice sent to it.
    provider = api_client(world.bidder, world.provider)
    assert [n["id"] for n in provider.get("/api/v1/provider-notices/").json()["results"]] == [body["id"]]

    impact = county.post(
        "/api/v1/decommissioning-impacts/",
        {"contract": contract.pk, "who_is_affected": "About 400 clients", "mitigation": "Handover"},
        format="json",
    )
    assert impact.status_code == 201, impact.json()
    rewritten = county.post(
        "/api/v1/decommissioning-impacts/",
        {"contract": contract.pk, "who_is_affected": "About 450 clients", "mitigation": "Handover"},
        format="json",
    )
    assert rewritten.status_code == 201 and rewritten.json()["id"] == impact.json()["id"]
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/commissions/{lichfield.commission.pk}/replacement/").status_code == 404
    assert outsider.get(f"/api/v1/replaced-contracts/{link}/").status_code == 404


def test_decisions_and_the_compact_through_the_api(lichfield, world):
    county = api_client(world.lead_commissioner, world.county)
    review = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    blank = county.post(
        "/api/v1/map-decisions/",
        {"service_area": lichfield.area.pk, "kind": "keep", "reason": "", "review_on": review},
        format="json",
    )
    assert blank.status_code == 400
    made = county.post(
        "/api/v1/map-decisions/",
        {
            "service_area": lichfield.area.pk,
            "kind": "standalone_later",
            "reason": "Two partners only",
            "review_on": review,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["organisation"] == world.county.pk
    body = world.partnership.accountable_body
    setter = api_client(world.member(body, Role.COMMISSIONER), body)
    assert setter.put(
        f"/api/v1/compact-settings/{world.partnership.pk}/", {"notice_months": 6}, format="json"
    ).json() == {"notice_months": 6}
    viewer = api_client(world.member(body, Role.VIEWER), body)
    assert (
        viewer.put(f"/api/v1/compact-settings/{world.partnership.pk}/", {"notice_months": 2}, format="json").status_code
        == 403
    )
