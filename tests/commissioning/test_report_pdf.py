"""The accountable body's finance officer downloads every partner's contributions as a PDF. It is prepared in the
background (with progress) and reused while the figures are unchanged; so is one organisation's own report, kept
apart per organisation."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client
from pypdf import PdfReader

from commissioning.money.models import ReportFile
from commissioning.money.report_pdf import report_pdf_generate
from commissioning.money.services import contributions_record
from core.tenancy import unscoped
from tests.conftest import sign_in
from tests.factories.commissioning import lichfield_example


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_partners_pdf_is_prepared_in_the_background_then_reused(
    client, world, django_capture_on_commit_callbacks
):
    ex = lichfield_example(world)
    p = world.partnership.pk
    sign_in(client, world.finance_officer, world.district)
    url = f"/reports/{p}/contributions.pdf?scope=partnership"
    progress_url = f"/reports/{p}/contributions/pdf/progress/?scope=partnership"
    assert client.get(progress_url).json()["status"] == "none"

    # Asked for, it is queued: the finance officer is taken to the progress page, which polls the status.
    response = client.get(url)
    assert response.status_code == 302 and "/contributions/pdf/" in response["Location"]
    waiting = client.get(response["Location"])
    assert b"pack-bar" in waiting.content and b"Waiting to start" in waiting.content
    with unscoped(reason="the test reads the queued file"):
        file = ReportFile.objects.get()
    report_pdf_generate(report_file_id=file.pk)  # what the worker does
    status = client.get(progress_url).json()
    assert status["ready"] and status["progress"] == 100
    assert b"Download the PDF" in client.get(response["Location"]).content

    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    text = pdf_text(body(download))
    assert "All partners of Lichfield Locality Commissioning Partnership" in text
    assert "Staffordshire County Council" in text and "Lichfield District Council" in text

    # Unchanged figures: the same file, nothing queued again.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = client.get(url)
    assert again.status_code == 200 and callbacks == []
    with unscoped(reason="the test counts the stored files"):
        assert ReportFile.objects.count() == 1

    # A changed figure: a new PDF is prepared (here by the eager worker) with the new figure in it.
    contributions_record(
        commission=ex.commission,
        organisation=world.district,
        amounts={ex.commission.first_year: Decimal("12345.67")},
        reason="The district's budget was revised",
        by=ex.county_lead,
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.get(url)
    if changed.status_code == 302:
        changed = client.get(url)
    assert changed.status_code == 200
    assert "£12,345.67" in pdf_text(body(changed))
    with unscoped(reason="the test counts the stored files"):
        assert ReportFile.objects.count() == 2


def test_only_the_accountable_body_prepares_every_partners_pdf(client, world):
    lichfield_example(world)
    p = world.partnership.pk
    sign_in(client, world.lead_commissioner, world.county)
    for page in ("contributions.pdf", "contributions/pdf/progress/", "contributions/pdf/"):
        assert client.get(f"/reports/{p}/{page}?scope=partnership").status_code == 403
    with unscoped(reason="the test counts the stored files"):
        assert not ReportFile.objects.filter(organisation=None).exists()


def test_an_organisations_own_pdf_is_ready_at_once_when_unchanged_and_prepared_in_the_background_otherwise(
    client, world, django_capture_on_commit_callbacks
):
    """Alex, the county's lead commissioner, downloads the county's own contributions. The first time (or after a
    figure changes) it is prepared in the background, as every partner's is; then the stored file comes at once."""
    ex = lichfield_example(world)
    p = world.partnership.pk
    sign_in(client, world.lead_commissioner, world.county)
    url = f"/reports/{p}/contributions.pdf"
    progress_url = f"/reports/{p}/contributions/pdf/progress/"
    assert client.get(progress_url).json()["status"] == "none"

    asked = client.get(url)
    assert asked.status_code == 302 and asked["Location"] == f"/reports/{p}/contributions/pdf/"
    waiting = client.get(asked["Location"]).content.decode()
    assert "Staffordshire County Council's contributions: PDF" in waiting and "pack-bar" in waiting
    with unscoped(reason="the test reads the queued file"):
        file = ReportFile.objects.get()
    assert file.organisation_id == world.county.pk
    report_pdf_generate(report_file_id=file.pk)  # what the worker does
    status = client.get(progress_url).json()
    assert status["ready"] and status["download_url"] == url

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        download = client.get(url)
    assert download.status_code == 200 and callbacks == []  # the stored file, nothing queued again
    text = pdf_text(body(download))
    assert "Staffordshire County Council" in text and "All partners of" not in text
    assert download["Content-Disposition"].startswith('attachment; filename="contributions-staffordshire-county')

    # Each organisation has its own file: the district's finance officer asking for theirs does not get the county's,
    # and the county never sees the district's.
    district = sign_in(Client(), world.finance_officer, world.district)
    assert district.get(f"/reports/{p}/contributions/pdf/progress/").json()["status"] == "none"
    assert district.get(f"/reports/{p}/contributions.pdf").status_code == 302
    with unscoped(reason="the test counts the stored files"):
        assert set(ReportFile.objects.values_list("organisation_id", flat=True)) == {world.county.pk, world.district.pk}
    assert client.get(progress_url).json()["ready"]
    assert client.get(f"/reports/{p}/contributions.pdf?organisation={world.district.pk}").status_code == 403

    # A changed figure of the county's: a new PDF is prepared, with the new figure in it.
    contributions_record(
        commission=ex.commission,
        organisation=world.county,
        amounts={ex.commission.first_year: Decimal("23456.78")},
        reason="The county's budget was revised",
        by=ex.county_lead,
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.get(url)
    if changed.status_code == 302:
        changed = client.get(url)
    assert changed.status_code == 200 and "£23,456.78" in pdf_text(body(changed))


def test_the_api_prepares_every_partners_pdf_and_reports_progress(client, world, django_capture_on_commit_callbacks):
    lichfield_example(world)
    p = world.partnership.pk
    sign_in(client, world.finance_officer, world.district)
    assert client.get(f"/api/v1/reports/contributions/pdf/?partnership={p}").json()["status"] == "none"
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/api/v1/reports/contributions/pdf/", {"partnership": p}, content_type="application/json")
    assert asked.status_code == 202 and asked.json()["status"] == "queued"
    latest = client.get(f"/api/v1/reports/contributions/pdf/?partnership={p}").json()
    assert latest["ready"] and latest["download_url"].endswith("?scope=partnership")
    again = client.post("/api/v1/reports/contributions/pdf/", {"partnership": p}, content_type="application/json")
    assert again.status_code == 200 and again.json()["ready"]
    client.logout()
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get(f"/api/v1/reports/contributions/pdf/?partnership={p}").status_code == 403
