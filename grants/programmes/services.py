"""The lead commissioner's side of a grant programme: setting it up from a joint commission (its grant route),
criteria, the form's sections and questions, assessors, opening (announced to followers), and closing at the
closing time (a system task)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning.models import JointCommission
from core import audit, opportunities
from core.actors import SYSTEM, Actor
from core.changes import apply_changes
from core.errors import DomainError, NotPermitted
from core.notifications import notify
from core.service import service
from core.workflow import transition
from grants.programmes.models import (
    ApplicationQuestion,
    ApplicationSection,
    GrantAssessor,
    GrantCriterion,
    GrantProgramme,
    ProgrammeStatus,
)
from grants.programmes.rules import LEAD_ROLES, amounts_problems, dates_problems, is_lead, require_editable
from grants.programmes.workflows import PROGRAMME_WORKFLOW
from partners.models import Membership, Organisation, Role, User

CHECKED = "the service decides who may act (a refusal, never a missing row)"
PROGRAMME_FIELDS = (
    "title",
    "category",
    "description",
    "eligible_kinds",
    "area",
    "income_min",
    "income_max",
    "amount_min",
    "amount_max",
    "total_budget",
    "delegated_threshold",
    "opens_at",
    "closes_at",
    "decision_date",
    "is_small_grants",
)


def _clean(obj: Any) -> None:
    """The model's own checks, refused as a ``DomainError`` next to the field (never a server error)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, field_errors=errors) from exc


def _require_lead(programme: GrantProgramme, by: Actor) -> None:
    if not is_lead(programme, by):
        raise NotPermitted("Only the lead commissioner can change this programme")


def _require_draft(programme: GrantProgramme) -> None:
    for problem in require_editable(programme):
        raise DomainError(problem)


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for field, message in dates_problems(
        opens_at=values.get("opens_at"), closes_at=values.get("closes_at"), decision_date=values.get("decision_date")
    ):
        errors.setdefault(field, []).append(message)
    for field, message in amounts_problems(
        amount_min=values["amount_min"],
        amount_max=values["amount_max"],
        total_budget=values["total_budget"],
        income_min=values.get("income_min"),
        income_max=values.get("income_max"),
    ):
        errors.setdefault(field, []).append(message)
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, field_errors=errors)


@service
def programme_create(
    *,
    commission: JointCommission,
    by: Actor,
    title: str,
    description: str,
    amount_min: Decimal,
    amount_max: Decimal,
    total_budget: Decimal,
    delegated_threshold: Decimal,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    decision_date: dt.date,
    eligible_kinds: list[str] | None = None,
    area: str = "",
    income_min: Decimal | None = None,
    income_max: Decimal | None = None,
    is_small_grants: bool = False,
    category: str = "",
) -> GrantProgramme:
    """The lead chooses the grant route for a joint commission: a programme instead of a tender."""
    if by.organisation is None or by.organisation.pk != commission.lead_id or not by.has_role(*LEAD_ROLES):
        raise NotPermitted("Only the commission's lead commissioner can set up its grant programme")
    if GrantProgramme.objects.unscoped(reason=CHECKED).filter(commission=commission).exists():
        raise DomainError("This commission already has a grant programme", field="commission")
    if commission.tenders.exists():
        raise DomainError("This commission is being tendered: a grant programme is the other route", field="commission")
    values = {
        "title": title.strip(),
        "category": category,
        "description": description.strip(),
        "eligible_kinds": sorted(set(eligible_kinds or [])),
        "area": area.strip(),
        "income_min": income_min,
        "income_max": income_max,
        "amount_min": amount_min,
        "amount_max": amount_max,
        "total_budget": total_budget,
        "delegated_threshold": delegated_threshold,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "decision_date": decision_date,
        "is_small_grants": is_small_grants,
    }
    _check(values)
    programme = GrantProgramme(
        partnership_id=commission.partnership_id,
        commission=commission,
        service_area_id=commission.service_area_id,
        created_by=by.user,
        **values,
    )
    _clean(programme)
    programme.save()
    audit.record(obj=programme, action="grant_programme.create", by=by, data={"title": programme.title})
    return programme


@service
def programme_update(*, programme: GrantProgramme, by: Actor, data: dict[str, Any]) -> GrantProgramme:
    locked = GrantProgramme.objects.select_for_update().get(pk=programme.pk)
    _require_lead(locked, by)
    _require_draft(locked)
    changed = apply_changes(locked, data, PROGRAMME_FIELDS)
    _check({f: getattr(locked, f) for f in PROGRAMME_FIELDS})
    if changed:
        _clean(locked)
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record(obj=locked, action="grant_programme.update", by=by, data={"fields": changed})
    return locked


@service
def criterion_add(
    *, programme: GrantProgramme, by: Actor, name: str, weight: int, max_score: int = 5, guidance: str = ""
) -> GrantCriterion:
    _require_lead(programme, by)
    _require_draft(programme)
    existing = sum(c.weight for c in programme.criteria.all())
    if existing + weight > 100:
        raise DomainError(
            f"The criteria's weights would add up to {existing + weight}%: at most {100 - existing}% is left",
            field="weight",
        )
    criterion = GrantCriterion(
        programme=programme,
        name=name.strip(),
        weight=weight,
        max_score=max_score,
        guidance=guidance.strip(),
        position=programme.criteria.count() + 1,
    )
    _clean(criterion)
    criterion.save()
    audit.record(obj=programme, action="grant_programme.criterion_add", by=by, data={"name": name, "weight": weight})
    return criterion


