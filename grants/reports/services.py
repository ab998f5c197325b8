"""Writes: the grantee's end-of-grant report (saved as often as they like, then submitted), the lead's review
(accept, or return with a reason), and closing the grant once it is paid and its report accepted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from core import audit
from core.actors import Actor
from core.changes import apply_changes
from core.errors import DomainError, NotPermitted
from core.notifications import notify
from core.service import service
from core.workflow import transition
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.applications.workflows import APPLICATION_WORKFLOW
from grants.payments.services import people
from grants.reports.models import GrantReport
from grants.reports.workflows import CLOSE_GRANT, GRANTEE_ROLES, REPORT_WORKFLOW
from partners.models import Organisation, Role

REPORT_FIELDS = ("outcomes", "spend", "spend_notes", "case_study")


def report_url(application: GrantApplication) -> str:
    return reverse("grant-report", kwargs={"grant_id": application.public_id})


@service
def report_save(*, application: GrantApplication, data: dict[str, Any], by: Actor) -> GrantReport:
    """Create or update the grantee's report (only while it is a draft or returned)."""
    organisation = by.organisation
    if organisation is None or application.organisation_id != organisation.pk or not by.has_role(*GRANTEE_ROLES):
        raise NotPermitted("Only the grantee's organisation admin or bid writer can write the report")
    if application.status not in (ApplicationStatus.ACCEPTED, ApplicationStatus.CLOSED):
        raise DomainError("Only an accepted grant has an end-of-grant report")
    report, created = GrantReport.objects.select_for_update().get_or_create(application=application)
    if not report.is_editable:
        raise DomainError(f"The report is {report.get_status_display().lower()}: it can no longer be changed")
    spend = data.get("spend")
    if spend is not None and Decimal(spend) < 0:
        raise DomainError("The amount spent cannot be negative", field="spend")
    changed = apply_changes(report, data, fields=REPORT_FIELDS)
    report.full_clean(exclude=["application"])
    if changed:
        report.save(update_fields=[*changed, "updated_at"])
    audit.record(
        obj=report, action="grant_report.created" if created else "grant_report.saved", by=by, data={"fields": changed}
    )
    return report


@REPORT_WORKFLOW.effect("tell_lead_submitted")
def _tell_lead_submitted(report: GrantReport, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    application = report.application
    commission = application.programme.commission
    contact = commission.lead_contact
    recipients = (
        [contact] if contact is not None and contact.is_active else people(commission.lead_id, Role.COMMISSIONER)
    )
    notify(
        recipients=recipients,
        subject=f"{application.organisation} submitted its end-of-grant report",
        body=f"Review the report on the {application.programme.title} grant: accept it, or return it with a reason.",
        url=report_url(application),
        organisation=Organisation(pk=commission.lead_id),
        dedupe_key=f"grant-report-submitted:{report.pk}:{report.submitted_at:%Y%m%d%H%M%S%f}",
    )


@REPORT_WORKFLOW.effect("note_return_reason")
def _note_return_reason(report: GrantReport, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    report.return_reason = reason
    report.save(update_fields=["return_reason"])


@REPORT_WORKFLOW.effect("tell_grantee_reviewed")
def _tell_grantee_reviewed(report: GrantReport, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    application = report.application
    accepted = report.status == "accepted"
    notify(
        recipients=people(application.organisation_id, Role.ORG_ADMIN, Role.BIDDER),
        subject=(
            "Your end-of-grant report was accepted" if accepted else "Your end-of-grant report was returned for changes"
        ),
        body=reason,
        url=report_url(application),
        organisation=Organisation(pk=application.organisation_id),
        dedupe_key=f"grant-report-reviewed:{report.pk}:{report.reviewed_at:%Y%m%d%H%M%S%f}",
    )


@service
def grant_close(*, application: GrantApplication, by: Actor) -> GrantApplication:
    """Close a grant: the lead, once every instalment is paid and the end-of-grant report accepted (the guard)."""
    closed = transition(obj=application, workflow=APPLICATION_WORKFLOW, name=CLOSE_GRANT.name, by=by)
    notify(
        recipients=people(application.organisation_id, Role.ORG_ADMIN, Role.BIDDER),
        subject=f"Your {application.programme.title} grant is closed",
        body="Thank you: every instalment is paid and your end-of-grant report was accepted.",
        url=report_url(application),
        organisation=Organisation(pk=application.organisation_id),
        dedupe_key=f"grant-closed:{application.pk}",
    )
    return closed
