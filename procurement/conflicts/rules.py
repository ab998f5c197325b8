"""Who acts in a procurement, what they declared, and what the conflicts assessment still lacks (pure reads).

Everyone acting for the partners in the procurement is listed (Procurement Act 2023 s.81(3): whoever influences a
decision acts in it): the lead's officers on the tender (the lead contact, whoever created or changed it), the
evaluation panel, and the board members who took the tender's items. Their declarations are read where Jointly
already records them -- the panel's (``procurement.evaluation.Evaluator``) and the board's (``boards.Declaration``,
``boards.Exclusion``) -- so nobody declares twice; the lead records the rest in the assessment itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from boards.models import AgendaItem, Attendance, BoardMember, Declaration, Exclusion
from core.models import AuditEvent
from partners.models import User
from procurement.award.models import AwardRecommendation
from procurement.conflicts.models import (
    AssessmentEntry,
    AssessmentStage,
    Capacity,
    ConflictsAssessment,
    DeclarationState,
    Source,
    Step,
)
from procurement.evaluation.models import Evaluator
from procurement.tenders.models import EvaluationMethod, Tender

WHOLE_RECORD = "a check reads the whole record, whoever asks; it answers with problems, not rows"

# The board's agenda items about a tender (procurement.handlers registers these subject kinds with the board).
METHOD_SUBJECT = "procurement.evaluation_method"
AWARD_SUBJECT = "procurement.award_recommendation"

# Steps a board takes on the tender through its decision: the people taking them are listed as board members.
BOARD_STEPS = ("tender.approve_method", "tender.reopen_method", "tender.approve_award", "tender.return_to_evaluation")

NO_ASSESSMENT = {
    AssessmentStage.TENDER: "No conflicts assessment for this tender",
    AssessmentStage.AWARD: "The conflicts assessment has not been reviewed before the award",
}


@dataclass(frozen=True)
class Person:
    """Someone acting in the procurement, with the declaration the record already holds (if any)."""

    capacity: str
    source: str
    source_id: int
    user_id: int | None
    name: str
    organisation: str
    role_title: str
    declaration: str = DeclarationState.PENDING
    interest: str = ""
    step: str = ""
    step_detail: str = ""

    @property
    def key(self) -> tuple[str, str, int | None]:
        return (self.capacity, self.source, self.source_id)


def entry_key(entry: AssessmentEntry) -> tuple[str, str, int | None]:
    return (entry.capacity, entry.source, entry.source_id)


def _name(user: User) -> str:
    return str(user.get_full_name() or user.get_username())


def lead_officers(tender: Tender) -> list[Person]:
    """The lead's officers on the tender: its lead contact, whoever created it, and whoever changed it since."""
    commission = tender.commission
    ids: list[int] = [i for i in (commission.lead_contact_id, tender.created_by_id) if i]
    changed = (
        AuditEvent.objects.unscoped(reason=WHOLE_RECORD)
        .filter(
            content_type=ContentType.objects.get_for_model(Tender),
            object_id=str(tender.pk),
            organisation_id=commission.lead_id,
            actor__isnull=False,
        )
        .exclude(action__in=BOARD_STEPS)
        .values_list("actor_id", flat=True)
    )
    ids.extend(i for i in changed if i)
    seen = list(dict.fromkeys(ids))
    users = {u.pk: u for u in User.objects.filter(pk__in=seen)}
    lead_name = commission.lead.name
    return [
        Person(
            capacity=Capacity.LEAD_OFFICER,
            source=Source.HERE,
            source_id=pk,
            user_id=pk,
            name=_name(users[pk]),
            organisation=lead_name,
            role_title="Lead commissioner" if pk == commission.lead_contact_id else "Officer on the tender",
        )
        for pk in seen
        if pk in users
    ]


_PANEL_DECLARATION = {
    Evaluator.Declaration.PENDING: DeclarationState.PENDING,
    Evaluator.Declaration.NONE: DeclarationState.NONE,
    Evaluator.Declaration.INTEREST: DeclarationState.INTEREST,
}
_PANEL_STEP = {
    Evaluator.ConflictDecision.EXCLUDE: Step.EXCLUDED,
    Evaluator.ConflictDecision.MITIGATE: Step.MITIGATED,
}


def panel(tender: Tender) -> list[Person]:
    """The evaluation panel, with the interests each evaluator declared and the lead's decision on each."""
    evaluators = (
        Evaluator.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).select_related("user", "organisation")
    )
    return [
        Person(
            capacity=Capacity.EVALUATOR,
            source=Source.PANEL,
            source_id=e.pk,
            user_id=e.user_id,
            name=_name(e.user),
            organisation=e.organisation.name,
            role_title=e.role_title or ("Third-sector representative" if e.is_third_sector_rep else "Evaluator"),
            declaration=_PANEL_DECLARATION[Evaluator.Declaration(e.declaration)],
            interest=e.interest,
            step=_PANEL_STEP.get(Evaluator.ConflictDecision(e.conflict_decision), "")
            if e.declaration == Evaluator.Declaration.INTEREST
            else "",
            step_detail=e.mitigation if e.conflict_decision == Evaluator.ConflictDecision.MITIGATE else "",
        )
        for e in evaluators
    ]


def board_items(tender: Tender) -> list[AgendaItem]:
    method_ids = list(
        EvaluationMethod.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).values_list("pk", flat=True)
    )
    recommendation_ids = list(
        AwardRecommendation.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).values_list("pk", flat=True)
    )
    return list(
        AgendaItem.objects.unscoped(reason=WHOLE_RECORD).filter(
            Q(subject_kind=METHOD_SUBJECT, subject_id__in=method_ids)
            | Q(subject_kind=AWARD_SUBJECT, subject_id__in=recommendation_ids)
        )
    )


