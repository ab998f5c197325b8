"""Writes: an accepted grant's payment schedule and paying its instalments, each attributed to the funding
partners' money to the penny.

- ``schedule_set``: the lead (finance officer or commissioner) sets the instalments: amounts and due dates adding up
  exactly to the award (with whatever was already paid). The first time, it fixes each partner's share of the award
  (in proportion to the partners' confirmed contributions to the programme's commission).
- ``instalment_pay``: records the date and payment reference of one instalment and what each partner's money paid of
  it (``grants.payments.rules.attribute``). Paying the same instalment again with the same date and reference --
  a double click, a retried request, two finance officers at once -- takes effect once: the row is locked, the second
  call finds it paid and changes nothing; a different date or reference is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from commissioning.models import Contribution, ContributionStatus
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import format_gbp, money
from core.notifications import notify
from core.service import service
from core.text import text_problem
from core.workflow import transition
from grants.applications.models import GrantApplication
from grants.payments.models import GrantFundingShare, GrantInstalment, InstalmentPart, InstalmentStatus
from grants.payments.rules import (
    ZERO,
    PlannedInstalment,
    attribute,
    award_shares,
    grant_payable_problems,
    is_lead,
    remaining,
    schedule_problems,
)
from grants.payments.workflows import INSTALMENT_WORKFLOW
from partners.models import Membership, Organisation, Role, User

PAYERS = (Role.FINANCE_OFFICER, Role.COMMISSIONER)
CONTRIBUTIONS = "a grant's shares follow every partner's confirmed contribution to the programme"
TELLS = "paying a grant tells the grantee's people"


def _require_payer(application: GrantApplication, by: Actor) -> None:
    if not (by.has_role(*PAYERS) and is_lead(application, by)):
        raise NotPermitted("Only the lead partner's finance officer or commissioner can do this")


def confirmed_contributions(application: GrantApplication) -> dict[int, Decimal]:
    """Each partner's confirmed (or transferred) money for the programme, every financial year together."""
    rows = (
        Contribution.objects.unscoped(reason=CONTRIBUTIONS)
        .filter(
            commission_id=application.programme.commission_id,
            status__in=[ContributionStatus.CONFIRMED, ContributionStatus.TRANSFERRED],
        )
        .values("organisation_id")
        .annotate(total=Sum("amount"))
        .order_by("organisation__name", "organisation_id")
    )
    return {row["organisation_id"]: money(row["total"]) for row in rows}


def ensure_shares(application: GrantApplication, *, by: Actor) -> list[GrantFundingShare]:
    """The grant's funding shares, fixed the first time they are needed."""
    existing = list(GrantFundingShare.objects.filter(application=application))
    if existing:
        return existing
    assert application.amount_awarded is not None
    shares = award_shares(confirmed_contributions(application), application.amount_awarded)
    created = GrantFundingShare.objects.bulk_create(
        [GrantFundingShare(application=application, organisation_id=k, amount=v) for k, v in shares.items()]
    )
    audit.record(
        obj=application,
        action="grant.shares_fixed",
        by=by,
        data={"shares": {str(k): str(v) for k, v in shares.items()}},
    )
    return created


@service
def schedule_set(
    *, application: GrantApplication, instalments: Sequence[PlannedInstalment], by: Actor
) -> list[GrantInstalment]:
    """Set the unpaid instalments of an accepted grant (the paid ones stay as they were)."""
    _require_payer(application, by)
    locked = GrantApplication.objects.select_for_update().get(pk=application.pk)
    problems = grant_payable_problems(locked)
    if problems:
        raise DomainError("This grant cannot be scheduled", problems=problems)
    assert locked.amount_awarded is not None
    ensure_shares(locked, by=by)
    current = list(GrantInstalment.objects.select_for_update().filter(application=locked))
    paid = [i for i in current if i.is_paid]
    already = money(sum((i.amount for i in paid), ZERO))
    planned = sorted(instalments, key=lambda r: r.due_on)
    wrong = schedule_problems(locked.amount_awarded, already, planned)
    if wrong:
        first = next(iter(wrong.values()))[0]
        raise DomainError(first, field="instalments", field_errors=wrong)
    GrantInstalment.objects.filter(application=locked, status=InstalmentStatus.SCHEDULED).delete()
    start = max((i.number for i in paid), default=0)
    created = GrantInstalment.objects.bulk_create(
        [
            GrantInstalment(application=locked, number=start + n, amount=money(row.amount), due_on=row.due_on)
            for n, row in enumerate(planned, start=1)
        ]
    )
    audit.record(
        obj=locked,
        action="grant.schedule_set",
        by=by,
        data={"instalments": [{"amount": str(r.amount), "due_on": r.due_on.isoformat()} for r in planned]},
    )
    return created


