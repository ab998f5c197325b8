"""Writes (keyword-only, atomic, audited): contributions and the finance reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from commissioning.commissions.models import (
    CommissionStatus,
    Contribution,
    ContributionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
)
from commissioning.commissions.permissions import is_accepted_participant, is_lead
from commissioning.commissions.rules import require_planning
from commissioning.commissions.services import LOCK, lock_commission, notify_lead
from commissioning.money.workflows import CONTRIBUTION_WORKFLOW
from commissioning.service_map.models import MappedContract
from commissioning.service_map.services import money_str
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import financial_year_label, format_gbp, money
from core.service import service
from core.workflow import transition
from partners.models import Organisation, Role


def _may_record_for(commission: JointCommission, organisation: Organisation, by: Actor) -> None:
    if is_lead(commission, by):
        return
    if by.organisation is not None and by.organisation.pk == organisation.pk and by.has_role(Role.COMMISSIONER):
        return
    raise NotPermitted(
        f"Only the lead commissioner or {organisation}'s commissioners can record {organisation}'s contribution"
    )


def _check_source(
    source: MappedContract | None,
    *,
    commission: JointCommission,
    organisation: Organisation,
    year: int,
    amount: Decimal,
    exclude_pk: int | None = None,
) -> None:
    if source is None:
        return
    if not source.alignable:
        raise DomainError(
            f"{source.title or source.funding_source} ({format_gbp(source.annual_value)} a year, {source.funding_source}) "
            f"is ring-fenced and cannot be aligned: {source.not_alignable_reason}",
            field="source",
        )
    if source.funder_id != organisation.pk:
        raise DomainError(f"That contract is not funded by {organisation}", field="source")
    if source.partnership_id != commission.partnership_id:
        raise DomainError("That contract is in another partnership's map", field="source")
    others = Contribution.objects.unscoped(reason="what is already drawn from this contract, in any commission").filter(
        source=source, financial_year=year
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    used = others.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if used + amount > source.annual_value:
        raise DomainError(
            f"{format_gbp(used + amount)} would be drawn from a contract worth {format_gbp(source.annual_value)} a "
            f"year in {financial_year_label(year)}",
            field="amount",
        )


@service
def contribution_set(
    *,
    commission: JointCommission,
    organisation: Organisation,
    financial_year: int,
    amount: Decimal,
    by: Actor,
    source: MappedContract | None = None,
    funding_source: str = "",
) -> Contribution:
    """Record (or change, while indicative) one partner's contribution for one financial year."""
    commission = lock_commission(commission)
    _may_record_for(commission, organisation, by)
    require_planning(commission, "add or change contributions")
    p = Participation.objects.filter(commission=commission, organisation=organisation).first()
    if p is None or p.status not in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
        raise DomainError(f"{organisation} is not taking part in this commission", field="organisation")
    if financial_year not in commission.financial_years:
        raise DomainError(
            f"{financial_year_label(financial_year)} is outside the term ({commission.term_label})",
            field="financial_year",
        )
    if isinstance(amount, float):
        raise DomainError("Amounts are exact pounds and pence", field="amount")
    amount = money(amount)
    if amount < 0:
        raise DomainError("A contribution cannot be negative", field="amount")
    existing = (
        Contribution.objects.select_for_update(of=("self",))
        .filter(commission=commission, organisation=organisation, financial_year=financial_year)
        .first()
    )
    _check_source(
        source,
        commission=commission,
        organisation=organisation,
        year=financial_year,
        amount=amount,
        exclude_pk=existing.pk if existing else None,
    )
    if existing is not None:
        if existing.status != ContributionStatus.INDICATIVE:
            raise DomainError(
                f"{organisation}'s {existing.year_label} contribution is {existing.get_status_display().lower()}: "
                "it can no longer be changed",
                field="amount",
            )
        before = money_str(existing.amount)
        existing.amount = amount
        existing.source = source
        existing.funding_source = funding_source.strip() or (source.funding_source if source else "")
        existing.recorded_by = by.user
        existing.recorded_at = timezone.now()
        existing.save()
        audit.record(obj=existing, action="contribution.changed", by=by, data={"from": before, "to": money_str(amount)})
        return existing
    contribution = Contribution.objects.create(
        commission=commission,
        organisation=organisation,
        financial_year=financial_year,
        amount=amount,
        source=source,
        funding_source=funding_source.strip() or (source.funding_source if source else ""),
        recorded_by=by.user,
    )
    audit.record(
        obj=contribution,
        action="contribution.recorded",
        by=by,
        to_state=contribution.status,
        data={"amount": money_str(amount), "year": contribution.year_label},
    )
    return contribution


@service
def contributions_set_annual(
    *,
    commission: JointCommission,
    organisation: Organisation,
    annual_amount: Decimal,
    by: Actor,
    years: Iterable[int] | None = None,
    source: MappedContract | None = None,
    funding_source: str = "",
) -> list[Contribution]:
    """The same amount for each of the given years (default: every year of the term)."""
    chosen = list(years) if years is not None else list(commission.financial_years)
    if not chosen:
        raise DomainError("Choose at least one year", field="years")
    return [
        contribution_set(
            commission=commission,
            organisation=organisation,
            financial_year=year,
            amount=annual_amount,
            by=by,
            source=source,
            funding_source=funding_source,
        )
        for year in chosen
    ]


