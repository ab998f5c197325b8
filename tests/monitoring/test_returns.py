"""Returns: the provider's actuals, narrative, evidence and feedback; RAG from the thresholds; the lead's review
(accept, query, accept with a note) as a workflow in the audit trail; confidential feedback kept to the lead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core import audit
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import Notification
from core.tenancy import scope
from monitoring.returns.models import ConfidentialFeedback, KpiReturn, KpiValue, ReturnQuery, ReturnStatus
from monitoring.returns.selectors import confidential_feedback_for
from monitoring.returns.services import (
    return_accept,
    return_add_evidence,
    return_answer,
    return_query,
    return_remove_evidence,
    return_save,
    return_start,
    return_submit,
)
from tests.factories.monitoring import pdf_upload

Q1 = dt.date(2025, 4, 1)
Q2 = dt.date(2025, 7, 1)
Q4 = dt.date(2026, 1, 1)
RED_PEOPLE = {"People given debt advice": "101"}


def test_a_return_has_the_kpis_due_in_its_period(debt):
    q1 = return_start(contract=debt.contract, period_start=Q1, by=debt.provider)
    assert (q1.label, q1.period_end, q1.due_on) == ("Q1 2025/26", dt.date(2025, 6, 30), dt.date(2025, 7, 20))
    assert sorted(v.kpi.name for v in q1.values.all()) == sorted(
        k.name for k in debt.kpis if k.frequency == "quarterly"
    )
    q4 = return_start(contract=debt.contract, period_start=Q4, by=debt.provider)
    assert "Annual safeguarding audit completed" in [v.kpi.name for v in q4.values.all()]
    assert return_start(contract=debt.contract, period_start=Q1, by=debt.provider) == q1  # idempotent
    with pytest.raises(DomainError):
        return_start(contract=debt.contract, period_start=dt.date(2025, 4, 2), by=debt.provider)
    with pytest.raises(NotPermitted):
        return_start(contract=debt.contract, period_start=Q2, by=debt.lead)


def test_rag_is_computed_from_each_kpis_thresholds(debt):
    r = return_start(contract=debt.contract, period_start=Q1, by=debt.provider)
    debt.fill(
        r,
        {
            "People given debt advice": "120",
            "Debt written off or rescheduled": "£199,999.99",
            "Clients reporting less stress": "80",
            "Complaints upheld": "2",
        },
    )
    rags = {v.kpi.name: v.rag for v in r.values.select_related("kpi")}
    assert rags == {
        "People given debt advice": "amber",  # exactly on the red threshold
        "Debt written off or rescheduled": "red",
        "Clients reporting less stress": "green",  # exactly on the green threshold
        "Complaints upheld": "amber",  # lower is better: between 1 and 3
    }
    with pytest.raises(DomainError) as refused:
        return_save(kpi_return=r, values={debt.kpi("Complaints upheld").pk: {"actual": "1.5"}}, by=debt.provider)
    assert refused.value.field_errors  # a count must be whole


def test_submit_names_what_is_missing(debt):
    r = return_start(contract=debt.contract, period_start=Q1, by=debt.provider)
    with pytest.raises(TransitionNotAllowed) as refused:
        return_submit(kpi_return=r, by=debt.provider)
    problems = refused.value.problems
    assert "Give the actual for “People given debt advice”" in problems
    assert "Write the narrative: how the period went" in problems
    assert any(p.startswith("Attach the evidence required for “People given debt advice”") for p in problems)
    debt.fill(r)
    return_add_evidence(kpi_return=r, upload=pdf_upload(), by=debt.provider)
    with pytest.raises(TransitionNotAllowed) as refused:
        return_submit(kpi_return=r, by=debt.lead)
    assert refused.value.problems == ["Only the provider can do this"]
    r = return_submit(kpi_return=r, by=debt.provider)
    assert r.status == ReturnStatus.SUBMITTED and r.rag == "green" and r.submitted_by == debt.provider.user


def test_a_period_that_has_not_ended_cannot_be_submitted(debt, world):
    with time_machine.travel(dt.datetime(2025, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        r = return_start(contract=debt.contract, period_start=Q1, by=debt.provider)
        debt.fill(r)
        return_add_evidence(kpi_return=r, upload=pdf_upload(), by=debt.provider)
        with pytest.raises(TransitionNotAllowed) as refused:
            return_submit(kpi_return=r, by=debt.provider)
    assert refused.value.problems == ["The period runs until 30 June 2025: send the return after it ends"]


def test_query_answer_accept_is_a_workflow_in_the_audit_trail(debt, world):
    r = debt.submitted_return(Q1, RED_PEOPLE)
    assert r.rag == "red"
    lead_note = Notification.objects.filter(recipient=world.lead_commissioner, subject__contains="submitted")
    assert lead_note.exists()
    with pytest.raises(DomainError):
        return_query(kpi_return=r, question=" ", by=debt.lead)
    return_query(kpi_return=r, question="Why were only 101 people helped?", by=debt.lead)
    r.refresh_from_db()
    assert r.status == ReturnStatus.QUERIED
    assert Notification.objects.filter(recipient=world.bidder, subject__contains="question").exists()
    with pytest.raises(TransitionNotAllowed):
        return_accept(kpi_return=r, by=debt.lead)  # not while the provider is answering
    # the provider may correct a figure while queried: recorded in the audit trail
    return_save(kpi_return=r, values={debt.kpi("People given debt advice").pk: {"actual": "104"}}, by=debt.provider)
    return_answer(kpi_return=r, answer="An adviser was off sick for six weeks; one figure corrected.", by=debt.provider)
    r.refresh_from_db()
    assert r.status == ReturnStatus.ANSWERED and r.rag == "red"
    q = ReturnQuery.objects.get(kpi_return=r)
    assert q.answered_by == world.bidder and q.answer.startswith("An adviser")
    r = return_accept(kpi_return=r, by=debt.lead)
    assert r.status == ReturnStatus.ACCEPTED and r.reviewed_by == world.lead_commissioner
    history = list(audit.history_for(r))
    steps = [(e.action, e.from_state, e.to_state) for e in history if e.from_state or e.to_state]
    assert steps[::-1][1:] == [
        ("kpi_return.submit", "draft", "submitted"),
        ("kpi_return.query", "submitted", "queried"),
        ("kpi_return.answer", "queried", "answered"),
        ("kpi_return.accept", "answered", "accepted"),
    ]
    changed = next(e for e in history if e.action == "kpi_return.values_changed")
    assert changed.data["values"] == [{"kpi": "People given debt advice", "before": "101", "after": "104"}]
    with pytest.raises(TransitionNotAllowed):
        return_query(kpi_return=r, question="One more thing", by=debt.lead)  # accepted is final


def test_accept_with_a_note_needs_the_note(debt):
    r = debt.submitted_return(Q1)
    r = return_accept(kpi_return=r, note="Accepted: please report complaints by type next time.", by=debt.lead)
    assert r.status == ReturnStatus.ACCEPTED_WITH_NOTE and "by type" in r.review_note
    with pytest.raises(TransitionNotAllowed) as refused:
        return_query(kpi_return=r, question="?", by=debt.lead)
    assert "accepted with a note" in str(refused.value)


def test_only_the_lead_reviews(debt):
    r = debt.submitted_return(Q1)
    with pytest.raises(NotPermitted):
        return_accept(kpi_return=r, by=debt.partner)
    with pytest.raises(NotPermitted):
        return_query(kpi_return=r, question="Why?", by=debt.provider)


def test_confidential_feedback_stays_with_the_lead(debt, world):
    r = debt.submitted_return(
        Q1,
        feedback_summary="Most clients felt listened to.",
        confidential_details="Client 17 reported being pressured by a bailiff (case ref 4471).",
    )
    assert r.has_confidential_feedback
    lead_view = confidential_feedback_for(kpi_return=r, by=debt.lead)
    assert "bailiff" in lead_view
    for who in (debt.partner, debt.provider):
        assert confidential_feedback_for(kpi_return=r, by=who) is None
    # the model's tenant filter enforces it too, whatever the caller
    with scope(organisation=world.county):
        assert ConfidentialFeedback.objects.filter(kpi_return=r).exists()
    for organisation in (world.district, world.provider, world.other_council):
        with scope(organisation=organisation):
            assert not ConfidentialFeedback.objects.exists()
    # and it never reaches the audit trail or a notification
    for event in audit.history_for(r):
        assert "bailiff" not in str(event.data) and "bailiff" not in event.reason
    assert not Notification.objects.filter(body__contains="bailiff").exists()
    assert not any("bailiff" in m.body for m in mail.outbox)


def test_drafts_are_the_providers_alone_and_other_organisations_see_nothing(debt, world):
    draft = return_start(contract=debt.contract, period_start=Q2, by=debt.provider)
    submitted = debt.submitted_return(Q1)
    with scope(organisation=world.county):
        assert list(KpiReturn.objects.values_list("pk", flat=True)) == [submitted.pk]
        assert not KpiValue.objects.filter(kpi_return=draft).exists()
    with scope(organisation=world.district):
        assert list(KpiReturn.objects.values_list("pk", flat=True)) == [submitted.pk]
    with scope(organisation=world.provider):
        assert KpiReturn.objects.count() == 2
    with scope(organisation=world.other_council):
        assert not KpiReturn.objects.exists() and not KpiValue.objects.exists()


def test_evidence_is_checked_and_fixed_once_submitted(debt):
    r = return_start(contract=debt.contract, period_start=Q1, by=debt.provider)

    with pytest.raises(DomainError):
        return_add_evidence(kpi_return=r, upload=SimpleUploadedFile("x.pdf", b"not a pdf"), by=debt.provider)
    evidence = return_add_evidence(kpi_return=r, upload=pdf_upload("cms.pdf"), title="CMS extract", by=debt.provider)
    assert evidence.original_filename == "cms.pdf" and evidence.size > 0
    debt.fill(r)
    return_submit(kpi_return=r, by=debt.provider)
    with pytest.raises(DomainError):
        return_remove_evidence(evidence=evidence, by=debt.provider)
    assert Decimal(evidence.size) > 0
