"""The pages: a contract's performance with trend charts and tables, a return and its review, the partner's
performance PDF, visits, improvement plans and the end of the contract (feedback required before closing)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import Notification
from core.tenancy import unscoped
from monitoring.returns.models import KpiReturn, ReturnStatus
from monitoring.reviews.models import EndReview, ReviewStatus
from monitoring.reviews.services import review_transition
from tests.conftest import sign_in
from tests.factories.monitoring import debt_advice, pdf_upload

Q1, Q2, Q3 = dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def history(debt):
    """Three quarters reported: green, then one KPI red, then amber."""
    debt.submitted_return(Q1)
    debt.submitted_return(Q2, {"People given debt advice": "101"})
    debt.submitted_return(Q3, {"People given debt advice": "130"})
    return debt


def test_contract_page_shows_returns_trends_and_who_pays(client, history, world):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get(reverse("monitoring-contract", kwargs={"monitored_contract_id": history.contract.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Q1 2025/26" in html and "Q3 2025/26" in html
    assert html.count('class="jointly-chart"') == 4  # a trend chart per quarterly KPI (the annual one: none yet)...
    assert "People given debt advice by period" in html  # ...with a table beside each
    assert "Lichfield District Council" in html and "£20,000.00" in html
    assert "Agreed" in html and "Plan a visit" in html


def test_partner_sees_its_contract_the_provider_its_own_and_others_nothing(client, history, world):
    url = reverse("monitoring-contract", kwargs={"monitored_contract_id": history.contract.pk})
    sign_in(client, world.finance_officer, world.district)
    assert client.get(url).status_code == 200
    sign_in(client, world.bidder, world.provider)
    page = client.get(url)
    assert page.status_code == 200 and b"Plan a visit" not in page.content
    sign_in(client, world.outsider, world.other_council)
    assert client.get(url).status_code == 404
    assert b"No contracts yet." in client.get(reverse("monitoring-contracts")).content


def test_the_lead_reviews_on_the_return_page(client, debt, world):
    r = debt.submitted_return(
        Q1, {"People given debt advice": "101"}, confidential_details="Client 9 afraid to complain"
    )
    url = reverse("kpi-return", kwargs={"kpi_return_id": r.pk})
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(url).content.decode()
    assert "Review the return" in page and "Client 9 afraid to complain" in page
    response = client.post(
        reverse("kpi-return-review", kwargs={"kpi_return_id": r.pk}), {"decision": "query", "text": "Why so few?"}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == ReturnStatus.QUERIED
    # the partner's finance officer and the provider never see the confidential details
    for user, org in ((world.finance_officer, world.district), (world.bidder, world.provider)):
        sign_in(client, user, org)
        page = client.get(url)
        assert page.status_code == 200 and b"afraid to complain" not in page.content
    sign_in(client, world.bidder, world.provider)
    assert b"Answer the question" in client.get(url).content
    response = client.post(reverse("kpi-return-answer", kwargs={"kpi_return_id": r.pk}), {"answer": "Staff sickness"})
    assert response.status_code == 302
    sign_in(client, world.lead_commissioner, world.county)
    client.post(
        reverse("kpi-return-review", kwargs={"kpi_return_id": r.pk}), {"decision": "accept_with_note", "text": ""}
    )
    r.refresh_from_db()
    assert r.status == ReturnStatus.ANSWERED  # a note is needed to accept with a note
    client.post(reverse("kpi-return-review", kwargs={"kpi_return_id": r.pk}), {"decision": "accept"})
    r.refresh_from_db()
    assert r.status == ReturnStatus.ACCEPTED


def test_the_provider_fills_in_and_submits_a_return_on_the_pages(client, debt, world):
    sign_in(client, world.bidder, world.provider)
    response = client.post(
        reverse("kpi-return-start", kwargs={"monitored_contract_id": debt.contract.pk}), {"period_start": "2025-04-01"}
    )
    r = KpiReturn.objects.get(contract=debt.contract, period_start=Q1)
    assert response["Location"] == reverse("kpi-return-edit", kwargs={"kpi_return_id": r.pk})
    edit = reverse("kpi-return-edit", kwargs={"kpi_return_id": r.pk})
    form = client.get(edit)
    assert form.status_code == 200 and b"Confidential details of user feedback" in form.content
    data = {f"kpi_{v.kpi_id}": "" for v in r.values.all()}
    data[f"kpi_{debt.kpi('People given debt advice').pk}"] = "12.5"
    bad = client.post(edit, data)
    assert bad.status_code == 400 and b"must be a whole number" in bad.content
    for v in r.values.select_related("kpi"):
        data[f"kpi_{v.kpi_id}"] = str(v.kpi.green_threshold)
    data.update(narrative="Busy quarter", feedback_summary="Positive", confidential_details="Named complaint")
    assert client.post(edit, data).status_code == 302
    upload = client.post(
        reverse("kpi-return-evidence-add", kwargs={"kpi_return_id": r.pk}),
        {"title": "CMS extract", "file": pdf_upload()},
    )
    assert upload.status_code == 302
    assert client.post(reverse("kpi-return-submit", kwargs={"kpi_return_id": r.pk})).status_code == 302
    r.refresh_from_db()
    assert r.status == ReturnStatus.SUBMITTED and r.has_confidential_feedback
    # the provider cannot read the confidential details back
    assert b"Named complaint" not in client.get(reverse("kpi-return", kwargs={"kpi_return_id": r.pk})).content
    evidence = r.evidence.get()
    download = client.get(reverse("kpi-return-evidence", kwargs={"return_evidence_id": evidence.pk}))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    sign_in(client, world.outsider, world.other_council)
    assert client.get(reverse("kpi-return-evidence", kwargs={"return_evidence_id": evidence.pk})).status_code == 404


def test_partner_performance_pdf_says_what_its_money_bought(client, history, world):
    sign_in(client, world.finance_officer, world.district)
    page = client.get(reverse("partner-report"))
    assert page.status_code == 200 and b"\xc2\xa360,000.00" in page.content  # £20,000 a year for three years
    response = client.get(reverse("partner-report-pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "What Lichfield District Council's money bought" in text
    assert "£20,000.00" in text and "2025/26" in text and "2027/28" in text
    assert "People given debt advice" in text and "Q2 2025/26" in text
    assert "Red" in text and "Green" in text
    assert "£23,750.00" not in text  # another partner's share is not this report's business
    # the county (lead) may prepare the district's report; the district cannot ask for the county's
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get(reverse("partner-report-pdf") + f"?organisation={world.district.pk}").status_code == 200
    sign_in(client, world.finance_officer, world.district)
    assert client.get(reverse("partner-report-pdf") + f"?organisation={world.county.pk}").status_code == 403


def test_contract_pdf_has_a_chart_and_table_per_kpi(client, history, world):
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get(reverse("monitoring-contract-report", kwargs={"monitored_contract_id": history.contract.pk}))
    assert response.status_code == 200
    text = pdf_text(response.content)
    for kpi in history.kpis:
        assert kpi.name in text
    assert "KPIs green, amber and red by period" in text and "Q3 2025/26" in text


def test_visits_and_improvement_plans_support_first(client, history, world):
    contract = history.contract
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("visit-plan", kwargs={"monitored_contract_id": contract.pk})
    assert client.post(url, {"planned_on": "2026-12-03", "purpose": "See a drop-in session"}).status_code == 302
    visit = contract.monitoring_visits.get()
    record = reverse("visit-record", kwargs={"visit_id": visit.pk})
    assert client.post(record, {"visited_on": "2026-11-20", "findings": ""}).status_code == 400
    assert client.post(record, {"visited_on": "2026-11-20", "findings": "Warm welcome; long queue"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done"
    url = reverse("improvement-plan-open", kwargs={"monitored_contract_id": contract.pk})
    bad = client.post(url, {"title": "Reach", "concern": "Red in Q2", "support_offered": ""})
    assert bad.status_code == 400 and b"Support comes first" in bad.content
    client.post(
        url,
        {
            "title": "Reach more people",
            "concern": "Red in Q2",
            "support_offered": "Referrals",
            "kpis": [history.kpi("People given debt advice").pk],
        },
    )
    plan = contract.improvement_plans.get()
    client.post(
        reverse("improvement-action-add", kwargs={"improvement_plan_id": plan.pk}),
        {
            "action": "Library outreach",
            "owner_name": "Mo Hussain",
            "owner_organisation": str(world.provider.pk),
            "due_on": "2026-12-31",
        },
    )
    action = plan.actions.get()
    sign_in(client, world.bidder, world.provider)  # the provider updates its own action
    response = client.post(
        reverse("improvement-action", kwargs={"improvement_action_id": action.pk}),
        {"status": "in_progress", "progress": "Two sessions held"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"
    page = client.get(reverse("improvement-plan", kwargs={"improvement_plan_id": plan.pk}))
    assert b"Referrals" in page.content and b"Two sessions held" in page.content


def test_closing_needs_feedback_to_the_provider_and_decommissioning(client, debt, world):
    contract = debt.contract
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("end-review", kwargs={"monitored_contract_id": contract.pk})
    assert client.post(url).status_code == 302
    review = EndReview.objects.get(contract=contract)
    assert review.steps.count() == 5
    with pytest.raises(Exception) as refused:
        review_transition(review=review, name="close", by=debt.lead)
    problems = refused.value.problems
    assert "Give the provider feedback on the contract (required before closing)" in problems
    assert "Write what the contract achieved" in problems
    assert sum(p.startswith("Decommissioning step not done") for p in problems) == 5
    page = client.get(url).content.decode()
    assert "required before closing" in page
    client.post(
        reverse("end-review-edit", kwargs={"end_review_id": review.pk}),
        {
            "summary": "1,800 people advised",
            "lessons": "Start outreach earlier",
            "feedback": "Thank you: strong advice quality; reach grew slowly.",
            "track_outcomes": "on",
        },
    )
    sign_in(client, world.bidder, world.provider)
    assert b"strong advice quality" not in client.get(url).content  # not until it is given
    sign_in(client, world.lead_commissioner, world.county)
    client.post(reverse("end-review-transition", kwargs={"end_review_id": review.pk}), {"transition": "give_feedback"})
    for step in review.steps.all():
        client.post(
            reverse("decommissioning-step", kwargs={"decommissioning_step_id": step.pk}), {"done_on": "2026-11-01"}
        )
    client.post(reverse("end-review-transition", kwargs={"end_review_id": review.pk}), {"transition": "close"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.feedback_given_at
    sign_in(client, world.bidder, world.provider)
    page = client.get(url).content
    assert b"strong advice quality" in page
    assert b"Start outreach earlier" not in page  # lessons are for the commissioners
    with unscoped(reason="the test reads the provider's notifications"):
        assert Notification.objects.filter(
            recipient=world.bidder, subject__startswith="Feedback on your contract"
        ).exists()


def test_kpi_agreement_pages(client, world):
    ex = debt_advice(world, agreed=False)
    sign_in(client, world.lead_commissioner, world.county)
    response = client.post(
        reverse("kpi-set-create"),
        {
            "commission": ex.commission.pk,
            "title": "Debt advice KPIs",
            "return_frequency": "quarterly",
            "return_due_days": "20",
            "reminder_days": "7, 1",
        },
    )
    kpi_set = ex.commission.kpi_sets.get()
    assert response["Location"] == reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk})
    add = reverse("kpi-add", kwargs={"kpi_set_id": kpi_set.pk})
    bad = client.post(
        add,
        {
            "name": "Stress",
            "definition": "Survey",
            "unit": "percentage",
            "target": "180",
            "frequency": "quarterly",
            "direction": "higher",
            "red_threshold": "70",
        },
    )
    assert bad.status_code == 400 and b"percentage from 0 to 100" in bad.content
    client.post(
        add,
        {
            "name": "Stress",
            "definition": "Survey",
            "unit": "percentage",
            "target": "80",
            "frequency": "quarterly",
            "direction": "higher",
            "red_threshold": "70",
        },
    )
    client.post(reverse("kpi-set-transition", kwargs={"kpi_set_id": kpi_set.pk}), {"transition": "share"})
    page = client.get(reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk})).content.decode()
    assert "Lichfield District Council has not agreed these KPIs" in page
    district = world.member(world.district, "commissioner")
    sign_in(client, district, world.district)
    client.post(reverse("kpi-set-respond", kwargs={"kpi_set_id": kpi_set.pk}), {"answer": "agree", "text": ""})
    sign_in(client, world.lead_commissioner, world.county)
    client.post(reverse("kpi-set-transition", kwargs={"kpi_set_id": kpi_set.pk}), {"transition": "agree"})
    kpi_set.refresh_from_db()
    assert kpi_set.status == "agreed"
