"""The risk register of a joint commission (seed 002, section 6): the lead records the partnership's risks with a
likelihood and an impact from 1 to 5, the score follows from them and is never typed, the owner reviews and closes
them with every change in the history, the page shows the register beside a likelihood x impact grid, the board
pack carries it, and a passed review date reminds the owner once."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from boards import pack as board_pack
from commissioning.risks.models import Risk, RiskStatus
from commissioning.risks.rules import band_of
from commissioning.risks.services import risk_add, risk_close, risk_reviews_enqueue, risk_update
from commissioning.tasks import enqueue_risk_reviews
from core import audit
from core.errors import DomainError, NotPermitted
from core.models import Notification, OutboxEntry
from core.pdf import render_pdf
from core.tenancy import unscoped
from partners.models import Role
from tests.conftest import api_client, sign_in
from tests.factories.board import BoardFactory, MeetingFactory
from tests.factories.commissioning import acting, commissioner_at
from tests.factories.partners import person
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db

D = dt.date

# Seed 002, section 6: every risk "Medium / Significant", i.e. likelihood 3 (possible) x impact 4 (significant).
SEED_RISKS = [
    (
        "Limited resources to undertake and oversee the joint commissioning process",
        "Regular partnership engagement and close monitoring of projects by the Commissioning Board",
    ),
    (
        "Failure to reach agreement on priorities for funding",
        "Terms of reference of the Commissioning Board and its ongoing management",
    ),
    (
        "Availability of future funding to meet commissioning commitments",
        "Regular review of the terms of reference of the Commissioning Board, especially in the early stages",
    ),
]


def seed_register(lichfield, *, owner=None, review_date=None):
    review_date = review_date or D(2027, 3, 31)
    owner = owner or lichfield.world.lead_commissioner
    return [
        risk_add(
            commission=lichfield.commission,
            description=text,
            likelihood=3,
            impact=4,
            owner=owner,
            countermeasure=counter,
            review_date=review_date,
            by=lichfield.county_lead,
        )
        for text, counter in SEED_RISKS
    ]


def test_the_seed_register_scores_medium_significant_as_twelve_high(lichfield):
    risks = seed_register(lichfield)
    assert [r.letter for r in risks] == ["A", "B", "C"]
    for r in risks:
        r.refresh_from_db()
        assert (r.likelihood, r.impact, r.score, r.status) == (3, 4, 12, RiskStatus.OPEN)
        assert band_of(r.score).label == "High"
        assert r.owner_organisation == lichfield.county


@pytest.mark.parametrize(
    ("likelihood", "impact", "band"),
    [
        (1, 1, "Low"),
        (2, 2, "Low"),
        (1, 5, "Medium"),
        (3, 3, "Medium"),
        (2, 5, "High"),
        (3, 4, "High"),
        (3, 5, "Very high"),
        (5, 5, "Very high"),
    ],
)
def test_the_score_is_always_likelihood_times_impact(lichfield, likelihood, impact, band):
    risk = risk_add(
        commission=lichfield.commission,
        description="A risk",
        likelihood=likelihood,
        impact=impact,
        owner=lichfield.world.lead_commissioner,
        review_date=D(2027, 1, 1),
        by=lichfield.county_lead,
    )
    risk.refresh_from_db()
    assert risk.score == likelihood * impact
    assert band_of(risk.score).label == band


@pytest.mark.parametrize(("field", "value"), [("likelihood", 0), ("likelihood", 6), ("impact", 0), ("impact", 6)])
def test_likelihood_and_impact_outside_one_to_five_are_refused(lichfield, field, value):
    values = {"likelihood": 3, "impact": 3, field: value}
    with pytest.raises(DomainError) as refused:
        risk_add(
            commission=lichfield.commission,
            description="A risk",
            owner=lichfield.world.lead_commissioner,
            review_date=D(2027, 1, 1),
            by=lichfield.county_lead,
            **values,
        )
    assert field in refused.value.field_errors
    assert not Risk._base_manager.exists()


def test_only_the_lead_adds_and_only_the_lead_or_owner_changes(lichfield, world):
    district_person = commissioner_at(world, world.district)
    [risk, *_] = seed_register(lichfield, owner=district_person)
    with pytest.raises(NotPermitted):
        risk_add(
            commission=lichfield.commission,
            description="Mine",
            likelihood=1,
            impact=1,
            owner=district_person,
            review_date=D(2027, 1, 1),
            by=lichfield.district_commissioner,
        )
    # The district's commissioner owns risk A, so may review it.
    risk = risk_update(risk=risk, changes={"likelihood": 2, "status": "managed"}, by=lichfield.district_commissioner)
    assert (risk.score, risk.status) == (8, RiskStatus.MANAGED)
    other = person(world.district, Role.COMMISSIONER, name="Another Commissioner")
    with pytest.raises(NotPermitted):
        risk_update(risk=risk, changes={"impact": 1}, by=acting(other, world.district))
    with pytest.raises(NotPermitted):
        risk_close(risk=risk, reason="Gone", by=acting(other, world.district))


def test_an_owner_must_work_for_the_lead_or_a_partner_taking_part(lichfield, world):
    with pytest.raises(DomainError) as refused:
        risk_add(
            commission=lichfield.commission,
            description="A risk",
            likelihood=2,
            impact=2,
            owner=world.outsider,
            review_date=D(2027, 1, 1),
            by=lichfield.county_lead,
        )
    assert refused.value.field == "owner"


def test_every_change_is_in_the_history_and_a_closed_risk_stays_closed(lichfield):
    [risk, *_] = seed_register(lichfield)
    risk_update(risk=risk, changes={"likelihood": 4, "review_date": D(2027, 6, 30)}, by=lichfield.county_lead)
    risk_close(risk=risk, reason="The board agreed the priorities at its first meeting", by=lichfield.county_lead)
    with unscoped(reason="test reads the audit trail"):
        events = list(audit.history_for(risk).order_by("occurred_at", "pk"))
    assert [e.action for e in events] == ["risk.added", "risk.changed", "risk.closed"]
    assert events[1].data["likelihood"] == {"from": 3, "to": 4}
    assert events[1].data["score"] == {"from": 12, "to": 16}
    assert events[1].data["review_date"] == {"from": "2027-03-31", "to": "2027-06-30"}
    assert events[2].data["reason"].startswith("The board agreed")
    with pytest.raises(DomainError):
        risk_update(risk=risk, changes={"impact": 1}, by=lichfield.county_lead)
    with pytest.raises(DomainError):
        risk_close(risk=risk, reason="Again", by=lichfield.county_lead)


def test_the_register_page_shows_the_table_and_the_grid_with_bands_in_words(client, lichfield, world):
    seed_register(lichfield)
    risk_add(
        commission=lichfield.commission,
        description="Provider market too thin",
        likelihood=2,
        impact=5,
        owner=world.lead_commissioner,
        review_date=D(2027, 1, 1),
        by=lichfield.county_lead,
    )
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(reverse("commission-risks", kwargs={"commission_id": lichfield.commission.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Risk register" in html and 'data-testid="risk-register"' in html
    assert "<svg" in html and "by likelihood and impact" in html
    grid = html.split('data-testid="risk-grid"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+) <span', grid)
    assert len(cells) == 25
    assert sum(int(c) for c in cells) == 4
    assert '3 <span class="govuk-body-xs">(High, score 12)</span>' in grid
    assert '1 <span class="govuk-body-xs">(High, score 10)</span>' in grid
    assert "Very high" in html and "Low" in html  # bands are named, not only coloured


def test_the_lead_adds_a_risk_through_the_page_and_a_refusal_keeps_what_was_typed(client, lichfield, world):
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("risk-add", kwargs={"commission_id": lichfield.commission.pk})
    owner = lichfield.commission.lead  # the lead's commissioner is offered as an owner
    form = client.get(url)
    assert form.status_code == 200 and "Alex Morgan" in form.content.decode()
    membership = world.lead_commissioner.memberships.get(organisation=owner)
    data = {
        "description": "Failure to reach agreement on priorities for funding",
        "likelihood": "7",
        "impact": "4",
        "owner": str(membership.pk),
        "countermeasure": "Terms of reference",
        "review_date": "2027-03-31",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Failure to reach agreement on priorities for funding" in refused.content.decode()
    data["likelihood"] = "3"
    done = client.post(url, data)
    assert done.status_code == 302, done.content.decode()[:2000]
    risk = Risk._base_manager.get()
    assert (risk.score, risk.review_date) == (12, D(2027, 3, 31))


def test_another_organisation_cannot_see_a_risk(client, lichfield, world):
    [risk, *_] = seed_register(lichfield)
    sign_in(client, world.outsider, world.other_council)
    assert client.get(reverse("risk-edit", kwargs={"risk_id": risk.pk})).status_code == 404
    assert client.get(reverse("commission-risks", kwargs={"commission_id": lichfield.commission.pk})).status_code == 404
    api = api_client(world.outsider, world.other_council)
    assert api.get(f"/api/v1/risks/{risk.pk}/").status_code == 404
    assert api.get("/api/v1/risks/").json()["count"] == 0


def test_the_api_adds_reviews_and_closes_with_the_same_rules(lichfield, world):
    lead = api_client(world.lead_commissioner, world.county)
    created = lead.post(
        "/api/v1/risks/",
        {
            "commission": lichfield.commission.pk,
            "description": "Limited resources",
            "likelihood": 3,
            "impact": 4,
            "owner": world.lead_commissioner.pk,
            "review_date": "2027-03-31",
            "score": 1,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["score"], body["band"], body["letter"], body["status"]) == (12, "High", "A", "open")
    too_big = lead.patch(f"/api/v1/risks/{body['id']}/", {"impact": 6}, format="json")
    assert too_big.status_code == 400 and "impact" in too_big.json()
    changed = lead.patch(f"/api/v1/risks/{body['id']}/", {"impact": 5, "status": "managed"}, format="json")
    assert changed.status_code == 200 and (changed.json()["score"], changed.json()["band"]) == (15, "Very high")
    district = api_client(commissioner_at(world, world.district), world.district)
    assert district.get(f"/api/v1/risks/{body['id']}/").status_code == 200  # a partner reads
    assert district.patch(f"/api/v1/risks/{body['id']}/", {"impact": 1}, format="json").status_code == 403
    blank = lead.post(f"/api/v1/risks/{body['id']}/close/", {"reason": ""}, format="json")
    assert blank.status_code == 400
    closed = lead.post(f"/api/v1/risks/{body['id']}/close/", {"reason": "Resources agreed"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_passed_review_date_reminds_the_owner_and_lead_once(lichfield, world, django_capture_on_commit_callbacks):
    district_person = commissioner_at(world, world.district)
    [due, later, closed] = seed_register(lichfield, owner=district_person, review_date=D(2027, 1, 10))
    risk_update(risk=later, changes={"review_date": D(2027, 2, 1)}, by=lichfield.county_lead)
    risk_close(risk=closed, reason="Agreed", by=lichfield.county_lead)
    mail.outbox.clear()
    deliveries = OutboxEntry.objects.filter(task_name="core.tasks.deliver_notification_emails")
    before = deliveries.count()
    for _ in range(2):  # the schedule runs twice (a restart, a second beat): one reminder
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_risk_reviews.apply(args=["2027-01-11"]).get()
    key = f"risk:{due.pk}:review:2027-01-10"
    notes = Notification.objects.filter(dedupe_key__startswith=f"{key}:")
    assert Notification.objects.filter(dedupe_key__startswith="risk:").count() == 2  # risk A's, to two people
    # made in one batch, emailed by one delivery task
    assert deliveries.count() == before + 1
    assert len(mail.outbox) == 2
    assert sorted(n.recipient_id for n in notes) == sorted([district_person.pk, world.lead_commissioner.pk])
    assert "Review risk A" in notes[0].subject
    # A review moves the date on; when the new date passes, one more reminder.
    risk_update(risk=due, changes={"review_date": D(2027, 4, 1)}, by=lichfield.district_commissioner)
    with unscoped(reason="test"):
        assert risk_reviews_enqueue(today=D(2027, 3, 1)) == 1  # risk B, due 1 February; not A (1 April)
        assert risk_reviews_enqueue(today=D(2027, 3, 2)) == 0
        assert risk_reviews_enqueue(today=D(2027, 4, 2)) == 1  # risk A, for its new review date
        assert risk_reviews_enqueue(today=D(2027, 4, 3)) == 0
    assert Notification.objects.filter(dedupe_key__startswith=f"risk:{due.pk}:review:2027-04-01:").count() == 2


def test_the_board_pack_pdf_carries_the_risk_register(lichfield, world):
    seed_register(lichfield)
    with unscoped(reason="test set-up: a board of the partnership"):
        meeting = MeetingFactory(board=BoardFactory(partnership=world.partnership, name="Lichfield LCB"))
        context = board_pack.pack_context(meeting)
    [paper] = context["standing_papers"]
    assert paper["title"].startswith("Risk register: Support for older people")
    pdf = render_pdf(board_pack.PACK_TEMPLATE, context)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "Risk register: Support for older people",
        "3 open or managed risks; the highest is risk A, score 12 (high)",
        "A. Limited resources to undertake",
        "12 (High)",
        "Open and managed risks by impact (rows) and likelihood (columns)",
        "3 (High)",
        "Regular partnership engagement",
    ):
        assert expected in text, expected


def test_the_register_runs_a_fixed_number_of_queries(client, lichfield, world):
    seed_register(lichfield)
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("commission-risks", kwargs={"commission_id": lichfield.commission.pk})
    few = page_queries(client, url, warm=True)
    district_person = commissioner_at(world, world.district)
    for i in range(12):
        risk_add(
            commission=lichfield.commission,
            description=f"Risk {i}",
            likelihood=1 + i % 5,
            impact=1 + (i * 2) % 5,
            owner=district_person if i % 2 else world.lead_commissioner,
            review_date=D(2027, 1, 1),
            by=lichfield.county_lead,
        )
    many = page_queries(client, url, warm=True)
    assert many == few, (few, many)


def test_a_board_member_reads_the_register_but_cannot_add(client, lichfield, world):
    seed_register(lichfield)
    member = world.member(world.district, Role.BOARD_MEMBER)
    sign_in(client, member, world.district)
    assert client.get(reverse("commission-risks", kwargs={"commission_id": lichfield.commission.pk})).status_code == 200
    assert client.get(reverse("risk-add", kwargs={"commission_id": lichfield.commission.pk})).status_code == 403