@service
def criterion_remove(*, criterion: GrantCriterion, by: Actor) -> None:
    programme = criterion.programme
    _require_lead(programme, by)
    _require_draft(programme)
    audit.record(obj=programme, action="grant_programme.criterion_remove", by=by, data={"name": criterion.name})
    criterion.delete()


@service
def section_add(*, programme: GrantProgramme, by: Actor, title: str, guidance: str = "") -> ApplicationSection:
    _require_lead(programme, by)
    _require_draft(programme)
    section = ApplicationSection(
        programme=programme, title=title.strip(), guidance=guidance.strip(), position=programme.sections.count() + 1
    )
    _clean(section)
    section.save()
    audit.record(obj=programme, action="grant_programme.section_add", by=by, data={"title": section.title})
    return section


@service
def question_add(
    *,
    section: ApplicationSection,
    by: Actor,
    text: str,
    word_limit: int,
    guidance: str = "",
    required: bool = True,
    criterion: GrantCriterion | None = None,
) -> ApplicationQuestion:
    programme = section.programme
    _require_lead(programme, by)
    _require_draft(programme)
    if criterion is not None and criterion.programme_id != programme.pk:
        raise DomainError("Choose one of this programme's criteria", field="criterion")
    question = ApplicationQuestion(
        section=section,
        text=text.strip(),
        guidance=guidance.strip(),
        word_limit=word_limit,
        required=required,
        criterion=criterion,
        position=section.questions.count() + 1,
    )
    _clean(question)
    question.save()
    audit.record(obj=programme, action="grant_programme.question_add", by=by, data={"text": question.text})
    return question


@service
def question_remove(*, question: ApplicationQuestion, by: Actor) -> None:
    programme = question.section.programme
    _require_lead(programme, by)
    _require_draft(programme)
    audit.record(obj=programme, action="grant_programme.question_remove", by=by, data={"text": question.text})
    question.delete()


@service
def assessor_add(*, programme: GrantProgramme, user: User, organisation: Organisation, by: Actor) -> GrantAssessor:
    """Put a person (of the lead or a partner taking part) on the panel."""
    _require_lead(programme, by)
    member = (
        Membership.objects.unscoped(reason=CHECKED)
        .filter(user=user, organisation=organisation, is_active=True)
        .exists()
    )
    if not member:
        raise DomainError(f"{user} is not a member of {organisation}", field="user")
    if GrantAssessor.objects.unscoped(reason=CHECKED).filter(programme=programme, user=user).exists():
        raise DomainError(f"{user} is already on the panel", field="user")
    assessor = GrantAssessor.objects.create(programme=programme, user=user, organisation=organisation, added_by=by.user)
    audit.record(obj=programme, action="grant_programme.assessor_add", by=by, data={"user": str(user)})
    return assessor


@service
def programme_open(*, programme: GrantProgramme, by: Actor) -> GrantProgramme:
    return transition(obj=programme, workflow=PROGRAMME_WORKFLOW, name="open", by=by)


def opportunity_of(programme: GrantProgramme) -> opportunities.Opportunity:
    return opportunities.Opportunity(
        kind="grant_round",
        kind_label="Grant round",
        key=f"grant_round:{programme.pk}",
        title=programme.title,
        url=reverse("grant-programme-public", kwargs={"grant_round_id": programme.pk}),
        partnership_id=programme.partnership_id,
        service_area_id=programme.service_area_id,
        category=programme.category,
        opens=programme.opens_at,
        closes=programme.closes_at,
        summary=programme.description[:300],
    )


@PROGRAMME_WORKFLOW.effect("announce")
def _announce(programme: GrantProgramme, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    opportunities.announce(opportunity_of(programme))


def lead_people(programme: GrantProgramme) -> list[User]:
    commission = programme.commission
    if commission.lead_contact is not None:
        return [commission.lead_contact]
    return [
        m.user
        for m in Membership.objects.unscoped(reason="notifying the lead organisation's people, whoever acts")
        .filter(organisation_id=commission.lead_id, is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user")
    ]


@PROGRAMME_WORKFLOW.effect("tell_lead_closed")
def _tell_lead_closed(programme: GrantProgramme, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    received = programme.applications.model.objects.unscoped(
        reason="counting sealed applications without reading them"
    ).filter(programme=programme, status="submitted")
    notify(
        recipients=lead_people(programme),
        subject=f"{programme.title}: applications have closed ({received.count()} received)",
        url=reverse("grant-programme", kwargs={"programme_id": programme.pk}),
        organisation=programme.commission.lead,
        dedupe_key=f"grant_programme:{programme.pk}:closed",
    )


@service
def close_due_programmes(*, now: dt.datetime | None = None) -> int:
    """Close every open programme whose closing time has passed (the system, safe to run twice)."""
    now = now or timezone.now()
    closed = 0
    due = GrantProgramme.objects.unscoped(reason="the system closes every due programme").filter(
        status=ProgrammeStatus.OPEN, closes_at__lte=now
    )
    for programme in due:
        transition(obj=programme, workflow=PROGRAMME_WORKFLOW, name="close", by=SYSTEM)
        closed += 1
    return closed
