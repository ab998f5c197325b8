"""Writes on returns: keyword-only, atomic, validating, audited. State changes go through ``RETURN_WORKFLOW``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError
from core.files import check_upload
from core.service import service
from core.workflow import transition
from monitoring import rag
from monitoring.inputs import clean_text, required_text
from monitoring.kpis.selectors import contract_periods, due_kpis, kpi_set_for
from monitoring.kpis.units import _plain, parse_value
from monitoring.people import actor_name, tell_lead, tell_provider
from monitoring.permissions import require_lead, require_provider
from monitoring.returns.models import (
    ConfidentialFeedback,
    KpiReturn,
    KpiValue,
    ReturnEvidence,
    ReturnQuery,
    ReturnStatus,
)
from monitoring.returns.workflows import RETURN_WORKFLOW
from procurement.award.models import Contract


@service
def return_start(*, contract: Contract, period_start: dt.date, by: Actor) -> KpiReturn:
    """The provider starts (or reopens its draft of) the return for one period."""
    require_provider(contract, by, "make its returns")
    existing = KpiReturn.objects.filter(contract=contract, period_start=period_start).first()
    if existing is not None:
        return existing
    kpi_set = kpi_set_for(contract)
    if kpi_set is None or not kpi_set.is_agreed:
        raise DomainError("The KPIs for this contract have not been agreed yet")
    period = next((p for p in contract_periods(contract, kpi_set) if p.start == period_start), None)
    if period is None:
        raise DomainError("That is not one of this contract's reporting periods", field="period_start")
    if period.start > timezone.localdate():
        raise DomainError(f"The {period.label} period has not started yet", field="period_start")
    kpis = list(kpi_set.kpis.all())
    try:
        with transaction.atomic():
            kpi_return = KpiReturn.objects.create(
                contract=contract,
                kpi_set=kpi_set,
                frequency=period.frequency,
                period_start=period.start,
                period_end=period.end,
                label=period.label,
                due_on=period.due_on(kpi_set.return_due_days),
            )
    except IntegrityError:
        return KpiReturn.objects.get(contract=contract, period_start=period_start)
    KpiValue.objects.bulk_create([KpiValue(kpi_return=kpi_return, kpi=k) for k in due_kpis(kpis, period, contract)])
    audit.record(
        obj=kpi_return, action="kpi_return.started", by=by, to_state=kpi_return.status, data={"period": period.label}
    )
    return kpi_return


def _lock_return(kpi_return: KpiReturn) -> KpiReturn:
    return (
        KpiReturn.objects.select_for_update(of=("self",))
        .select_related("contract__commission", "contract__provider")
        .get(pk=kpi_return.pk)
    )


@service
def return_save(
    *,
    kpi_return: KpiReturn,
    by: Actor,
    values: Mapping[int, Mapping[str, Any]] | None = None,
    narrative: str | None = None,
    case_studies: str | None = None,
    feedback_summary: str | None = None,
    confidential_details: str | None = None,
) -> KpiReturn:
    """The provider saves its return (while a draft, or while queried). ``values`` maps KPI ids to
    ``{"actual": ..., "note": ...}``. Confidential details of user feedback are added for the lead only: they are
    never shown back, not even to the provider."""
    kpi_return = _lock_return(kpi_return)
    contract = kpi_return.contract
    require_provider(contract, by, "change its return")
    if not kpi_return.provider_may_edit:
        raise DomainError(f"The return is {kpi_return.get_status_display().lower()}: it cannot be changed now")
    rows = {v.kpi_id: v for v in KpiValue.objects.filter(kpi_return=kpi_return).select_related("kpi")}
    problems: dict[str, list[str]] = {}
    changes: list[dict[str, str]] = []
    for kpi_id, given in (values or {}).items():
        row = rows.get(int(kpi_id))
        if row is None:
            raise DomainError("That KPI is not due in this return")
        try:
            actual = parse_value(given.get("actual"), row.kpi.unit, label=row.kpi.name)
        except DomainError as error:
            problems.setdefault(f"kpi_{row.kpi_id}", []).append(error.message)
            continue
        note = clean_text(given.get("note"))
        if actual != row.actual or note != row.note:
            changes.append(
                {
                    "kpi": row.kpi.name,
                    "before": _plain(row.actual),
                    "after": _plain(actual),
                }
            )
            row.actual, row.note, row.rag = actual, note, row.kpi.rag_of(actual)
            row.save(update_fields=["actual", "note", "rag"])
    if problems:
        raise DomainError("Check the values", field_errors=problems)
    fields: list[str] = []
    for name, value in (
        ("narrative", narrative),
        ("case_studies", case_studies),
        ("feedback_summary", feedback_summary),
    ):
        if value is not None and clean_text(value) != getattr(kpi_return, name):
            setattr(kpi_return, name, clean_text(value))
            fields.append(name)
    details = clean_text(confidential_details)
    if details:
        stamp = f"{timezone.localtime():%d %B %Y %H:%M}, {actor_name(by)}"
        existing = (
            ConfidentialFeedback.objects.unscoped(
                reason="the provider writes confidential feedback it may not read back"
            )
            .filter(kpi_return=kpi_return)
            .first()
        )
        if existing is None:
            ConfidentialFeedback.objects.create(
                kpi_return=kpi_return, details=f"[{stamp}]\n{details}", given_by=by.user
            )
        else:
            existing.details = f"{existing.details}\n\n[{stamp}]\n{details}"
            existing.given_by = by.user
            existing.save(update_fields=["details", "given_by", "updated_at"])
        kpi_return.has_confidential_feedback = True
        fields.append("has_confidential_feedback")
    if kpi_return.status != ReturnStatus.DRAFT:
        kpi_return.rag = rag.worst(r.rag for r in rows.values())
        fields.append("rag")
    if fields:
        kpi_return.save(update_fields=[*fields, "updated_at"])
    if changes or fields:
        # Confidential details never go into the audit trail: only the fact that some were given.
        audit.record(
            obj=kpi_return,
            action="kpi_return.values_changed" if kpi_return.status != ReturnStatus.DRAFT else "kpi_return.saved",
            by=by,
            data={"values": changes, "fields": [f for f in fields if f != "rag"], "confidential_given": bool(details)},
        )
    return kpi_return


@service
def return_add_evidence(*, kpi_return: KpiReturn, upload: Any, by: Actor, title: str = "") -> ReturnEvidence:
    kpi_return = _lock_return(kpi_return)
    require_provider(kpi_return.contract, by, "add evidence")
    if not kpi_return.provider_may_edit:
        raise DomainError(f"The return is {kpi_return.get_status_display().lower()}: evidence cannot be added now")
    if upload is None:
        raise DomainError("Choose a file", field="file")
    try:
        check_upload(upload)
    except forms.ValidationError as error:
        raise DomainError(error.messages[0], field="file") from error
    original = Path(upload.name or "evidence").name
    evidence = ReturnEvidence(
        kpi_return=kpi_return,
        title=clean_text(title) or original,
        original_filename=original,
        size=upload.size or 0,
        uploaded_by=by.user,
    )
    evidence.file.save(original, upload, save=False)
    evidence.save()
    audit.record(
        obj=kpi_return, action="kpi_return.evidence_added", by=by, data={"evidence": evidence.pk, "filename": original}
    )
    return evidence


@service
def return_remove_evidence(*, evidence: ReturnEvidence, by: Actor) -> None:
    kpi_return = _lock_return(evidence.kpi_return)
    require_provider(kpi_return.contract, by, "remove evidence")
    if not kpi_return.provider_may_edit:
        raise DomainError("Evidence cannot be removed once the return is submitted")
    name = evidence.original_filename
    ReturnEvidence.objects.filter(pk=evidence.pk).delete()
    audit.record(obj=kpi_return, action="kpi_return.evidence_removed", by=by, data={"filename": name})


@service
def return_submit(*, kpi_return: KpiReturn, by: Actor) -> KpiReturn:
    return transition(obj=kpi_return, workflow=RETURN_WORKFLOW, name="submit", by=by)


@service
def return_query(*, kpi_return: KpiReturn, question: str, by: Actor) -> ReturnQuery:
    question = required_text(question, "Write your question for the provider", field="question")
    locked = _lock_return(kpi_return)
    require_lead(locked.contract, by, "query a return")
    query = ReturnQuery.objects.create(
        kpi_return=locked, question=question, asked_by=by.user, asked_by_name=actor_name(by)
    )
    transition(obj=locked, workflow=RETURN_WORKFLOW, name="query", by=by, reason=question)
    return query


@service
def return_answer(*, kpi_return: KpiReturn, answer: str, by: Actor) -> ReturnQuery:
    answer = required_text(answer, "Write your answer", field="answer")
    locked = _lock_return(kpi_return)
    require_provider(locked.contract, by, "answer a query")
    query = ReturnQuery.objects.filter(kpi_return=locked).order_by("-asked_at", "-id").first()
    if query is None or query.answered_at is not None:
        raise DomainError("There is no open question on this return")
    query.answer, query.answered_by, query.answered_by_name = answer, by.user, actor_name(by)
    query.answered_at = timezone.now()
    query.save(update_fields=["answer", "answered_by", "answered_by_name", "answered_at"])
    transition(obj=locked, workflow=RETURN_WORKFLOW, name="answer", by=by, reason=answer)
    return query


@service
def return_accept(*, kpi_return: KpiReturn, by: Actor, note: str = "") -> KpiReturn:
    """The lead accepts the return, or accepts it with a note (kept with the return and shown to everyone)."""
    note = clean_text(note)
    locked = _lock_return(kpi_return)
    require_lead(locked.contract, by, "review a return")
    name = "accept"
    if note:
        locked.review_note = note
        locked.save(update_fields=["review_note"])
        name = "accept_with_note"
    return transition(obj=locked, workflow=RETURN_WORKFLOW, name=name, by=by, reason=note)


# What each step of a return tells the other side (declared on RETURN_WORKFLOW's transitions).


@RETURN_WORKFLOW.effect("tell_lead_submitted")
def _tell_lead_submitted(kpi_return: KpiReturn, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    c = kpi_return.contract
    reds = KpiValue.objects.filter(kpi_return=kpi_return, rag=rag.RED).count()
    body = f"{reds} KPI{'s are' if reds != 1 else ' is'} red. Review it: accept, query or accept with a note."
    tell_lead(
        c,
        subject=f"{c.provider} submitted the {kpi_return.label} return for {c.title}",
        body=body,
        url=return_url(kpi_return),
    )


@RETURN_WORKFLOW.effect("tell_provider_queried")
def _tell_provider_queried(kpi_return: KpiReturn, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    c = kpi_return.contract
    subject = f"{c.commission.lead} has a question about your {kpi_return.label} return"
    tell_provider(c, subject=subject, body=reason, url=return_url(kpi_return))


@RETURN_WORKFLOW.effect("tell_lead_answered")
def _tell_lead_answered(kpi_return: KpiReturn, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    c = kpi_return.contract
    subject = f"{c.provider} answered your question on the {kpi_return.label} return"
    tell_lead(c, subject=subject, body=reason, url=return_url(kpi_return))


@RETURN_WORKFLOW.effect("tell_provider_accepted")
def _tell_provider_accepted(kpi_return: KpiReturn, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    c = kpi_return.contract
    subject = f"Your {kpi_return.label} return for {c.title} was accepted"
    tell_provider(c, subject=subject, body=reason, url=return_url(kpi_return))


def return_url(kpi_return: KpiReturn) -> str:
    return reverse("kpi-return", kwargs={"kpi_return_id": kpi_return.pk})
