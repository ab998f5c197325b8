"""Money: exact decimals per partner per UK financial year, ring-fenced money refused, the finance officer's view
restricted to their own organisation plus totals, and reports whose PDF, XLSX and CSV agree to the penny."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from commissioning.commissions.models import Contribution, ContributionStatus
from commissioning.money import exports, selectors
from commissioning.money.models import ReportFile
from commissioning.money.report_pdf import report_pdf_generate
from commissioning.money.services import contribution_confirm, contribution_set, contribution_transfer
from commissioning.service_map.services import mapped_contract_update
from core.errors import DomainError, NotPermitted
from core.exports import write_csv
from core.money import money
from core.tenancy import unscoped
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, acting, finance_officer_at, lichfield_example

Y1, Y2, Y3 = 2027, 2028, 2029


def ring_fenced_grant(ex, organisation):
    return MappedContractFactory(
        service_area=ex.area,
        funder=organisation,
        provider_name="Citizens Advice Lichfield District",
        title="Homelessness prevention advice",
        annual_value=Decimal("20000.00"),
        funding_source="DCLG homelessness grant",
        alignable=False,
        not_alignable_reason="A specific grant from DCLG for homelessness work",
    )


# ---- ring-fenced money -------------------------------------------------------------------------------------


def _district_sets_20000(lichfield, *, source):
    """The district sets its first-year contribution to £20,000, drawn from ``source``."""
    return contribution_set(
        commission=lichfield.commission,
        organisation=lichfield.district,
        financial_year=Y1,
        amount=Decimal("20000"),
        source=source,
        by=lichfield.district_commissioner,
    )


def test_ring_fenced_money_cannot_be_contributed(lichfield):
    grant = ring_fenced_grant(lichfield, lichfield.district)
    with pytest.raises(DomainError) as refused:
        _district_sets_20000(lichfield, source=grant)
    assert refused.value.field == "source"
    assert (
        "is ring-fenced and cannot be aligned: A specific grant from DCLG for homelessness work"
        in refused.value.message
    )
    assert (
        Contribution.objects.get(
            commission=lichfield.commission, organisation=lichfield.district, financial_year=Y1
        ).source
        is None
    )


def test_ring_fenced_money_refused_on_the_page_and_in_the_api(lichfield, world, client):
    grant = ring_fenced_grant(lichfield, lichfield.district)
    district_commissioner = lichfield.district_commissioner.user
    sign_in(client, district_commissioner, world.district)
    url = f"/commissions/{lichfield.commission.pk}/contributions/"
    response = client.post(
        url,
        {
            "organisation": world.district.pk,
            "year_2027": "20000",
            "source": grant.pk,
            "funding_source": "",
        },
    )
    assert response.status_code == 400
    assert "ring-fenced and cannot be aligned" in response.content.decode()
    response = client.post(
        "/api/v1/contributions/",
        {
            "commission": lichfield.commission.pk,
            "organisation": world.district.pk,
            "financial_year": Y1,
            "amount": "20000.00",
            "source": grant.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ring-fenced" in response.json()["source"][0]


def test_money_already_aligned_cannot_become_ring_fenced_and_confirm_rechecks(lichfield):
    core = MappedContractFactory(
        service_area=lichfield.area, funder=lichfield.district, annual_value=Decimal("20000.00")
    )
    c = _district_sets_20000(lichfield, source=core)
    with pytest.raises(DomainError, match="already contributed"):
        mapped_contract_update(
            contract=core, alignable=False, not_alignable_reason="Now ring-fenced", by=lichfield.district_commissioner
        )
    type(core)._base_manager.filter(pk=core.pk).update(alignable=False, not_alignable_reason="Changed outside the app")
    with pytest.raises(DomainError, match="ring-fenced"):
        contribution_confirm(contribution=c, by=lichfield.district_commissioner)


def test_a_source_cannot_be_drawn_beyond_its_annual_value(lichfield):
    core = MappedContractFactory(
        service_area=lichfield.area, funder=lichfield.district, annual_value=Decimal("15000.00")
    )
    with pytest.raises(DomainError, match=r"£20,000\.00 would be drawn from a contract worth £15,000\.00"):
        _district_sets_20000(lichfield, source=core)


# ---- contributions ----------------------------------------------------------------------------------------


def test_worked_example_reconciles_to_the_penny(lichfield):
    table = selectors.contribution_table(commission=lichfield.commission, acting=lichfield.county_lead)
    assert table.breakdown
    assert [label for _, label in table.labels] == ["2027/28", "2028/29", "2029/30"]
    assert [table.totals[y].pledged for y in (Y1, Y2, Y3)] == [Decimal("43750.00")] * 3
    assert table.term.pledged == Decimal("131250.00")
    assert [r.name for r in table.rows] == ["Staffordshire County Council", "Lichfield District Council"]
    assert [r.total for r in table.rows] == [Decimal("71250.00"), Decimal("60000.00")]
    county, district = table.rows
    assert table.share_of(county, Y1) == Decimal("0.5429") and table.share_of(district, Y1) == Decimal("0.4571")
    assert table.reconciles


def test_contribution_lifecycle_indicative_confirmed_transferred(lichfield, world):
    c = Contribution.objects.get(commission=lichfield.commission, organisation=world.district, financial_year=Y1)
    assert c.status == ContributionStatus.INDICATIVE
    with pytest.raises(NotPermitted):  # only the district commits the district's money
        contribution_confirm(contribution=c, by=lichfield.county_lead)
    district_fo = acting(world.finance_officer, world.district)
    c = contribution_confirm(contribution=c, by=district_fo)
    assert c.status == ContributionStatus.CONFIRMED and c.confirmed_by == world.finance_officer
    with pytest.raises(
        DomainError, match=r"was confirmed by Lichfield District Council on .*; propose a variation instead"
    ):
        contribution_set(
            commission=lichfield.commission,
            organisation=world.district,
            financial_year=Y1,
            amount=Decimal("1"),
            by=lichfield.district_commissioner,
        )
    with pytest.raises(NotPermitted):
        contribution_transfer(
            contribution=c, transferred_on=dt.date(2026, 11, 2), reference="X", by=acting(world.bidder, world.provider)
        )
    with pytest.raises(DomainError) as refused:
        contribution_transfer(contribution=c, transferred_on=dt.date(2099, 1, 1), reference="", by=district_fo)
    assert set(refused.value.field_errors) == {"transferred_on", "reference"}
    c = contribution_transfer(
        contribution=c, transferred_on=dt.date(2026, 11, 2), reference="LDC-JNL-4411", by=district_fo
    )
    assert (c.status, c.transfer_reference, c.transferred_on) == ("transferred", "LDC-JNL-4411", dt.date(2026, 11, 2))
    with pytest.raises(DomainError, match="Only a confirmed contribution"):
        contribution_transfer(contribution=c, transferred_on=dt.date(2026, 11, 2), reference="again", by=district_fo)


def test_contributions_must_fall_in_the_term_and_be_exact(lichfield, world):
    with pytest.raises(DomainError, match="outside the term"):
        contribution_set(
            commission=lichfield.commission,
            organisation=world.district,
            financial_year=2030,
            amount=Decimal("1"),
            by=lichfield.district_commissioner,
        )
    with pytest.raises(DomainError, match="exact"):
        contribution_set(
            commission=lichfield.commission,
            organisation=world.district,
            financial_year=Y1,
            amount=20000.10,  # type: ignore[arg-type]
            by=lichfield.district_commissioner,
        )
    c = contribution_set(
        commission=lichfield.commission,
        organisation=world.district,
        financial_year=Y2,
        amount=Decimal("20000.005"),
        by=lichfield.district_commissioner,
    )
    assert c.amount == Decimal("20000.01")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2), min_size=3, max_size=3))
def test_any_amounts_reconcile(world, amounts):
    Contribution.objects.all().delete()
    ex = world.extras.get("prop") or lichfield_example(world)
    world.extras["prop"] = ex
    for year, amount in zip((Y1, Y2, Y3), amounts, strict=True):
        contribution_set(
            commission=ex.commission, organisation=world.county, financial_year=year, amount=amount, by=ex.county_lead
        )
        contribution_set(
            commission=ex.commission,
            organisation=world.district,
            financial_year=year,
            amount=money(amount / 3),
            by=ex.county_lead,
        )
    table = selectors.contribution_table(commission=ex.commission, acting=ex.county_lead)
    assert table.reconciles
    report = selectors.contribution_report(partnership=world.partnership, organisation=None)
    assert report.reconciles
    assert report.totals.pledged == money(sum(amounts, Decimal(0)) + sum((money(a / 3) for a in amounts), Decimal(0)))


# ---- who sees which figures -------------------------------------------------------------------------------


def test_a_finance_officer_sees_own_figures_plus_totals(lichfield, world, client):
    county_fo_user = finance_officer_at(world, world.county)
    county_fo = acting(county_fo_user, world.county)
    table = selectors.contribution_table(commission=lichfield.commission, acting=county_fo)
    assert not table.breakdown
    assert [r.name for r in table.rows] == ["Staffordshire County Council"]
    assert table.others == {Y1: Decimal("20000.00"), Y2: Decimal("20000.00"), Y3: Decimal("20000.00")}
    assert table.totals[Y1].pledged == Decimal("43750.00") and table.reconciles
    visible = set(selectors.contributions_visible(acting=county_fo).values_list("organisation_id", flat=True))
    assert visible == {world.county.pk}

    # the page
    sign_in(client, county_fo_user, world.county)
    page = client.get(f"/commissions/{lichfield.commission.pk}/").content.decode()
    assert "Other partners (combined)" in page and "£43,750.00" in page
    assert f'data-testid="partner-{world.district.pk}"' not in page
    # the API: list, detail, totals
    rows = client.get(f"/api/v1/contributions/?commission={lichfield.commission.pk}").json()["results"]
    assert {r["organisation"] for r in rows} == {world.county.pk} and len(rows) == 3
    district_row = Contribution.objects.filter(organisation=world.district).first()
    assert client.get(f"/api/v1/contributions/{district_row.pk}/").status_code == 404
    assert client.post(f"/contributions/{district_row.pk}/confirm/").status_code == 404
    totals = client.get(f"/api/v1/commissions/{lichfield.commission.pk}/totals/").json()
    assert totals["term"]["total"] == "131250.00"
    assert totals["years"][0] == {
        "financial_year": "2027/28",
        "year": 2027,
        "start": "2027-04-01",
        "end": "2028-03-31",
        "days": 366,
        "year_days": 366,
        "part_year": False,
        "long_label": "2027/28",
        "indicative": "43750.00",
        "confirmed": "0.00",
        "transferred": "0.00",
        "outstanding": "0.00",
        "total": "43750.00",
        "own_amount": "23750.00",
        "own_share": "54.29",
    }
    # the report: own organisation only, every partner refused
    assert client.get(f"/reports/{world.partnership.pk}/contributions/?scope=partnership").status_code == 403
    assert (
        client.get(f"/reports/{world.partnership.pk}/contributions/?organisation={world.district.pk}").status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/reports/contributions/?partnership={world.partnership.pk}&scope=partnership").status_code
        == 403
    )
    report = client.get(f"/api/v1/reports/contributions/?partnership={world.partnership.pk}").json()
    assert {line["partner"] for line in report["lines"]} == {"Staffordshire County Council"}


def test_commissioners_taking_part_and_the_accountable_body_see_every_partner(lichfield, world, client):
    assert selectors.contribution_table(
        commission=lichfield.commission, acting=lichfield.district_commissioner
    ).breakdown
    district_fo = acting(world.finance_officer, world.district)  # the district is the accountable body
    assert selectors.contribution_table(commission=lichfield.commission, acting=district_fo).breakdown
    sign_in(client, world.finance_officer, world.district)
    report = client.get(f"/api/v1/reports/contributions/?partnership={world.partnership.pk}&scope=partnership").json()
    assert {line["partner"] for line in report["lines"]} == {
        "Staffordshire County Council",
        "Lichfield District Council",
    }
    assert report["totals"]["total"] == "131250.00" and report["reconciles"]


def test_no_other_organisation_sees_any_of_it(lichfield, world, client):
    sign_in(client, world.outsider, world.other_council)
    c = lichfield.commission
    contribution = Contribution.objects.filter(commission=c).first()
    for url in (
        f"/commissions/{c.pk}/",
        f"/commissions/{c.pk}/contributions/",
        f"/commissions/{c.pk}/timetable/",
        f"/service-map/areas/{lichfield.area.pk}/",
        f"/contributions/{contribution.pk}/transfer/",
        f"/api/v1/commissions/{c.pk}/",
        f"/api/v1/contributions/{contribution.pk}/",
        f"/api/v1/service-areas/{lichfield.area.pk}/map/",
        f"/reports/{world.partnership.pk}/contributions/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/commissions/").json()["results"] == []
    assert client.get("/api/v1/contributions/").json()["results"] == []
    assert client.get("/api/v1/mapped-contracts/").json()["results"] == []
    assert "Support for older people" not in client.get("/commissions/").content.decode()
    assert "older people" not in client.get("/service-map/").content.decode()


# ---- reports -----------------------------------------------------------------------------------------------


def _settle(ex, world):
    """District confirms all three years and transfers the first; county confirms its first year."""
    ex.confirm_all(world.county, ex.county_lead, [Y1])
    ex.confirm_all(world.district, ex.district_commissioner)
    first = Contribution.objects.get(commission=ex.commission, organisation=world.district, financial_year=Y1)
    contribution_transfer(
        contribution=first,
        transferred_on=dt.date(2026, 11, 20),
        reference="LDC-4411",
        by=acting(world.finance_officer, world.district),
    )


def test_partner_report_pdf_xlsx_and_csv_match_to_the_penny(lichfield, world):
    _settle(lichfield, world)
    report = selectors.contribution_report(partnership=world.partnership, organisation=world.district)
    assert report.reconciles
    assert [
        (y.label, y.figures.confirmed, y.figures.transferred, y.figures.outstanding, y.commissions_total)
        for y in report.years
    ] == [
        ("2027/28", Decimal("20000.00"), Decimal("20000.00"), Decimal("0.00"), Decimal("43750.00")),
        ("2028/29", Decimal("20000.00"), Decimal("0.00"), Decimal("20000.00"), Decimal("43750.00")),
        ("2029/30", Decimal("20000.00"), Decimal("0.00"), Decimal("20000.00"), Decimal("43750.00")),
    ]
    assert report.totals.confirmed == Decimal("60000.00") and report.commissions_total == Decimal("131250.00")

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.report_pdf(report))).pages)
    for expected in (
        "Lichfield District Council",
        "2027/28",
        "£20,000.00",
        "£43,750.00",
        "£60,000.00",
        "£131,250.00",
        "45.71%",
        "Reconciled",
    ):
        assert expected in pdf_text, expected
    assert "Staffordshire County Council's" not in pdf_text

    wb = load_workbook(io.BytesIO(exports.report_xlsx(report)), data_only=True)
    summary = [
        row
        for row in wb["Summary"].iter_rows(values_only=True)
        if row and row[0] in ("2027/28", "2028/29", "2029/30", "Total")
    ]
    as_money = [[Decimal(str(v)).quantize(Decimal("0.01")) for v in row[1:7]] for row in summary]
    assert as_money[-1] == [
        Decimal("0.00"),
        Decimal("60000.00"),
        Decimal("20000.00"),
        Decimal("40000.00"),
        Decimal("60000.00"),
        Decimal("131250.00"),
    ]
    assert wb["Summary"]["B7"].number_format == '"£"#,##0.00'
    detail = [
        row
        for row in wb["By commission"].iter_rows(values_only=True)
        if row and row[4] in ("2027/28", "2028/29", "2029/30")
    ]
    assert [Decimal(str(r[10])) for r in detail] == [Decimal("43750")] * 3

    rows = list(csv.reader(io.StringIO(exports.report_csv(report).decode("utf-8-sig"))))
    total_row = next(r for r in rows if r and r[0] == "Total")
    assert total_row[:7] == ["Total", "0.00", "60000.00", "20000.00", "40000.00", "60000.00", "131250.00"]


def test_report_downloads_for_the_district_finance_officer(lichfield, world, client):
    _settle(lichfield, world)
    sign_in(client, world.finance_officer, world.district)
    base = f"/reports/{world.partnership.pk}/contributions"
    page = client.get(base + "/")
    assert page.status_code == 200 and "£60,000.00" in page.content.decode()
    # The PDF is prepared in the background the first time (tests/commissioning/test_report_pdf.py), then served.
    asked = client.get(base + ".pdf")
    assert asked.status_code == 302
    with unscoped(reason="the test runs what the worker does"):
        report_pdf_generate(report_file_id=ReportFile.objects.get(organisation=world.district).pk)
    pdf = client.get(base + ".pdf")
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and content.startswith(b"%PDF")
    xlsx = client.get(base + ".xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    csv_response = client.get(base + ".csv")
    assert "131250.00" in csv_response.content.decode("utf-8-sig")


def test_exports_neutralise_formulas():

    data = write_csv(["A"], [['=HYPERLINK("http://x")'], ["+1"], ["ok"]])
    assert "'=HYPERLINK" in data.decode("utf-8-sig") and "'+1" in data.decode("utf-8-sig")
