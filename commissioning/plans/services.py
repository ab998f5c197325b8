"""Writes (keyword-only, atomic, audited): forward plans, publishing them, and a joint commission started from an
overlap of plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import commission_create, commission_invite
from commissioning.plans.models import ForwardPlan, PlanStatus
from commissioning.plans.rules import may_edit, plan_problems, within_months
from commissioning.service_map.models import MappedContract, ServiceArea
from commissioning.service_map.rules import require_partner
from core import audit, opportunities
from core.actors import Actor
from core.changes import apply_changes
from core.errors import DomainError, NotPermitted
from core.money import money
from core.service import service
from partners.models import Organisation, Role

EDITABLE = (
    "title",
    "category",
    "service_category",
    "description",
    "estimated_value",
    "procurement_date",
    "start_date",
    "service_area",
)
DEFAULT_TERM_YEARS = 3


def _require_owner(plan: ForwardPlan, by: Actor, doing: str) -> None:
    if not may_edit(plan, by):
        raise NotPermitted(f"Only {plan.organisation}'s commissioners can {doing}")


def _check(plan: ForwardPlan) -> None:
    problems = plan_problems(
        title=plan.title,
        estimated_value=plan.estimated_value,
        procurement_date=plan.procurement_date,
        start_date=plan.start_date,
        today=timezone.localdate(),
    )
    if plan.service_area.partnership_id != plan.partnership_id:
        problems["service_area"] = ["Choose a service area of this partnership"]
    if problems:
        raise DomainError("Check the plan", field_errors=problems)


@service
def plan_create(
    *,
    service_area: ServiceArea,
    title: str,
    estimated_value: Decimal,
    procurement_date: dt.date,
    start_date: dt.date,
    by: Actor,
    category: str = "services",
    service_category: str = "",
    description: str = "",
    status: str = PlanStatus.DRAFT,
) -> ForwardPlan:
    """A partner's commissioner records what their organisation plans to commission or fund."""
    require_partner(service_area.partnership, by, Role.COMMISSIONER, doing="record a forward plan")
    if status not in (PlanStatus.DRAFT, PlanStatus.PLANNED):
        raise DomainError("A new plan is a draft or planned", field="status")
    plan = ForwardPlan(
        partnership=service_area.partnership,
        organisation=by.organisation,
        service_area=service_area,
        title=(title or "").strip(),
        category=category,
        service_category=service_category,
        description=(description or "").strip(),
        estimated_value=money(estimated_value) if estimated_value is not None else None,
        procurement_date=procurement_date,
        start_date=start_date,
        status=status,
        created_by=by.user,
    )
    _check(plan)
    plan.full_clean(exclude=["partnership", "organisation", "created_by", "commission"])
    plan.save()
    audit.record(
        obj=plan,
        action="forward_plan.created",
        by=by,
        to_state=plan.status,
        data={"estimated_value": str(plan.estimated_value)},
    )
    return plan


@service
def plan_update(*, plan: ForwardPlan, changes: Mapping[str, Any], by: Actor) -> ForwardPlan:
    plan = ForwardPlan.objects.select_for_update(of=("self",)).select_related("service_area").get(pk=plan.pk)
    _require_owner(plan, by, "change this plan")
    if not plan.is_active:
        raise DomainError(f"The plan is {plan.get_status_display().lower()}: it can no longer change", field="title")
    before = {name: str(getattr(plan, name)) for name in EDITABLE}
    changed = apply_changes(plan, changes, EDITABLE)
    if not changed:
        return plan
    if "estimated_value" in changed and plan.estimated_value is not None:
        plan.estimated_value = money(plan.estimated_value)
    _check(plan)
    plan.save(update_fields=[*changed, "updated_at"])
    audit.record(
        obj=plan,
        action="forward_plan.changed",
        by=by,
        data={name: {"from": before[name], "to": str(getattr(plan, name))} for name in changed},
    )
    return plan


def opportunity_of(plan: ForwardPlan) -> opportunities.Opportunity:
    """A published plan as an opportunity providers follow (``core.opportunities``)."""
    return opportunities.Opportunity(
        kind="plan",
        kind_label="Forward plan",
        key=f"plan:{plan.pk}",
        title=plan.title,
        url=reverse("public-pipeline") + f"#plan-{plan.pk}",
        partnership_id=plan.partnership_id,
        service_area_id=plan.service_area_id,
        category=plan.service_category,
        opens=plan.procurement_date,
        closes=None,
        summary=f"{plan.organisation.name} plans to commission this from {plan.start_date:%B %Y}, "
        f"estimated £{plan.estimated_value:,.2f}",
    )


