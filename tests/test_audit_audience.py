"""The audit trail follows the same reading rules as the data it records (issue #10: "sealed means sealed").

The Lichfield example: Staffordshire County Council leads and puts in £23,750.00 a year; Lichfield District
Council (the partnership's accountable body) puts in £20,000.00 a year. Everyone taking part may see that a
figure was recorded; only those who may read a figure through the contributions API see how much.
"""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from commissioning.commissions.models import Contribution
from commissioning.money import services
from core import audit
from core.models import AuditEvent
from partners.models import Role
from procurement.bids import services as bid_services
from tests.conftest import sign_in
from tests.factories.commissioning import acting, finance_officer_at, lichfield_example
from tests.factories.procurement import bidder_of, lichfield_procurement, pdf, published_tender

pytestmark = pytest.mark.django_db

COUNTY = "£23,750.00"
DISTRICT = "£20,000.00"


def history_page(client, commission) -> str:
    response = client.get(f"/commissions/{commission.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def api_events(client, **params) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v1/audit-events/?page_size=200&{query}")
    assert response.status_code == 200
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def contribution_amounts(events: list[dict]) -> set[str]:
    return {e["data"]["amount"] for e in events if e["action"].startswith("contribution.") and "amount" in e["data"]}


@pytest.fixture
def lichfield(world):
    return lichfield_example(world)


