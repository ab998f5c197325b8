"""Pure checks for the end-of-grant report and closing a grant."""

from __future__ import annotations

from typing import Any

from grants.applications.models import ApplicationStatus, GrantApplication
from grants.payments.models import GrantInstalment, InstalmentStatus
from grants.reports.models import GrantReport, ReportStatus


def report_problems(report: GrantReport) -> list[str]:
    """What the grantee still has to write before submitting."""
    problems = []
    if not report.outcomes.strip():
        problems.append("Say what the grant achieved (outcomes)")
    if report.spend is None:
        problems.append("Give the amount spent")
    if not report.case_study.strip():
        problems.append("Write a case study")
    return problems


def is_grantee(report: GrantReport, by: Any) -> bool:
    organisation = getattr(by, "organisation", None)
    return organisation is not None and report.application.organisation_id == organisation.pk


def is_report_lead(report: GrantReport, by: Any) -> bool:
    organisation = getattr(by, "organisation", None)
    return organisation is not None and report.application.programme.commission.lead_id == organisation.pk


def close_problems(application: GrantApplication, *, report: GrantReport | None, unpaid: int) -> list[str]:
    """Why the grant cannot be closed yet: it must be accepted, fully paid and its report accepted."""
    problems = []
    if application.status != ApplicationStatus.ACCEPTED:
        problems.append(f"The grant is {application.get_status_display().lower()}")
    if unpaid:
        problems.append(f"{unpaid} instalment{'s are' if unpaid != 1 else ' is'} still to be paid")
    if report is None or report.status != ReportStatus.ACCEPTED:
        problems.append("The end-of-grant report has not been accepted")
    return problems


def report_of(application: GrantApplication) -> GrantReport | None:
    return GrantReport.objects.filter(application=application).first()


def unpaid_instalments(application: GrantApplication) -> int:
    return GrantInstalment.objects.filter(application=application, status=InstalmentStatus.SCHEDULED).count()


def closing_problems(application: GrantApplication) -> list[str]:
    """The guard of closing a grant, read from the database (a rule: it reads, never writes)."""
    if application.status != ApplicationStatus.ACCEPTED:
        return close_problems(application, report=None, unpaid=0)[:1]
    return close_problems(application, report=report_of(application), unpaid=unpaid_instalments(application))


def is_grant_lead(application: GrantApplication, by: Any) -> bool:
    organisation = getattr(by, "organisation", None)
    return organisation is not None and application.programme.commission.lead_id == organisation.pk