@service
def plans_publish(*, plans: Iterable[ForwardPlan], by: Actor, publish: bool = True) -> list[ForwardPlan]:
    """A partner publishes selected plans of its own on the public pipeline (or takes them off it). Publishing tells
    the providers following the service area or category (``core.opportunities``), once per plan."""
    ids = [p.pk for p in plans]
    if not ids:
        raise DomainError("Choose at least one plan", field="plans")
    locked = list(ForwardPlan.objects.select_for_update(of=("self",)).select_related("organisation").filter(pk__in=ids))
    done: list[ForwardPlan] = []
    for plan in locked:
        _require_owner(plan, by, "publish this plan")
        if publish:
            if plan.status == PlanStatus.DRAFT:
                raise DomainError(f"'{plan.title}' is a draft: confirm it as planned before publishing", field="plans")
            if not plan.is_active:
                raise DomainError(f"'{plan.title}' is {plan.get_status_display().lower()}", field="plans")
            if plan.published_at is not None:
                continue
            plan.published_at = timezone.now()
        else:
            if plan.published_at is None:
                continue
            plan.published_at = None
        plan.save(update_fields=["published_at", "updated_at"])
        audit.record(obj=plan, action="forward_plan.published" if publish else "forward_plan.unpublished", by=by)
        if publish:
            opportunities.announce(opportunity_of(plan))
        done.append(plan)
    return done


def _overlap_contracts(plans: list[ForwardPlan], contract_ids: Iterable[int], months: int) -> list[MappedContract]:
    ids = list(contract_ids)
    if not ids:
        return []
    contracts = list(MappedContract.objects.filter(pk__in=ids, service_area_id=plans[0].service_area_id))
    if len(contracts) != len(set(ids)):
        raise DomainError("Those contracts are not in the plans' service area", field="contracts")
    for c in contracts:
        if not any(within_months(c.end_date, p.start_date, months) for p in plans):
            raise DomainError(f"{c} does not end near these plans", field="contracts")
    return contracts


@service
def commission_from_plans(
    *,
    plans: Iterable[ForwardPlan],
    by: Actor,
    contracts: Iterable[int] = (),
    months: int = 24,
    title: str = "",
    term_years: int = DEFAULT_TERM_YEARS,
) -> JointCommission:
    """ "Start a joint commission from these plans": the acting partner (one whose plan is among them) leads a new
    joint commission in the plans' service area, starting at the earliest planned start; the other plans' partners
    (and the funders of the ending contracts beside them) are invited; the plans are marked as linked to it."""
    ids = sorted({p.pk for p in plans})
    locked = list(
        ForwardPlan.objects.select_for_update(of=("self",))
        .select_related("service_area", "organisation")
        .filter(pk__in=ids)
        .order_by("start_date", "pk")
    )
    if len(locked) != len(ids) or not locked:
        raise DomainError("Choose the plans to start from", field="plans")
    area = locked[0].service_area
    if any(p.service_area_id != area.pk for p in locked):
        raise DomainError("The plans must be in one service area", field="plans")
    if by.organisation is None or all(p.organisation_id != by.organisation.pk for p in locked):
        raise NotPermitted("Only a partner whose plan is among them can start a joint commission from these plans")
    linked = [p for p in locked if p.commission_id is not None]
    if linked:
        raise DomainError(f"'{linked[0].title}' already belongs to a joint commission", field="plans")
    inactive = [p for p in locked if not p.is_active]
    if inactive:
        raise DomainError(f"'{inactive[0].title}' is {inactive[0].get_status_display().lower()}", field="plans")
    near = _overlap_contracts(locked, contracts, months)
    outcomes = "\n".join(
        f"- {p.organisation.name}: {p.title}" + (f". {p.description}" if p.description else "") for p in locked
    )
    commission = commission_create(
        service_area=area,
        title=(title or f"{area.name}: joint commission").strip()[:200],
        intended_outcomes=f"Started from the partners' forward plans:\n{outcomes}",
        term_years=term_years,
        start_date=locked[0].start_date,
        by=by,
    )
    others = {p.organisation_id for p in locked} | {c.funder_id for c in near}
    others.discard(by.organisation.pk)
    if others:
        commission_invite(commission=commission, organisations=Organisation.objects.filter(pk__in=others), by=by)
    for plan in locked:
        plan.commission = commission
        plan.save(update_fields=["commission", "updated_at"])
        audit.record(obj=plan, action="forward_plan.linked", by=by, data={"commission": commission.pk})
    audit.record(
        obj=commission,
        action="commission.started_from_plans",
        by=by,
        data={
            "plans": [p.pk for p in locked],
            "contracts": [c.pk for c in near],
            "combined_value": str(money(sum((p.estimated_value for p in locked), Decimal("0")))),
        },
    )
    return commission
