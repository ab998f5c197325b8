"""Setting up and running a tender: details, lots, documents, the evaluation method, publishing, the tender's
simple steps, clarifications, interest and follows, and the notices these send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from commissioning.lifecycle import services as commissioning
from commissioning.models import (
    CommissionStatus,
    JointCommission,
    Outcome,
)
from core import audit, opportunities
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import money
from core.opportunities import CATEGORY_LABELS
from core.service import service
from core.workflow import transition
from partners.models import Organisation, Role
from procurement import permissions
from procurement.tenders.cpv import all_light_touch
from procurement.tenders.files import file_row
from procurement.tenders.models import (
    Clarification,
    Criterion,
    CriterionKind,
    Eligibility,
    EvaluationMethod,
    Lot,
    MethodStatus,
    PriceFormula,
    Procedure,
    Question,
    Stage,
    Tender,
    TenderDocument,
    TenderInterest,
    TenderStatus,
)
from procurement.tenders.notices import tell_interested, tell_lead
from procurement.tenders.opportunities import tender_opportunity
from procurement.tenders.rules import (
    BoardActor,
    clean_cpv_codes,
    has_board,
    is_lead,
    local_time,
    method_problems,
    parse_scale,
    suggested_value,
    whole_value_problems,
)
from procurement.workflows import TENDER_WORKFLOW

# The lead returning a recommendation says why; the board refusing one records its reasons in its own minutes, so the
# workflow step itself does not demand one (cancelling does: ``needs_reason`` on the step).
NEEDS_REASON = frozenset({"return_to_evaluation"})

# Rows the service reads whoever acts: it decides itself who may act, so another organisation gets a refusal, never
# a missing row (the row was handed in through the caller's scope).
CHECKED = "the service decides who may act (a refusal, never a missing row)"


def require_lead(tender: Tender, by: Actor, doing: str = "do this") -> None:
    if not is_lead(tender, by):
        raise NotPermitted(f"Only the lead commissioner ({tender.commission.lead}) can {doing}")


def _check_deadlines(
    *,
    procedure: str,
    clarification_deadline: dt.datetime | None,
    eoi_deadline: dt.datetime | None,
    submission_deadline: dt.datetime | None,
    now: dt.datetime,
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if submission_deadline is None:
        problems["submission_deadline"] = ["Enter the bid deadline"]
    elif submission_deadline <= now:
        problems["submission_deadline"] = ["The bid deadline must be in the future"]
    if clarification_deadline is None:
        problems["clarification_deadline"] = ["Enter the clarification deadline"]
    elif submission_deadline and clarification_deadline > submission_deadline:
        problems["clarification_deadline"] = ["Clarifications must close before, or when, bids close"]
    if procedure == Procedure.TWO_STAGE:
        if eoi_deadline is None:
            problems["eoi_deadline"] = ["A two-stage tender needs an expression of interest deadline"]
        elif eoi_deadline <= now:
            problems["eoi_deadline"] = ["The expression of interest deadline must be in the future"]
        elif submission_deadline and eoi_deadline >= submission_deadline:
            problems["eoi_deadline"] = ["Expressions of interest must close before full bids"]
    elif eoi_deadline is not None:
        problems["eoi_deadline"] = ["Only a two-stage tender has an expression of interest deadline"]
    return problems


@service
def tender_create(
    *,
    commission: JointCommission,
    title: str,
    summary: str,
    specification: str,
    clarification_deadline: dt.datetime,
    submission_deadline: dt.datetime,
    by: Actor,
    procedure: str = Procedure.OPEN,
    eligibility: str = Eligibility.THIRD_SECTOR,
    estimated_annual_value: Decimal | None = None,
    term_years: int | None = None,
    eoi_deadline: dt.datetime | None = None,
    outcomes: Iterable[Outcome] = (),
    allow_third_sector_evaluators: bool = False,
    standstill_days: int = 8,
    reference: str = "",
    is_light_touch: bool | None = None,
    estimated_value_inc_vat: Decimal | None = None,
    cpv_codes: Iterable[str] = (),
    category: str = "",
) -> Tender:
    """The lead commissioner drafts a tender for a commission that has entered procurement (a commission ready to
    enter it -- every blocker cleared -- enters it now)."""
    commission = (
        JointCommission.objects.unscoped(reason=CHECKED).select_related("lead", "partnership").get(pk=commission.pk)
    )
    if by.organisation is None or by.organisation.pk != commission.lead_id or not by.has_role(Role.COMMISSIONER):
        raise NotPermitted(f"Only a commissioner at {commission.lead} can tender for this commission")
    if commission.status == CommissionStatus.SIGN_UP:
        commission = commissioning.commission_transition(commission=commission, name="enter_procurement", by=by)
    elif commission.status != CommissionStatus.PROCUREMENT:
        raise DomainError(
            f"This commission is {commission.get_status_display().lower()}: a tender needs a commission in procurement",
            field="commission",
        )
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = ["Enter a title"]
    if not summary.strip():
        problems["summary"] = ["Enter a summary"]
    if not specification.strip():
        problems["specification"] = ["Enter the specification"]
    if procedure not in Procedure.values:
        problems["procedure"] = ["Choose the procedure"]
    if eligibility not in Eligibility.values:
        problems["eligibility"] = ["Choose who may bid"]
    if category and category not in CATEGORY_LABELS:
        problems["category"] = ["Choose a category from the list"]
    problems.update(
        _check_deadlines(
            procedure=procedure,
            clarification_deadline=clarification_deadline,
            eoi_deadline=eoi_deadline,
            submission_deadline=submission_deadline,
            now=timezone.now(),
        )
    )
    value = estimated_annual_value if estimated_annual_value is not None else suggested_value(commission)
    if value is None or value < 0:
        problems["estimated_annual_value"] = ["Enter the estimated annual value"]
    term = term_years or commission.term_years
    if term < 1 or term > commission.term_years:
        problems["term_years"] = [f"The term must be between 1 and {commission.term_years} years (the commission's)"]
    outcomes = list(outcomes)
    if any(o.partnership_id != commission.partnership_id for o in outcomes):
        problems["outcomes"] = ["Choose outcomes from this partnership's framework"]
    codes, code_problems = clean_cpv_codes(cpv_codes)
    if code_problems:
        problems["cpv_codes"] = code_problems
    # The whole contract's value including VAT: the annual value over the term unless the lead says otherwise.
    whole = estimated_value_inc_vat
    if whole is None and value is not None and value >= 0:
        whole = money(value) * term
    if value_problems := whole_value_problems(whole):
        problems["estimated_value_inc_vat"] = value_problems
    if problems:
        raise DomainError("Check the tender's details", field_errors=problems)
    assert whole is not None
    tender = Tender.objects.create(
        commission=commission,
        reference=reference.strip(),
        title=title.strip(),
        summary=summary.strip(),
        category=category,
        specification=specification.strip(),
        procedure=procedure,
        eligibility=eligibility,
        estimated_annual_value=money(value),
        term_years=term,
        clarification_deadline=clarification_deadline,
        eoi_deadline=eoi_deadline if procedure == Procedure.TWO_STAGE else None,
        submission_deadline=submission_deadline,
        allow_third_sector_evaluators=allow_third_sector_evaluators,
        standstill_days=standstill_days,
        stage=Stage.EOI if procedure == Procedure.TWO_STAGE else Stage.FULL,
        is_light_touch=all_light_touch(codes) if is_light_touch is None else bool(is_light_touch),
        estimated_value_inc_vat=money(whole),
        cpv_codes=codes,
        created_by=by.user,
    )
    tender.outcomes.set(outcomes)
    EvaluationMethod.objects.create(tender=tender)
    audit.record(obj=tender, action="tender.created", by=by, to_state=tender.status)
    return tender


DETAIL_FIELDS = ("title", "summary", "specification", "category")
REGIME_FIELDS = ("is_light_touch", "estimated_value_inc_vat", "cpv_codes")
SETUP_FIELDS = (
    "procedure",
    "eligibility",
    "estimated_annual_value",
    "term_years",
    "allow_third_sector_evaluators",
    "standstill_days",
    "reference",
    *REGIME_FIELDS,
)
DEADLINE_FIELDS = ("clarification_deadline", "eoi_deadline", "submission_deadline")


@service
def tender_update(*, tender: Tender, by: Actor, outcomes: Iterable[Outcome] | None = None, **values: Any) -> Tender:
    """Change a tender. Before publication anything may change; afterwards the wording and documents may, and
    deadlines may only move later -- never earlier -- and only while bids are open. Every interested provider is told
    of a change to a published tender."""
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "change this tender")
    if tender.status in (TenderStatus.AWARDED, TenderStatus.CANCELLED):
        raise DomainError(f"This tender is {tender.get_status_display().lower()}: it can no longer change")
    unknown = set(values) - {*DETAIL_FIELDS, *SETUP_FIELDS, *DEADLINE_FIELDS}
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}")
    now = timezone.now()
    published = tender.is_published
    changes: dict[str, list[str]] = {}
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        old = getattr(tender, name)
        if isinstance(value, str):
            value = value.strip()
        if name == "cpv_codes":
            value, code_problems = clean_cpv_codes(value)
            if code_problems:
                problems[name] = code_problems
                continue
        elif name == "estimated_value_inc_vat":
            if value is None:  # blank: the annual value over the term
                annual = values.get("estimated_annual_value", tender.estimated_annual_value)
                value = money(annual or 0) * int(values.get("term_years", tender.term_years) or 1)
            if value_problems := whole_value_problems(value):
                problems[name] = value_problems
                continue
            value = money(value)
        elif name == "is_light_touch":
            if value is None:  # worked out from the codes (the ones being saved, else the tender's)
                codes = values.get("cpv_codes", tender.cpv_codes)
                value = all_light_touch(clean_cpv_codes(codes)[0])
            value = bool(value)
        if value == old:
            continue
        if published and name in SETUP_FIELDS:
            problems[name] = ["This cannot change once the tender is published: cancel it and publish a new one"]
            continue
        if published and name in DEADLINE_FIELDS:
            if tender.status not in (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED):
                problems[name] = ["Bids have closed: the deadlines can no longer change"]
                continue
            if old is not None and old <= now:
                problems[name] = ["This deadline has passed: it can no longer change"]
                continue
            if value is None or (old is not None and value < old):
                problems[name] = [
                    f"A deadline cannot be brought forward after publication (it is {local_time(old)}): it may only be extended"
                ]
                continue
        if name in DETAIL_FIELDS and not value:
            problems[name] = ["This cannot be empty"]
            continue
        changes[name] = [str(old), str(value)]
        setattr(tender, name, value)
    if any(n in changes for n in DEADLINE_FIELDS) or (not published and "procedure" in changes):
        problems.update(
            {
                k: v
                for k, v in _check_deadlines(
                    procedure=tender.procedure,
                    clarification_deadline=tender.clarification_deadline,
                    eoi_deadline=tender.eoi_deadline if tender.stage == Stage.EOI or not published else None,
                    submission_deadline=tender.submission_deadline,
                    now=now,
                ).items()
                if k in changes or not published
            }
        )
    if "term_years" in changes and not 1 <= int(tender.term_years) <= tender.commission.term_years:
        problems["term_years"] = [f"The term must be between 1 and {tender.commission.term_years} years"]
    if problems:
        raise DomainError("Check the changes", field_errors=problems)
    if not published and "procedure" in changes:
        tender.stage = Stage.EOI if tender.procedure == Procedure.TWO_STAGE else Stage.FULL
        if tender.procedure != Procedure.TWO_STAGE:
            tender.eoi_deadline = None
    if outcomes is not None:
        outcomes = list(outcomes)
        if any(o.partnership_id != tender.commission.partnership_id for o in outcomes):
            raise DomainError("Choose outcomes from this partnership's framework", field="outcomes")
        before = sorted(tender.outcomes.values_list("pk", flat=True))
        if before != sorted(o.pk for o in outcomes):
            tender.outcomes.set(outcomes)
            changes["outcomes"] = [str(before), str(sorted(o.pk for o in outcomes))]
    if not changes:
        return tender
    tender.save()
    event = audit.record(obj=tender, action="tender.changed", by=by, data={"changes": changes})
    if published:
        what = []
        for name in changes:
            if name in DEADLINE_FIELDS:
                what.append(
                    f"{Tender._meta.get_field(name).verbose_name.capitalize()}: now {local_time(getattr(tender, name))}"
                )
            else:
                what.append(f"{Tender._meta.get_field(name).verbose_name.capitalize()} changed")
        tell_interested(
            tender,
            subject=f"{tender.title}: the tender has changed",
            body="\n".join(what),
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return tender


def _require_documents_open(tender: Tender) -> None:
    if tender.status not in (
        TenderStatus.DRAFT,
        TenderStatus.METHOD_APPROVED,
        TenderStatus.PUBLISHED,
        TenderStatus.CLARIFICATIONS_CLOSED,
    ):
        raise DomainError("Bids have closed: the tender documents can no longer change")


@service
def tender_document_add(*, tender: Tender, title: str, upload: File, by: Actor) -> TenderDocument:
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "add documents")
    _require_documents_open(tender)
    if not title.strip():
        raise DomainError("Enter the document's title", field="title")
    document = file_row(TenderDocument, upload=upload, tender=tender, title=title.strip(), added_by=by.user)
    event = audit.record(
        obj=tender, action="tender.document_added", by=by, data={"document": document.title, "sha256": document.sha256}
    )
    if tender.is_published:
        tell_interested(
            tender,
            subject=f"{tender.title}: a tender document was added",
            body=f"“{document.title}” has been added to the tender documents.",
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return document


@service
def tender_document_remove(*, document: TenderDocument, by: Actor) -> TenderDocument:
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=document.tender_id)
    require_lead(tender, by, "remove documents")
    _require_documents_open(tender)
    if document.removed_at is not None:
        return document
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    event = audit.record(obj=tender, action="tender.document_removed", by=by, data={"document": document.title})
    if tender.is_published:
        tell_interested(
            tender,
            subject=f"{tender.title}: a tender document was withdrawn",
            body=f"“{document.title}” has been withdrawn from the tender documents.",
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return document


@service
def lot_add(*, tender: Tender, title: str, estimated_annual_value: Decimal, by: Actor, description: str = "") -> Lot:
    require_lead(tender, by, "add lots")
    if tender.is_published:
        raise DomainError("Lots cannot change once the tender is published")
    if not title.strip():
        raise DomainError("Enter the lot's title", field="title")
    number = (Lot.objects.unscoped(reason=CHECKED).filter(tender=tender).aggregate(n=Max("number"))["n"] or 0) + 1
    lot = Lot.objects.create(
        tender=tender,
        number=number,
        title=title.strip(),
        description=description.strip(),
        estimated_annual_value=money(estimated_annual_value),
    )
    audit.record(obj=tender, action="tender.lot_added", by=by, data={"lot": str(lot)})
    return lot


@service
def lot_remove(*, lot: Lot, by: Actor) -> None:
    tender = lot.tender
    require_lead(tender, by, "remove lots")
    if tender.is_published:
        raise DomainError("Lots cannot change once the tender is published")
    audit.record(obj=tender, action="tender.lot_removed", by=by, data={"lot": str(lot)})
    Lot.objects.unscoped(reason=CHECKED).filter(pk=lot.pk).delete()


@service
def tender_publish(*, tender: Tender, by: Actor) -> Tender:
    """Publish on the opportunities portal and announce it (``core.opportunities``): providers who follow its
    service area or category are told, once."""
    tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name="publish", by=by)
    Tender.objects.unscoped(reason=CHECKED).filter(pk=tender.pk).update(published_at=timezone.now())
    tender.refresh_from_db()
    opportunities.announce(tender_opportunity(tender))
    return tender


@service
def tender_transition(*, tender: Tender, name: str, by: Actor, reason: str = "") -> Tender:
    """The tender's simple steps (closing, starting the evaluation, returning to evaluation, cancelling). What each
    step does besides moving the state is a declared effect, bound by the package that owns the rows it touches."""
    if name in NEEDS_REASON and not reason.strip():
        raise DomainError("Give a reason for this step", field="reason")
    with transaction.atomic():
        tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name=name, by=by, reason=reason.strip())
    return tender


@TENDER_WORKFLOW.effect("tell_interested_cancelled")
def _cancelled(tender: Tender, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    Tender.objects.unscoped(reason=CHECKED).filter(pk=tender.pk).update(cancelled_reason=reason)
    tell_interested(
        tender, subject=f"{tender.title} has been cancelled", body=reason, key=f"tender:{tender.pk}:cancelled"
    )


def actor_name(by: Actor) -> str:
    if by.user is None:
        return "Jointly (automatic)"
    return str(by.user.get_full_name() or by.user.get_username())


# --- the evaluation method ------------------------------------------------------------------------------------------


def _editable_method(tender: Tender, by: Actor) -> EvaluationMethod:
    require_lead(tender, by, "change the evaluation method")
    method = EvaluationMethod.objects.unscoped(reason=CHECKED).select_for_update().get(tender=tender)
    if method.is_frozen:
        raise DomainError(
            "The evaluation method is frozen: it has been approved"
            if method.status == MethodStatus.APPROVED
            else "The evaluation method is waiting for the board: withdraw it from the board to change it"
        )
    return method


@service
def criterion_add(*, tender: Tender, kind: str, name: str, weight: int, by: Actor) -> Criterion:
    method = _editable_method(tender, by)
    if kind not in CriterionKind.values:
        raise DomainError("Choose the kind of criterion", field="kind")
    if not 0 < int(weight) <= 100:
        raise DomainError("The weight must be between 1 and 100 per cent", field="weight")
    if (
        kind == CriterionKind.PRICE
        and Criterion.objects.unscoped(reason=CHECKED).filter(method=method, kind=kind).exists()
    ):
        raise DomainError("There is already a price criterion", field="kind")
    position = (
        Criterion.objects.unscoped(reason=CHECKED).filter(method=method).aggregate(n=Max("position"))["n"] or 0
    ) + 1
    criterion = Criterion.objects.create(
        method=method, kind=kind, name=name.strip() or CriterionKind(kind).label, weight=int(weight), position=position
    )
    audit.record(obj=tender, action="method.criterion_added", by=by, data={"criterion": str(criterion)})
    return criterion


@service
def criterion_remove(*, criterion: Criterion, by: Actor) -> None:
    _editable_method(criterion.method.tender, by)
    audit.record(
        obj=criterion.method.tender, action="method.criterion_removed", by=by, data={"criterion": str(criterion)}
    )
    Criterion.objects.unscoped(reason=CHECKED).filter(pk=criterion.pk).delete()


@service
def question_add(
    *,
    tender: Tender,
    text: str,
    by: Actor,
    criterion: Criterion | None = None,
    stage: str = Stage.FULL,
    word_limit: int = 500,
    weight: int = 1,
    pass_fail: bool = False,
    guidance: str = "",
) -> Question:
    method = _editable_method(tender, by)
    problems: dict[str, list[str]] = {}
    if not text.strip():
        problems["text"] = ["Enter the question"]
    if stage not in Stage.values:
        problems["stage"] = ["Choose the stage"]
    if stage == Stage.EOI and not tender.is_two_stage:
        problems["stage"] = ["Only a two-stage tender has expression of interest questions"]
    if criterion is not None and criterion.method_id != method.pk:
        problems["criterion"] = ["Choose a criterion of this method"]
    if criterion is not None and criterion.kind == CriterionKind.PRICE:
        problems["criterion"] = ["Price is scored by its formula, not by questions"]
    if stage == Stage.FULL and not pass_fail and criterion is None:
        problems["criterion"] = ["A scored question belongs to a criterion"]
    if int(word_limit) < 10:
        problems["word_limit"] = ["The word limit must be at least 10"]
    if int(weight) < 1:
        problems["weight"] = ["The weight must be at least 1"]
    if problems:
        raise DomainError("Check the question", field_errors=problems)
    number = (
        Question.objects.unscoped(reason=CHECKED).filter(method=method, stage=stage).aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    question = Question.objects.create(
        method=method,
        criterion=None if pass_fail or stage == Stage.EOI else criterion,
        stage=stage,
        number=number,
        text=text.strip(),
        guidance=guidance.strip(),
        word_limit=int(word_limit),
        weight=int(weight),
        pass_fail=pass_fail,
    )
    audit.record(obj=tender, action="method.question_added", by=by, data={"question": str(question)})
    return question


@service
def question_remove(*, question: Question, by: Actor) -> None:
    _editable_method(question.method.tender, by)
    audit.record(obj=question.method.tender, action="method.question_removed", by=by, data={"question": str(question)})
    Question.objects.unscoped(reason=CHECKED).filter(pk=question.pk).delete()


@service
def method_update(
    *, tender: Tender, by: Actor, scale_text: str | None = None, price_formula: str | None = None
) -> EvaluationMethod:
    method = _editable_method(tender, by)
    if scale_text is not None:
        method.scale = parse_scale(scale_text)
    if price_formula is not None:
        if price_formula not in PriceFormula.values:
            raise DomainError("Choose the price formula", field="price_formula")
        method.price_formula = price_formula
    method.save()
    audit.record(
        obj=tender, action="method.changed", by=by, data={"formula": method.price_formula, "max": method.max_score}
    )
    return method


@service
def method_submit(*, tender: Tender, by: Actor) -> EvaluationMethod:
    """Send the method for approval: to the board where the partnership has one (its clerk puts it on an agenda),
    otherwise the lead approves it here."""
    method = _editable_method(tender, by)
    problems = method_problems(method)
    if problems:
        raise DomainError("The evaluation method is not ready", problems=problems)
    if not has_board(tender):
        return method_approve(tender=tender, by=by)
    method.status = MethodStatus.SUBMITTED
    method.submitted_at = timezone.now()
    method.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(obj=tender, action="method.submitted_to_board", by=by, to_state=method.status)
    return method


@service
def method_withdraw(*, tender: Tender, by: Actor) -> EvaluationMethod:
    require_lead(tender, by, "withdraw the method from the board")
    method = EvaluationMethod.objects.unscoped(reason=CHECKED).select_for_update().get(tender=tender)
    if method.status != MethodStatus.SUBMITTED:
        raise DomainError("The method is not waiting for the board")
    method.status = MethodStatus.DRAFT
    method.save(update_fields=["status", "updated_at"])
    audit.record(obj=tender, action="method.withdrawn_from_board", by=by, to_state=method.status)
    return method


def record_approver(row: Any, by: Actor, *, lead: bool = True) -> None:
    """Note on an approved (or refused) method or recommendation who decided: the board, through its decision, or
    (``lead``) the lead commissioner where the partnership has no board."""
    if isinstance(by, BoardActor):
        row.approval_route = by.board_name or "The board"
        row.board_decision_id = by.decision_id
    elif lead:
        row.approval_route = "The lead commissioner (the partnership has no board)"


@service
def method_approve(*, tender: Tender, by: Actor) -> EvaluationMethod:
    """Approve (and freeze) the method: the board's decision, or the lead where there is no board."""
    tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name="approve_method", by=by)
    method = EvaluationMethod.objects.unscoped(reason=CHECKED).select_for_update().get(tender=tender)
    method.status = MethodStatus.APPROVED
    method.approved_at = timezone.now()
    method.approved_by_name = actor_name(by)
    record_approver(method, by)
    method.save()
    tell_lead(
        tender,
        subject=f"{tender.title}: the evaluation method is approved",
        key=f"tender:{tender.pk}:method-approved:{int(method.approved_at.timestamp())}",
    )
    return method


