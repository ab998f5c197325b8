"""The whole applying journey through the REST API: the lead commissioner sets up a round from a joint commission
and opens it; a charity starts an application, is refused an answer over its word limit, saves, submits with the
declaration (a receipt) and withdraws; a submission after the closing time is refused and recorded as late."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from grants.applications.models import GrantApplication
from tests.conftest import api_client
from tests.factories.commissioning import lichfield_example
from tests.factories.grants import applicant, filled, food_poverty_round

ONE = dt.timedelta(seconds=1)


def test_the_lead_sets_up_and_opens_a_round_and_a_charity_applies_through_the_api(world):
    example = lichfield_example(world, status="draft", model="")
    lead = api_client(world.lead_commissioner, world.county)
    now = timezone.now()
    created = lead.post(
        "/api/v1/grants/programmes/",
        {
            "commission": example.commission.pk,
            "title": "Food Poverty and Health Grants Scheme",
            "description": "Small grants for community food projects.",
            "eligible_kinds": ["charity", "cio"],
            "area": "Lichfield District",
            "amount_min": "250.00",
            "amount_max": "2000.00",
            "total_budget": "8000.00",
            "delegated_threshold": "1000.00",
            "opens_at": (now - dt.timedelta(hours=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=7)).isoformat(),
            "decision_date": (now + dt.timedelta(days=30)).date().isoformat(),
            "is_small_grants": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert lead.post(f"/api/v1/grants/programmes/{pid}/criteria/", {"name": "Need", "weight": 100}).status_code == 201
    section = lead.post(f"/api/v1/grants/programmes/{pid}/sections/", {"title": "Your project"}).json()
    question = lead.post(
        f"/api/v1/grants/programmes/{pid}/questions/",
        {"section": section["id"], "text": "What need will you meet?", "word_limit": 10},
    ).json()
    steps = lead.get(f"/api/v1/grants/programmes/{pid}/transitions/").json()
    assert [s["transition"] for s in steps] == ["open", "cancel"]
    opened = lead.post(f"/api/v1/grants/programmes/{pid}/transition/", {"transition": "open"}, format="json")
    assert opened.status_code == 200 and opened.json()["status"] == "open"

    org, by = applicant(world, "Lichfield Foodbank")
    charity = api_client(by.user, org)
    started = charity.post("/api/v1/grants/applications/", {"programme": pid}, format="json")
    assert started.status_code == 201
    aid = started.json()["id"]
    too_long = charity.patch(
        f"/api/v1/grants/applications/{aid}/", {"answers": {str(question["id"]): "word " * 11}}, format="json"
    )
    assert too_long.status_code == 400
    assert "is 11 words: the limit is 10. Cut 1 word" in too_long.json()["detail"]
    saved = charity.patch(
        f"/api/v1/grants/applications/{aid}/",
        {
            "project_title": "Community fridge",
            "amount_requested": "1500.00",
            "answers": {str(question["id"]): "Families skip meals"},
        },
        format="json",
    )
    assert saved.status_code == 200
    assert saved.json()["content"]["answers"][0]["text"] == "Families skip meals"
    assert charity.post(f"/api/v1/grants/applications/{aid}/submit/", {"declaration": False}).status_code == 400
    receipt = charity.post(f"/api/v1/grants/applications/{aid}/submit/", {"declaration": True}, format="json")
    assert receipt.status_code == 200 and len(receipt.json()["sha256"]) == 64
    # Sealed: the lead sees nothing before closing.
    assert lead.get(f"/api/v1/grants/applications/{aid}/").status_code == 404
    withdrawn = charity.post(
        f"/api/v1/grants/applications/{aid}/transition/", {"transition": "withdraw", "reason": ""}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_a_late_submission_through_the_api_is_refused_and_recorded(world):
    rnd = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    application = filled(rnd, by)
    with time_machine.travel(rnd.programme.closes_at + ONE, tick=False):
        charity = api_client(by.user, org)
        late = charity.post(
            f"/api/v1/grants/applications/{application.public_id}/submit/", {"declaration": True}, format="json"
        )
    assert late.status_code == 400 and "late applications cannot be accepted" in late.json()["detail"]
    assert GrantApplication._base_manager.get(pk=application.pk).status == "late"
