"""The same stories through the pages and the REST API: the lead sees the panel (with the exclusion) and the
ranked list; a conflicted assessor cannot score; the applicant reads the offer (and its PDF) and accepts it on the
page; an applicant declines through the API (a reason required); the board route through the API's steps."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus
from grants.decisions import services as decisions
from grants.decisions.models import GrantLetter
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.grant_decisions import assessed, closed_round, recommended

pytestmark = pytest.mark.django_db


def _decided(world):
    r = assessed(closed_round(world, threshold=Decimal("6000.00")))
    officer = world.member(world.county, Role.COMMISSIONER)
    decision = recommended(r, officer=officer)
    decisions.decision_step(decision=decision, name="decide", by=acting(officer, world.county))
    r.refresh()
    return r


def test_the_lead_sees_the_panel_the_exclusion_and_the_ranked_list(world, client):
    r = assessed(closed_round(world))
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(reverse("grant-assessment", kwargs={"assessed_round_id": r.programme.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Excluded from scoring it." in html and "Dee Okafor" in html
    assert "Ranked list with weighted scores" in html and "92.00" in html
    sign_in(client, world.outsider, world.other_council)
    assert client.get(reverse("grant-assessment", kwargs={"assessed_round_id": r.programme.pk})).status_code == 404


def test_a_conflicted_assessor_is_refused_on_the_score_page_and_keeps_what_they_typed(world, client):
    r = assessed(closed_round(world))
    district_assessor = r.panel[1]
    need = r.criteria[0]
    sign_in(client, district_assessor.user, district_assessor.organisation)
    url = reverse("grant-score", kwargs={"scored_application_id": r.applications[0].public_id})
    page = client.get(url)
    assert page.status_code == 200 and "so you are excluded from scoring it" in page.content.decode()
    posted = client.post(url, {f"score_{need.pk}": "5", f"note_{need.pk}": "Brilliant"})
    assert posted.status_code == 400
    assert "excluded from scoring it" in posted.content.decode()


def test_the_applicant_reads_the_offer_downloads_it_and_accepts_it_on_the_page(world, client):
    r = _decided(world)
    writer = r.applicants[0]
    with unscoped(reason="test"):
        letter = GrantLetter.objects.get(application=r.applications[0])
    sign_in(client, writer.user, writer.organisation)
    url = reverse("grant-letter", kwargs={"grant_letter_id": letter.public_id})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Offer of grant" in html and "£3,000.00" in html
    assert "Accept the offer" in html
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    answered = client.post(
        reverse("grant-offer-step", kwargs={"grant_letter_id": letter.public_id}), {"transition": "accept"}
    )
    assert answered.status_code == 302
    assert r.application(0).status == ApplicationStatus.ACCEPTED
    # Another charity cannot read the letter at all.
    other = r.applicants[1]
    sign_in(client, other.user, other.organisation)
    assert client.get(url).status_code == 404


def test_an_applicant_declines_through_the_api_with_a_reason(world, client):
    r = _decided(world)
    writer = r.applicants[1]
    sign_in(client, writer.user, writer.organisation)
    url = f"/api/v1/grants/outcomes/{r.applications[1].public_id}/"
    steps = client.get(url + "transitions/").json()
    assert {s["transition"] for s in steps} == {"accept", "decline_offer"}
    refused = client.post(
        url + "transition/", {"transition": "decline_offer", "reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400
    done = client.post(
        url + "transition/",
        {"transition": "decline_offer", "reason": "We found other funding"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == ApplicationStatus.OFFER_DECLINED
    assert done.json()["declined_reason"] == "We found other funding"


def test_the_lead_prepares_recommends_and_sends_to_the_board_through_the_api(world, client):
    r = assessed(closed_round(world))
    sign_in(client, world.lead_commissioner, world.county)
    ranking = client.get(f"/api/v1/grants/moderation/ranking/{r.programme.pk}/").json()
    assert [row["total"] for row in ranking["ranking"]] == ["92.00", "84.00", "56.00"]
    created = client.post(
        "/api/v1/grants/decisions/",
        {"programme": r.programme.pk, "accept_by": "2099-01-31", "summary": "Fund two"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    decision_id = created.json()["id"]
    for application, fund in zip(r.applications, (True, True, False), strict=True):
        body = {"application": str(application.public_id), "fund": fund}
        body |= {"amount": str(application.amount_requested)} if fund else {"feedback": "Not measurable enough"}
        answer = client.post(
            f"/api/v1/grants/decisions/{decision_id}/recommend/", body, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content
    too_much = client.post(
        f"/api/v1/grants/decisions/{decision_id}/recommend/",
        {"application": str(r.applications[0].public_id), "fund": True, "amount": "9000.00"},
        content_type="application/json",
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    moved = client.post(
        f"/api/v1/grants/decisions/{decision_id}/transition/",
        {"transition": "send_to_board", "reason": ""},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "with_board" and moved.json()["route"] == "board"