# --- clarifications -----------------------------------------------------------------------------------------------


@service
def clarification_ask(*, tender: Tender, question: str, by: Actor) -> Clarification:
    if by.organisation is None or not by.has_role(*permissions.BID_ROLES):
        raise NotPermitted("Only a provider's bidders can ask clarification questions")
    if by.organisation.pk == tender.commission.lead_id:
        raise NotPermitted("The lead answers questions; it does not ask them")
    if tender.status not in (TenderStatus.PUBLISHED,) or timezone.now() >= tender.clarification_deadline:
        raise DomainError(f"Clarifications closed {local_time(tender.clarification_deadline)}")
    if not question.strip():
        raise DomainError("Enter your question", field="question")
    clarification = Clarification.objects.create(
        tender=tender, organisation=by.organisation, asked_by=by.user, question=question.strip()
    )
    note_interest(tender=tender, organisation=by.organisation)
    audit.record(obj=clarification, action="clarification.asked", by=by)
    tell_lead(
        tender,
        subject=f"{tender.title}: a new clarification question",
        url=reverse("tender-clarifications", kwargs={"tender_id": tender.pk}),
        key=f"clarification:{clarification.pk}:asked",
    )
    return clarification


@service
def clarification_answer(
    *, clarification: Clarification, answer: str, by: Actor, published_question: str = ""
) -> Clarification:
    """Answer and publish to every bidder, without naming who asked."""
    clarification = Clarification.objects.unscoped(reason=CHECKED).select_for_update().get(pk=clarification.pk)
    tender = clarification.tender
    require_lead(tender, by, "answer clarification questions")
    if not answer.strip():
        raise DomainError("Enter the answer", field="answer")
    if tender.status not in (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED):
        raise DomainError("Bids have closed: answers can no longer be published")
    first = clarification.published_at is None
    clarification.answer = answer.strip()
    clarification.published_question = (published_question or clarification.question).strip()
    clarification.answered_by = by.user
    clarification.published_at = clarification.published_at or timezone.now()
    clarification.save()
    event = audit.record(obj=clarification, action="clarification.answered", by=by)
    tell_interested(
        tender,
        subject=f"{tender.title}: a clarification has been {'published' if first else 'updated'}",
        body=f"Q: {clarification.published_question}\n\nA: {clarification.answer}",
        key=f"clarification:{clarification.pk}:answered:{event.pk}",
    )
    return clarification


# --- interest and follows ---------------------------------------------------------------------------------------


def require_provider(by: Actor) -> Organisation:
    if by.organisation is None or not by.has_role(*permissions.BID_ROLES):
        raise NotPermitted("Only a provider's bidders can do this")
    return by.organisation


@service
def interest_register(*, tender: Tender, by: Actor) -> TenderInterest:
    """Record that the provider is interested (it then hears of clarifications and cancellation); asking a question
    and starting a bid register it too. Safe to repeat."""
    organisation = require_provider(by)
    if not tender.is_published:
        raise DomainError("This tender is not published")
    return note_interest(tender=tender, organisation=organisation)


def note_interest(*, tender: Tender, organisation: Organisation) -> TenderInterest:
    """The row behind ``interest_register``, for services that have already checked the provider (asking a question,
    starting a bid)."""
    interest, _ = TenderInterest.objects.unscoped(reason=CHECKED).get_or_create(
        tender=tender, organisation=organisation
    )
    return interest
