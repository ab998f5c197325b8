"""Preparing, completing and signing the conflicts assessment; reviewing it as a new version."""

from __future__ import annotations

from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError
from core.service import service
from core.text import check_text
from procurement.conflicts.models import (
    TEXT_LIMIT,
    AssessmentEntry,
    AssessmentStage,
    Capacity,
    ConflictsAssessment,
    DeclarationState,
    Source,
    Step,
)
from procurement.conflicts.rules import entry_key, entry_problems, people_acting
from procurement.tenders.models import Tender, TenderStatus
from procurement.tenders.services import actor_name, require_lead

CHECKED = "the service decides who may act (a refusal, never a missing row)"


def _locked(assessment: ConflictsAssessment) -> ConflictsAssessment:
    locked = (
        ConflictsAssessment.objects.unscoped(reason=CHECKED)
        .select_for_update()
        .select_related("tender__commission")
        .get(pk=assessment.pk)
    )
    return locked


def _editable(assessment: ConflictsAssessment, by: Actor, doing: str) -> ConflictsAssessment:
    assessment = _locked(assessment)
    require_lead(assessment.tender, by, doing)
    if assessment.is_signed:
        raise DomainError("This assessment is signed and cannot change: start a review, which makes a new version")
    return assessment


def _text(value: str, field: str, *, required: str = "", multiline: bool = True) -> str:
    try:
        text = check_text(value or "", multiline=multiline, max_length=TEXT_LIMIT if multiline else 200).strip()
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if required and not text:
        raise DomainError(required, field=field)
    return text


def _refresh(assessment: ConflictsAssessment) -> int:
    """Bring a draft's people and their recorded declarations up to date from the panel and the board (and add the
    lead's officers now on the tender). The lead's own entries and steps are kept. Returns how many rows changed."""
    entries = {entry_key(e): e for e in AssessmentEntry.objects.unscoped(reason=CHECKED).filter(assessment=assessment)}
    changed = 0
    for person in people_acting(assessment.tender):
        entry = entries.get(person.key)
        if entry is None:
            AssessmentEntry.objects.create(
                assessment=assessment,
                user_id=person.user_id,
                person_name=person.name,
                organisation_name=person.organisation,
                role_title=person.role_title,
                capacity=person.capacity,
                source=person.source,
                source_id=person.source_id,
                declaration=person.declaration,
                interest=person.interest,
                step=person.step,
                step_detail=person.step_detail,
                step_from_source=bool(person.step),
            )
            changed += 1
            continue
        if entry.source == Source.HERE:
            continue  # the lead records these people's declarations in the assessment
        fields: dict[str, object] = {"declaration": person.declaration, "interest": person.interest}
        if person.step or entry.step_from_source:
            fields |= {"step": person.step, "step_detail": person.step_detail, "step_from_source": bool(person.step)}
        if person.declaration != DeclarationState.INTEREST and not person.step:
            fields |= {"step": "", "step_detail": "", "step_from_source": False}
        dirty = [name for name, value in fields.items() if getattr(entry, name) != value]
        if dirty:
            for name in dirty:
                setattr(entry, name, fields[name])
            entry.save(update_fields=dirty)
            changed += 1
    return changed


