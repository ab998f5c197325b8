"""Open contracting data: every published event of a tender becomes an OCDS 1.1 release that validates against the
standard's own schema and codelists; recording an event twice changes nothing; a release is never changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from core.actors import SYSTEM
from core.errors import DomainError, NotPermitted
from core.models import AuditEvent
from core.tenancy import unscoped
from opendata.ocds.build import amount
from opendata.ocds.facts import ocid_for
from opendata.ocds.models import Release, ReleaseImmutableError
from opendata.ocds.services import event_key, record_release, releases_sync
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.factories.commissioning import acting
from tests.factories.procurement import awarded, draft_tender, lead_of, published_tender
from tests.opendata.ocds_validation import OCDSInvalid, assert_valid_release

SETUP = "test set-up"


def _tags(rows: list[Release]) -> list[list[str]]:
    return [r.tags for r in rows]


def test_publishing_a_tender_publishes_a_valid_tender_release_once(world):
    """The lead publishes the Lichfield tender: one `tender` release, valid; syncing again records nothing more."""
    tender = published_tender(world)
    lead = lead_of(world)
    made = releases_sync(tender=tender, by=lead)
    assert _tags(made) == [["tender"]]
    release = made[0].data
    assert_valid_release(release)
    assert release["ocid"] == f"ocds-jntly1-{tender.pk}"
    assert release["tender"]["status"] == "active"
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["mainProcurementCategory"] == "services"
    assert release["tender"]["value"] == {"amount": 131250, "currency": "GBP"}  # £43,750 a year for 3 years
    # Every partner is a buyer; the lead is also the procuring entity.
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles["Staffordshire County Council"] == ["buyer", "procuringEntity"]
    assert roles["Lichfield District Council"] == ["buyer"]
    assert release["buyer"]["name"] == "Staffordshire County Council"
    # The budget: the partners' confirmed money, in total and per partner.
    assert release["planning"]["budget"]["amount"] == {"amount": 131250, "currency": "GBP"}
    assert "Lichfield District Council: £60,000.00" in release["planning"]["budget"]["description"]

    assert releases_sync(tender=tender, by=lead) == []
    again = record_release(tender=tender, tags=["tender"], by=lead, source_key=event_key(tender, "tender"))
    assert again.pk == made[0].pk
    with unscoped(reason=SETUP):
        assert Release.objects.filter(ocid=ocid_for(tender)).count() == 1
        assert AuditEvent.objects.filter(action="release.published").count() == 1


def test_every_tag_of_a_whole_process_validates(world):
    """From planning to payments: planning, tender, tenderUpdate, tenderCancellation (another tender), award,
    contract, contractAmendment and implementation each produce a release that validates."""
    lead = lead_of(world)
    planned = draft_tender(world, title="Befriending for carers")
    rows = [record_release(tender=planned, tags=["planning"], by=lead, source_key="planned:carers")]
    cancelled = published_tender(world, title="Handyperson service")
    cancelled = tender_services.tender_transition(
        tender=cancelled, name="cancel", reason="The partners will extend the current contract", by=lead
    )
    rows += releases_sync(tender=cancelled, by=lead)
    flow = awarded(world)
    tender = flow.tender
    rows.append(
        record_release(
            tender=tender,
            tags=["tenderUpdate"],
            by=lead,
            source_key="clarified:1",
            extra={"tender": {"description": "Clarified: the service runs on weekdays"}},
        )
    )
    rows += releases_sync(tender=tender, by=lead)
    rows.append(
        record_release(
            tender=tender,
            tags=["contractAmendment"],
            by=lead,
            source_key="variation:1",
            extra={
                "contracts": [
                    {
                        "id": f"{ocid_for(tender)}-contract-{flow.contract.pk}",
                        "amendments": [{"id": "v1", "date": timezone.now().isoformat(), "rationale": "More hours"}],
                    }
                ]
            },
        )
    )
    rows.append(
        record_release(
            tender=tender,
            tags=["implementation"],
            by=lead,
            source_key=event_key(tender, "implementation", flow.contract.pk),
        )
    )
    tags = {t for r in rows for t in r.tags}
    assert tags >= {"planning", "tender", "tenderUpdate", "tenderCancellation", "award", "contract", "implementation"}
    assert "contractAmendment" in tags
    for row in rows:
        assert_valid_release(row.data)

    award = next(r for r in rows if r.tags == ["award"]).data
    assert award["awards"][0]["suppliers"][0]["name"] == flow.bids[0].organisation.name
    assert award["awards"][0]["value"] == {"amount": 131250, "currency": "GBP"}
    milestones = {m["id"]: m for m in award["tender"]["milestones"]}
    assert {"standstill-start", "standstill-end"} <= set(milestones)
    assert milestones["standstill-end"]["status"] == "met"
    supplier = next(p for p in award["parties"] if p["name"] == flow.bids[0].organisation.name)
    assert "supplier" in supplier["roles"]

    amended = next(r for r in rows if r.tags == ["contractAmendment"]).data["contracts"][0]
    assert amended["amendments"][0]["rationale"] == "More hours" and amended["value"]["amount"] == 131250
    contract = next(r for r in rows if r.tags == ["contract"]).data["contracts"][0]
    transactions = contract["implementation"]["transactions"]
    assert {t["payer"]["name"] for t in transactions} == {"Staffordshire County Council", "Lichfield District Council"}
    assert {t["payee"]["name"] for t in transactions} == {flow.bids[0].organisation.name}
    paid = sum(Decimal(str(t["value"]["amount"])) for t in transactions)
    assert paid == Decimal(str(contract["value"]["amount"]))


def test_a_planned_procurement_names_no_award_and_no_documents(world):
    lead = lead_of(world)
    tender = draft_tender(world)
    data = record_release(tender=tender, tags=["planning"], by=lead, source_key="planned").data
    assert_valid_release(data)
    assert data["tender"]["status"] == "planning"
    assert "awards" not in data and "documents" not in data["tender"]


def test_unknown_tags_and_other_organisations_are_refused(world):
    tender = published_tender(world)
    with pytest.raises(DomainError) as refused:
        record_release(tender=tender, tags=["tender", "published"], by=lead_of(world), source_key="x")
    assert refused.value.field == "tags"
    assert "'published' is not an OCDS release tag" in refused.value.problems
    with pytest.raises(DomainError):
        record_release(tender=tender, tags=["compiled"], by=lead_of(world), source_key="x")
    with pytest.raises(NotPermitted):
        record_release(tender=tender, tags=["tender"], by=acting(world.outsider, world.other_council), source_key="x")
    with unscoped(reason=SETUP):
        assert not Release.objects.exists()


def test_a_release_is_never_changed(world):
    tender = published_tender(world)
    (row,) = releases_sync(tender=tender, by=SYSTEM)
    row.data = {"tampered": True}
    with pytest.raises(ReleaseImmutableError):
        row.save()
    with pytest.raises(ReleaseImmutableError):
        row.delete()
    for sql in ("UPDATE opendata_release SET tags = '{}'", "DELETE FROM opendata_release"):
        with pytest.raises(Exception, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    with unscoped(reason=SETUP):
        assert Release.objects.get(pk=row.pk).data["tag"] == ["tender"]


@override_settings(JOINTLY_OCID_PREFIX="ocds-b5fd17")
def test_the_ocid_prefix_is_configurable(world):
    tender = published_tender(world)
    (row,) = releases_sync(tender=tender, by=SYSTEM)
    assert row.ocid == f"ocds-b5fd17-{tender.pk}"
    assert row.release_id.startswith(f"ocds-b5fd17-{tender.pk}-001")


def test_money_is_exact_to_the_penny():
    for text in ("0.01", "43750.00", "14583.33", "99999999.99", "1234567.89"):
        value = amount(Decimal(text))
        assert Decimal(repr(value)).quantize(Decimal("0.01")) == Decimal(text)


def test_the_validator_fails_on_the_first_error_with_its_path(world):
    tender = published_tender(world)
    (row,) = releases_sync(tender=tender, by=SYSTEM)
    broken = dict(row.data, tender=dict(row.data["tender"], status="open for bids"))
    with pytest.raises(OCDSInvalid, match=r"^/tender/status: "):
        assert_valid_release(broken)
    no_date = {k: v for k, v in row.data.items() if k != "date"}
    with pytest.raises(OCDSInvalid, match="'date' is a required property"):
        assert_valid_release(no_date)
    bad_role = dict(row.data, parties=[dict(row.data["parties"][0], roles=["boss"])])
    with pytest.raises(OCDSInvalid, match=r"/parties/0/roles/0: 'boss' is not in the codelist partyRole.csv"):
        assert_valid_release(bad_role)


def test_deadlines_are_uk_time(world):
    tender = published_tender(world)
    (row,) = releases_sync(tender=tender, by=SYSTEM)
    end = dt.datetime.fromisoformat(row.data["tender"]["tenderPeriod"]["endDate"])
    with unscoped(reason=SETUP):
        assert end == Tender.objects.get(pk=tender.pk).submission_deadline
    assert row.data["tender"]["tenderPeriod"]["endDate"][-6:] in ("+00:00", "+01:00")