def test_the_lead_commissioner_reads_every_partners_figures_in_the_history(lichfield, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    page = history_page(client, lichfield.commission)
    assert COUNTY in page and DISTRICT in page
    assert contribution_amounts(api_events(client)) == {"23750.00", "20000.00"}


def test_a_partners_finance_officer_reads_only_its_own_figures(lichfield, world, client):
    """The county's finance officer (a partner, not the accountable body) reads the county's money in the history
    and the API, and sees that the district's figure was recorded, without how much."""
    sign_in(client, finance_officer_at(world, world.county), world.county)
    page = history_page(client, lichfield.commission)
    assert COUNTY in page
    assert DISTRICT not in page and "20,000" not in page
    assert "Lichfield District Council 2027/28 contribution" in page
    events = api_events(client)
    assert contribution_amounts(events) == {"23750.00"}
    district = [e for e in events if "Lichfield District Council" in e["object_repr"] and "contribution" in e["action"]]
    assert district, "the district's contribution events are listed, without their amounts"
    assert all("20,000" not in e["object_repr"] and "amount" not in e["data"] for e in district)
    # the contributions API agrees: the district's rows are not the county finance officer's to read
    rows = client.get(f"/api/v1/contributions/?commission={lichfield.commission.pk}").json()["results"]
    assert {r["organisation"] for r in rows} == {world.county.pk}


def test_a_partner_commissioner_and_the_accountable_body_read_every_figure(lichfield, world, client):
    """Commissioners taking part negotiate the money together; the accountable body holds it (as in the API)."""
    sign_in(client, lichfield.district_commissioner.user, world.district)
    assert DISTRICT in history_page(client, lichfield.commission) and COUNTY in history_page(
        client, lichfield.commission
    )
    sign_in(client, world.finance_officer, world.district)
    assert contribution_amounts(api_events(client)) == {"23750.00", "20000.00"}


def test_a_board_member_sees_the_steps_and_only_its_own_organisations_money(lichfield, world, client):
    """The district's board member reads the district's own figures (as the contributions API lets them), and
    sees that the county's were recorded, without how much."""
    sign_in(client, world.board_member, world.district)
    page = history_page(client, lichfield.commission)
    assert "Contribution: recorded" in page
    assert COUNTY not in page and DISTRICT in page
    assert contribution_amounts(api_events(client)) == {"20000.00"}
    rows = client.get(f"/api/v1/contributions/?commission={lichfield.commission.pk}").json()["results"]
    assert {r["organisation"] for r in rows} == {world.district.pk}


@pytest.mark.parametrize("persona", ["bidder", "outsider"])
def test_bidders_and_outsiders_read_nothing_of_the_commission(lichfield, world, client, persona):
    user = getattr(world, persona)
    organisation = world.provider if persona == "bidder" else world.other_council
    sign_in(client, user, organisation)
    assert client.get(f"/commissions/{lichfield.commission.pk}/history/").status_code in (403, 404)
    events = api_events(client)
    assert not [e for e in events if e["action"].startswith(("contribution.", "commission."))]


def test_the_event_itself_holds_no_amount_outside_its_withheld_part(lichfield, world):
    event = AuditEvent.objects.filter(
        action="contribution.recorded", data__year="2027/28", object_repr__startswith="Lichfield District"
    ).get()
    assert event is not None
    assert "amount" not in event.data and "£" not in event.object_repr
    assert event.restricted["data"]["amount"] == "20000.00"
    assert f"{world.county.pk}:{Role.COMMISSIONER}" in event.restricted_to
    assert f"{world.district.pk}:{Role.FINANCE_OFFICER}" in event.restricted_to
    # the county's finance officer holds no grant on the district's figure
    county_fo = acting(finance_officer_at(world, world.county), world.county)
    [shown] = audit.reveal([event], county_fo)
    assert "amount" not in shown.data


def test_a_changed_figure_keeps_both_amounts_withheld(lichfield, world, client):
    services.contribution_set(
        commission=lichfield.commission,
        organisation=world.district,
        financial_year=lichfield.commission.first_year,
        amount=Decimal("21000.00"),
        by=lichfield.county_lead,
    )
    sign_in(client, finance_officer_at(world, world.county), world.county)
    changed = [e for e in api_events(client) if e["action"] == "contribution.changed"]
    assert changed and all("from" not in e["data"] and "to" not in e["data"] for e in changed)
    sign_in(client, world.lead_commissioner, world.county)
    changed = [e for e in api_events(client) if e["action"] == "contribution.changed"]
    assert changed[0]["data"] == {"from": "20000.00", "to": "21000.00"}


def test_a_bids_history_reveals_nothing_before_the_deadline(world, client):
    """The bidder reads its own bid's trail; nobody else (lead, partner, board, outsider) sees that it exists."""

    lichfield_procurement(world)
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    bid_services.bid_attachment_add(bid=bid, title="Our safeguarding policy", upload=pdf("policy.pdf"), by=bidder)

    sign_in(client, world.bidder, world.provider)
    mine = [e for e in api_events(client) if e["object_type"] == "bid"]
    added = [e for e in mine if e["action"] == "bid.attachment_added"]
    assert added and added[0]["data"]["file"] == "policy.pdf" and added[0]["data"]["sha256"]

    for user, organisation in [
        (world.lead_commissioner, world.county),
        (world.finance_officer, world.district),
        (world.board_member, world.district),
        (world.outsider, world.other_council),
    ]:
        sign_in(client, user, organisation)
        events = api_events(client)
        assert not [e for e in events if e["object_type"] in ("bid", "bidattachment", "bidversion")]
        assert "policy.pdf" not in str(events)

    event = AuditEvent.objects.filter(action="bid.attachment_added").get()
    assert "sha256" not in event.data and "file" not in event.data
    assert {g.split(":")[0] for g in event.restricted_to} == {str(world.provider.pk)}


def test_events_written_before_the_split_are_redacted_by_the_migration(lichfield, world):
    """The data step moves the amount out of old contribution events, readable by the same people as new ones."""

    migration = importlib.import_module("commissioning.migrations.0002_redact_contribution_audit_events")
    district = Contribution.objects.filter(organisation=world.district).first()
    legacy = AuditEvent(
        actor_name="Alex Morgan",
        organisation=world.county,
        organisation_name=str(world.county),
        visible_to=lichfield.commission.audit_audience(),
        content_type=ContentType.objects.get_for_model(Contribution),
        object_id=str(district.pk),
        object_repr=f"Lichfield District Council {district.year_label}: £20,000.00",
        action="contribution.recorded",
        data={"amount": "20000.00", "year": district.year_label},
    )
    legacy.save(force_insert=True)
    with connection.cursor() as cursor:  # (the test's open transaction holds deferred foreign-key checks)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        migration.redact_contribution_events(apps, editor)
    legacy = AuditEvent.objects.get(pk=legacy.pk)
    assert legacy.data == {"year": district.year_label}
    assert legacy.object_repr == f"Lichfield District Council {district.year_label} contribution"
    assert legacy.restricted["data"] == {"amount": "20000.00"}
    assert str(world.district.pk) in legacy.restricted_to
    assert (
        f"{world.county.pk}:commissioner" in legacy.restricted_to and str(world.county.pk) not in legacy.restricted_to
    )
    with pytest.raises(Exception, match="append-only"):  # the trigger is back on
        AuditEvent.objects.filter(pk=legacy.pk).update(reason="tampered")
