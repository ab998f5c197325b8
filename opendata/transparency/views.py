"""The Transparency Code contracts file, public (no sign-in): ``contracts.csv`` and ``contracts.xlsx`` with
``?organisation=<id>&quarter=<YYYY-Qn>``, through ``core.exports``. A missing or wrong organisation or quarter is a
400 page saying what to change."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import DomainError
from core.exports import Sheet, csv_response, xlsx_response
from core.views import PublicView
from opendata.transparency import selectors
from opendata.transparency.rules import Quarter, parse_quarter
from partners.models import Organisation, Sector


def _organisation(value: str | None) -> Organisation:
    if not value or not value.isdigit() or len(value) > 18:
        raise DomainError("Choose an organisation: its number from the Open data page", field="organisation")
    org = Organisation.objects.filter(pk=int(value), sector=Sector.PUBLIC).first()
    if org is None:
        raise DomainError("There is no public body with that number on Jointly", field="organisation")
    return org


class ContractsFileView(PublicView):
    file_format = "csv"

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            organisation = _organisation(request.GET.get("organisation"))
            quarter = parse_quarter(request.GET.get("quarter"))
        except DomainError as e:
            return render(request, "opendata/transparency_refused.html", {"error": e}, status=400)
        rows = [r.cells() for r in selectors.contract_rows(organisation=organisation, quarter=quarter)]
        name = f"transparency-contracts-{organisation.pk}-{quarter.code}.{self.file_format}"
        if self.file_format == "xlsx":
            return xlsx_response([self.sheet(organisation, quarter, rows)], filename=name)
        return csv_response(selectors.HEADERS, rows, filename=name)

    def sheet(self, organisation: Organisation, quarter: Quarter, rows: list[list[Any]]) -> Sheet:
        return Sheet(
            "Contracts",
            selectors.HEADERS,
            rows,
            money_columns=selectors.MONEY_COLUMNS,
            preamble=[
                f"{organisation.name}: contracts over £5,000, {quarter.label}",
                "Local Government Transparency Code 2015. Open Government Licence v3.0.",
            ],
        )


class ContractsFileXlsxView(ContractsFileView):
    file_format = "xlsx"
