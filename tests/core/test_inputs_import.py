"""Issue #9: a service-map import never ends in a 500, and a refused file changes nothing at all.

Alex (the county's lead commissioner) uploads spreadsheets exported from other systems: enormous, with cells far
longer than any column, or with a bad row late in a huge file."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.service_map import services
from commissioning.service_map.models import ContractImport, MappedContract
from core.audit import AuditEvent
from core.errors import DomainError
from tests.conftest import sign_in
from tests.factories.commissioning import ServiceAreaFactory, acting

HEADER = "Service area,Funder,Provider,Title,Reference,Annual value,Start date,End date,Funding source,Can be aligned,Why not\n"
GOOD = "Debt advice,,Citizens Advice Lichfield District,Core advice,C-{n},30000,01/04/2025,31/03/2027,Core budget,yes,"


@pytest.fixture
def area(world):
    return ServiceAreaFactory(partnership=world.partnership, name="Debt advice")


def _upload(rows: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile("contracts.csv", (HEADER + "\n".join(rows) + "\n").encode())


def _nothing_changed(world) -> None:
    assert not MappedContract.objects.filter(funder=world.county).exists()
    assert not ContractImport.objects.exists()


def test_a_60000_row_file_with_a_bad_row_late_in_it_is_refused_and_changes_nothing(world, area):
    lead = acting(world.lead_commissioner, world.county)
    rows = [GOOD.format(n=n) for n in range(60_000)]
    rows[59_000] = "Debt advice,,Somebody,,,1e3,nonsense,,,maybe,"
    events_before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        services.contracts_import(partnership=world.partnership, upload=_upload(rows), by=lead)
    assert refused.value.message == "The file has more than 5,000 rows. Split it into smaller files"
    assert refused.value.field == "file"
    _nothing_changed(world)
    assert AuditEvent.objects.count() == events_before


def test_a_cell_over_the_csv_modules_limit_names_its_row_and_column_and_changes_nothing(world, area):
    lead = acting(world.lead_commissioner, world.county)
    huge = "x" * 140_000  # over csv.field_size_limit (131,072): _csv.Error before this fix
    rows = [GOOD.format(n=1), GOOD.format(n=2), f"Debt advice,,Age UK,{huge},,1000,01/04/2025,31/03/2027,Core,yes,"]
    with pytest.raises(DomainError) as refused:
        services.contracts_import(partnership=world.partnership, upload=_upload(rows), by=lead)
    assert refused.value.message.startswith("Row 4, column 'title': the cell has 140,000 characters")
    _nothing_changed(world)


def test_a_cell_longer_than_its_column_refuses_that_row_with_a_reason(world, area):
    lead = acting(world.lead_commissioner, world.county)
    rows = [
        GOOD.format(n=1),
        f"Debt advice,,{'P' * 250},,,1000,01/04/2025,31/03/2027,Core,yes,",  # varchar(200): a 500 before
        "Debt advice,,Age UK,Line\x00break,,1000,01/04/2025,31/03/2027,Core,yes,",  # NUL: a 500 before
    ]
    run = services.contracts_import(partnership=world.partnership, upload=_upload(rows), by=lead)
    report = {r["row"]: r for r in run.report}
    assert report[2]["status"] == "imported"
    assert report[3]["reason"] == "Provider is 250 characters long; it can be at most 200"
    assert report[4]["reason"].startswith("Title: remove the NUL character")
    assert MappedContract.objects.filter(funder=world.county).count() == 1


def test_the_import_page_shows_the_refusal_not_a_500(world, area, client):
    sign_in(client, world.lead_commissioner, world.county)
    rows = [GOOD.format(n=1), f"Debt advice,,Age UK,{'y' * 200_000},,1000,01/04/2025,31/03/2027,Core,yes,"]
    response = client.post(f"/service-map/{world.partnership.pk}/import/", {"file": _upload(rows)})
    assert response.status_code == 400
    assert (
        "Row 3, column &#x27;title&#x27;" in response.content.decode()
        or "Row 3, column 'title'" in response.content.decode()
    )
    _nothing_changed(world)
