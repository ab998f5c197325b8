"""The REST API: the whole journey through the endpoints, under the same scoping and roles as the pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.commissions.models import Contribution
from partners.models import Role
from tests.conftest import api_client
from tests.factories.commissioning import ServiceAreaFactory, commissioner_at, pdf_upload


def test_the_worked_example_through_the_api(world):
    county = api_client(world.lead_commissioner, world.county)
    district_user = commissioner_at(world, world.district)
    district = api_client(district_user, world.district)

    area = county.post(
        "/api/v1/service-areas/",
        {"partnership": world.partnership.pk, "name": "Older people's independence"},
        format="json",
    )
    assert area.status_code == 201, area.json()
    area_id = area.json()["id"]
    contract = county.post(
        "/api/v1/mapped-contracts/",
        {
            "service_area": area_id,
            "provider_name": "Age UK South Staffordshire",
            "annual_value": "23750.00",
            "start_date": "2024-04-01",
            "end_date": "2027-03-31",
            "funding_source": "Core budget",
            "alignable": True,
        },
        format="json",
    )
    assert contract.status_code == 201 and contract.json()["funder"] == world.county.pk
    assert contract.json()["annual_value"] == "23750.00"
    ring = district.post(
        "/api/v1/mapped-contracts/",
        {
            "service_area": area_id,
            "provider_name": "Citizens Advice",
            "annual_value": "20000.00",
            "start_date": "2025-10-01",
            "end_date": "2027-09-30",
            "funding_source": "CLG homelessness grant",
            "alignable": False,
        },
        format="json",
    )
    assert ring.status_code == 400 and "not_alignable_reason" in ring.json()
    listed = district.get(f"/api/v1/mapped-contracts/?service_area={area_id}&ends_before=2027-06-30").json()
    assert listed["count"] == 1
    the_map = district.get(f"/api/v1/service-areas/{area_id}/map/?window=90").json()
    assert the_map["contracts"] == 1 and the_map["annual_total"] == "23750.00"

    suggest = county.get(
        f"/api/v1/commissions/suggest-model/?partnership={world.partnership.pk}&partners=2&annual_value=43750"
    )
    assert suggest.json()["model"] == "standalone"
    created = county.post(
        "/api/v1/commissions/",
        {
            "service_area": area_id,
            "title": "Support for older people",
            "intended_outcomes": "Independence",
            "term_years": 3,
            "start_date": "2027-04-01",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    c = created.json()["id"]
    assert created.json()["financial_years"] == ["2027/28", "2028/29", "2029/30"]
    assert (
        county.post(
            f"/api/v1/commissions/{c}/invite/", {"organisations": [world.district.pk]}, format="json"
        ).status_code
        == 200
    )
    assert district.get(f"/api/v1/commissions/{c}/").status_code == 200  # invited: may see it
    assert district.post(f"/api/v1/commissions/{c}/respond/", {"accept": True}, format="json").status_code == 200
    for org, amount, client in ((world.county, "23750.00", county), (world.district, "20000.00", county)):
        for year in (2027, 2028, 2029):
            r = client.post(
                "/api/v1/contributions/",
                {"commission": c, "organisation": org.pk, "financial_year": year, "amount": amount},
                format="json",
            )
            assert r.status_code == 201, r.json()
    bad_year = county.post(
        "/api/v1/contributions/",
        {"commission": c, "organisation": world.county.pk, "financial_year": 2031, "amount": "1.00"},
        format="json",
    )
    assert bad_year.status_code == 400 and "outside the term" in bad_year.json()["detail"]
    assert (
        county.post(
            f"/api/v1/commissions/{c}/choose-model/",
            {"model": "aligned", "reason": "One tender led by the county"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        county.post(
            f"/api/v1/commissions/{c}/transition/", {"transition": "start_gathering"}, format="json"
        ).status_code
        == 200
    )
    assert (
        county.post(f"/api/v1/commissions/{c}/transition/", {"transition": "open_sign_up"}, format="json").status_code
        == 200
    )
    refused = county.post(f"/api/v1/commissions/{c}/transition/", {"transition": "enter_procurement"}, format="json")
    assert refused.status_code == 400
    assert "Lichfield District Council has not signed the partnership agreement" in refused.json()["problems"]
    blockers = district.get(f"/api/v1/commissions/{c}/blockers/").json()
    assert blockers["procurement_blockers"] == refused.json()["problems"]

    first_year = {
        r["organisation"]: r["id"]
        for r in county.get(f"/api/v1/contributions/?commission={c}&financial_year=2027").json()["results"]
    }
    assert (
        county.post(f"/api/v1/contributions/{first_year[world.district.pk]}/confirm/").status_code == 403
    )  # not the county's money
    assert county.post(f"/api/v1/contributions/{first_year[world.county.pk]}/confirm/").status_code == 200
    assert (
        district.post(f"/api/v1/contributions/{first_year[world.district.pk]}/confirm/").json()["status"] == "confirmed"
    )
    signed = district.post(
        "/api/v1/agreements/",
        {
            "commission": c,
            "scopes": ["procurement", "contract_management"],
            "signatory_authority": "Strategic Director",
            "signed_on": "2026-11-20",
            "document": pdf_upload(),
        },
        format="multipart",
    )
    assert signed.status_code == 201, signed.json()
    assert signed.json()["valid_until"] == "2030-03-31" and signed.json()["organisation"] == world.district.pk
    fake = district.post(
        "/api/v1/agreements/",
        {
            "commission": c,
            "scopes": ["procurement"],
            "signatory_authority": "x",
            "signed_on": "2026-11-20",
            "document": SimpleUploadedFile("a.pdf", b"not a pdf"),
        },
        format="multipart",
    )
    assert fake.status_code == 400
    document = county.get(f"/api/v1/agreements/{signed.json()['id']}/document/")
    assert document.status_code == 200 and b"".join(document.streaming_content).startswith(b"%PDF")
    moved = county.post(f"/api/v1/commissions/{c}/transition/", {"transition": "enter_procurement"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "procurement"

    transfer = district.post(
        f"/api/v1/contributions/{first_year[world.district.pk]}/transfer/",
        {"transferred_on": "2026-11-21", "reference": "LDC-1"},
        format="json",
    )
    assert transfer.json()["status"] == "transferred"
    totals = district.get(f"/api/v1/commissions/{c}/totals/").json()
    assert totals["term"] == {
        "indicative": "87500.00",
        "confirmed": "43750.00",
        "transferred": "20000.00",
        "outstanding": "23750.00",
        "total": "131250.00",
    }

    stages = county.post(f"/api/v1/commissions/{c}/timetable/", {"begins_on": "2026-11-22"}, format="json")
    assert stages.status_code == 201 and len(stages.json()) == 11
    stage = stages.json()[0]
    patched = county.patch(
        f"/api/v1/stages/{stage['id']}/", {"planned_end": "2026-12-31", "owner": district_user.pk}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["owner_organisation"] == world.district.pk
    assert (
        district.post(f"/api/v1/stages/{stage['id']}/complete/").json()["completed_on"]
        == timezone.localdate().isoformat()
    )
    assert district.patch(f"/api/v1/stages/{stage['id']}/", {"name": "x"}, format="json").status_code == 403

    report = (
        api_client(world.finance_officer, world.district)
        .get(f"/api/v1/reports/contributions/?partnership={world.partnership.pk}")
        .json()
    )
    assert report["totals"]["confirmed"] == "20000.00" and report["totals"]["commissions_total"] == "131250.00"


def test_api_roles_and_scoping(world, lichfield):
    viewer = api_client(world.member(world.county, Role.VIEWER), world.county)
    assert viewer.get("/api/v1/commissions/").json()["count"] == 1
    assert (
        viewer.post(
            "/api/v1/service-areas/", {"partnership": world.partnership.pk, "name": "X"}, format="json"
        ).status_code
        == 403
    )
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/commissions/{lichfield.commission.pk}/").status_code == 404
    refused = outsider.post("/api/v1/service-areas/", {"partnership": world.partnership.pk, "name": "X"}, format="json")
    assert refused.status_code == 400 and "does not exist" in refused.json()["partnership"][0]
    c = Contribution.objects.filter(commission=lichfield.commission).first()
    assert outsider.post(f"/api/v1/contributions/{c.pk}/confirm/").status_code == 404
    assert (
        api_client(world.bidder, world.provider).get("/api/v1/commissions/").json()["count"] == 0
    )  # a provider sees none


def test_api_import_reports_row_by_row(world):
    area = ServiceAreaFactory(partnership=world.partnership, name="Advice")
    client = api_client(world.lead_commissioner, world.county)
    body = (
        "Service area,Provider,Annual value,Start date,End date,Funding source\n"
        f"{area.name},Citizens Advice,1000,2025-04-01,2027-03-31,Core\n"
        f"{area.name},Citizens Advice,-5,2025-04-01,2027-03-31,Core\n"
    )
    response = client.post(
        "/api/v1/mapped-contracts/import/",
        {"partnership": world.partnership.pk, "file": SimpleUploadedFile("c.csv", body.encode())},
        format="multipart",
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["imported"], data["refused"]) == (1, 1)
    assert data["report"][1] == {
        "row": 3,
        "status": "refused",
        "reason": "Annual value cannot be negative",
        "summary": "Citizens Advice",
    }


def test_settings_through_the_api(world):

    url = f"/api/v1/commissioning-settings/{world.partnership.pk}/"
    assert api_client(world.lead_commissioner, world.county).get(url).json() == {
        "partnership": world.partnership.pk,
        "framework_threshold": "35000.00",
        "reminder_days": [7, 1],
        "alignment_window_days": 183,
    }
    body = {"framework_threshold": "40000.00", "reminder_days": [1, 14], "alignment_window_days": 90}
    assert (
        api_client(world.lead_commissioner, world.county).put(url, body, format="json").status_code == 403
    )  # not the accountable body
    admin = api_client(world.member(world.district, Role.ORG_ADMIN), world.district)
    assert admin.put(url, body, format="json").json()["reminder_days"] == [14, 1]
    assert api_client(world.outsider, world.other_council).get(url).status_code == 404
