"""Demo after the award (called by ``grants.demo`` once the decision stage has accepted offers; idempotent): the
partners confirm the round's money; the first accepted grant has its schedule set (two instalments) and its first
instalment paid from the partners' money; a second accepted grant, if there is one, is paid in full, its grantee's
end-of-grant report accepted and the grant closed. All through the services, as the people who would do it. (The
deciding demo accepts one offer and keeps the other waiting for its answer, so the demo has the first example.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commissioning.commissions.models import Contribution, ContributionStatus
from commissioning.money.services import contribution_confirm
from core.errors import DomainError
from core.tenancy import unscoped
from core.workflow import transition
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.payments.models import GrantInstalment
from grants.payments.rules import PlannedInstalment, suggest_schedule
from grants.payments.services import confirmed_contributions, instalment_pay, schedule_set
from grants.reports.services import grant_close, report_save
from grants.reports.workflows import REPORT_WORKFLOW
from partners.acting import Acting, acting_as
from partners.models import Membership, Organisation, Role

REASON = "the demo loader pays demo grants and closes one, as the people who would"


def _person(organisation: Organisation, *roles: str) -> Acting | None:
    m = (
        Membership.objects.filter(organisation=organisation, is_active=True, roles__overlap=list(roles))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return acting_as(m.user, organisation) if m is not None else None


def _payer(grant: GrantApplication) -> Acting | None:
    lead = grant.programme.commission.lead
    return _person(lead, Role.FINANCE_OFFICER) or _person(lead, Role.COMMISSIONER)


def pay_first_instalment(grant: GrantApplication) -> None:
    payer = _payer(grant)
    if payer is None or grant.amount_awarded is None:
        return
    today = timezone.localdate()
    planned = suggest_schedule(grant.amount_awarded, 2, today - dt.timedelta(days=7), months_apart=6)
    first, _ = schedule_set(application=grant, instalments=planned, by=payer)
    instalment_pay(instalment=first, paid_on=today - dt.timedelta(days=3), reference=f"GR-{grant.pk:05d}-1", by=payer)


def pay_report_and_close(grant: GrantApplication) -> None:
    payer = _payer(grant)
    grantee = _person(grant.organisation, Role.ORG_ADMIN, Role.BIDDER)
    lead = _person(grant.programme.commission.lead, Role.COMMISSIONER)
    if payer is None or grantee is None or lead is None or grant.amount_awarded is None:
        return
    today = timezone.localdate()
    (only,) = schedule_set(
        application=grant,
        instalments=[PlannedInstalment(grant.amount_awarded, today - dt.timedelta(days=60))],
        by=payer,
    )
    instalment_pay(instalment=only, paid_on=today - dt.timedelta(days=58), reference=f"GR-{grant.pk:05d}-1", by=payer)
    report = report_save(
        application=grant,
        data={
            "outcomes": "We ran 24 cooking-on-a-budget sessions for 96 families and stocked the community fridge "
            "twice a week; 70% of families said they now cook a hot meal most days.",
            "spend": grant.amount_awarded - Decimal("35.20"),
            "spend_notes": "Ingredients, venue hire and food hygiene training; £35.20 unspent and offered back.",
            "case_study": "A father of two who had been skipping meals joined the sessions, now volunteers at the "
            "fridge and helped three neighbours apply for support.",
        },
        by=grantee,
    )
    report = transition(obj=report, workflow=REPORT_WORKFLOW, name="submit", by=grantee)
    transition(obj=report, workflow=REPORT_WORKFLOW, name="accept", by=lead)
    grant_close(application=grant, by=lead)


def confirm_the_money(grant: GrantApplication) -> None:
    """Each partner confirms its indicative money for the round (as its finance officer or commissioner), so the
    grant can be paid from it: payments are attributed to confirmed contributions only."""
    rows = Contribution.objects.filter(
        commission_id=grant.programme.commission_id, status=ContributionStatus.INDICATIVE
    ).select_related("organisation")
    for contribution in rows:
        who = _person(contribution.organisation, Role.FINANCE_OFFICER) or _person(
            contribution.organisation, Role.COMMISSIONER
        )
        if who is None:
            continue
        try:
            contribution_confirm(contribution=contribution, by=who)
        except DomainError:
            continue  # a figure its partner cannot confirm yet: that round has no payment example


def load() -> None:
    with unscoped(reason=REASON):
        for grant in GrantApplication.objects.filter(status=ApplicationStatus.ACCEPTED).select_related("programme"):
            if sum(confirmed_contributions(grant).values()) < (grant.amount_awarded or 0):
                confirm_the_money(grant)
        grants = list(
            GrantApplication.objects.filter(status=ApplicationStatus.ACCEPTED)
            .exclude(pk__in=GrantInstalment.objects.values("application_id"))
            .select_related("programme__commission__lead", "organisation")
            .order_by("pk")
        )
        already_closed = GrantApplication.objects.filter(status=ApplicationStatus.CLOSED).exists()
        # Paid from confirmed contributions only: a round whose partners have confirmed too little has no example.
        grants = [g for g in grants if sum(confirmed_contributions(g).values()) >= (g.amount_awarded or 0)]
    if not grants:
        return
    pay_first_instalment(grants[0])
    if len(grants) > 1 and not already_closed:
        pay_report_and_close(grants[1])