@service
def assessment_start(*, tender: Tender, stage: str, by: Actor) -> ConflictsAssessment:
    """Prepare the assessment for a stage, listing everyone acting with what they already declared. A signed
    assessment is never changed: starting again makes a new version that supersedes the latest signed one (the award
    review supersedes the tender assessment), carrying over the people the lead added and what they declared."""
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "prepare the conflicts assessment")
    if stage not in AssessmentStage.values:
        raise DomainError("Choose the stage: before the tender notice, or before the award", field="stage")
    if tender.status in (TenderStatus.AWARDED, TenderStatus.CANCELLED):
        raise DomainError(f"The tender is {tender.get_status_display().lower()}")
    versions = ConflictsAssessment.objects.unscoped(reason=CHECKED).filter(tender=tender)
    if versions.filter(stage=stage, signed_at__isnull=True).exists():
        raise DomainError("A draft of this assessment is already being prepared: complete and sign it")
    if stage == AssessmentStage.AWARD and not versions.filter(signed_at__isnull=False).exists():
        raise DomainError("Sign the conflicts assessment before the tender notice first", field="stage")
    previous = versions.filter(signed_at__isnull=False).order_by("-version").first()
    if stage == AssessmentStage.TENDER and previous is not None and previous.stage == AssessmentStage.AWARD:
        raise DomainError("The assessment has been reviewed for the award: review that version instead")
    last = versions.order_by("-version").first()
    assessment = ConflictsAssessment.objects.create(
        tender=tender,
        stage=stage,
        version=(last.version + 1) if last else 1,
        supersedes=previous,
        created_by=by.user,
    )
    if previous is not None:
        AssessmentEntry.objects.bulk_create(
            [
                AssessmentEntry(
                    assessment=assessment,
                    user_id=e.user_id,
                    person_name=e.person_name,
                    organisation_name=e.organisation_name,
                    role_title=e.role_title,
                    capacity=e.capacity,
                    source=e.source,
                    source_id=e.source_id,
                    declaration=e.declaration,
                    interest=e.interest,
                    step=e.step,
                    step_detail=e.step_detail,
                    step_from_source=e.step_from_source,
                )
                for e in AssessmentEntry.objects.unscoped(reason=CHECKED).filter(assessment=previous)
            ]
        )
    _refresh(assessment)
    audit.record(
        obj=assessment,
        action="conflicts.started",
        by=by,
        to_state="draft",
        data={"stage": stage, "version": assessment.version, "supersedes": previous.pk if previous else None},
    )
    return assessment


@service
def assessment_refresh(*, assessment: ConflictsAssessment, by: Actor) -> ConflictsAssessment:
    """Read the panel's and the board's declarations again (people added or declarations made since)."""
    assessment = _editable(assessment, by, "update the conflicts assessment")
    changed = _refresh(assessment)
    if changed:
        audit.record(obj=assessment, action="conflicts.refreshed", by=by, data={"changed": changed})
    return assessment


@service
def entry_add(
    *,
    assessment: ConflictsAssessment,
    person_name: str,
    organisation_name: str = "",
    role_title: str = "",
    capacity: str = Capacity.OTHER,
    by: Actor,
) -> AssessmentEntry:
    """Add someone else acting in the procurement (an adviser, a finance officer, a councillor briefed on it)."""
    assessment = _editable(assessment, by, "change the conflicts assessment")
    name = _text(person_name, "person_name", required="Enter the person's name", multiline=False)
    if capacity not in (Capacity.LEAD_OFFICER, Capacity.OTHER):
        raise DomainError("The panel and the board are listed from their own records", field="capacity")
    organisation = _text(organisation_name, "organisation_name", multiline=False)
    role = _text(role_title, "role_title", multiline=False)
    entry = AssessmentEntry.objects.create(
        assessment=assessment,
        person_name=name,
        organisation_name=organisation,
        role_title=role,
        capacity=capacity,
        source=Source.HERE,
    )
    audit.record(
        obj=assessment,
        action="conflicts.person_added",
        by=by,
        data={"person": name, "organisation": organisation, "capacity": capacity},
    )
    return entry


