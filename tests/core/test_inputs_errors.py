"""Issue #9: a fault shows a real page, never a bare 500 or a traceback.

- A file recorded in the database but missing from storage answers 404 with a message saying so.
- An unexpected error shows the GOV.UK 500 page with a reference number, and the log line carries the same
  reference, so support can find the traceback from what the person reads out."""

from __future__ import annotations

import logging
import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from core.api import TenantAPIView
from core.views import PublicView, server_error
from procurement.tenders import services as tender_services
from tests.conftest import sign_in
from tests.factories.procurement import draft_tender, lead_of, pdf


class Broken(PublicView):
    def get(self, request: HttpRequest) -> HttpResponse:
        raise RuntimeError("the disk is on fire")


class BrokenApi(TenantAPIView):
    public = True

    def get(self, request: HttpRequest) -> HttpResponse:
        raise RuntimeError("the API is on fire")


urlpatterns = [
    path("broken/", Broken.as_view()),
    path("api/v1/broken/", BrokenApi.as_view()),
    path("", include("config.urls")),
]
handler500 = "core.views.server_error"
handler404 = "core.views.page_not_found"


def test_a_file_missing_from_storage_answers_404_with_a_message(world, client):
    lead = lead_of(world)
    tender = draft_tender(world)
    document = tender_services.tender_document_add(tender=tender, title="Specification", upload=pdf(), by=lead)
    document.file.storage.delete(document.file.name)  # lost from storage; the row remains

    sign_in(client, world.lead_commissioner, world.county)
    response = client.get(f"/tender-documents/{document.pk}/")
    assert response.status_code == 404  # FileNotFoundError: a 500 before
    page = response.content.decode()
    assert "File not found" in page and "missing from Jointly" in page


def _broken(path, caplog):
    """GET ``path``, whose view raises: the 500 response, and what the error log recorded."""
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="jointly.errors"):
        response = client.get(path)
    assert response.status_code == 500
    return response, [r for r in caplog.records if r.name == "jointly.errors"]


@pytest.mark.urls("tests.core.test_inputs_errors")
def test_an_error_shows_the_500_page_with_the_reference_that_is_logged(db, caplog):
    response, records = _broken("/broken/", caplog)
    page = response.content.decode()
    assert "Sorry, there is a problem with Jointly" in page
    reference = re.search(r'data-testid="error-reference"><strong>([A-Z0-9]{8})</strong>', page)[1]
    assert [r.reference for r in records] == [reference]
    assert reference in records[0].getMessage() and records[0].exc_info[1].args == ("the disk is on fire",)


@pytest.mark.urls("tests.core.test_inputs_errors")
def test_an_api_error_answers_json_with_the_logged_reference(db, caplog):
    response, records = _broken("/api/v1/broken/", caplog)
    body = response.json()
    assert body["detail"].startswith("Sorry, there is a problem")
    assert [r.reference for r in records] == [body["reference"]]


@pytest.mark.urls("tests.core.test_inputs_errors")
def test_the_500_page_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/anything/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500 and b"error-reference" in response.content
