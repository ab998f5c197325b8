"""The service map: who funds which providers, totals, duplication, alignment opportunities; imports with a
row-by-row report; exports; the TSCiP picture from the demo data; the evidence base and outcomes framework."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from commissioning import demo
from commissioning.commissions.services import commission_update
from commissioning.money.selectors import contribution_report
from commissioning.service_map import exports
from commissioning.service_map.models import ContractImport, MappedContract, ServiceArea, settings_for
from commissioning.service_map.rules import EXPORT_HEADERS
from commissioning.service_map.selectors import evidence_for, evidence_tags, service_map
from commissioning.service_map.services import (
    contracts_import,
    evidence_add,
    mapped_contract_create,
    mapped_contract_update,
    outcome_add,
    settings_update,
)
from core.errors import DomainError, NotPermitted
from partners import demo as partners_demo
from partners.models import Organisation, Partnership, PartnershipMember, Role
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, ServiceAreaFactory, acting, pdf_upload
from tests.factories.partners import OrganisationFactory

D = dt.date


@pytest.fixture
def area(world):
    return ServiceAreaFactory(partnership=world.partnership, name="Debt, benefits and consumer advice")


def contract(area, funder, provider, value, end, *, alignable=True, reason=""):
    return MappedContractFactory(
        service_area=area,
        funder=funder,
        provider_name=provider,
        annual_value=Decimal(value),
        end_date=end,
        alignable=alignable,
        not_alignable_reason=reason,
    )


def test_map_totals_duplication_and_alignment_opportunities(world, area):
    county, district = world.county, world.district
    contract(area, county, "Citizens Advice Lichfield District", "30000", D(2027, 3, 31))
    contract(area, district, "citizens advice  Lichfield district", "36000", D(2027, 5, 31))  # same provider
    contract(area, district, "Age UK South Staffordshire", "9500", D(2027, 12, 31))
    contract(
        area,
        district,
        "Citizens Advice Lichfield District",
        "20000",
        D(2027, 4, 30),
        alignable=False,
        reason="CLG grant",
    )
    m = service_map(area=area, window_days=90)
    assert len(m.contracts) == 4 and len(m.partners) == 2
    assert (
        m.total == Decimal("95500.00")
        and m.alignable_total == Decimal("75500.00")
        and m.ring_fenced_total == Decimal("20000.00")
    )
    by_partner = {p.name: (p.contracts, p.annual_total, p.ring_fenced_total) for p in m.partners}
    assert by_partner == {
        "Lichfield District Council": (3, Decimal("65500.00"), Decimal("20000.00")),
        "Staffordshire County Council": (1, Decimal("30000.00"), Decimal("0.00")),
    }
    cab = m.duplication
    assert len(cab) == 1 and cab[0].funder_count == 2 and cab[0].annual_total == Decimal("86000.00")
    assert cab[0].funder_list == [
        ("Lichfield District Council", Decimal("56000.00")),
        ("Staffordshire County Council", Decimal("30000.00")),
    ]
    # Ring-fenced money is never an alignment opportunity; Age UK ends too late for a 90-day window.
    assert len(m.opportunities) == 1
    o = m.opportunities[0]
    assert (o.first_end, o.last_end, o.combined_value) == (D(2027, 3, 31), D(2027, 5, 31), Decimal("66000.00"))
    assert o.partners == ["Lichfield District Council", "Staffordshire County Council"]
    wide = service_map(area=area, window_days=365)
    assert [op.combined_value for op in wide.opportunities] == [Decimal("75500.00")]


def test_ring_fenced_contract_needs_a_reason(world, area):
    lead = acting(world.lead_commissioner, world.county)
    ring_fenced = {
        "service_area": area,
        "provider_name": "Citizens Advice",
        "annual_value": Decimal("20000"),
        "start_date": D(2025, 4, 1),
        "end_date": D(2027, 3, 31),
        "funding_source": "CLG homelessness grant",
        "alignable": False,
        "by": lead,
    }
    with pytest.raises(DomainError) as refused:
        mapped_contract_create(**ring_fenced)
    assert "not_alignable_reason" in refused.value.field_errors
    c = mapped_contract_create(**ring_fenced, not_alignable_reason="Specific grant for homelessness work")
    assert c.funder == world.county and not c.alignable
    other = acting(world.member(world.district, Role.COMMISSIONER), world.district)
    with pytest.raises(NotPermitted):
        mapped_contract_update(contract=c, title="x", by=other)


def test_the_map_is_shared_with_active_partners_only(world, area, client):
    contract(area, world.county, "Citizens Advice Lichfield District", "30000", D(2027, 3, 31))
    invited = OrganisationFactory(name="Staffordshire Police and Crime Commissioner")
    PartnershipMember.objects.create(partnership=world.partnership, organisation=invited)  # invited, not yet active
    for user, organisation, expected in (
        (world.finance_officer, world.district, 200),  # a partner's finance officer sees the shared map
        (world.member(invited, Role.COMMISSIONER), invited, 404),
        (world.outsider, world.other_council, 404),
    ):
        client.logout()
        sign_in(client, user, organisation)
        assert client.get(f"/service-map/areas/{area.pk}/").status_code == expected


# ---- import and export ---------------------------------------------------------------------------------------

HEADER = "Service area,Funder,Provider,Title,Reference,Annual value,Start date,End date,Funding source,Can be aligned,Why not\n"


def test_csv_import_keeps_good_rows_and_refuses_bad_ones_with_row_numbers(world, area):
    ServiceAreaFactory(partnership=world.partnership, name="Infrastructure support and volunteering")
    lead = acting(world.lead_commissioner, world.county)
    rows = [
        '"Debt, benefits and consumer advice",,Citizens Advice Lichfield District,Core advice,C-1,"£30,000",01/04/2025,31/03/2027,Core budget,yes,',  # 2 ok
        "Debt advice,,Somebody,,,1000,2025-04-01,2027-03-31,Core,yes,",  # 3 unknown area
        '"Debt, benefits and consumer advice",Lichfield District Council,Somebody,,,1000,2025-04-01,2027-03-31,Core,yes,',  # 4 other funder
        '"debt, benefits and consumer advice",,Age UK,,,12.345,2025-04-01,2027-03-31,Core,yes,',  # 5 fractions of a penny
        '"Debt, benefits and consumer advice",,Age UK,,,1000,2027-04-01,2025-03-31,Core,yes,',  # 6 ends before it starts
        '"Debt, benefits and consumer advice",,Citizens Advice,Homelessness,,20000,2025-10-01,2027-09-30,CLG grant,no,',  # 7 no reason
        '"Debt, benefits and consumer advice",,Citizens Advice,Homelessness,,20000,2025-10-01,2027-09-30,CLG grant,no,Ring-fenced CLG grant',  # 8 ok
        ",,,,,,,,,,",  # blank: skipped
        "Infrastructure support and volunteering,Staffordshire County Council,Support Staffordshire,,,120000,2024-04-01,2027-03-31,Core,maybe,",  # 10 bad yes/no
        '"Debt, benefits and consumer advice",,Citizens Advice Lichfield District,Core advice,C-1,30000.00,2025-04-01,2027-03-31,Core budget,yes,',  # 11 duplicate of row 2
        '"Debt, benefits and consumer advice",,,,,,,,,,yes',  # 12 many missing
    ]
    upload = SimpleUploadedFile("contracts.csv", (HEADER + "\n".join(rows) + "\n").encode())
    run = contracts_import(partnership=world.partnership, upload=upload, by=lead)
    report = {r["row"]: r for r in run.report}
    assert (run.rows_total, run.rows_imported) == (10, 2)
    assert [n for n, r in report.items() if r["status"] == "imported"] == [2, 8]
    assert report[3]["reason"] == "There is no service area called 'Debt advice' in this partnership"
    assert "you can only record Staffordshire County Council's own contracts" in report[4]["reason"]
    assert report[5]["reason"] == "Annual value '12.345' has fractions of a penny"
    assert report[6]["reason"] == "The end date must be on or after the start date"
    assert "Say why this money cannot be aligned" in report[7]["reason"]
    assert report[10]["reason"] == "Can be aligned: 'maybe' should be yes or no"
    assert "already recorded" in report[11]["reason"]
    assert "Annual value is missing" in report[12]["reason"] and "Enter the provider's name" in report[12]["reason"]
    kept = MappedContract.objects.filter(funder=world.county).order_by("pk")
    assert [(c.annual_value, c.alignable) for c in kept] == [(Decimal("30000.00"), True), (Decimal("20000.00"), False)]
    assert ContractImport.objects.get(pk=run.pk).source_file.read().startswith(b"Service area")


def test_xlsx_import_reads_numbers_and_dates_exactly(world, area):
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Service area", "Provider", "Annual value", "Start date", "End date", "Funding source", "Can be aligned"]
    )
    ws.append([area.name, "Citizens Advice", 23750.1, dt.date(2025, 4, 1), dt.date(2027, 3, 31), "Core", "yes"])
    ws.append([area.name, "Age UK", "abc", dt.date(2025, 4, 1), dt.date(2027, 3, 31), "Core", True])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("contracts.xlsx", buffer.getvalue())
    run = contracts_import(
        partnership=world.partnership, upload=upload, by=acting(world.lead_commissioner, world.county)
    )
    assert [(r["row"], r["status"]) for r in run.report] == [(2, "imported"), (3, "refused")]
    assert run.report[1]["reason"] == "Annual value 'abc' is not an amount in pounds and pence"
    c = MappedContract.objects.get()
    assert c.annual_value == Decimal("23750.10") and c.end_date == D(2027, 3, 31)


def test_import_refuses_a_file_missing_columns(world, area):
    upload = SimpleUploadedFile("contracts.csv", b"Provider,Value\nX,1\n")
    with pytest.raises(DomainError, match="missing columns: Service area, Annual value, Start date"):
        contracts_import(partnership=world.partnership, upload=upload, by=acting(world.lead_commissioner, world.county))


def test_import_page_shows_the_report(world, area, client):
    sign_in(client, world.lead_commissioner, world.county)
    body = HEADER + f'"{area.name}",,Citizens Advice,,,1000,2025-04-01,2027-03-31,Core,yes,\n"{area.name}",,,,,x,,,,,\n'
    response = client.post(
        f"/service-map/{world.partnership.pk}/import/",
        {"file": SimpleUploadedFile("contracts.csv", body.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "1 of 2 rows kept, 1 refused" in page
    assert "Annual value &#x27;x&#x27; is not an amount in pounds and pence" in page
    # a file of the wrong type is refused by the upload check
    response = client.post(f"/service-map/{world.partnership.pk}/import/", {"file": pdf_upload("contracts.pdf")})
    assert response.status_code == 400 and "must be a" in response.content.decode()


def test_export_round_trips_through_import(world, area, client):
    contract(area, world.county, "=cmd|' /C calc'!A0", "30000", D(2027, 3, 31))
    contract(area, world.county, "Age UK", "9500.50", D(2027, 12, 31), alignable=False, reason="Ring-fenced")
    sign_in(client, world.lead_commissioner, world.county)
    csv_bytes = client.get(f"/service-map/{world.partnership.pk}/contracts.csv?mine=1").content
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert rows[0] == EXPORT_HEADERS
    assert rows[1][2].startswith("'=cmd")  # a formula is neutralised
    assert rows[2][5:11] == ["9500.50", "2025-04-01", "2027-12-31", "Core budget", "no", "Ring-fenced"]
    xlsx = client.get(f"/service-map/{world.partnership.pk}/contracts.xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[2][:2] == ("Service area", "Funder") and Decimal(str(values[4][5])) == Decimal("9500.50")
    # re-importing the export: every row is recognised as already recorded
    MappedContract.objects.filter(provider_name__startswith="=").delete()
    run = contracts_import(
        partnership=world.partnership,
        upload=SimpleUploadedFile("again.csv", csv_bytes),
        by=acting(world.lead_commissioner, world.county),
    )
    assert [r["status"] for r in run.report] == ["imported", "refused"]
    assert "already recorded" in run.report[1]["reason"]


# ---- the TSCiP picture -----------------------------------------------------------------------------------------


def test_the_tscip_picture_is_reproducible_from_the_demo(db):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    tscip = Partnership.objects.get(name="Staffordshire Third Sector Commissioning in Partnership")
    area = ServiceArea.objects.get(partnership=tscip, name="Debt, benefits and consumer advice")
    m = service_map(area=area)
    assert len(m.partners) == 12 and len(m.contracts) == 22
    assert [c.not_alignable_reason != "" and c.annual_value for c in m.ring_fenced] == [Decimal("20000.00")]
    assert m.ring_fenced[0].funder.name == "Tamworth Borough Council"
    assert len(m.duplication) >= 3 and m.opportunities
    assert max(o.combined_value for o in m.opportunities) > Decimal("300000")
    running = tscip.joint_commissions.get(title=demo.RUNNING_TITLE)
    assert running.status == "live" and running.participations.count() == 5
    assert contribution_report(partnership=tscip, organisation=None).reconciles
    lichfield = Partnership.objects.get(name="Lichfield Locality Commissioning Partnership")
    older = ServiceArea.objects.get(partnership=lichfield, name="Supporting older people to live independently")
    assert service_map(area=older).opportunities[0].combined_value == Decimal("43750.00")


def test_the_commissioning_demo_leaves_the_worked_example_to_the_journey(db):
    partners_demo.load()
    demo.load()
    lichfield = Partnership.objects.get(name="Lichfield Locality Commissioning Partnership")
    assert not lichfield.joint_commissions.exists()


# ---- evidence base and outcomes framework --------------------------------------------------------------------


def test_evidence_base_documents_links_and_tags(world, area, client):
    lead = acting(world.lead_commissioner, world.county)
    doc = evidence_add(
        partnership=world.partnership,
        title="Joint Strategic Needs Assessment",
        document=pdf_upload("jsna.pdf"),
        tags=["Needs assessment, Health", "health"],
        service_area=area,
        by=lead,
    )
    evidence_add(
        partnership=world.partnership,
        title="Community safety profile",
        url="https://example.org/csp",
        tags=["community safety"],
        by=lead,
    )
    assert doc.tags == ["needs assessment", "health"] and doc.original_filename == "jsna.pdf"
    with pytest.raises(DomainError, match="link or upload"):
        evidence_add(partnership=world.partnership, title="Nothing", by=lead)
    assert evidence_tags(partnership=world.partnership) == ["community safety", "health", "needs assessment"]
    assert [e.title for e in evidence_for(partnership=world.partnership, tag="health")] == [
        "Joint Strategic Needs Assessment"
    ]
    sign_in(client, world.finance_officer, world.district)
    assert client.get(f"/service-map/evidence/{doc.pk}/document/").getvalue().startswith(b"%PDF")
    client.logout()
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/service-map/evidence/{doc.pk}/document/").status_code == 404


def test_outcomes_framework_links_to_commissions(world, lichfield, client):
    lead = lichfield.county_lead
    healthy = outcome_add(partnership=world.partnership, kind="outcome", title="A community which is healthy", by=lead)
    outcome_add(partnership=world.partnership, kind="principle", title="Encourage early intervention", by=lead)
    with pytest.raises(DomainError, match="already has"):
        outcome_add(partnership=world.partnership, kind="outcome", title="a community which is HEALTHY", by=lead)
    commission_update(
        commission=lichfield.commission,
        by=lead,
        title=lichfield.commission.title,
        intended_outcomes="Independence",
        term_years=3,
        start_date=lichfield.commission.start_date,
        new_service=False,
        outcomes=[healthy],
    )
    assert list(healthy.commissions.all()) == [lichfield.commission]
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/service-map/{world.partnership.pk}/outcomes/").content.decode()
    assert "A community which is healthy" in page and "(1 commission)" in page
    response = client.post(f"/service-map/{world.partnership.pk}/outcomes/", {"kind": "outcome", "title": ""})
    assert response.status_code == 400


def test_settings_belong_to_the_accountable_body(world):
    district_admin = acting(world.member(world.district, Role.ORG_ADMIN), world.district)
    with pytest.raises(NotPermitted):
        settings_update(
            partnership=world.partnership,
            framework_threshold=Decimal("50000"),
            reminder_days=[3],
            alignment_window_days=90,
            by=acting(world.lead_commissioner, world.county),
        )
    s = settings_update(
        partnership=world.partnership,
        framework_threshold=Decimal("50000"),
        reminder_days=[1, 14, 7, 7],
        alignment_window_days=90,
        by=district_admin,
    )
    assert (s.framework_threshold, s.reminder_days, s.alignment_window_days) == (Decimal("50000.00"), [14, 7, 1], 90)
    assert settings_for(world.partnership).framework_threshold == Decimal("50000.00")
    other = Partnership.objects.create(
        name="Elsewhere", accountable_body=Organisation.objects.get(pk=world.other_council.pk)
    )
    assert settings_for(other).framework_threshold == Decimal("35000.00")
    assert settings_for(other).reminder_days == [7, 1]


def test_contract_export_module_handles_empty(world):
    assert exports.contracts_csv([]).decode("utf-8-sig").splitlines() == [",".join(EXPORT_HEADERS)]
