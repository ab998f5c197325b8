"""Half signed in (password given, two-factor code not yet): anonymous everywhere until the code is given.

Regression (issue #10): Alex, a county commissioner, signed in with a password only and could download the
county's *draft* tender document from the public document route, because the public view read it as Alex's
organisation.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from procurement.tenders import services as tender_services
from procurement.tenders.models import TenderDocument
from tests.factories.procurement import draft_tender, lead_of, pdf, published_tender
from tests.test_route_access import half_sign_in

pytestmark = pytest.mark.django_db


def test_a_draft_tender_document_stays_hidden_until_the_code_is_given(world, client):
    tender = draft_tender(world, title="Draft: not yet for anyone's eyes")
    tender_services.tender_document_add(
        tender=tender, title="Draft specification", upload=pdf("draft.pdf"), by=lead_of(world)
    )
    document = TenderDocument._base_manager.get(tender=tender)
    url = reverse("tender-document", kwargs={"tender_document_id": document.pk})

    half_sign_in(client, world.lead_commissioner, world.county)
    response = client.get(url)

    assert response.status_code in (302, 404)
    assert not getattr(response, "streaming", False)
    assert b"%PDF" not in response.content


def test_a_published_document_still_opens_as_for_the_public(world, client):
    tender = published_tender(world, title="Open to all")
    tender_services.tender_document_add(tender=tender, title="Specification", upload=pdf("spec.pdf"), by=lead_of(world))
    document = TenderDocument._base_manager.get(tender=tender)

    half_sign_in(client, world.lead_commissioner, world.county)
    response = client.get(reverse("tender-document", kwargs={"tender_document_id": document.pk}))

    assert response.status_code == 200


def test_public_pages_show_the_public_header_and_member_pages_ask_for_the_code(world, client):
    half_sign_in(client, world.lead_commissioner, world.county)

    home = client.get(reverse("home"))
    assert home.status_code == 200  # signed in people are sent to the dashboard: Alex is not signed in yet
    assert world.county.name not in home.content.decode()

    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(reverse("two-factor-verify"))


def test_the_api_answers_as_for_anonymous(world, client):
    draft = draft_tender(world, title="A draft the public API must not list")
    half_sign_in(client, world.lead_commissioner, world.county)

    assert client.get("/api/v1/me/").status_code == 401
    listed = client.get("/api/v1/tenders/")  # public: published opportunities only, as anyone sees them
    assert listed.status_code == 200
    assert draft.title not in listed.content.decode()
    assert client.get(f"/api/v1/tenders/{draft.pk}/").status_code in (401, 404)


def test_the_code_step_still_knows_who_is_signing_in(world, client):
    half_sign_in(client, world.lead_commissioner, world.county)

    response = client.get(reverse("two-factor-verify"), follow=True)

    assert response.status_code == 200
    assert response.wsgi_request.user == world.lead_commissioner
