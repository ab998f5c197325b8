"""Pure checks (read, never write): the commission's life as a whole."""

from __future__ import annotations

from collections.abc import Iterable

from commissioning.agreements.models import DelegationScope, PartnershipAgreement
from commissioning.commissions.models import (
    DELEGATING_MODELS,
    CommissioningModel,
    Contribution,
    ContributionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
    loaded_rows,
)
from core.money import format_gbp


def _participations(commission: JointCommission) -> list[Participation]:
    """Everyone invited to or taking part, the lead first then by name (as the page loaded them, else now)."""
    return loaded_rows(
        commission,
        "participations",
        Participation.objects.filter(commission=commission)
        .select_related("organisation")
        .order_by("-is_lead", "organisation__name"),
    )


def _contributions(commission: JointCommission) -> list[Contribution]:
    return loaded_rows(commission, "contributions", Contribution.objects.filter(commission=commission))


def _agreements(commission: JointCommission) -> list[PartnershipAgreement]:
    return loaded_rows(commission, "agreements", PartnershipAgreement.objects.filter(commission=commission))


def sign_up_blockers(commission: JointCommission) -> list[str]:
    """Every partner taking part has said what it will put in (at least one year)."""
    problems: list[str] = []
    taking_part = [p for p in _participations(commission) if p.status == ParticipationStatus.ACCEPTED]
    with_money = {c.organisation_id for c in _contributions(commission)}
    for p in taking_part:
        if p.organisation_id not in with_money:
            problems.append(f"{p.organisation} has not said what it will contribute")
    return problems


def procurement_blockers(commission: JointCommission) -> list[str]:
    """Everything that stops this commission entering procurement, in words (empty when it may).

    Reusable by the tendering app. Under a model where partners delegate to the lead (aligned or pooled budget,
    stand-alone partnership) every partner taking part must have signed an agreement delegating procurement to the
    lead; and under any model every partner taking part must have confirmed its first-year contribution. Partners
    still to answer an invitation block it too (the lead can withdraw the invitation).
    """
    if "participations" not in (getattr(commission, "_prefetched_objects_cache", None) or {}):
        commission = JointCommission.objects.select_related("lead").get(pk=commission.pk)  # as it stands now
    problems: list[str] = []
    if not commission.model:
        problems.append("The commissioning model has not been chosen")
    elif commission.model == CommissioningModel.DO_NOTHING:
        problems.append("The chosen model is to do nothing: existing contracts continue and nothing is procured")
    participations = _participations(commission)
    taking_part = [p for p in participations if p.status == ParticipationStatus.ACCEPTED]
    partners = [p for p in taking_part if not p.is_lead]
    for p in participations:
        if p.status == ParticipationStatus.INVITED:
            problems.append(f"{p.organisation} has not answered its invitation")
    if commission.model in DELEGATING_MODELS and not partners:
        problems.append("No partner besides the lead has agreed to take part")
    if commission.model == CommissioningModel.INDIVIDUAL and partners:
        problems.append("Under the individual model only the lead takes part: choose a joint model")
    if commission.model in DELEGATING_MODELS:
        agreements = {a.organisation_id: a for a in _agreements(commission)}
        for p in partners:
            agreement = agreements.get(p.organisation_id)
            if agreement is None:
                problems.append(f"{p.organisation} has not signed the partnership agreement")
            elif DelegationScope.PROCUREMENT not in agreement.scopes:
                problems.append(f"{p.organisation}'s agreement does not delegate procurement to {commission.lead}")
    first = commission.first_year
    label = commission.year_label(first)
    contributions = {c.organisation_id: c for c in _contributions(commission) if c.financial_year == first}
    for p in taking_part:
        c = contributions.get(p.organisation_id)
        if c is None:
            problems.append(f"{p.organisation} has no contribution for {label}, the first year")
        elif c.status == ContributionStatus.INDICATIVE:
            problems.append(
                f"{p.organisation}'s {label} contribution ({format_gbp(c.amount)}) is indicative, not confirmed"
            )
    return problems


def model_chosen(commission: JointCommission) -> Iterable[str]:
    if not commission.model:
        yield "Choose the commissioning model and say why"
    elif commission.model == CommissioningModel.DO_NOTHING:
        yield "The chosen model is to do nothing: existing contracts continue and nothing is commissioned"
