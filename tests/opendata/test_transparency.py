"""The Local Government Transparency Code 2015 contracts file: a finance officer (or anyone: it is public) downloads
one council's contracts and grants over £5,000 in force in a quarter, with the Code's fields. For a joint contract
each partner's file shows the whole contract and that partner's own share, and the shares add up to the contract's
value to the penny."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.tenancy import unscoped
from opendata.transparency.rules import Quarter, parse_quarter, quarter_of, review_date
from opendata.transparency.selectors import HEADERS
from procurement.bids.models import ProviderProfile
from tests.factories.monitoring import debt_advice, make_contract
from tests.factories.partners import ProviderFactory

SETUP = "test set-up"
Q1 = "2025-Q1"  # April to June 2025: the debt advice contract runs from 1 April 2025


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def contracts_file(client, organisation, quarter=Q1, ext="csv"):
    return client.get(
        reverse(f"transparency-contracts-{ext}"), {"organisation": str(organisation.pk), "quarter": quarter}
    )


@pytest.fixture
def joint(world):
    """The debt advice contract (county and district), and a three-way contract whose yearly shares do not divide
    evenly: £14,583.33 + £14,583.33 + £14,583.34 a year."""
    ex = debt_advice(world, agreed=False)
    with unscoped(reason=SETUP):
        odd = make_contract(
            commission=ex.commission,
            provider=ProviderFactory(name="Burton Money Matters CIC", kind="cic", company_number="09876543"),
            title="Money advice outreach",
            shares={
                world.county: Decimal("14583.33"),
                world.district: Decimal("14583.33"),
                world.other_council: Decimal("14583.34"),
            },
        )
    return ex, odd


def test_each_partner_sees_the_whole_contract_and_its_own_share_adding_up_to_the_penny(client, world, joint):
    ex, odd = joint
    files = {org.name: rows_of(contracts_file(client, org)) for org in (world.county, world.district)}
    files[world.other_council.name] = rows_of(contracts_file(client, world.other_council))
    assert [r["Title"] for r in files[world.county.name]] == [
        "Debt, benefits and consumer advice",
        "Money advice outreach",
    ]
    assert [r["Title"] for r in files[world.other_council.name]] == ["Money advice outreach"]
    with unscoped(reason=SETUP):
        for contract in (ex.contract, odd):
            value = contract.total_value
            shares = [
                Decimal(r["This organisation's share over the term (£)"])
                for rows in files.values()
                for r in rows
                if r["Title"] == contract.title
            ]
            totals = {
                Decimal(r["Contract value over its term (£)"])
                for rows in files.values()
                for r in rows
                if r["Title"] == contract.title
            }
            assert totals == {value}  # every partner's file shows the whole contract
            assert sum(shares) == value  # and the shares add up to it, to the penny
    odd_row = next(r for r in files[world.other_council.name] if r["Title"] == "Money advice outreach")
    assert odd_row["This organisation's share over the term (£)"] == "43750.02"  # 3 years × £14,583.34
    assert odd_row["Contract value over its term (£)"] == "131250.00"


def test_every_field_of_the_code_is_there(client, world, joint):
    (row,) = [r for r in rows_of(contracts_file(client, world.district)) if r["Title"] == "Money advice outreach"]
    assert list(row) == HEADERS
    assert row["Supplier name"] == "Burton Money Matters CIC"
    assert row["Supplier company number"] == "09876543"
    assert row["Estimated annual value (£)"] == "43750.00"
    assert row["Irrecoverable VAT (£)"] == "0.00"
    assert row["Start date"] == "2025-04-01" and row["End date"] == "2028-03-31"
    assert row["Review date"] == "2026-04-01"  # the next annual review after the quarter
    assert row["Procurement route"].startswith("Published invitation to tender")
    assert row["VCSE"] == "Yes" and row["SME"] == "Not known"
    assert row["Joint contract partners"] == "; ".join(
        sorted([world.county.name, world.district.name, world.other_council.name])
    )
    assert row["Department responsible"].endswith(f"joint commission led by {world.county.name}")
    assert all(row[h] for h in HEADERS if h not in ("Supplier charity number",))


def test_the_sme_flag_comes_from_the_providers_profile(client, world, joint):
    _, odd = joint
    with unscoped(reason=SETUP):
        ProviderProfile.objects.create(organisation=odd.provider, staff_count=12, annual_income=Decimal("450000"))
    (row,) = [r for r in rows_of(contracts_file(client, world.county)) if r["Title"] == "Money advice outreach"]
    assert row["SME"] == "Yes"


def test_only_contracts_over_5000_in_force_in_the_quarter(client, world, joint):
    ex, _ = joint
    with unscoped(reason=SETUP):
        make_contract(
            commission=ex.commission,
            provider=ProviderFactory(name="Tiny grant CIO", kind="cio"),
            title="Small grant",
            shares={world.county: Decimal("1666.66")},
            start=dt.date(2025, 4, 1),
            end=dt.date(2028, 3, 31),
        )  # £4,999.98 over three years: under the threshold
    titles = [r["Title"] for r in rows_of(contracts_file(client, world.county))]
    assert "Small grant" not in titles
    assert rows_of(contracts_file(client, world.county, quarter="2024-Q4")) == []  # before the contracts start
    assert len(rows_of(contracts_file(client, world.county, quarter="2027-Q4"))) == 2  # Jan-Mar 2028: still in force


def test_the_xlsx_has_the_same_rows(client, world, joint):
    response = contracts_file(client, world.county, ext="xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Reference")
    assert values[header_at] == HEADERS
    assert [r[1] for r in values[header_at + 1 :]] == ["Debt, benefits and consumer advice", "Money advice outreach"]
    assert "Transparency Code 2015" in values[1][0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"quarter": Q1}, "Choose an organisation"),
        ({"organisation": "abc", "quarter": Q1}, "Choose an organisation"),
        ({"organisation": "999999", "quarter": Q1}, "There is no public body with that number"),
        ({"organisation": "COUNTY"}, "Enter the quarter as a year and quarter number"),
        ({"organisation": "COUNTY", "quarter": "2025-Q5"}, "Enter the quarter as a year and quarter number"),
        ({"organisation": "COUNTY", "quarter": "Q1 2025"}, "Enter the quarter as a year and quarter number"),
        ({"organisation": "PROVIDER", "quarter": Q1}, "There is no public body with that number"),
    ],
)
def test_a_bad_organisation_or_quarter_is_a_clear_400_page(client, world, params, message):
    ids = {"COUNTY": str(world.county.pk), "PROVIDER": str(world.provider.pk)}
    params = {k: ids.get(v, v) for k, v in params.items()}
    for ext in ("csv", "xlsx"):
        response = client.get(reverse(f"transparency-contracts-{ext}"), params)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "text/html" in response["Content-Type"]


def test_the_open_data_page_form_sends_you_to_the_file_or_says_what_to_fix(client, world):
    response = client.get(
        reverse("open-data"), {"organisation": world.county.pk, "quarter": "2025-Q2", "format": "xlsx"}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('transparency-contracts-xlsx')}?organisation={world.county.pk}&quarter=2025-Q2"
    )
    response = client.get(reverse("open-data"), {"organisation": world.county.pk, "quarter": "spring", "format": "csv"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "Enter the quarter as a year and quarter number" in text
    assert 'value="spring"' in text  # nothing typed is lost
    options = client.get(reverse("open-data")).content.decode()
    assert world.county.name in options and world.provider.name not in options  # public bodies only


def test_quarters_are_quarters_of_the_financial_year():
    assert parse_quarter("2026-Q1") == Quarter(2026, 1)
    assert (Quarter(2026, 1).start, Quarter(2026, 1).end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (Quarter(2026, 4).start, Quarter(2026, 4).end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert quarter_of(dt.date(2027, 2, 14)) == Quarter(2026, 4)
    assert quarter_of(dt.date(2026, 4, 1)) == Quarter(2026, 1)
    assert review_date(dt.date(2025, 4, 1), dt.date(2026, 1, 31), dt.date(2025, 6, 30)) == dt.date(2026, 1, 31)


def test_the_file_runs_a_fixed_number_of_queries(client, world, joint, django_assert_num_queries):
    ex, _ = joint
    with django_assert_num_queries(4) as one:
        contracts_file(client, world.county)
    with unscoped(reason=SETUP):
        for n in range(6):
            make_contract(
                commission=ex.commission,
                provider=ProviderFactory(name=f"Provider {n}"),
                title=f"Contract {n}",
                shares={world.county: Decimal("10000.00"), world.district: Decimal("5000.00")},
            )
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(rows_of(contracts_file(client, world.county))) == 8
