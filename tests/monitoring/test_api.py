"""The REST API: the same services, workflows and permissions as the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from monitoring.returns.models import KpiReturn, ReturnStatus
from tests.conftest import api_client
from tests.factories.board import simple_board
from tests.factories.monitoring import debt_advice, pdf_upload


def test_kpis_are_drafted_and_agreed_through_the_api(world):
    ex = debt_advice(world, agreed=False)
    lead = api_client(world.lead_commissioner, world.county)
    response = lead.post(
        "/api/v1/kpi-sets/",
        {"commission": ex.commission.pk, "title": "Debt advice KPIs", "return_frequency": "quarterly"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    set_id = response.json()["id"]
    kpi = {
        "kpi_set": set_id,
        "name": "People advised",
        "definition": "Distinct residents",
        "unit": "count",
        "target": "150",
        "red_threshold": "120",
        "frequency": "quarterly",
        "direction": "higher",
    }
    bad = lead.post("/api/v1/kpis/", {**kpi, "unit": "percentage"}, format="json")
    assert bad.status_code == 400 and "target" in bad.json()
    assert lead.post("/api/v1/kpis/", kpi, format="json").status_code == 201
    assert (
        lead.post(f"/api/v1/kpi-sets/{set_id}/transition/", {"transition": "share"}, format="json").status_code == 200
    )
    refused = lead.post(f"/api/v1/kpi-sets/{set_id}/transition/", {"transition": "agree"}, format="json")
    assert refused.status_code == 400 and refused.json()["problems"] == [
        "Lichfield District Council has not agreed these KPIs"
    ]
    district = api_client(ex.partner.user, world.district)
    assert district.post(f"/api/v1/kpi-sets/{set_id}/respond/", {"agree": True}, format="json").status_code == 201
    agreed = lead.post(f"/api/v1/kpi-sets/{set_id}/transition/", {"transition": "agree"}, format="json")
    assert agreed.status_code == 200 and agreed.json()["status"] == "agreed"
    assert agreed.json()["responses"][0]["organisation_name"] == "Lichfield District Council"
    outsider = api_client(world.outsider, world.other_council)
    assert outsider.get(f"/api/v1/kpi-sets/{set_id}/").status_code == 404
    assert outsider.get("/api/v1/kpi-sets/").json()["count"] == 0


def test_a_return_through_the_api(debt, world):
    provider = api_client(world.bidder, world.provider)
    lead = api_client(world.lead_commissioner, world.county)
    partner = api_client(world.finance_officer, world.district)
    created = provider.post(
        "/api/v1/kpi-returns/", {"contract": debt.contract.pk, "period_start": "2025-04-01"}, format="json"
    )
    assert created.status_code == 201
    rid = created.json()["id"]
    assert lead.get(f"/api/v1/kpi-returns/{rid}/").status_code == 404  # a draft is the provider's alone
    values = [{"kpi": v["kpi"], "actual": "80"} for v in created.json()["values"]]
    values[0]["actual"] = "101"
    saved = provider.patch(
        f"/api/v1/kpi-returns/{rid}/",
        {
            "values": values,
            "narrative": "Short-staffed",
            "feedback_summary": "Positive",
            "confidential_details": "Client 4 fears the landlord",
        },
        format="json",
    )
    assert saved.status_code == 200 and "confidential_details" not in saved.json()
    assert saved.json()["values"][0]["rag"] == "red"
    upload = provider.post(
        f"/api/v1/kpi-returns/{rid}/evidence/", {"file": pdf_upload(), "title": "CMS"}, format="multipart"
    )
    assert upload.status_code == 201
    submitted = provider.post(f"/api/v1/kpi-returns/{rid}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["rag"] == "red"
    assert partner.get(f"/api/v1/kpi-returns/{rid}/confidential/").status_code == 404
    assert provider.get(f"/api/v1/kpi-returns/{rid}/confidential/").status_code == 404
    assert "landlord" in lead.get(f"/api/v1/kpi-returns/{rid}/confidential/").json()["details"]
    assert "landlord" not in str(partner.get(f"/api/v1/kpi-returns/{rid}/").json())
    assert lead.post(f"/api/v1/kpi-returns/{rid}/query/", {}, format="json").status_code == 400
    assert partner.post(f"/api/v1/kpi-returns/{rid}/query/", {"question": "?"}, format="json").status_code == 403
    assert lead.post(f"/api/v1/kpi-returns/{rid}/query/", {"question": "Why 101?"}, format="json").status_code == 200
    answered = provider.post(f"/api/v1/kpi-returns/{rid}/answer/", {"answer": "Sickness"}, format="json")
    assert answered.json()["status"] == "answered"
    accepted = lead.post(f"/api/v1/kpi-returns/{rid}/accept/", {"note": "Fine; watch staffing"}, format="json")
    assert accepted.json()["status"] == ReturnStatus.ACCEPTED_WITH_NOTE
    assert accepted.json()["queries"][0]["answer"] == "Sickness"
    assert api_client(world.outsider, world.other_council).get(f"/api/v1/kpi-returns/{rid}/").status_code == 404
    assert KpiReturn.objects.get(pk=rid).reviewed_by == world.lead_commissioner


def test_visits_plans_and_end_review_through_the_api(debt, world):
    lead = api_client(world.lead_commissioner, world.county)
    visit = lead.post(
        "/api/v1/monitoring-visits/",
        {"contract": debt.contract.pk, "planned_on": "2026-12-03", "purpose": "Drop-in"},
        format="json",
    )
    assert visit.status_code == 201
    assert (
        api_client(world.bidder, world.provider)
        .post(
            "/api/v1/monitoring-visits/",
            {"contract": debt.contract.pk, "planned_on": "2026-12-03", "purpose": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    plan = lead.post(
        "/api/v1/improvement-plans/",
        {"contract": debt.contract.pk, "title": "Reach", "concern": "Red", "support_offered": "Referrals"},
        format="json",
    )
    assert plan.status_code == 201
    action = lead.post(
        f"/api/v1/improvement-plans/{plan.json()['id']}/actions/",
        {
            "action": "Outreach",
            "owner_name": "Mo",
            "owner_organisation": world.provider.pk,
            "due_on": "2026-12-31",
        },
        format="json",
    )
    assert action.status_code == 201
    progress = api_client(world.bidder, world.provider).patch(
        f"/api/v1/improvement-actions/{action.json()['id']}/", {"status": "done", "progress": "Held"}, format="json"
    )
    assert progress.status_code == 200 and progress.json()["status"] == "done"
    review = lead.post("/api/v1/end-reviews/", {"contract": debt.contract.pk}, format="json")
    assert review.status_code == 201 and len(review.json()["steps"]) == 5
    closing = lead.post(
        f"/api/v1/end-reviews/{review.json()['id']}/transition/", {"transition": "close"}, format="json"
    )
    assert closing.status_code == 400
    assert "Give the provider feedback on the contract (required before closing)" in closing.json()["problems"]


def test_board_portfolio_is_for_its_members(debt, world):
    board = simple_board(world.partnership, world.board_member, world.district)
    member = api_client(world.board_member, world.district)
    response = member.get(f"/api/v1/monitoring/portfolio/?board={board.pk}")
    assert response.status_code == 200 and response.json()["contracts"][0]["title"] == debt.contract.title
    not_member = api_client(world.finance_officer, world.district)
    assert not_member.get(f"/api/v1/monitoring/portfolio/?board={board.pk}").status_code == 403
    assert (
        api_client(world.outsider, world.other_council)
        .get(f"/api/v1/monitoring/portfolio/?board={board.pk}")
        .status_code
        == 404
    )
    own = api_client(world.finance_officer, world.district).get("/api/v1/monitoring/portfolio/")
    assert [c["id"] for c in own.json()["contracts"]] == [debt.contract.pk]
    assert (
        api_client(world.outsider, world.other_council).get("/api/v1/monitoring/portfolio/").json()["contracts"] == []
    )


@pytest.mark.parametrize("when", [dt.date(2025, 4, 1)])
def test_schema_documents_monitoring(client, db, when):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert "/api/v1/kpi-returns/{id}/submit/" in paths and "/api/v1/monitoring/portfolio/" in paths
