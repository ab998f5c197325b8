"""Writes on visits, improvement plans and actions: keyword-only, atomic, validating, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from monitoring import permissions
from monitoring.inputs import clean_text
from monitoring.kpis.models import Kpi
from monitoring.kpis.selectors import kpi_set_for
from monitoring.oversight.models import (
    ActionStatus,
    ImprovementAction,
    ImprovementPlan,
    MonitoringVisit,
    PlanStatus,
    VisitStatus,
)
from monitoring.people import contract_url, tell_provider
from monitoring.permissions import require_lead
from monitoring.returns.models import KpiReturn
from monitoring.scope import lock_contract
from partners.models import Organisation
from procurement.award.models import Contract


@service
def visit_plan(*, contract: Contract, planned_on: dt.date | None, purpose: str, by: Actor) -> MonitoringVisit:
    contract = lock_contract(contract)
    require_lead(contract, by, "plan monitoring visits")
    purpose = clean_text(purpose)
    problems: dict[str, list[str]] = {}
    if planned_on is None:
        problems["planned_on"] = ["Enter the date of the visit"]
    if not purpose:
        problems["purpose"] = ["Say what the visit is for: what you want to see"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    visit = MonitoringVisit.objects.create(
        contract=contract, planned_on=planned_on, purpose=purpose, created_by=by.user
    )
    audit.record(
        obj=visit, action="visit.planned", by=by, to_state=visit.status, data={"planned_on": planned_on.isoformat()}
    )
    tell_provider(
        contract,
        subject=f"Monitoring visit planned for {planned_on:%-d %B %Y}: {contract.title}",
        body=purpose,
        url=contract_url(contract),
    )
    return visit


@service
def visit_record(
    *, visit: MonitoringVisit, visited_on: dt.date | None, visitors: str, notes: str, findings: str, by: Actor
) -> MonitoringVisit:
    visit = MonitoringVisit.objects.select_for_update().select_related("contract__commission").get(pk=visit.pk)
    require_lead(visit.contract, by, "record monitoring visits")
    if visit.status == VisitStatus.CANCELLED:
        raise DomainError("The visit was cancelled")
    problems: dict[str, list[str]] = {}
    if visited_on is None:
        problems["visited_on"] = ["Enter the date of the visit"]
    elif visited_on > timezone.localdate():
        problems["visited_on"] = ["The visit date cannot be in the future"]
    if not clean_text(findings):
        problems["findings"] = ["Write what you found"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    from_state = visit.status
    visit.visited_on, visit.visitors = visited_on, clean_text(visitors)
    visit.notes, visit.findings, visit.status = clean_text(notes), clean_text(findings), VisitStatus.DONE
    visit.save()
    audit.record(
        obj=visit,
        action="visit.recorded",
        by=by,
        from_state=from_state,
        to_state=visit.status,
        data={"visited_on": visited_on.isoformat()},
    )
    return visit


@service
def visit_cancel(*, visit: MonitoringVisit, reason: str, by: Actor) -> MonitoringVisit:
    visit = MonitoringVisit.objects.select_for_update().select_related("contract__commission").get(pk=visit.pk)
    require_lead(visit.contract, by, "cancel monitoring visits")
    if visit.status != VisitStatus.PLANNED:
        raise DomainError(f"The visit is {visit.get_status_display().lower()}")
    visit.status = VisitStatus.CANCELLED
    visit.notes = clean_text(reason) or visit.notes
    visit.save(update_fields=["status", "notes", "updated_at"])
    audit.record(
        obj=visit,
        action="visit.cancelled",
        by=by,
        from_state=VisitStatus.PLANNED,
        to_state=visit.status,
        reason=clean_text(reason),
    )
    return visit


@service
def plan_open(
    *,
    contract: Contract,
    title: str,
    concern: str,
    support_offered: str,
    by: Actor,
    kpis: Iterable[Kpi] = (),
    source_return: KpiReturn | None = None,
    review_on: dt.date | None = None,
) -> ImprovementPlan:
    contract = lock_contract(contract)
    require_lead(contract, by, "open an improvement plan")
    problems: dict[str, list[str]] = {}
    if not clean_text(title):
        problems["title"] = ["Give the plan a title"]
    if not clean_text(concern):
        problems["concern"] = ["Say what is not going well, and the evidence"]
    if not clean_text(support_offered):
        problems["support_offered"] = ["Support comes first: say what help the commissioners will give"]
    if source_return is not None and source_return.contract_id != contract.pk:
        problems["source_return"] = ["That return belongs to another contract"]
    kpi_list = list(kpis)
    kpi_set = kpi_set_for(contract)
    if any(kpi_set is None or k.kpi_set_id != kpi_set.pk for k in kpi_list):
        problems["kpis"] = ["Choose KPIs of this contract"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    plan = ImprovementPlan.objects.create(
        contract=contract,
        title=clean_text(title),
        concern=clean_text(concern),
        support_offered=clean_text(support_offered),
        source_return=source_return,
        review_on=review_on,
        opened_by=by.user,
    )
    plan.kpis.set(kpi_list)
    audit.record(
        obj=plan, action="improvement_plan.opened", by=by, to_state=plan.status, data={"kpis": [k.pk for k in kpi_list]}
    )
    tell_provider(
        contract,
        subject=f"An improvement plan for {contract.title}: {plan.title}",
        body=f"Support offered: {plan.support_offered}",
        url=reverse("improvement-plan", kwargs={"improvement_plan_id": plan.pk}),
    )
    return plan


@service
def plan_close(*, plan: ImprovementPlan, note: str, by: Actor) -> ImprovementPlan:
    plan = ImprovementPlan.objects.select_for_update().select_related("contract__commission").get(pk=plan.pk)
    require_lead(plan.contract, by, "close an improvement plan")
    if plan.status != PlanStatus.OPEN:
        raise DomainError("The plan is already closed")
    if not clean_text(note):
        raise DomainError("Say why the plan can close: what improved", field="note")
    plan.status, plan.closing_note, plan.closed_at = PlanStatus.CLOSED, clean_text(note), timezone.now()
    plan.save(update_fields=["status", "closing_note", "closed_at"])
    audit.record(
        obj=plan,
        action="improvement_plan.closed",
        by=by,
        from_state=PlanStatus.OPEN,
        to_state=plan.status,
        reason=plan.closing_note,
    )
    return plan


@service
def action_add(
    *,
    plan: ImprovementPlan,
    action: str,
    owner_name: str,
    owner_organisation: Organisation,
    due_on: dt.date | None,
    by: Actor,
) -> ImprovementAction:
    plan = ImprovementPlan.objects.select_for_update().select_related("contract__commission").get(pk=plan.pk)
    contract = plan.contract
    require_lead(contract, by, "add actions to an improvement plan")
    if not plan.is_open:
        raise DomainError("The plan is closed")
    problems: dict[str, list[str]] = {}
    if not clean_text(action):
        problems["action"] = ["Say what will be done"]
    if not clean_text(owner_name):
        problems["owner_name"] = ["Name who will do it"]
    if owner_organisation is None or owner_organisation.pk not in (contract.provider_id, contract.commission.lead_id):
        problems["owner_organisation"] = ["Choose the provider or the lead commissioner"]
    if due_on is None:
        problems["due_on"] = ["Enter when it is due"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    item = ImprovementAction.objects.create(
        plan=plan,
        action=clean_text(action),
        owner_name=clean_text(owner_name),
        owner_organisation=owner_organisation,
        due_on=due_on,
        updated_by=by.user,
    )
    audit.record(
        obj=plan,
        action="improvement_plan.action_added",
        by=by,
        data={"action": item.pk, "owner": item.owner_name, "due_on": due_on.isoformat()},
    )
    return item


@service
def action_update(*, action: ImprovementAction, status: str, progress: str, by: Actor) -> ImprovementAction:
    """Progress on an action: the lead, or the provider for actions its organisation owns."""
    action = (
        ImprovementAction.objects.select_for_update(of=("self",))
        .select_related("plan__contract__commission")
        .get(pk=action.pk)
    )
    contract = action.plan.contract
    own = permissions.is_provider(contract, by) and action.owner_organisation_id == contract.provider_id
    if not (permissions.is_lead(contract, by) or own):
        raise NotPermitted("Only the lead commissioner, or the provider for its own actions, can update this")
    if action.plan.status != PlanStatus.OPEN:
        raise DomainError("The plan is closed")
    if status not in ActionStatus.values:
        raise DomainError("Choose a status", field="status")
    before = action.status
    action.status, action.progress, action.updated_by = status, clean_text(progress), by.user
    action.save(update_fields=["status", "progress", "updated_by", "updated_at"])
    audit.record(
        obj=action.plan,
        action="improvement_plan.progress",
        by=by,
        from_state=before,
        to_state=status,
        reason=action.progress,
        data={"action": action.pk},
    )
    return action
