"""Writes (keyword-only, atomic, audited): contributions and the finance reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
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
from commissioning.commissions.services import LOCK, lock_commission, notify_lead, notify_organisations
from commissioning.money.models import ChangeKind, ChangeStatus, ContributionChange
from commissioning.money.rules import pro_rata
from commissioning.money.workflows import CONTRIBUTION_WORKFLOW, VARIATION_WORKFLOW
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


def _settled_refusal(existing: Contribution) -> str:
    """Why a confirmed or transferred figure cannot simply be typed over, naming who settled it and when."""
    if existing.status == ContributionStatus.TRANSFERRED and existing.transferred_on is not None:
        done = f"transferred to the lead on {existing.transferred_on:%-d %B %Y}"
    elif existing.confirmed_at is not None:
        done = f"confirmed by {existing.organisation} on {timezone.localtime(existing.confirmed_at):%-d %B %Y}"
    else:
        done = f"{existing.get_status_display().lower()} by {existing.organisation}"
    return (
        f"This amount ({format_gbp(existing.amount)} for {existing.year_label}) was {done}; propose a variation instead"
    )


@dataclass(frozen=True)
class Recorded:
    """What saving one year did: ``before`` is the old amount (``None`` when the row is new); ``changed`` is False
    when the same figure was saved again (nothing written)."""

    contribution: Contribution
    before: Decimal | None
    changed: bool

    @property
    def message(self) -> str:
        label = self.contribution.commission.year_label(self.contribution.financial_year)
        if self.before is None:
            return f"{label}: {format_gbp(self.contribution.amount)} recorded (indicative)"
        if not self.changed:
            return f"{label}: unchanged at {format_gbp(self.contribution.amount)}"
        return f"{label}: changed from {format_gbp(self.before)} to {format_gbp(self.contribution.amount)}"


def _record_one(
    commission: JointCommission,
    *,
    organisation: Organisation,
    financial_year: int,
    amount: Decimal,
    by: Actor,
    source: MappedContract | None,
    funding_source: str,
    reason: str,
) -> Recorded:
    """One partner-year, on the locked commission: a new indicative row, or a change to an indicative one with the
    old figure kept (``ContributionChange``). A confirmed or transferred figure is refused: it changes only through
    a variation. Saving the same figure again writes nothing, so a repeated submission takes effect once."""
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
    funding = funding_source.strip() or (source.funding_source if source else "")
    existing = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(commission=commission, organisation=organisation, financial_year=financial_year)
        .first()
    )
    if existing is not None and existing.status != ContributionStatus.INDICATIVE:
        raise DomainError(_settled_refusal(existing), field="amount")
    _check_source(
        source,
        commission=commission,
        organisation=organisation,
        year=financial_year,
        amount=amount,
        exclude_pk=existing.pk if existing else None,
    )
    if existing is not None:
        existing.commission = commission
        if existing.amount == amount and existing.source_id == (source.pk if source else None):
            return Recorded(existing, existing.amount, changed=False)
        before = existing.amount
        existing.amount = amount
        existing.source = source
        existing.funding_source = funding
        existing.recorded_by = by.user
        existing.recorded_at = timezone.now()
        existing.save(update_fields=["amount", "source", "funding_source", "recorded_by", "recorded_at"])
        if before != amount:
            ContributionChange.objects.create(
                contribution=existing,
                kind=ChangeKind.CHANGE,
                status=ChangeStatus.APPLIED,
                old_amount=before,
                new_amount=amount,
                reason=reason.strip()[:1000],
                proposed_by=by.user,
                decided_by=by.user,
                decided_at=timezone.now(),
            )
        audit.record(
            obj=existing,
            action="contribution.changed",
            by=by,
            reason=reason.strip()[:1000],
            data={"from": money_str(before), "to": money_str(amount)},
        )
        return Recorded(existing, before, changed=True)
    contribution = Contribution.objects.create(
        commission=commission,
        organisation=organisation,
        financial_year=financial_year,
        amount=amount,
        source=source,
        funding_source=funding,
        recorded_by=by.user,
    )
    audit.record(
        obj=contribution,
        action="contribution.recorded",
        by=by,
        to_state=contribution.status,
        data={"amount": money_str(amount), "year": contribution.year_label},
    )
    return Recorded(contribution, None, changed=True)


def _may_record(commission: JointCommission, organisation: Organisation, by: Actor) -> None:
    _may_record_for(commission, organisation, by)
    require_planning(commission, "add or change contributions")
    p = Participation.objects.filter(commission=commission, organisation=organisation).first()
    if p is None or p.status not in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
        raise DomainError(f"{organisation} is not taking part in this commission", field="organisation")


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
    reason: str = "",
) -> Contribution:
    """Record one partner's contribution for one financial year, or change it while indicative (the old figure is
    kept in its history). A confirmed or transferred figure is refused: propose a variation."""
    commission = lock_commission(commission)
    _may_record(commission, organisation, by)
    return _record_one(
        commission,
        organisation=organisation,
        financial_year=financial_year,
        amount=amount,
        by=by,
        source=source,
        funding_source=funding_source,
        reason=reason,
    ).contribution


@service
def contributions_record(
    *,
    commission: JointCommission,
    organisation: Organisation,
    amounts: Mapping[int, Decimal],
    by: Actor,
    source: MappedContract | None = None,
    funding_source: str = "",
    reason: str = "",
) -> list[Recorded]:
    """The years the user filled in, and only those: every other year keeps its figure. All or nothing: a refused
    year (confirmed, outside the term, over the source) leaves every year as it was, and names the year."""
    if not amounts:
        raise DomainError("Enter an amount for at least one financial year", field="amounts")
    commission = lock_commission(commission)
    _may_record(commission, organisation, by)
    out = []
    for year in sorted(amounts):
        try:
            out.append(
                _record_one(
                    commission,
                    organisation=organisation,
                    financial_year=year,
                    amount=amounts[year],
                    by=by,
                    source=source,
                    funding_source=funding_source,
                    reason=reason,
                )
            )
        except DomainError as error:
            field = f"year_{year}" if error.field in ("amount", "financial_year", None) else error.field
            raise DomainError(error.message, field=field) from error
    return out


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
    """A year's money for each of the given years, a part-year its pro-rata share
    (``commissioning.money.rules.pro_rata``): the years of the whole term add up exactly to annual x term.

    By default, the years of the term that hold no figure yet for the partner: a year that has one keeps it (change
    it by naming the year)."""
    suggestion = {s.year: s.amount for s in pro_rata(annual_amount, commission.year_parts)}
    if years is None:
        held = set(
            Contribution.objects.filter(commission=commission, organisation=organisation).values_list(
                "financial_year", flat=True
            )
        )
        chosen = [y for y in commission.financial_years if y not in held]
        if not chosen:
            raise DomainError(
                f"Every year of the term already has a figure for {organisation}: enter the years to change",
                field="annual_amount",
            )
    else:
        chosen = list(years)
    if not chosen:
        raise DomainError("Choose at least one year", field="years")
    recorded = contributions_record(
        commission=commission,
        organisation=organisation,
        amounts={year: suggestion.get(year, annual_amount) for year in chosen},
        source=source,
        funding_source=funding_source,
        by=by,
    )
    return [r.contribution for r in recorded]


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


# --- variations: a confirmed or transferred figure changes only with the partner's re-confirmation ----------------


def _lock_contribution(contribution: Contribution) -> Contribution:
    return (
        Contribution.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("commission__partnership", "organisation", "source")
        .get(pk=contribution.pk)
    )


@service
def variation_propose(*, contribution: Contribution, new_amount: Decimal, reason: str, by: Actor) -> ContributionChange:
    """Propose a new figure for a confirmed or transferred contribution. The old figure stands in every total until
    a commissioner or finance officer of the contributing partner re-confirms (``variation_reconfirm``)."""
    contribution = _lock_contribution(contribution)
    commission = contribution.commission
    organisation = contribution.organisation
    own = by.organisation is not None and by.organisation.pk == organisation.pk
    if not (is_lead(commission, by) or (own and by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER))):
        raise NotPermitted(
            f"Only the lead commissioner, or {organisation}'s commissioners or finance officers, can propose a "
            "variation to its contribution"
        )
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    if contribution.status == ContributionStatus.INDICATIVE:
        raise DomainError("This amount is still indicative: change it on the contributions form", field="new_amount")
    problems: dict[str, list[str]] = {}
    if not reason.strip():
        problems["reason"] = ["Say why the figure must change"]
    if isinstance(new_amount, float):
        problems["new_amount"] = ["Amounts are exact pounds and pence"]
    elif new_amount is None or money(new_amount) < 0:
        problems["new_amount"] = ["Enter the new figure, £0 or more"]
    elif money(new_amount) == contribution.amount:
        problems["new_amount"] = [f"The new figure is the same as the current one ({format_gbp(contribution.amount)})"]
    if problems:
        raise DomainError("Check the variation", field_errors=problems)
    new_amount = money(new_amount)
    pending = ContributionChange.objects.filter(contribution=contribution, status=ChangeStatus.PENDING).first()
    if pending is not None:
        if pending.new_amount == new_amount:
            return pending  # the same proposal sent twice takes effect once
        raise DomainError(
            f"A variation to {format_gbp(pending.new_amount)} is already awaiting {organisation}'s re-confirmation: "
            "withdraw it first",
            field="new_amount",
        )
    _check_source(
        contribution.source,
        commission=commission,
        organisation=organisation,
        year=contribution.financial_year,
        amount=new_amount,
        exclude_pk=contribution.pk,
    )
    change = ContributionChange.objects.create(
        contribution=contribution,
        kind=ChangeKind.VARIATION,
        status=ChangeStatus.PENDING,
        old_amount=contribution.amount,
        new_amount=new_amount,
        reason=reason.strip()[:1000],
        proposed_by=by.user,
    )
    audit.record(
        obj=contribution,
        action="contribution.variation_proposed",
        by=by,
        reason=change.reason,
        data={"from": money_str(contribution.amount), "to": money_str(new_amount), "year": contribution.year_label},
    )
    if not (by.organisation is not None and by.organisation.pk == organisation.pk):
        notify_organisations(
            [organisation.pk],
            subject=f"Re-confirm a variation to your {contribution.year_label} contribution",
            body=f"{commission.title}: {by.organisation} proposes {format_gbp(new_amount)} instead of "
            f"{format_gbp(contribution.amount)}. Reason: {change.reason}",
            url=reverse("commission-contributions", kwargs={"commission_id": commission.pk}),
            key=f"contribution-variation:{change.pk}",
        )
    return change


def _lock_change(change: ContributionChange) -> ContributionChange:
    return (
        ContributionChange.objects.unscoped(reason=LOCK)
        .select_for_update(of=("self",))
        .select_related("contribution__commission__partnership", "contribution__organisation")
        .get(pk=change.pk)
    )


@service
def variation_reconfirm(*, change: ContributionChange, by: Actor) -> ContributionChange:
    """The contributing partner re-confirms the proposed figure: it replaces the old one in every total, the old
    one kept in the history. A second re-confirmation is refused (the variation is no longer pending)."""
    change = _lock_change(change)
    return transition(obj=change, workflow=VARIATION_WORKFLOW, name="reconfirmed", by=by)


@service
def variation_withdraw(*, change: ContributionChange, by: Actor, reason: str = "") -> ContributionChange:
    change = _lock_change(change)
    return transition(obj=change, workflow=VARIATION_WORKFLOW, name="withdrawn", by=by, reason=reason)


@VARIATION_WORKFLOW.effect("apply_variation")
def _apply_variation(change: ContributionChange, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    contribution = _lock_contribution(change.contribution)
    if contribution.amount != change.old_amount:
        raise DomainError(
            f"The figure has changed since the variation was proposed ({format_gbp(change.old_amount)} then, "
            f"{format_gbp(contribution.amount)} now): withdraw it and propose again"
        )
    _check_source(
        contribution.source,
        commission=contribution.commission,
        organisation=contribution.organisation,
        year=contribution.financial_year,
        amount=change.new_amount,
        exclude_pk=contribution.pk,
    )
    contribution.amount = change.new_amount
    contribution.confirmed_by = by.user
    contribution.confirmed_at = timezone.now()
    contribution.save(update_fields=["amount", "confirmed_by", "confirmed_at"])
    audit.record(
        obj=contribution,
        action="contribution.variation_reconfirmed",
        by=by,
        reason=change.reason,
        data={
            "from": money_str(change.old_amount),
            "to": money_str(change.new_amount),
            "year": contribution.year_label,
        },
    )


VARIATION_STEPS: dict[str, Callable[..., ContributionChange]] = {
    "reconfirmed": variation_reconfirm,
    "withdrawn": variation_withdraw,
}