@service
def entry_record(
    *,
    entry: AssessmentEntry,
    declaration: str | None = None,
    interest: str = "",
    step: str = "",
    step_detail: str = "",
    by: Actor,
) -> AssessmentEntry:
    """Record a person's declaration (for those the panel and board do not cover) and, for a conflict, the steps
    taken: excluded, mitigated (saying how) or none needed (saying why)."""
    assessment = _editable(entry.assessment, by, "change the conflicts assessment")
    entry = AssessmentEntry.objects.unscoped(reason=CHECKED).select_for_update().get(pk=entry.pk)
    if entry.assessment_id != assessment.pk:
        raise DomainError("This person is not on this assessment")
    changes: dict[str, object] = {}
    if declaration is not None and (declaration != entry.declaration or (interest or "").strip() != entry.interest):
        if entry.from_source:
            raise DomainError(
                f"{entry.person_name} declares through {entry.get_source_display().lower()}: it is read from there",
                field="declaration",
            )
        if declaration not in (DeclarationState.NONE, DeclarationState.INTEREST):
            raise DomainError("Say whether they declared an interest", field="declaration")
        text = _text(interest, "interest")
        if declaration == DeclarationState.INTEREST and not text:
            raise DomainError("Describe the interest declared", field="interest")
        changes |= {"declaration": declaration, "interest": text if declaration == DeclarationState.INTEREST else ""}
    is_conflict = changes.get("declaration", entry.declaration) == DeclarationState.INTEREST
    if step or step_detail:
        if not is_conflict:
            raise DomainError("Steps are recorded only for a declared interest", field="step")
        if entry.step_from_source:
            raise DomainError(
                f"The steps for {entry.person_name} were decided through {entry.get_source_display().lower()}",
                field="step",
            )
        if step not in (Step.EXCLUDED, Step.MITIGATED, Step.NONE_NEEDED):
            raise DomainError("Choose the steps taken", field="step")
        detail = _text(step_detail, "step_detail")
        if step == Step.MITIGATED and not detail:
            raise DomainError("Say how the conflict is mitigated", field="step_detail")
        if step == Step.NONE_NEEDED and not detail:
            raise DomainError("Say why no steps are needed", field="step_detail")
        changes |= {"step": step, "step_detail": detail}
    elif not is_conflict and entry.step and not entry.step_from_source:
        changes |= {"step": "", "step_detail": ""}
    if not changes:
        return entry
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(changes))
    audit.record(
        obj=assessment,
        action="conflicts.recorded",
        by=by,
        data={"person": entry.person_name, **{k: str(v) for k, v in changes.items()}},
    )
    return entry


@service
def entry_remove(*, entry: AssessmentEntry, by: Actor) -> None:
    assessment = _editable(entry.assessment, by, "change the conflicts assessment")
    if entry.from_source or entry.capacity != Capacity.OTHER:
        raise DomainError("Only people added to the assessment by hand can be removed")
    AssessmentEntry.objects.unscoped(reason=CHECKED).filter(pk=entry.pk, assessment=assessment).delete()
    audit.record(obj=assessment, action="conflicts.person_removed", by=by, data={"person": entry.person_name})


@service
def assessment_sign(*, assessment: ConflictsAssessment, role: str, by: Actor) -> ConflictsAssessment:
    """Sign the assessment: a named person of the lead, with their role, once everyone has declared and every
    conflict has its steps. From then on it never changes."""
    assessment = _editable(assessment, by, "sign the conflicts assessment")
    if by.user is None:
        raise DomainError("A named person signs the assessment")
    role_text = _text(role, "role", required="Enter your role", multiline=False)
    _refresh(assessment)
    problems = entry_problems(assessment)
    if problems:
        raise DomainError("The assessment is not complete", problems=problems)
    assessment.signed_by = by.user
    assessment.signed_by_name = actor_name(by)
    assessment.signed_role = role_text
    assessment.signed_at = timezone.now()
    assessment.save(update_fields=["signed_by", "signed_by_name", "signed_role", "signed_at"])
    entries = AssessmentEntry.objects.unscoped(reason=CHECKED).filter(assessment=assessment)
    audit.record(
        obj=assessment,
        action="conflicts.signed",
        by=by,
        from_state="draft",
        to_state="signed",
        data={
            "stage": assessment.stage,
            "version": assessment.version,
            "role": role_text,
            "people": entries.count(),
            "conflicts": entries.filter(declaration=DeclarationState.INTEREST).count(),
        },
    )
    return assessment
