"""The applicant's side of a grant round: starting an application (eligibility checked), saving the project and
each section (word limits enforced per answer), submitting (judged on the server's clock; a late one is recorded
as refused), the emailed PDF copy, and withdrawing before closing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from core import audit, notifications
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import AmountError, parse_amount
from core.notifications import notify
from core.pdf import render_pdf
from core.service import service
from core.tenancy import unscoped
from core.text import check_text
from core.workflow import transition
from grants.applications.models import (
    ApplicationAnswer,
    ApplicationVersion,
    GrantApplication,
)
from grants.applications.rules import (
    EDITABLE,
    LateSubmission,
    canonical_content,
    content_hash,
    is_applicant,
    late_message,
    submission_problems,
    word_limit_problem,
    working_copy,
)
from grants.applications.workflows import APPLICATION_WORKFLOW
from grants.programmes.models import ApplicationSection, GrantProgramme
from grants.programmes.rules import APPLICANT_ROLES, eligibility_problems, not_open_problems
from procurement.bids.models import ProviderProfile

CHECKED = "the service decides who may act (a refusal, never a missing row)"
RECEIPT_KEY = "grant-receipt"


def _require_applicant_role(by: Actor) -> Any:
    if by.organisation is None or not by.has_role(*APPLICANT_ROLES):
        raise NotPermitted("Only an organisation's bid writers or admins can apply for grants")
    return by.organisation


def _require_applicant(application: GrantApplication, by: Actor) -> None:
    if not is_applicant(application, by):
        raise NotPermitted("Only the applicant can change this application")


def annual_income_of(organisation: Any) -> Decimal | None:
    profile = ProviderProfile.objects.unscoped(reason=CHECKED).filter(organisation=organisation).first()
    return profile.annual_income if profile is not None else None


def _editable(application: GrantApplication, by: Actor) -> GrantApplication:
    locked = GrantApplication.objects.select_for_update(of=("self",)).select_related("programme").get(pk=application.pk)
    _require_applicant(locked, by)
    if locked.status not in EDITABLE:
        raise DomainError(f"This application is {locked.get_status_display().lower()}: it can no longer change")
    for problem in not_open_problems(locked.programme):
        raise DomainError(problem)
    return locked


@service
def application_start(*, programme: GrantProgramme, by: Actor) -> GrantApplication:
    """Start (or return to) the organisation's application, once it is eligible."""
    organisation = _require_applicant_role(by)
    existing = GrantApplication.objects.filter(programme=programme, organisation=organisation).first()
    if existing is not None:
        return existing
    for problem in not_open_problems(programme):
        raise DomainError(problem)
    problems = eligibility_problems(programme, organisation, annual_income=annual_income_of(organisation))
    if problems:
        raise DomainError(f"{organisation.name} cannot apply to this programme", problems=problems)
    application = GrantApplication.objects.create(programme=programme, organisation=organisation, created_by=by.user)
    audit.record(obj=application, action="grant_application.start", by=by)
    return application


@service
def application_save_project(
    *, application: GrantApplication, by: Actor, project_title: str, project_summary: str, amount_requested: Any
) -> GrantApplication:
    locked = _editable(application, by)
    title = check_text(project_title.strip(), multiline=False, max_length=200, label="The project title")
    summary = check_text(project_summary.strip(), max_length=2000, label="The summary")
    amount: Decimal | None = None
    if amount_requested not in (None, ""):
        try:
            amount = parse_amount(amount_requested)
        except AmountError as exc:
            raise DomainError(str(exc), field="amount_requested") from exc
        programme = locked.programme
        if not programme.amount_min <= amount <= programme.amount_max:
            raise DomainError(
                f"Ask for between £{programme.amount_min:,.2f} and £{programme.amount_max:,.2f}",
                field="amount_requested",
            )
    locked.project_title = title
    locked.project_summary = summary
    locked.amount_requested = amount
    locked.save(update_fields=["project_title", "project_summary", "amount_requested", "updated_at"])
    audit.record(obj=locked, action="grant_application.save_project", by=by, data={"project_title": title})
    return locked


@service
def application_save_answers(
    *, application: GrantApplication, by: Actor, answers: dict[int, str], section: ApplicationSection | None = None
) -> GrantApplication:
    """Save answers (one section's, or the whole one-page form's). An answer over its word limit is refused with
    the question's name and how many words to cut; nothing is saved then, and the form keeps what was typed."""
    locked = _editable(application, by)
    questions = working_copy(locked).questions
    if section is not None:
        questions = [q for q in questions if q.section_id == section.pk]
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, str] = {}
    for q in questions:
        if q.pk not in answers:
            continue
        text = check_text(str(answers[q.pk]).strip(), max_length=50_000, label="This answer")
        problem = word_limit_problem(q, text)
        if problem:
            errors[f"q{q.pk}"] = [problem]
        cleaned[q.pk] = text
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, field_errors=errors)
    for question_id, text in cleaned.items():
        ApplicationAnswer.objects.update_or_create(application=locked, question_id=question_id, defaults={"text": text})
    audit.record(
        obj=locked,
        action="grant_application.save_answers",
        by=by,
        data={"section": section.title if section else "all", "answers": len(cleaned)},
    )
    return locked


