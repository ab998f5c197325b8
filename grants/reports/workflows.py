"""The end-of-grant report: draft -> submitted -> accepted, or returned (with a reason) -> submitted again."""

from __future__ import annotations

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.applications.workflows import APPLICATION_WORKFLOW
from grants.reports.models import GrantReport, ReportStatus
from grants.reports.rules import closing_problems, is_grant_lead, is_grantee, is_report_lead, report_problems
from partners.models import Role

S = ReportStatus
GRANTEE_ROLES = frozenset({Role.ORG_ADMIN, Role.BIDDER})
LEAD_ROLES = frozenset({Role.COMMISSIONER})


def _stamp_submitted(report: GrantReport, by: Actor) -> None:
    report.submitted_at = timezone.now()
    report.submitted_by = by.user
    report.save(update_fields=["submitted_at", "submitted_by"])


def _stamp_reviewed(report: GrantReport, by: Actor) -> None:
    report.reviewed_at = timezone.now()
    report.reviewed_by = by.user
    report.save(update_fields=["reviewed_at", "reviewed_by"])


REPORT_WORKFLOW = Workflow(
    "grant_report",
    ReportStatus,
    [
        Transition(
            "submit",
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            "Submit the report",
            roles=GRANTEE_ROLES,
            allowed=is_grantee,
            who="the grantee",
            guards=(report_problems,),
            effects=(_stamp_submitted, "tell_lead_submitted"),
        ),
        Transition(
            "accept",
            (S.SUBMITTED,),
            S.ACCEPTED,
            "Accept the report",
            roles=LEAD_ROLES,
            allowed=is_report_lead,
            who="the lead commissioner",
            effects=(_stamp_reviewed, "tell_grantee_reviewed"),
        ),
        Transition(
            "return",
            (S.SUBMITTED,),
            S.RETURNED,
            "Return for changes",
            roles=LEAD_ROLES,
            allowed=is_report_lead,
            who="the lead commissioner",
            needs_reason=True,
            effects=(_stamp_reviewed, "note_return_reason", "tell_grantee_reviewed"),
        ),
    ],
    terminal=(S.ACCEPTED,),
    colours={S.DRAFT: "grey", S.SUBMITTED: "blue", S.RETURNED: "orange", S.ACCEPTED: "green"},
)


def _stamp_closed(application: GrantApplication, by: Actor) -> None:
    application.closed_at = timezone.now()
    application.save(update_fields=["closed_at"])


# Closing a grant is a step of the application's own workflow (declared with the application's states), added here
# where its guard lives: the grant is accepted, every instalment paid, and the end-of-grant report accepted.
CLOSE_GRANT = Transition(
    "close",
    (ApplicationStatus.ACCEPTED,),
    ApplicationStatus.CLOSED,
    "Close the grant",
    roles=LEAD_ROLES,
    allowed=is_grant_lead,
    who="the lead commissioner",
    guards=(closing_problems,),
    effects=(_stamp_closed,),
)
APPLICATION_WORKFLOW.transitions.setdefault(CLOSE_GRANT.name, CLOSE_GRANT)
