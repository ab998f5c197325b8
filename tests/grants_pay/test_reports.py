"""Issue 14, "After the award": the grantee writes an end-of-grant report (outcomes, spend, a case study), saves it
and comes back, submits it; the lead accepts it or returns it with a reason; once every instalment is paid and the
report accepted, the lead closes the grant. Pages and API alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.tenancy import unscoped
from core.workflow import transition
from grants.applications.models import GrantApplication
from grants.payments.rules import PlannedInstalment
from grants.payments.services import instalment_pay, schedule_set
from grants.reports.services import grant_close, report_save
from grants.reports.workflows import REPORT_WORKFLOW
from tests.factories.commissioning import acting
from tests.factories.grants_pay import accepted_grant, lead_finance

REPORT = {
    "outcomes": "120 families used the community fridge; 40 came to cooking sessions.",
    "spend": Decimal("950.00"),
    "spend_notes": "Fridge, food hygiene training, ingredients.",
    "case_study": "A mother of three now cooks batch meals for the week after the sessions.",
}


def _paid_grant(world, amount=Decimal("1000.00")) -> GrantApplication:
    grant = accepted_grant(world, organisation=world.provider, amount=amount)
    by = lead_finance(world)
    (only,) = schedule_set(application=grant, instalments=[PlannedInstalment(amount, timezone.localdate())], by=by)
    instalment_pay(instalment=only, paid_on=timezone.localdate(), reference="SCC-GR-1", by=by)
    return grant


def _fresh(grant) -> GrantApplication:
    with unscoped(reason="test"):
        return GrantApplication.objects.get(pk=grant.pk)


def test_the_grantee_saves_a_draft_comes_back_and_cannot_submit_it_incomplete(world):
    grant = _paid_grant(world)
    grantee = acting(world.bidder, world.provider)
    report = report_save(application=grant, data={"outcomes": "Half written"}, by=grantee)
    with pytest.raises(TransitionNotAllowed) as refused:
        transition(obj=report, workflow=REPORT_WORKFLOW, name="submit", by=grantee)
    assert "Give the amount spent" in refused.value.problems and "Write a case study" in refused.value.problems
    report = report_save(application=grant, data=REPORT, by=grantee)
    assert report.outcomes == REPORT["outcomes"]
    assert transition(obj=report, workflow=REPORT_WORKFLOW, name="submit", by=grantee).status == "submitted"
    with pytest.raises(DomainError, match="can no longer be changed"):
        report_save(application=grant, data={"outcomes": "Changed after submitting"}, by=grantee)


def test_only_the_grantee_writes_the_report(world):
    grant = _paid_grant(world)
    with pytest.raises(NotPermitted):
        report_save(application=grant, data=REPORT, by=acting(world.lead_commissioner, world.county))


def test_the_lead_returns_a_report_with_a_reason_then_accepts_it_and_closes_the_grant(world):
    grant = _paid_grant(world)
    grantee = acting(world.bidder, world.provider)
    lead = acting(world.lead_commissioner, world.county)
    report = report_save(application=grant, data=REPORT, by=grantee)
    report = transition(obj=report, workflow=REPORT_WORKFLOW, name="submit", by=grantee)
    with pytest.raises(DomainError):
        transition(obj=report, workflow=REPORT_WORKFLOW, name="return", by=lead, reason="")
    report = transition(
        obj=report, workflow=REPORT_WORKFLOW, name="return", by=lead, reason="Add the number of volunteers"
    )
    assert report.status == "returned" and report.return_reason == "Add the number of volunteers"
    with pytest.raises(TransitionNotAllowed, match="Cannot close"):
        grant_close(application=grant, by=lead)
    report = report_save(application=grant, data={"outcomes": REPORT["outcomes"] + " 12 volunteers."}, by=grantee)
    report = transition(obj=report, workflow=REPORT_WORKFLOW, name="submit", by=grantee)
    with pytest.raises(TransitionNotAllowed):
        transition(obj=report, workflow=REPORT_WORKFLOW, name="accept", by=grantee)
    transition(obj=report, workflow=REPORT_WORKFLOW, name="accept", by=lead)
    closed = grant_close(application=grant, by=lead)
    assert closed.status == "closed" and _fresh(grant).closed_at is not None


def test_a_grant_with_an_instalment_still_to_pay_cannot_be_closed(world):
    grant = accepted_grant(world, organisation=world.provider, amount=Decimal("1000.00"))
    by = lead_finance(world)
    first, _ = schedule_set(
        application=grant,
        instalments=[
            PlannedInstalment(Decimal("500.00"), timezone.localdate()),
            PlannedInstalment(Decimal("500.00"), timezone.localdate()),
        ],
        by=by,
    )
    instalment_pay(instalment=first, paid_on=timezone.localdate(), reference="SCC-GR-1", by=by)
    grantee = acting(world.bidder, world.provider)
    lead = acting(world.lead_commissioner, world.county)
    report = transition(
        obj=report_save(application=grant, data=REPORT, by=grantee), workflow=REPORT_WORKFLOW, name="submit", by=grantee
    )
    transition(obj=report, workflow=REPORT_WORKFLOW, name="accept", by=lead)
    with pytest.raises(TransitionNotAllowed) as refused:
        grant_close(application=grant, by=lead)
    assert "1 instalment is still to be paid" in refused.value.problems


def test_the_report_pages_from_draft_to_closed(world, as_user):
    grant = _paid_grant(world)
    page = reverse("grant-report", kwargs={"grant_id": grant.public_id})
    step = reverse("grant-report-transition", kwargs={"grant_id": grant.public_id})
    close = reverse("grant-close", kwargs={"grant_id": grant.public_id})
    grantee = as_user(world.bidder, world.provider)
    assert grantee.post(page, {**REPORT, "spend": "950.00"}).status_code == 302
    assert grantee.post(step, {"transition": "submit"}).status_code == 302
    lead = as_user(world.lead_commissioner, world.county)
    body = lead.get(page).content.decode()
    assert "120 families" in body and "Accept the report" in body
    lead.post(step, {"transition": "accept"})
    assert "Close the grant" in lead.get(page).content.decode()
    lead.post(close, {"transition": "close"})
    assert _fresh(grant).status == "closed"
    outsider = as_user(world.outsider, world.other_council)
    assert outsider.get(page).status_code == 404


def test_the_report_through_the_api(world, as_user):
    grant = _paid_grant(world)
    grantee = as_user(world.bidder, world.provider)
    made = grantee.post(
        "/api/v1/grant-reports/",
        {"application": str(grant.public_id), **{k: str(v) for k, v in REPORT.items()}},
        content_type="application/json",
    )
    assert made.status_code == 200, made.content
    report_id = made.json()["id"]
    submitted = grantee.post(
        f"/api/v1/grant-reports/{report_id}/transition/", {"transition": "submit"}, content_type="application/json"
    )
    assert submitted.json()["status"] == "submitted"
    lead = as_user(world.lead_commissioner, world.county)
    lead.post(
        f"/api/v1/grant-reports/{report_id}/transition/", {"transition": "accept"}, content_type="application/json"
    )
    closed = lead.post(f"/api/v1/grant-reports/{report_id}/close-grant/", content_type="application/json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["grant_status"] == "closed"
