"""An application's states. The applicant submits (before closing) and may withdraw (before closing); a
submission after closing is recorded as refused late. The assessment, decision, offer and acceptance stages add
their steps to ``APPLICATION_WORKFLOW`` from the states already declared here."""

from __future__ import annotations

from core.actors import Actor
from core.workflow import Transition, Workflow
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.applications.rules import after_closing, before_closing, is_applicant
from grants.programmes.rules import APPLICANT_ROLES

A = ApplicationStatus


def _applicant(application: GrantApplication, by: Actor) -> bool:
    return is_applicant(application, by)


APPLICATION_WORKFLOW = Workflow(
    "grant_application",
    ApplicationStatus,
    [
        Transition(
            "submit",
            (A.DRAFT, A.WITHDRAWN),
            A.SUBMITTED,
            "Submit",
            roles=APPLICANT_ROLES,
            allowed=_applicant,
            who="the applicant",
            guards=(before_closing,),
            effects=("send_receipt",),
        ),
        Transition(
            "withdraw",
            (A.SUBMITTED,),
            A.WITHDRAWN,
            "Withdraw",
            roles=APPLICANT_ROLES,
            allowed=_applicant,
            who="the applicant",
            guards=(before_closing,),
        ),
        Transition(
            "refuse_late",
            (A.DRAFT, A.WITHDRAWN),
            A.LATE,
            "Refuse as late",
            roles=APPLICANT_ROLES,
            system=True,
            allowed=_applicant,
            who="the applicant",
            guards=(after_closing,),
        ),
    ],
    terminal=(A.LATE, A.CLOSED),
    colours={
        A.DRAFT: "grey",
        A.SUBMITTED: "blue",
        A.WITHDRAWN: "grey",
        A.LATE: "red",
        A.INELIGIBLE: "red",
        A.UNSUCCESSFUL: "red",
        A.OFFERED: "turquoise",
        A.ACCEPTED: "green",
        A.OFFER_DECLINED: "grey",
        A.CLOSED: "grey",
    },
)