@service
def contribution_remove(*, contribution: Contribution, by: Actor) -> None:
    contribution = (
        Contribution.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission", "organisation")
        .get(pk=contribution.pk)
    )
    _may_record_for(contribution.commission, contribution.organisation, by)
    require_planning(contribution.commission, "remove contributions")
    if contribution.status != ContributionStatus.INDICATIVE:
        raise DomainError("Only an indicative contribution can be removed")
    audit.record(
        obj=contribution,
        action="contribution.removed",
        by=by,
        from_state=contribution.status,
        data={"amount": money_str(contribution.amount), "year": contribution.year_label},
    )
    contribution.delete()


@service
def contribution_confirm(*, contribution: Contribution, by: Actor) -> Contribution:
    """The contributing partner confirms its figure: indicative -> confirmed. Only that partner can commit its money."""
    contribution = (
        Contribution.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission", "organisation", "source")
        .get(pk=contribution.pk)
    )
    commission = contribution.commission
    if by.organisation is None or by.organisation.pk != contribution.organisation_id:
        raise NotPermitted(f"Only {contribution.organisation} can confirm its own contribution")
    if not by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER):
        raise NotPermitted("Only a commissioner or finance officer can confirm a contribution")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    if not is_accepted_participant(commission, contribution.organisation_id):
        raise DomainError(f"Accept the invitation to take part before confirming {contribution.organisation}'s money")
    if contribution.status != ContributionStatus.INDICATIVE:
        raise DomainError(
            f"The {contribution.year_label} contribution is already {contribution.get_status_display().lower()}"
        )
    _check_source(
        contribution.source,
        commission=commission,
        organisation=contribution.organisation,
        year=contribution.financial_year,
        amount=contribution.amount,
        exclude_pk=contribution.pk,
    )
    return transition(
        obj=contribution,
        workflow=CONTRIBUTION_WORKFLOW,
        name="confirmed",
        by=by,
        data={"amount": money_str(contribution.amount), "year": contribution.year_label},
    )


@CONTRIBUTION_WORKFLOW.effect("tell_lead_of_confirmation")
def _tell_lead_of_confirmation(
    contribution: Contribution, *, by: Actor, reason: str, data: dict[str, Any] | None
) -> None:
    commission = contribution.commission
    if contribution.organisation_id != commission.lead_id:
        notify_lead(
            commission,
            subject=f"{contribution.organisation} confirmed {format_gbp(contribution.amount)} for {contribution.year_label}",
            body=f"{commission.title}",
        )


@service
def contribution_transfer(
    *, contribution: Contribution, transferred_on: dt.date | None = None, reference: str = "", by: Actor
) -> Contribution:
    """Record that a confirmed contribution has been transferred to the lead: confirmed -> transferred."""
    contribution = (
        Contribution.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission__partnership", "organisation")
        .get(pk=contribution.pk)
    )
    commission = contribution.commission
    organisation_id = by.organisation.pk if by.organisation is not None else None
    allowed = (
        organisation_id == contribution.organisation_id and by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER)
    ) or (
        organisation_id in (commission.lead_id, commission.partnership.accountable_body_id)
        and by.has_role(Role.FINANCE_OFFICER)
    )
    if not allowed:
        raise NotPermitted(
            "Only the contributing partner, or the lead's or accountable body's finance officers, can record a transfer"
        )
    if commission.status in (CommissionStatus.DRAFT, CommissionStatus.GATHERING):
        raise DomainError("Money is transferred once partners have signed up")
    if contribution.status != ContributionStatus.CONFIRMED:
        raise DomainError(
            f"Only a confirmed contribution can be transferred; this one is {contribution.get_status_display().lower()}"
        )
    problems: dict[str, list[str]] = {}
    if transferred_on is None:
        problems["transferred_on"] = ["Enter the date of the transfer"]
    elif transferred_on > timezone.localdate():
        problems["transferred_on"] = ["The transfer date cannot be in the future"]
    if not reference.strip():
        problems["reference"] = ["Enter the transfer's reference"]
    if problems:
        raise DomainError("Check the transfer's details", field_errors=problems)
    # The details go in first: the table's check constraint wants them whenever the state is "transferred", and the
    # step saves only the state. Refused below, the whole service rolls back with them.
    contribution.transferred_on = transferred_on
    contribution.transfer_reference = reference.strip()[:100]
    contribution.transfer_recorded_by = by.user
    contribution.save(update_fields=["transferred_on", "transfer_reference", "transfer_recorded_by"])
    return transition(
        obj=contribution,
        workflow=CONTRIBUTION_WORKFLOW,
        name="transferred",
        by=by,
        data={
            "amount": money_str(contribution.amount),
            "year": contribution.year_label,
            "transferred_on": transferred_on.isoformat(),
            "reference": contribution.transfer_reference,
        },
    )


# The generic API step (``POST /api/v1/contributions/{id}/transition/``) for each of the workflow's steps. A transfer
# taken that way has no date or reference, so it is refused naming both: ``.../transfer/`` records them.
CONTRIBUTION_STEPS: dict[str, Callable[..., Contribution]] = {
    "confirmed": contribution_confirm,
    "transferred": contribution_transfer,
}