@service
def application_submit(*, application: GrantApplication, by: Actor, declaration: bool) -> ApplicationVersion:
    """Submit the working copy, judged on the server's clock inside this transaction. The receipt is the new
    version: server timestamp and the SHA-256 of the canonical content; the applicant is emailed a PDF copy."""
    programme = GrantProgramme.objects.unscoped(reason=CHECKED).select_for_update().get(pk=application.programme_id)
    locked = (
        GrantApplication.objects.unscoped(reason=CHECKED)
        .select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=application.pk)
    )
    locked.programme = programme
    _require_applicant(locked, by)
    if locked.status not in EDITABLE:
        raise DomainError(f"This application is {locked.get_status_display().lower()}")
    if programme.has_closed():
        raise LateSubmission(late_message(programme))
    for problem in not_open_problems(programme):
        raise DomainError(problem)
    if not declaration:
        raise DomainError("Confirm the declaration to submit your application", field="declaration")
    working = working_copy(locked)
    problems = submission_problems(locked, working)
    if problems:
        raise DomainError("Your application cannot be submitted yet", problems=problems)
    now = timezone.now()
    content = canonical_content(locked, working, contact=by.user)
    digest = content_hash(content)
    number = (
        ApplicationVersion.objects.unscoped(reason=CHECKED).filter(application=locked).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    version = ApplicationVersion(
        application=locked,
        number=number,
        submitted_at=now,
        submitted_by=by.user,
        content=content,
        sha256=digest,
        amount_requested=locked.amount_requested,
    )
    version.save(force_insert=True)
    GrantApplication.objects.unscoped(reason=CHECKED).filter(pk=locked.pk).update(
        current_version=version,
        submitted_at=now,
        submitted_by=by.user,
        receipt_sha256=digest,
        declaration_accepted=True,
    )
    locked.current_version = version
    transition(
        obj=locked,
        workflow=APPLICATION_WORKFLOW,
        name="submit",
        by=by,
        data={"version": number, "sha256": digest, "submitted_at": now.isoformat()},
    )
    return version


@service
def application_refuse_late(*, application: GrantApplication, by: Actor) -> GrantApplication:
    """Record that the applicant tried to submit after the closing time: a refused late application."""
    locked = GrantApplication.objects.unscoped(reason=CHECKED).select_for_update(of=("self",)).get(pk=application.pk)
    if locked.status not in EDITABLE:
        return locked
    GrantApplication.objects.unscoped(reason=CHECKED).filter(pk=locked.pk).update(late_at=timezone.now())
    return transition(obj=locked, workflow=APPLICATION_WORKFLOW, name="refuse_late", by=by)


def submit_or_refuse_late(*, application: GrantApplication, by: Actor, declaration: bool) -> ApplicationVersion:
    """Submit; a submission after the closing time is refused (``LateSubmission``, 400) and, in its own
    transaction, recorded as a refused late application."""
    try:
        return application_submit(application=application, by=by, declaration=declaration)
    except LateSubmission:
        application_refuse_late(application=application, by=by)
        raise


@service
def application_withdraw(*, application: GrantApplication, by: Actor, reason: str = "") -> GrantApplication:
    reason = check_text(reason.strip(), max_length=2000, label="The reason")
    done = transition(obj=application, workflow=APPLICATION_WORKFLOW, name="withdraw", by=by, reason=reason)
    GrantApplication.objects.unscoped(reason=CHECKED).filter(pk=done.pk).update(
        withdrawn_at=timezone.now(), withdrawal_reason=reason
    )
    done.refresh_from_db()
    return done


# --- the emailed copy ----------------------------------------------------------------------------------------------


def receipt_pdf(version: ApplicationVersion) -> bytes:
    """The applicant's copy of what it submitted (pure: the immutable version in, PDF bytes out)."""
    return render_pdf(
        "grants/application_copy_pdf.html",
        {"content": version.content, "version": version, "submitted_at": timezone.localtime(version.submitted_at)},
    )


def receipt_filename(version: ApplicationVersion) -> str:
    return f"grant-application-{version.public_id}.pdf"


def _receipt_attachments(key: str) -> list[tuple[str, bytes, str]]:
    """The PDF attached to a receipt email (``key``: the version's public id). Runs in the email sender."""
    with unscoped(reason="the email sender attaches the applicant's own copy"):
        version = ApplicationVersion.objects.filter(public_id=key).first()
        if version is None:
            return []
        return [(receipt_filename(version), receipt_pdf(version), "application/pdf")]


notifications.register_attachments(RECEIPT_KEY, _receipt_attachments)


@APPLICATION_WORKFLOW.effect("send_receipt")
def _send_receipt(application: GrantApplication, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    version = application.current_version
    if version is None or by.user is None:
        return
    local = timezone.localtime(version.submitted_at)
    notify(
        recipients=[by.user],
        subject=f"Your application to {application.programme.title} was received",
        body=(
            f"We received your application at {local:%H:%M:%S} on {local:%-d %B %Y}.\n"
            f"Receipt (SHA-256): {version.sha256}\n"
            "A copy of what you submitted is attached as a PDF."
        ),
        url=reverse("grant-application", kwargs={"application_id": application.public_id}),
        organisation=application.organisation,
        dedupe_key=f"{RECEIPT_KEY}:{version.public_id}",
    )