def board(tender: Tender) -> list[Person]:
    """The board members who took the tender's items (present at the meeting, or who declared on the item), with
    what they declared there and any exclusion by the chair."""
    items = board_items(tender)
    if not items:
        return []
    item_ids = [i.pk for i in items]
    declarations: dict[int, list[Declaration]] = {}
    for d in Declaration.objects.unscoped(reason=WHOLE_RECORD).filter(item_id__in=item_ids).order_by("declared_at"):
        declarations.setdefault(d.member_id, []).append(d)
    exclusions: dict[int, list[Exclusion]] = {}
    for x in Exclusion.objects.unscoped(reason=WHOLE_RECORD).filter(item_id__in=item_ids).order_by("created_at"):
        exclusions.setdefault(x.member_id, []).append(x)
    present = set(
        Attendance.objects.unscoped(reason=WHOLE_RECORD)
        .filter(meeting_id__in={i.meeting_id for i in items}, status=Attendance.Status.PRESENT)
        .values_list("member_id", flat=True)
    )
    members = (
        BoardMember.objects.unscoped(reason=WHOLE_RECORD)
        .filter(pk__in=present | set(declarations) | set(exclusions))
        .select_related("person", "organisation")
        .order_by("person__full_name", "pk")
    )
    people = []
    for m in members:
        mine = declarations.get(m.pk, [])
        interests = [d.interest for d in mine if d.has_interest]
        excluded = exclusions.get(m.pk, [])
        people.append(
            Person(
                capacity=Capacity.BOARD_MEMBER,
                source=Source.BOARD,
                source_id=m.pk,
                user_id=m.person_id,
                name=_name(m.person),
                organisation=m.organisation.name,
                role_title=m.role_title or "Board member",
                # At the meeting every member is asked to declare: a member present who declared nothing has no
                # interest in the item.
                declaration=DeclarationState.INTEREST if interests else DeclarationState.NONE,
                interest="; ".join(dict.fromkeys(interests)),
                step=Step.EXCLUDED if excluded else "",
                step_detail="; ".join(x.reason for x in excluded),
            )
        )
    return people


def people_acting(tender: Tender) -> list[Person]:
    """Everyone the record shows acting in the procurement, lead officers first, then the panel, then the board."""
    return [*lead_officers(tender), *panel(tender), *board(tender)]


# --- what the assessment still lacks ----------------------------------------------------------------------------------


def _names(entries: list[AssessmentEntry]) -> str:
    return ", ".join(f"{e.person_name} ({e.get_capacity_display().lower()})" for e in entries)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def entry_problems(assessment: ConflictsAssessment, *, acting: list[Person] | None = None) -> list[str]:
    """What keeps this version from being signed, its signature aside: people who have not declared, conflicts
    without steps, and people now acting in the procurement whom it does not list."""
    entries = list(AssessmentEntry.objects.unscoped(reason=WHOLE_RECORD).filter(assessment=assessment))
    problems: list[str] = []
    pending = [e for e in entries if e.declaration == DeclarationState.PENDING]
    if pending:
        problems.append(f"{_plural(len(pending), 'person has', 'people have')} not declared: {_names(pending)}")
    unstepped = [e for e in entries if e.is_conflict and not e.step]
    if unstepped:
        problems.append(
            f"{_plural(len(unstepped), 'conflict has', 'conflicts have')} no steps recorded: {_names(unstepped)}"
        )
    acting = people_acting(assessment.tender) if acting is None else acting
    live = {p.key: p for p in acting}
    changed = [
        e
        for e in entries
        if e.from_source
        and entry_key(e) in live
        and (live[entry_key(e)].declaration, live[entry_key(e)].interest) != (e.declaration, e.interest)
    ]
    if changed:
        problems.append(f"Declarations changed since they were read: {_names(changed)}")
    listed = {entry_key(e) for e in entries}
    missing = [p for p in acting if p.key not in listed]
    if missing:
        names = ", ".join(f"{p.name} ({Capacity(p.capacity).label.lower()})" for p in missing)
        problems.append(f"Not listed, though now acting in the procurement: {names}")
    return problems


def current_assessment(tender: Tender, *, stage: str) -> ConflictsAssessment | None:
    """The latest version of the tender's assessment for a stage (a draft review, or the signed version)."""
    return (
        ConflictsAssessment.objects.unscoped(reason=WHOLE_RECORD)
        .filter(tender=tender, stage=stage)
        .order_by("-version")
        .first()
    )


def assessment_problems(tender: Tender, *, stage: str) -> list[str]:
    """What the tender's conflicts assessment for ``stage`` still lacks ([] when it is complete and signed).

    A signed version stands while a review of it is being prepared, as long as it still lists everyone acting with
    their current declarations; once it does not, the review's own problems are what is missing."""
    latest = current_assessment(tender, stage=stage)
    if latest is None:
        return [NO_ASSESSMENT[AssessmentStage(stage)]]
    acting = people_acting(tender)
    if not latest.is_signed:
        signed = (
            ConflictsAssessment.objects.unscoped(reason=WHOLE_RECORD)
            .filter(tender=tender, stage=stage, signed_at__isnull=False)
            .order_by("-version")
            .first()
        )
        if signed is not None and not entry_problems(signed, acting=acting):
            return []
        return [*entry_problems(latest, acting=acting), "Not signed"]
    return entry_problems(latest, acting=acting)
