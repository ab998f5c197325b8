"""The conflicts assessment and contract changes on their pages and through the API, as the lead commissioner uses
them: a refusal shows next to the field with what was typed kept (status 400); the district, a partner, reads the
assessment but cannot change it; another council gets a 404."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from procurement.award.models import Contract, ContractVariation
from procurement.conflicts.models import AssessmentEntry, ConflictsAssessment
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.conftest import sign_in
from tests.factories.procurement import awarded, draft_tender, lead_of, standard_method


def _method_approved(world) -> Tender:
    lead = lead_of(world)
    tender = draft_tender(world)
    standard_method(tender, lead)
    tender_services.method_submit(tender=tender, by=lead)
    return tender


def test_the_lead_prepares_and_signs_the_assessment_on_its_pages(world, client):
    tender = _method_approved(world)
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/tenders/{tender.pk}/conflicts/").content.decode()
    assert "Not started" in page and "No conflicts assessment for this tender" in page
    started = client.post(f"/tenders/{tender.pk}/conflicts/", {"stage": "tender"})
    assessment = ConflictsAssessment._base_manager.get(tender=tender)
    assert started.status_code == 302 and started["Location"] == f"/conflicts-assessments/{assessment.pk}/"
    page = client.get(started["Location"]).content.decode()
    assert world.lead_commissioner.get_full_name() in page and "Not yet declared" in page

    # Signing too early: the page says what is missing.
    refused = client.post(
        f"/conflicts-assessments/{assessment.pk}/sign/", {"role": "Head of Commissioning", "confirm": "on"}
    )
    assert refused.status_code == 400 and "1 person has not declared" in refused.content.decode()

    entry = AssessmentEntry._base_manager.get(assessment=assessment, user=world.lead_commissioner)
    typed = {"declaration": "interest", "interest": "", "step": "mitigated", "step_detail": "Will not evaluate"}
    refused = client.post(f"/conflicts-entries/{entry.pk}/", typed)
    assert refused.status_code == 400
    assert (
        "Describe the interest declared" in refused.content.decode() and "Will not evaluate" in refused.content.decode()
    )
    saved = client.post(f"/conflicts-entries/{entry.pk}/", {"declaration": "none"})
    assert saved.status_code == 302
    added = client.post(
        f"/conflicts-assessments/{assessment.pk}/people/new/",
        {"person_name": "Dr Amara Okafor", "role_title": "Public health adviser", "organisation_name": ""},
    )
    other = AssessmentEntry._base_manager.get(assessment=assessment, person_name="Dr Amara Okafor")
    assert added["Location"] == f"/conflicts-entries/{other.pk}/"
    client.post(f"/conflicts-entries/{other.pk}/", {"declaration": "none"})
    signed = client.post(
        f"/conflicts-assessments/{assessment.pk}/sign/", {"role": "Head of Commissioning", "confirm": "on"}
    )
    assert signed.status_code == 302
    page = client.get(f"/tenders/{tender.pk}/conflicts/").content.decode()
    assert "Signed by" in page
    published = client.post(f"/tenders/{tender.pk}/publish/", follow=True)
    assert "Published on the opportunities portal" in published.content.decode()

    # A partner reads it; another council does not see it at all.
    sign_in(client, world.finance_officer, world.district)
    assert client.get(f"/conflicts-assessments/{assessment.pk}/").status_code == 200
    outsider_org = world.other_council
    sign_in(client, world.member(outsider_org, "commissioner"), outsider_org)
    assert client.get(f"/conflicts-assessments/{assessment.pk}/").status_code == 404


def test_the_assessment_through_the_api(world, client):
    tender = _method_approved(world)
    sign_in(client, world.lead_commissioner, world.county)
    started = client.post(
        "/api/v1/conflicts-assessments/start/",
        {"tender": tender.pk, "stage": "tender"},
        content_type="application/json",
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert body["problems"][0].startswith("1 person has not declared")
    refused = client.post(
        f"/api/v1/conflicts-assessments/{body['id']}/sign/",
        {"role": "Head of Commissioning"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["problems"]
    (entry,) = body["entries"]
    recorded = client.post(
        f"/api/v1/conflicts-assessments/{body['id']}/record/",
        {"entry": entry["id"], "declaration": "none"},
        content_type="application/json",
    )
    assert recorded.status_code == 200 and recorded.json()["problems"] == []
    signed = client.post(
        f"/api/v1/conflicts-assessments/{body['id']}/sign/",
        {"role": "Head of Commissioning"},
        content_type="application/json",
    )
    assert signed.status_code == 200 and signed.json()["signed_by_name"] == world.lead_commissioner.get_full_name()
    step = client.post(
        f"/api/v1/tenders/{tender.pk}/transition/", {"transition": "publish"}, content_type="application/json"
    )
    assert step.status_code == 200 and step.json()["status"] == "published"

    sign_in(client, world.finance_officer, world.district)
    assert client.get(f"/api/v1/conflicts-assessments/{body['id']}/").status_code == 200
    assert client.post(f"/api/v1/conflicts-assessments/{body['id']}/refresh/").status_code == 403


def test_variations_and_the_end_of_the_contract_on_the_page_and_the_api(world, client):
    flow = awarded(world)
    contract = flow.contract
    sign_in(client, world.lead_commissioner, world.county)
    today = timezone.localdate().isoformat()
    refused = client.post(
        f"/contracts/{contract.pk}/variations/new/",
        {
            "kind": "value",
            "reason": "More hours",
            "change": "1000.00",
            "agreed_on": today,
            f"share_{world.county.pk}": "600.00",
            f"share_{world.district.pk}": "300.00",
        },
    )
    assert refused.status_code == 400 and "add up to £900.00, not the change of £1,000.00" in refused.content.decode()
    done = client.post(
        f"/contracts/{contract.pk}/variations/new/",
        {
            "kind": "value",
            "reason": "More hours",
            "change": "1000.00",
            "agreed_on": today,
            f"share_{world.county.pk}": "600.00",
            f"share_{world.district.pk}": "400.00",
        },
    )
    assert done.status_code == 302
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "More hours" in page and "£132,250.00" in page
    api = client.post(
        f"/api/v1/contracts/{contract.pk}/vary/",
        {
            "kind": "term",
            "reason": "A month more",
            "agreed_on": today,
            "end_date": (contract.end_date.replace(day=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert api.json()["number"] == 2
    ended = client.post(
        f"/api/v1/contracts/{contract.pk}/terminate/",
        {"kind": "early_breach", "on": today, "reason": "Repeated safeguarding failures"},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["terminated_on"] == today
    assert len(ended.json()["variations"]) == 2
    assert ContractVariation._base_manager.filter(contract=contract).count() == 2
    assert Contract._base_manager.get(pk=contract.pk).termination_kind == "early_breach"
    assert Decimal(ended.json()["variations"][0]["change"]) == Decimal("1000.00")