@service
def instalment_pay(*, instalment: GrantInstalment, paid_on: dt.date, reference: str, by: Actor) -> GrantInstalment:
    """Record an instalment as paid, once (see the module's docstring)."""
    reference = (reference or "").strip()
    problem = text_problem(reference, multiline=False)
    if problem:
        raise DomainError(problem, field="reference")
    if not reference:
        raise DomainError("Enter the payment reference", field="reference")
    if len(reference) > 100:
        raise DomainError("The payment reference must be 100 characters or fewer", field="reference")
    if paid_on > timezone.localdate():
        raise DomainError("The payment date cannot be in the future", field="paid_on")
    locked = GrantInstalment.objects.select_for_update().select_related("application").get(pk=instalment.pk)
    _require_payer(locked.application, by)
    if locked.is_paid:
        if locked.reference == reference and locked.paid_on == paid_on:
            return locked  # the same payment again: it took effect once already
        raise DomainError(
            f"Instalment {locked.number} was already paid on {locked.paid_on:%d %B %Y} (reference {locked.reference})",
            field="reference",
        )
    if GrantInstalment.objects.filter(application=locked.application, reference=reference).exists():
        raise DomainError("Another instalment of this grant was paid under this reference", field="reference")
    # The payment's facts first (a paid instalment must have them), then the step; a refused step undoes both.
    locked.paid_on, locked.reference, locked.paid_by, locked.paid_at = paid_on, reference, by.user, timezone.now()
    locked.save(update_fields=["paid_on", "reference", "paid_by", "paid_at"])
    return transition(
        obj=locked,
        workflow=INSTALMENT_WORKFLOW,
        name="pay",
        by=by,
        data={"paid_on": paid_on.isoformat(), "reference": reference, "amount": str(locked.amount)},
    )


@INSTALMENT_WORKFLOW.effect("attribute_payment")
def _attribute_payment(instalment: GrantInstalment, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    """Stamp the payment and split it between the partners' money (what each has still to pay of its share)."""
    data = data if data is not None else {}
    if instalment.paid_on is None or not instalment.reference:
        raise DomainError("Give the date paid and the payment reference: use the payment form", field="paid_on")
    application = instalment.application
    shares = {s.organisation_id: s.amount for s in ensure_shares(application, by=by)}
    before = InstalmentPart.objects.filter(
        instalment__application=application, instalment__status=InstalmentStatus.PAID
    ).exclude(instalment=instalment)
    parts = attribute(remaining(shares, before.values_list("organisation_id", "amount")), instalment.amount)
    InstalmentPart.objects.bulk_create(
        [InstalmentPart(instalment=instalment, organisation_id=k, amount=v) for k, v in parts.items() if v > 0]
    )
    names = dict(Organisation.objects.filter(pk__in=list(parts)).values_list("pk", "name"))
    data["parts"] = {names.get(k, str(k)): str(v) for k, v in parts.items()}
    _tell_grantee(instalment)


def _tell_grantee(instalment: GrantInstalment) -> None:
    application = instalment.application
    notify(
        recipients=people(application.organisation_id, Role.ORG_ADMIN, Role.BIDDER),
        subject=f"{format_gbp(instalment.amount)} of your grant has been paid",
        body=f"Instalment {instalment.number} of your {application.programme.title} grant was paid on "
        f"{instalment.paid_on:%d %B %Y}, reference {instalment.reference}.",
        url=reverse("grant-payments", kwargs={"grant_id": application.public_id}),
        organisation=Organisation(pk=application.organisation_id),
        dedupe_key=f"grant-instalment-paid:{instalment.pk}",
    )


def people(organisation_id: int, *roles: str) -> list[User]:
    return [
        m.user
        for m in Membership.objects.unscoped(reason=TELLS)
        .filter(organisation_id=organisation_id, is_active=True, roles__overlap=list(roles))
        .select_related("user")
        if m.user.is_active
    ]
