"""Every write for tendering: keyword-only, atomic, validating, audited.

Submission is judged on the server's clock inside the submitting transaction: the tender row is locked (``FOR
SHARE``: submitters do not queue behind one another, but a deadline change or the closing step waits for them and
they wait for it), the bid row is locked, and ``timezone.now()`` is compared with the deadline there. A bid must
arrive strictly before the deadline: at the deadline the tender is closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, Q
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
from commissioning.lifecycle import services as commissioning
from commissioning.service_map.models import Outcome, ServiceArea
from core import audit
from core.actors import SYSTEM, Actor
from core.errors import DomainError, PermissionDenied
from core.money import AmountError, financial_year_label, financial_years, format_gbp, money, parse_amount
from core.notifications import notify
from core.text import check_text
from core.workflow import transition
from partners.models import THIRD_SECTOR_KINDS, Membership, Organisation, Role, User
from procurement import permissions, scoring
from procurement.models import (
    RECEIVED,
    AwardLetter,
    AwardLine,
    AwardRecommendation,
    Bid,
    BidAnswer,
    BidAttachment,
    BidPartner,
    BidPartnerKind,
    BidPriceLine,
    BidStatus,
    BidVersion,
    Clarification,
    Contract,
    ContractDocument,
    ContractShare,
    Criterion,
    CriterionKind,
    Eligibility,
    EvaluationMethod,
    Evaluator,
    Lot,
    MethodStatus,
    ModeratedScore,
    PriceCategory,
    PriceFormula,
    Procedure,
    ProfileDocument,
    ProviderProfile,
    Question,
    RecommendationStatus,
    Score,
    ScoreSheet,
    ServiceAreaFollow,
    Stage,
    Tender,
    TenderDocument,
    TenderInterest,
    TenderStatus,
)
from procurement.standstill import standstill_end
from procurement.workflows import BID_WORKFLOW, TENDER_WORKFLOW, BoardActor, has_board, is_lead

T = TenderStatus
WORD = re.compile(r"\S+")
NEEDS_REASON = frozenset({"cancel", "return_to_evaluation"})


# --- small helpers ------------------------------------------------------------------------------------------------


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))


def sha256_of(upload: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def _filename(upload: Any) -> str:
    return (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]


def _require_lead(tender: Tender, by: Actor, doing: str = "do this") -> None:
    if not is_lead(tender, by):
        raise PermissionDenied(f"Only the lead commissioner ({tender.commission.lead}) can {doing}")


def _require_bidder(bid: Bid, by: Actor) -> None:
    if not permissions.is_bidder(bid, by):
        raise PermissionDenied("Only the bidding organisation's bidders can change this bid")


def _local(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%-d %B %Y at %H:%M}"


def lead_people(tender: Tender) -> list[User]:
    commission = tender.commission
    contact = commission.lead_contact
    if contact is not None:
        return [contact]
    return [
        m.user
        for m in Membership._base_manager.filter(
            organisation_id=commission.lead_id, is_active=True, roles__contains=[Role.COMMISSIONER]
        ).select_related("user")
    ]


def _org_bidders(organisation_id: int) -> list[User]:
    return [
        m.user
        for m in Membership._base_manager.filter(
            organisation_id=organisation_id, is_active=True, roles__overlap=[Role.BIDDER, Role.ORG_ADMIN]
        ).select_related("user")
    ]


def _tell_organisation(organisation_id: int, *, subject: str, body: str, url: str, key: str) -> None:
    organisation = Organisation.objects.get(pk=organisation_id)
    notify(
        recipients=_org_bidders(organisation_id),
        subject=subject,
        body=body,
        url=url,
        organisation=organisation,
        dedupe_key=f"{key}:o{organisation_id}",
    )


def _tell_interested(tender: Tender, *, subject: str, body: str, key: str) -> int:
    """Every provider interested in the tender (registered, asked, started a bid), each privately."""
    url = reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk})
    orgs = list(TenderInterest._base_manager.filter(tender=tender).values_list("organisation_id", flat=True))
    for organisation_id in orgs:
        _tell_organisation(organisation_id, subject=subject, body=body, url=url, key=key)
    return len(orgs)


def _tell_lead(tender: Tender, *, subject: str, body: str = "", url: str = "", key: str | None = None) -> None:
    notify(
        recipients=lead_people(tender),
        subject=subject,
        body=body,
        url=url or reverse("tender-detail", kwargs={"tender_id": tender.pk}),
        organisation=tender.commission.lead,
        dedupe_key=key,
    )


def register_interest(*, tender: Tender, organisation: Organisation) -> TenderInterest:
    interest, _ = TenderInterest._base_manager.get_or_create(tender=tender, organisation=organisation)
    return interest


# --- tenders ------------------------------------------------------------------------------------------------------


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


def confirmed_budget(commission: JointCommission, financial_year: int) -> dict[int, Decimal]:
    """Each partner's confirmed (or transferred) contribution in one financial year."""
    rows = Contribution._base_manager.filter(
        commission=commission,
        financial_year=financial_year,
        status__in=[ContributionStatus.CONFIRMED, ContributionStatus.TRANSFERRED],
    ).values_list("organisation_id", "amount")
    out: dict[int, Decimal] = {}
    for organisation_id, amount in rows:
        out[organisation_id] = out.get(organisation_id, Decimal("0")) + amount
    return out


def suggested_value(commission: JointCommission) -> Decimal:
    return money(sum(confirmed_budget(commission, commission.first_year).values(), Decimal("0")))


@transaction.atomic
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
) -> Tender:
    """The lead commissioner drafts a tender for a commission that has entered procurement (a commission ready to
    enter it -- every blocker cleared -- enters it now)."""
    commission = JointCommission._base_manager.select_related("lead", "partnership").get(pk=commission.pk)
    if by.organisation is None or by.organisation.pk != commission.lead_id or not by.has_role(Role.COMMISSIONER):
        raise PermissionDenied(f"Only a commissioner at {commission.lead} can tender for this commission")
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
    if problems:
        raise DomainError("Check the tender's details", field_errors=problems)
    tender = Tender.objects.create(
        commission=commission,
        reference=reference.strip(),
        title=title.strip(),
        summary=summary.strip(),
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
        created_by=by.user,
    )
    tender.outcomes.set(outcomes)
    EvaluationMethod.objects.create(tender=tender)
    audit.record(obj=tender, action="tender.created", by=by, to_state=tender.status)
    return tender


DETAIL_FIELDS = ("title", "summary", "specification")
SETUP_FIELDS = (
    "procedure",
    "eligibility",
    "estimated_annual_value",
    "term_years",
    "allow_third_sector_evaluators",
    "standstill_days",
    "reference",
)
DEADLINE_FIELDS = ("clarification_deadline", "eoi_deadline", "submission_deadline")


@transaction.atomic
def tender_update(*, tender: Tender, by: Actor, outcomes: Iterable[Outcome] | None = None, **values: Any) -> Tender:
    """Change a tender. Before publication anything may change; afterwards the wording and documents may, and
    deadlines may only move later -- never earlier -- and only while bids are open. Every interested provider is told
    of a change to a published tender."""
    tender = Tender._base_manager.select_for_update().get(pk=tender.pk)
    _require_lead(tender, by, "change this tender")
    if tender.status in (T.AWARDED, T.CANCELLED):
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
        if value == old:
            continue
        if published and name in SETUP_FIELDS:
            problems[name] = ["This cannot change once the tender is published: cancel it and publish a new one"]
            continue
        if published and name in DEADLINE_FIELDS:
            if tender.status not in (T.PUBLISHED, T.CLARIFICATIONS_CLOSED):
                problems[name] = ["Bids have closed: the deadlines can no longer change"]
                continue
            if old is not None and old <= now:
                problems[name] = ["This deadline has passed: it can no longer change"]
                continue
            if value is None or (old is not None and value < old):
                problems[name] = [
                    f"A deadline cannot be brought forward after publication (it is {_local(old)}): it may only be extended"
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
                    f"{Tender._meta.get_field(name).verbose_name.capitalize()}: now {_local(getattr(tender, name))}"
                )
            else:
                what.append(f"{Tender._meta.get_field(name).verbose_name.capitalize()} changed")
        _tell_interested(
            tender,
            subject=f"{tender.title}: the tender has changed",
            body="\n".join(what),
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return tender


@transaction.atomic
def tender_document_add(*, tender: Tender, title: str, upload: File, by: Actor) -> TenderDocument:
    tender = Tender._base_manager.select_for_update().get(pk=tender.pk)
    _require_lead(tender, by, "add documents")
    if tender.status not in (T.DRAFT, T.METHOD_APPROVED, T.PUBLISHED, T.CLARIFICATIONS_CLOSED):
        raise DomainError("Bids have closed: the tender documents can no longer change")
    if not title.strip():
        raise DomainError("Enter the document's title", field="title")
    digest, size = sha256_of(upload)
    document = TenderDocument(
        tender=tender,
        title=title.strip(),
        original_filename=_filename(upload),
        size=size,
        sha256=digest,
        added_by=by.user,
    )
    document.file.save(document.original_filename, upload, save=False)
    document.save()
    event = audit.record(
        obj=tender, action="tender.document_added", by=by, data={"document": document.title, "sha256": digest}
    )
    if tender.is_published:
        _tell_interested(
            tender,
            subject=f"{tender.title}: a tender document was added",
            body=f"“{document.title}” has been added to the tender documents.",
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return document


@transaction.atomic
def tender_document_remove(*, document: TenderDocument, by: Actor) -> TenderDocument:
    tender = Tender._base_manager.select_for_update().get(pk=document.tender_id)
    _require_lead(tender, by, "remove documents")
    if tender.status not in (T.DRAFT, T.METHOD_APPROVED, T.PUBLISHED, T.CLARIFICATIONS_CLOSED):
        raise DomainError("Bids have closed: the tender documents can no longer change")
    if document.removed_at is not None:
        return document
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    event = audit.record(obj=tender, action="tender.document_removed", by=by, data={"document": document.title})
    if tender.is_published:
        _tell_interested(
            tender,
            subject=f"{tender.title}: a tender document was withdrawn",
            body=f"“{document.title}” has been withdrawn from the tender documents.",
            key=f"tender:{tender.pk}:change:{event.pk}",
        )
    return document


@transaction.atomic
def lot_add(*, tender: Tender, title: str, estimated_annual_value: Decimal, by: Actor, description: str = "") -> Lot:
    _require_lead(tender, by, "add lots")
    if tender.is_published:
        raise DomainError("Lots cannot change once the tender is published")
    if not title.strip():
        raise DomainError("Enter the lot's title", field="title")
    number = (Lot._base_manager.filter(tender=tender).aggregate(n=Max("number"))["n"] or 0) + 1
    lot = Lot.objects.create(
        tender=tender,
        number=number,
        title=title.strip(),
        description=description.strip(),
        estimated_annual_value=money(estimated_annual_value),
    )
    audit.record(obj=tender, action="tender.lot_added", by=by, data={"lot": str(lot)})
    return lot


@transaction.atomic
def lot_remove(*, lot: Lot, by: Actor) -> None:
    tender = lot.tender
    _require_lead(tender, by, "remove lots")
    if tender.is_published:
        raise DomainError("Lots cannot change once the tender is published")
    audit.record(obj=tender, action="tender.lot_removed", by=by, data={"lot": str(lot)})
    Lot._base_manager.filter(pk=lot.pk).delete()


def publish_problems(tender: Tender) -> list[str]:
    problems: list[str] = []
    now = timezone.now()
    commission = JointCommission._base_manager.get(pk=tender.commission_id)
    if commission.status != CommissionStatus.PROCUREMENT:
        problems.append(f"The commission is {commission.get_status_display().lower()}, not in procurement")
    if tender.clarification_deadline <= now:
        problems.append("The clarification deadline has already passed: extend it")
    if tender.submission_deadline <= now:
        problems.append("The bid deadline has already passed: extend it")
    if tender.is_two_stage and (tender.eoi_deadline is None or tender.eoi_deadline <= now):
        problems.append("The expression of interest deadline has passed or is missing")
    method = EvaluationMethod._base_manager.get(tender=tender)
    if method.status != MethodStatus.APPROVED:
        problems.append("The evaluation method has not been approved")
    return problems


@transaction.atomic
def tender_publish(*, tender: Tender, by: Actor) -> Tender:
    """Publish on the opportunities portal and tell providers who follow its service area."""
    tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name="publish", by=by)
    Tender._base_manager.filter(pk=tender.pk).update(published_at=timezone.now())
    tender.refresh_from_db()
    area = tender.commission.service_area
    follows = ServiceAreaFollow._base_manager.filter(service_area=area).select_related("user", "organisation")
    by_org: dict[int, list[User]] = {}
    for follow in follows:
        by_org.setdefault(follow.organisation_id, []).append(follow.user)
    url = reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk})
    for organisation_id, users in by_org.items():
        notify(
            recipients=users,
            subject=f"New opportunity in {area.name}: {tender.title}",
            body=f"{tender.summary}\n\nBids close {_local(tender.submission_deadline)}.",
            url=url,
            organisation=Organisation.objects.get(pk=organisation_id),
            dedupe_key=f"tender:{tender.pk}:published",
        )
    return tender


def tender_transition(*, tender: Tender, name: str, by: Actor, reason: str = "") -> Tender:
    """The tender's simple steps (closing, starting the evaluation, returning to evaluation, cancelling)."""
    if name in NEEDS_REASON and not reason.strip():
        raise DomainError("Give a reason for this step", field="reason")
    with transaction.atomic():
        tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name=name, by=by, reason=reason.strip())
        if name == "start_evaluation":
            ensure_scoresheets(tender)
        elif name == "cancel":
            Tender._base_manager.filter(pk=tender.pk).update(cancelled_reason=reason.strip())
            _tell_interested(
                tender,
                subject=f"{tender.title} has been cancelled",
                body=reason.strip(),
                key=f"tender:{tender.pk}:cancelled",
            )
        elif name == "return_to_evaluation":
            AwardRecommendation._base_manager.filter(
                tender=tender, status__in=[RecommendationStatus.SUBMITTED, RecommendationStatus.APPROVED]
            ).update(status=RecommendationStatus.REJECTED, decided_at=timezone.now(), decided_by_name=_actor_name(by))
        elif name == "close_bids":
            received = Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED).count()
            _tell_lead(
                tender,
                subject=f"{tender.title}: bids have closed ({received} received)",
                key=f"tender:{tender.pk}:closed",
            )
    return tender


def _actor_name(by: Actor) -> str:
    if by.user is None:
        return "Jointly (automatic)"
    return str(by.user.get_full_name() or by.user.get_username())


# --- the evaluation method ------------------------------------------------------------------------------------------


def _editable_method(tender: Tender, by: Actor) -> EvaluationMethod:
    _require_lead(tender, by, "change the evaluation method")
    method = EvaluationMethod._base_manager.select_for_update().get(tender=tender)
    if method.is_frozen:
        raise DomainError(
            "The evaluation method is frozen: it has been approved"
            if method.status == MethodStatus.APPROVED
            else "The evaluation method is waiting for the board: withdraw it from the board to change it"
        )
    return method


@transaction.atomic
def criterion_add(*, tender: Tender, kind: str, name: str, weight: int, by: Actor) -> Criterion:
    method = _editable_method(tender, by)
    if kind not in CriterionKind.values:
        raise DomainError("Choose the kind of criterion", field="kind")
    if not 0 < int(weight) <= 100:
        raise DomainError("The weight must be between 1 and 100 per cent", field="weight")
    if kind == CriterionKind.PRICE and Criterion._base_manager.filter(method=method, kind=kind).exists():
        raise DomainError("There is already a price criterion", field="kind")
    position = (Criterion._base_manager.filter(method=method).aggregate(n=Max("position"))["n"] or 0) + 1
    criterion = Criterion.objects.create(
        method=method, kind=kind, name=name.strip() or CriterionKind(kind).label, weight=int(weight), position=position
    )
    audit.record(obj=tender, action="method.criterion_added", by=by, data={"criterion": str(criterion)})
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by: Actor) -> None:
    _editable_method(criterion.method.tender, by)
    audit.record(
        obj=criterion.method.tender, action="method.criterion_removed", by=by, data={"criterion": str(criterion)}
    )
    Criterion._base_manager.filter(pk=criterion.pk).delete()


@transaction.atomic
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
    number = (Question._base_manager.filter(method=method, stage=stage).aggregate(n=Max("number"))["n"] or 0) + 1
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


@transaction.atomic
def question_remove(*, question: Question, by: Actor) -> None:
    _editable_method(question.method.tender, by)
    audit.record(obj=question.method.tender, action="method.question_removed", by=by, data={"question": str(question)})
    Question._base_manager.filter(pk=question.pk).delete()


def parse_scale(text: str) -> list[dict[str, Any]]:
    """ "0: No answer" lines to [{score, descriptor}]; scores from 0 up, each once, none missing."""
    rows: list[dict[str, Any]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        score, sep, descriptor = line.partition(":")
        if not sep or not score.strip().isdigit() or not descriptor.strip():
            raise DomainError(
                f"Write each line as “score: descriptor”, for example “3: Satisfactory” (not “{line.strip()}”)",
                field="scale",
            )
        rows.append({"score": int(score.strip()), "descriptor": descriptor.strip()})
    rows.sort(key=lambda r: r["score"])
    if len(rows) < 2:
        raise DomainError("The scale needs at least two points", field="scale")
    if [r["score"] for r in rows] != list(range(len(rows))):
        raise DomainError("The scale must run from 0 upwards with no gaps or repeats", field="scale")
    return rows


@transaction.atomic
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


def method_problems(method: EvaluationMethod) -> list[str]:
    """What stops the method being approved, in words."""
    problems: list[str] = []
    tender = method.tender
    criteria = list(Criterion._base_manager.filter(method=method))
    questions = list(Question._base_manager.filter(method=method))
    total = sum(c.weight for c in criteria)
    if not criteria:
        problems.append("Add the criteria and their weights")
    elif total != 100:
        problems.append(f"The criteria's weights add up to {total}%, not 100%")
    for c in criteria:
        if c.kind != CriterionKind.PRICE and c.weight > 0 and not any(q.criterion_id == c.pk for q in questions):
            problems.append(f"“{c.name}” has no question to score it")
    if not any(q.stage == Stage.FULL for q in questions):
        problems.append("Add the questions bidders must answer")
    if tender.is_two_stage and not any(q.stage == Stage.EOI for q in questions):
        problems.append("Add the expression of interest questions (a two-stage tender asks these first)")
    if method.max_score < 1:
        problems.append("The scoring scale needs at least two points")
    return problems


@transaction.atomic
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


@transaction.atomic
def method_withdraw(*, tender: Tender, by: Actor) -> EvaluationMethod:
    _require_lead(tender, by, "withdraw the method from the board")
    method = EvaluationMethod._base_manager.select_for_update().get(tender=tender)
    if method.status != MethodStatus.SUBMITTED:
        raise DomainError("The method is not waiting for the board")
    method.status = MethodStatus.DRAFT
    method.save(update_fields=["status", "updated_at"])
    audit.record(obj=tender, action="method.withdrawn_from_board", by=by, to_state=method.status)
    return method


@transaction.atomic
def method_approve(*, tender: Tender, by: Actor) -> EvaluationMethod:
    """Approve (and freeze) the method: the board's decision, or the lead where there is no board."""
    tender = transition(obj=tender, workflow=TENDER_WORKFLOW, name="approve_method", by=by)
    method = EvaluationMethod._base_manager.select_for_update().get(tender=tender)
    method.status = MethodStatus.APPROVED
    method.approved_at = timezone.now()
    method.approved_by_name = _actor_name(by)
    if isinstance(by, BoardActor):
        method.approval_route = by.board_name or "The board"
        method.board_decision_id = by.decision_id
    else:
        method.approval_route = "The lead commissioner (the partnership has no board)"
    method.save()
    _tell_lead(
        tender,
        subject=f"{tender.title}: the evaluation method is approved",
        key=f"tender:{tender.pk}:method-approved:{int(method.approved_at.timestamp())}",
    )
    return method


# --- clarifications -----------------------------------------------------------------------------------------------


@transaction.atomic
def clarification_ask(*, tender: Tender, question: str, by: Actor) -> Clarification:
    if by.organisation is None or not by.has_role(*permissions.BID_ROLES):
        raise PermissionDenied("Only a provider's bidders can ask clarification questions")
    if by.organisation.pk == tender.commission.lead_id:
        raise PermissionDenied("The lead answers questions; it does not ask them")
    if tender.status not in (T.PUBLISHED,) or timezone.now() >= tender.clarification_deadline:
        raise DomainError(f"Clarifications closed {_local(tender.clarification_deadline)}")
    if not question.strip():
        raise DomainError("Enter your question", field="question")
    clarification = Clarification.objects.create(
        tender=tender, organisation=by.organisation, asked_by=by.user, question=question.strip()
    )
    register_interest(tender=tender, organisation=by.organisation)
    audit.record(obj=clarification, action="clarification.asked", by=by)
    _tell_lead(
        tender,
        subject=f"{tender.title}: a new clarification question",
        url=reverse("tender-clarifications", kwargs={"tender_id": tender.pk}),
        key=f"clarification:{clarification.pk}:asked",
    )
    return clarification


@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, answer: str, by: Actor, published_question: str = ""
) -> Clarification:
    """Answer and publish to every bidder, without naming who asked."""
    clarification = Clarification._base_manager.select_for_update().get(pk=clarification.pk)
    tender = clarification.tender
    _require_lead(tender, by, "answer clarification questions")
    if not answer.strip():
        raise DomainError("Enter the answer", field="answer")
    if tender.status not in (T.PUBLISHED, T.CLARIFICATIONS_CLOSED):
        raise DomainError("Bids have closed: answers can no longer be published")
    first = clarification.published_at is None
    clarification.answer = answer.strip()
    clarification.published_question = (published_question or clarification.question).strip()
    clarification.answered_by = by.user
    clarification.published_at = clarification.published_at or timezone.now()
    clarification.save()
    event = audit.record(obj=clarification, action="clarification.answered", by=by)
    _tell_interested(
        tender,
        subject=f"{tender.title}: a clarification has been {'published' if first else 'updated'}",
        body=f"Q: {clarification.published_question}\n\nA: {clarification.answer}",
        key=f"clarification:{clarification.pk}:answered:{event.pk}",
    )
    return clarification


# --- interest and follows ---------------------------------------------------------------------------------------


def _require_provider(by: Actor) -> Organisation:
    if by.organisation is None or not by.has_role(*permissions.BID_ROLES):
        raise PermissionDenied("Only a provider's bidders can do this")
    return by.organisation


@transaction.atomic
def interest_register(*, tender: Tender, by: Actor) -> TenderInterest:
    organisation = _require_provider(by)
    if not tender.is_published:
        raise DomainError("This tender is not published")
    return register_interest(tender=tender, organisation=organisation)


@transaction.atomic
def follows_set(*, service_areas: Iterable[ServiceArea], by: Actor) -> list[ServiceAreaFollow]:
    organisation = _require_provider(by)
    wanted = {a.pk for a in service_areas}
    ServiceAreaFollow._base_manager.filter(organisation=organisation, user=by.user).exclude(
        service_area_id__in=wanted
    ).delete()
    out = []
    for area_id in sorted(wanted):
        follow, _ = ServiceAreaFollow._base_manager.get_or_create(
            organisation=organisation, user=by.user, service_area_id=area_id
        )
        out.append(follow)
    return out


# --- the provider's profile ---------------------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    by: Actor,
    annual_income: Decimal | None = None,
    accounts_year_end: dt.date | None = None,
    staff_count: int | None = None,
    volunteer_count: int | None = None,
) -> ProviderProfile:
    organisation = _require_provider(by)
    profile, _ = ProviderProfile._base_manager.get_or_create(organisation=organisation)
    profile.annual_income = money(annual_income) if annual_income is not None else None
    profile.accounts_year_end = accounts_year_end
    profile.staff_count = staff_count
    profile.volunteer_count = volunteer_count
    profile.save()
    audit.record(obj=organisation, action="provider_profile.changed", by=by)
    return profile


@transaction.atomic
def profile_document_add(*, kind: str, upload: File, by: Actor, title: str = "") -> ProfileDocument:
    organisation = _require_provider(by)
    digest, size = sha256_of(upload)
    document = ProfileDocument(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        original_filename=_filename(upload),
        size=size,
        sha256=digest,
        uploaded_by=by.user,
    )
    document.file.save(document.original_filename, upload, save=False)
    document.save()
    audit.record(obj=organisation, action="provider_profile.document_added", by=by, data={"document": str(document)})
    return document


@transaction.atomic
def profile_document_remove(*, document: ProfileDocument, by: Actor) -> None:
    organisation = _require_provider(by)
    if document.organisation_id != organisation.pk:
        raise PermissionDenied("That is another organisation's document")
    document.removed_at = timezone.now()
    document.save(update_fields=["removed_at"])
    audit.record(obj=organisation, action="provider_profile.document_removed", by=by, data={"document": str(document)})


# --- bids ---------------------------------------------------------------------------------------------------------


def _attach_profile_documents(bid: Bid, by: Actor) -> int:
    taken = set(
        BidAttachment._base_manager.filter(bid=bid, removed_at__isnull=True, from_profile__isnull=False).values_list(
            "from_profile_id", flat=True
        )
    )
    added = 0
    for document in ProfileDocument._base_manager.filter(organisation_id=bid.organisation_id, removed_at__isnull=True):
        if document.pk in taken:
            continue
        BidAttachment.objects.create(
            bid=bid,
            title=str(document),
            file=document.file.name,
            original_filename=document.original_filename,
            size=document.size,
            sha256=document.sha256,
            from_profile=document,
            uploaded_by=by.user,
        )
        added += 1
    return added


@transaction.atomic
def bid_start(*, tender: Tender, by: Actor, lot: Lot | None = None) -> Bid:
    """Start (or return) the provider's draft for the tender's current stage, with its profile's documents."""
    organisation = _require_provider(by)
    tender = Tender._base_manager.get(pk=tender.pk)
    if organisation.pk == tender.commission.lead_id:
        raise PermissionDenied("The lead cannot bid for its own tender")
    stage = tender.stage
    existing = Bid._base_manager.filter(tender=tender, organisation=organisation, stage=stage)
    if lot is not None:
        existing = existing.filter(lot=lot)
    found = existing.order_by("pk").first()
    if found is not None:
        return found
    if not tender.is_open_for(stage):
        raise DomainError("This tender is not open for bids")
    if tender.eligibility == Eligibility.THIRD_SECTOR and organisation.kind not in THIRD_SECTOR_KINDS:
        raise DomainError("This tender is open to third-sector organisations only")
    if (
        tender.is_two_stage
        and stage == Stage.FULL
        and not Bid._base_manager.filter(
            tender=tender, organisation=organisation, stage=Stage.EOI, status=BidStatus.SHORTLISTED
        ).exists()
    ):
        raise DomainError("Full bids are by invitation: only shortlisted providers may bid")
    if lot is not None and lot.tender_id != tender.pk:
        raise DomainError("Choose a lot of this tender", field="lot")
    bid = Bid.objects.create(tender=tender, organisation=organisation, stage=stage, lot=lot, created_by=by.user)
    _attach_profile_documents(bid, by)
    register_interest(tender=tender, organisation=organisation)
    audit.record(obj=bid, action="bid.started", by=by, to_state=bid.status)
    return bid


EDITABLE = (BidStatus.DRAFT, BidStatus.SUBMITTED, BidStatus.WITHDRAWN)


def _editable_bid(bid: Bid, by: Actor) -> Bid:
    bid = Bid._base_manager.select_for_update().get(pk=bid.pk)
    _require_bidder(bid, by)
    if bid.status not in EDITABLE:
        raise DomainError(f"This bid is {bid.get_status_display().lower()}: it can no longer change")
    return bid


def _parse_amount(value: Any, label: str) -> Decimal | None:
    # The one reader of typed amounts (core.money), so the autosave JSON and the API refuse what the form refuses.
    try:
        return parse_amount(value, max_digits=12, decimal_places=2)
    except AmountError as exc:
        raise DomainError(f"{label[0].upper()}{label[1:]}: {exc.message[0].lower()}{exc.message[1:]}") from exc


def _typed_text(value: Any, *, label: str, field: str, multiline: bool = True, max_length: int | None = None) -> str:
    """Text from the autosave JSON or the API, which no form has checked: refuse NUL/control characters (and line
    breaks where one line is expected) and over-long text with a message, never a database error."""
    text = "" if value is None else str(value)
    try:
        return check_text(text, multiline=multiline, max_length=max_length, label=label)
    except ValueError as exc:
        raise DomainError(str(exc), field=field) from exc


@transaction.atomic
def bid_save_draft(
    *,
    bid: Bid,
    by: Actor,
    answers: dict[int, str] | None = None,
    price_lines: dict[str, tuple[Any, str]] | None = None,
    summary: str | None = None,
    is_consortium: bool | None = None,
    lot: Lot | str | None = "unchanged",
) -> Bid:
    """Save the working copy as the bidder works. Never refuses what was typed (word limits are checked at
    submission); only malformed amounts are refused, and nothing else is lost."""
    bid = _editable_bid(bid, by)
    fields: list[str] = []
    if summary is not None:
        bid.summary = _typed_text(summary, label="Summary", field="summary")
        fields.append("summary")
    if is_consortium is not None:
        bid.is_consortium = is_consortium
        fields.append("is_consortium")
    if lot != "unchanged":
        if lot is not None and lot.tender_id != bid.tender_id:  # type: ignore[union-attr]
            raise DomainError("Choose a lot of this tender", field="lot")
        bid.lot = lot  # type: ignore[assignment]
        fields.append("lot")
    if fields:
        bid.save(update_fields=[*fields, "updated_at"])
    if answers:
        valid = set(
            Question._base_manager.filter(
                method__tender_id=bid.tender_id, stage=bid.stage, pk__in=list(answers)
            ).values_list("pk", flat=True)
        )
        for question_id, text in answers.items():
            if int(question_id) not in valid:
                continue
            text = _typed_text(text, label="Your answer", field=f"answer_{int(question_id)}")
            BidAnswer._base_manager.update_or_create(bid=bid, question_id=int(question_id), defaults={"text": text})
    if price_lines:
        for category, (raw, description) in price_lines.items():
            if category not in PriceCategory.values:
                continue
            amount = _parse_amount(raw, f"the {PriceCategory(category).label.lower()}")
            description = _typed_text(
                description, label="The price note", field=f"note_{category}", multiline=False, max_length=300
            )
            if amount is None and not (description or "").strip():
                BidPriceLine._base_manager.filter(bid=bid, category=category).delete()
                continue
            BidPriceLine._base_manager.update_or_create(
                bid=bid,
                category=category,
                defaults={"annual_amount": amount or Decimal("0"), "description": (description or "").strip()[:300]},
            )
    return bid


@transaction.atomic
def bid_partner_add(
    *,
    bid: Bid,
    kind: str,
    name: str,
    role: str,
    by: Actor,
    charity_number: str = "",
    company_number: str = "",
    share_percent: int | None = None,
) -> BidPartner:
    bid = _editable_bid(bid, by)
    problems: dict[str, list[str]] = {}
    if kind not in BidPartnerKind.values:
        problems["kind"] = ["Choose consortium member or subcontractor"]
    if not name.strip():
        problems["name"] = ["Enter the organisation's name"]
    if not role.strip():
        problems["role"] = ["Say what they will do"]
    if share_percent is not None and not 0 <= share_percent <= 100:
        problems["share_percent"] = ["Enter a share between 0 and 100"]
    if problems:
        raise DomainError("Check the partner's details", field_errors=problems)
    registered = None
    if charity_number.strip():
        registered = Organisation.objects.filter(charity_number=charity_number.strip()).first()
    if registered is None:
        registered = Organisation.objects.filter(name__iexact=name.strip()).first()
    partner = BidPartner.objects.create(
        bid=bid,
        kind=kind,
        name=name.strip(),
        organisation=registered,
        charity_number=charity_number.strip() or (registered.charity_number if registered else ""),
        company_number=company_number.strip() or (registered.company_number if registered else ""),
        role=role.strip(),
        share_percent=share_percent,
    )
    if kind == BidPartnerKind.CONSORTIUM and not bid.is_consortium:
        Bid._base_manager.filter(pk=bid.pk).update(is_consortium=True)
    return partner


@transaction.atomic
def bid_partner_remove(*, partner: BidPartner, by: Actor) -> None:
    _editable_bid(partner.bid, by)
    BidPartner._base_manager.filter(pk=partner.pk).delete()


@transaction.atomic
def bid_attachment_add(*, bid: Bid, title: str, upload: File, by: Actor) -> BidAttachment:
    bid = _editable_bid(bid, by)
    digest, size = sha256_of(upload)
    attachment = BidAttachment(
        bid=bid,
        title=(title or "").strip() or _filename(upload),
        original_filename=_filename(upload),
        size=size,
        sha256=digest,
        uploaded_by=by.user,
    )
    attachment.file.save(attachment.original_filename, upload, save=False)
    attachment.save()
    audit.record(
        obj=bid, action="bid.attachment_added", by=by, data={"file": attachment.original_filename, "sha256": digest}
    )
    return attachment


@transaction.atomic
def bid_attachment_remove(*, attachment: BidAttachment, by: Actor) -> BidAttachment:
    """Remove from the working copy. The file stays if a submitted version refers to it."""
    _editable_bid(attachment.bid, by)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
    return attachment


@transaction.atomic
def bid_add_profile_documents(*, bid: Bid, by: Actor) -> int:
    bid = _editable_bid(bid, by)
    return _attach_profile_documents(bid, by)


def _questions_for(bid: Bid) -> list[Question]:
    return list(Question._base_manager.filter(method__tender_id=bid.tender_id, stage=bid.stage).order_by("number"))


@dataclass
class Working:
    """A bid's working copy, read once (for the checks and the canonical content of one submission)."""

    answers: dict[int, str]
    questions: list[Question]
    lines: list[BidPriceLine]
    partners: list[BidPartner]


def working_copy(bid: Bid) -> Working:
    order = {value: i for i, value in enumerate(PriceCategory.values)}
    lines = sorted(BidPriceLine._base_manager.filter(bid=bid), key=lambda line: order.get(line.category, 99))
    return Working(
        answers={a.question_id: a.text for a in BidAnswer._base_manager.filter(bid=bid)},
        questions=_questions_for(bid),
        lines=lines,
        partners=list(BidPartner._base_manager.filter(bid=bid).order_by("kind", "id")),
    )


def submission_problems(bid: Bid, tender: Tender | None = None, working: Working | None = None) -> list[str]:
    """What stops the working copy being submitted (apart from the deadline), in words."""
    tender = tender or bid.tender
    working = working or working_copy(bid)
    problems: list[str] = []
    if Lot._base_manager.filter(tender=tender).exists() and bid.lot_id is None:
        problems.append("Choose the lot you are bidding for")
    answers = working.answers
    for q in working.questions:
        text = answers.get(q.pk, "")
        words = word_count(text)
        if not words:
            problems.append(f"Answer question {q.number}")
        elif words > q.word_limit:
            problems.append(f"Your answer to question {q.number} is {words} words: the limit is {q.word_limit}")
    if bid.stage == Stage.FULL:
        price = sum((line.annual_amount for line in working.lines), Decimal("0"))
        if price <= 0:
            problems.append("Enter your price: the annual cost, broken down")
    partners = working.partners
    if bid.is_consortium and not any(p.kind == BidPartnerKind.CONSORTIUM for p in partners):
        problems.append("Name at least one consortium member, or say it is not a consortium bid")
    shares = sum((p.share_percent or 0) for p in partners)
    if shares > 100:
        problems.append(f"Partners' shares of the work add up to {shares}%: more than 100%")
    return problems


def canonical_content(bid: Bid, tender: Tender | None = None, working: Working | None = None) -> dict[str, Any]:
    """What is submitted and hashed: answers, price, partners, profile facts and every file's hash."""
    tender = tender or bid.tender
    working = working or working_copy(bid)
    organisation = bid.organisation
    profile = ProviderProfile._base_manager.filter(organisation=organisation).first()
    answers = working.answers
    lines = working.lines
    lot = bid.lot
    return {
        "format": 1,
        "tender": {"id": tender.pk, "reference": tender.reference, "title": tender.title},
        "stage": bid.stage,
        "lot": {"id": lot.pk, "number": lot.number, "title": lot.title} if lot else None,
        "bidder": {
            "id": organisation.pk,
            "name": organisation.name,
            "kind": organisation.kind,
            "charity_number": organisation.charity_number,
            "company_number": organisation.company_number,
        },
        "profile": {
            "annual_income": str(profile.annual_income) if profile and profile.annual_income is not None else None,
            "accounts_year_end": profile.accounts_year_end.isoformat()
            if profile and profile.accounts_year_end
            else None,
            "staff_count": profile.staff_count if profile else None,
            "volunteer_count": profile.volunteer_count if profile else None,
        },
        "summary": bid.summary,
        "answers": [
            {
                "question_id": q.pk,
                "number": q.number,
                "answer": answers.get(q.pk, ""),
                "words": word_count(answers.get(q.pk, "")),
            }
            for q in working.questions
        ],
        "price": {
            "lines": [
                {
                    "category": line.category,
                    "label": str(PriceCategory(line.category).label),
                    "description": line.description,
                    "annual_amount": str(money(line.annual_amount)),
                }
                for line in lines
            ],
            "annual_total": str(money(sum((line.annual_amount for line in lines), Decimal("0")))),
        }
        if bid.stage == Stage.FULL
        else None,
        "is_consortium": bid.is_consortium,
        "partners": [
            {
                "kind": p.kind,
                "name": p.name,
                "charity_number": p.charity_number,
                "company_number": p.company_number,
                "role": p.role,
                "share_percent": p.share_percent,
            }
            for p in working.partners
        ],
        "attachments": [
            {"id": a.pk, "title": a.title, "filename": a.original_filename, "size": a.size, "sha256": a.sha256}
            for a in BidAttachment._base_manager.filter(bid=bid, removed_at__isnull=True).order_by("uploaded_at", "id")
        ],
    }


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_tender_shared(tender_id: int) -> Tender:
    """Lock the tender row FOR SHARE: concurrent submitters proceed together; a deadline change or the closing step
    (FOR UPDATE) waits for them, and they for it."""
    table = Tender._meta.db_table
    rows = list(Tender._base_manager.raw(f'SELECT * FROM "{table}" WHERE "id" = %s FOR SHARE', [tender_id]))
    if not rows:
        raise DomainError("This tender no longer exists")
    return rows[0]


def late_message(bid: Bid, deadline: dt.datetime | None) -> str:
    if deadline is None:
        return "This tender is not taking bids at this stage"
    local = timezone.localtime(deadline)
    return (
        f"The deadline was {local:%H:%M:%S} on {local:%A %-d %B %Y}. Your bid was not submitted: late bids cannot "
        "be accepted. Your draft has been kept."
    )


ALREADY_SUBMITTED = "You already submitted this version of your bid. Your receipt is unchanged"


def bid_submit(*, bid: Bid, by: Actor) -> BidVersion:
    """Submit (or resubmit) the working copy; the receipt (see ``bid_submit_once``)."""
    return bid_submit_once(bid=bid, by=by)[0]


def bid_submit_once(*, bid: Bid, by: Actor) -> tuple[BidVersion, bool]:
    """Submit (or resubmit) the working copy: judged on the server's clock inside this transaction. Returns the
    version (the receipt: server timestamp and SHA-256 of the canonical content) and whether it is new.

    Idempotent: submitting content identical to the current submitted version makes no new version (a double click,
    a retried request) and returns that version with ``False``. Concurrent submits of one bid queue on the bid's row
    lock, so the second sees the first's version and exactly one is new."""
    with transaction.atomic():
        tender = _lock_tender_shared(bid.tender_id)
        locked = Bid._base_manager.select_for_update(of=("self",)).select_related("organisation", "lot").get(pk=bid.pk)
        _require_bidder(locked, by)
        now = timezone.now()
        deadline = tender.deadline_for(locked.stage)
        if deadline is None or now >= deadline:
            raise DomainError(late_message(locked, deadline))
        if tender.status not in (T.PUBLISHED, T.CLARIFICATIONS_CLOSED) or tender.stage != locked.stage:
            raise DomainError(f"This tender is {tender.get_status_display().lower()}: it is not taking bids")
        if locked.status not in EDITABLE:
            raise DomainError(f"This bid is {locked.get_status_display().lower()}")
        working = working_copy(locked)
        problems = submission_problems(locked, tender, working)
        if problems:
            raise DomainError("Your bid cannot be submitted yet", problems=problems)
        content = canonical_content(locked, tender, working)
        digest = content_hash(content)
        current = (
            BidVersion._base_manager.filter(pk=locked.current_version_id).first() if locked.current_version_id else None
        )
        if locked.status == BidStatus.SUBMITTED and current is not None and current.sha256 == digest:
            return current, False
        number = (BidVersion._base_manager.filter(bid=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        price = Decimal(content["price"]["annual_total"]) if content["price"] else None
        version = BidVersion(
            bid=locked,
            number=number,
            submitted_at=now,
            submitted_by=by.user,
            content=content,
            sha256=digest,
            annual_price=price,
        )
        version.save(force_insert=True)
        version.attachments.set([a["id"] for a in content["attachments"]])
        name = "resubmit" if locked.status == BidStatus.SUBMITTED else "submit"
        transition(
            obj=locked,
            workflow=BID_WORKFLOW,
            name=name,
            by=by,
            data={"version": number, "sha256": digest, "submitted_at": now.isoformat()},
        )
        Bid._base_manager.filter(pk=locked.pk).update(current_version=version, submitted_at=now)
    return version, True


@transaction.atomic
def bid_withdraw(*, bid: Bid, by: Actor, reason: str = "") -> Bid:
    _lock_tender_shared(bid.tender_id)
    return transition(obj=bid, workflow=BID_WORKFLOW, name="withdraw", by=by, reason=reason.strip())


# --- two-stage: shortlisting ----------------------------------------------------------------------------------------


@transaction.atomic
def eoi_decide(*, bid: Bid, shortlist: bool, by: Actor, reason: str = "") -> Bid:
    """Shortlist an expression of interest, or not (saying why: the provider is told)."""
    tender = bid.tender
    _require_lead(tender, by, "shortlist")
    if tender.stage != Stage.EOI:
        raise DomainError("Shortlisting has finished")
    if not shortlist and not reason.strip():
        raise DomainError("Say why it is not shortlisted: the provider will be told", field="reason")
    bid = transition(
        obj=bid, workflow=BID_WORKFLOW, name="shortlist" if shortlist else "reject", by=by, reason=reason.strip()
    )
    Bid._base_manager.filter(pk=bid.pk).update(outcome_reason=reason.strip())
    return bid


@transaction.atomic
def invite_full_bids(*, tender: Tender, by: Actor) -> Tender:
    """End shortlisting: the shortlisted are invited to the full bid; the rest are told why they were not."""
    tender = Tender._base_manager.select_for_update().get(pk=tender.pk)
    _require_lead(tender, by, "invite full bids")
    if not tender.is_two_stage or tender.stage != Stage.EOI:
        raise DomainError("This tender is not shortlisting")
    now = timezone.now()
    if tender.eoi_deadline is None or now < tender.eoi_deadline:
        raise DomainError("Expressions of interest are still open")
    if now >= tender.submission_deadline:
        raise DomainError("The full bid deadline has passed: extend it before inviting full bids")
    eois = list(Bid._base_manager.filter(tender=tender, stage=Stage.EOI, status__in=RECEIVED))
    undecided = [b for b in eois if b.status == BidStatus.SUBMITTED]
    if undecided:
        raise DomainError(f"Decide on every expression of interest first ({len(undecided)} still to decide)")
    if not any(b.status == BidStatus.SHORTLISTED for b in eois):
        raise DomainError("Nobody is shortlisted: shortlist at least one provider, or cancel the tender")
    tender.stage = Stage.FULL
    tender.save(update_fields=["stage", "updated_at"])
    audit.record(
        obj=tender,
        action="tender.full_bids_invited",
        by=by,
        data={"shortlisted": sum(b.status == BidStatus.SHORTLISTED for b in eois)},
    )
    url = reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk})
    for b in eois:
        if b.status == BidStatus.SHORTLISTED:
            _tell_organisation(
                b.organisation_id,
                subject=f"{tender.title}: you are invited to submit a full bid",
                body=f"Your expression of interest was shortlisted. Full bids close {_local(tender.submission_deadline)}.",
                url=url,
                key=f"bid:{b.pk}:invited",
            )
        else:
            _tell_organisation(
                b.organisation_id,
                subject=f"{tender.title}: your expression of interest was not shortlisted",
                body=f"Why: {b.outcome_reason}",
                url=reverse("bid-edit", kwargs={"bid_id": b.public_id}),
                key=f"bid:{b.pk}:not-shortlisted",
            )
    return tender


# --- the evaluation panel -----------------------------------------------------------------------------------------


def evaluator_candidates(tender: Tender) -> list[Membership]:
    """People who may sit on the panel: evaluators of the partners taking part and, where the tender allows,
    of third-sector organisations (for example the council for voluntary service)."""
    partners = Participation._base_manager.filter(
        commission_id=tender.commission_id, status=ParticipationStatus.ACCEPTED
    ).values("organisation_id")
    qs = Membership._base_manager.filter(is_active=True, roles__contains=[Role.EVALUATOR])
    where = Q(organisation_id__in=partners)
    if tender.allow_third_sector_evaluators:
        where |= Q(organisation__kind__in=list(THIRD_SECTOR_KINDS))
    taken = Evaluator._base_manager.filter(tender=tender).values("user_id")
    return list(
        qs.filter(where)
        .exclude(user_id__in=taken)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


@transaction.atomic
def evaluator_add(*, tender: Tender, membership: Membership, by: Actor, role_title: str = "") -> Evaluator:
    _require_lead(tender, by, "name the panel")
    if tender.status in (T.RECOMMENDED, T.APPROVED, T.STANDSTILL, T.AWARDED, T.CANCELLED):
        raise DomainError("The evaluation is over: the panel can no longer change")
    if membership.pk not in {m.pk for m in evaluator_candidates(tender)}:
        raise DomainError(
            "Choose an evaluator from a partner taking part (or, where allowed, the third sector)", field="membership"
        )
    evaluator = Evaluator.objects.create(
        tender=tender,
        user=membership.user,
        organisation=membership.organisation,
        role_title=role_title.strip() or membership.job_title,
        is_third_sector_rep=membership.organisation.kind in THIRD_SECTOR_KINDS,
        added_by=by.user,
    )
    permissions.grant_evaluator(membership.user, tender)
    audit.record(obj=evaluator, action="panel.evaluator_added", by=by, data={"evaluator": str(evaluator)})
    notify(
        recipients=[membership.user],
        subject=f"You are on the evaluation panel for {tender.title}",
        body="Declare your interests for this tender before you see any bid.",
        url=reverse("evaluation-panel", kwargs={"evaluator_id": evaluator.pk}),
        organisation=membership.organisation,
        dedupe_key=f"evaluator:{evaluator.pk}:named",
    )
    return evaluator


@transaction.atomic
def evaluator_remove(*, evaluator: Evaluator, by: Actor) -> None:
    tender = evaluator.tender
    _require_lead(tender, by, "change the panel")
    if ScoreSheet._base_manager.filter(evaluator=evaluator, submitted_at__isnull=False).exists():
        raise DomainError("This evaluator has submitted scores: exclude them through a conflict decision instead")
    permissions.revoke_evaluator(evaluator.user, tender)
    audit.record(obj=tender, action="panel.evaluator_removed", by=by, data={"evaluator": str(evaluator)})
    Score._base_manager.filter(sheet__evaluator=evaluator).delete()
    ScoreSheet._base_manager.filter(evaluator=evaluator).delete()
    Evaluator._base_manager.filter(pk=evaluator.pk).delete()


@transaction.atomic
def interests_declare(*, evaluator: Evaluator, has_interest: bool, interest: str, by: Actor) -> Evaluator:
    """The evaluator declares their interests for this tender (none, or an interest with details) before seeing any
    bid. A later declaration of an interest suspends them until the lead decides."""
    evaluator = Evaluator._base_manager.select_for_update().get(pk=evaluator.pk)
    if by.user is None or by.user.pk != evaluator.user_id:
        raise PermissionDenied("Only the evaluator can declare their own interests")
    if evaluator.is_excluded:
        raise DomainError("You have been excluded from this evaluation")
    if has_interest and not interest.strip():
        raise DomainError("Describe the interest", field="interest")
    if not has_interest and evaluator.declaration == Evaluator.Declaration.INTEREST:
        raise DomainError("You have declared an interest: it stays on the record")
    evaluator.declaration = Evaluator.Declaration.INTEREST if has_interest else Evaluator.Declaration.NONE
    evaluator.interest = interest.strip() if has_interest else ""
    evaluator.declared_at = timezone.now()
    if has_interest:
        evaluator.conflict_decision = ""
        evaluator.mitigation = ""
    evaluator.save()
    audit.record(
        obj=evaluator,
        action="panel.interests_declared",
        by=by,
        to_state=evaluator.declaration,
        data={"interest": evaluator.interest},
    )
    if has_interest:
        _tell_lead(
            evaluator.tender,
            subject=f"{evaluator.tender.title}: {evaluator.user} declared an interest",
            body=evaluator.interest,
            url=reverse("tender-panel", kwargs={"tender_id": evaluator.tender_id}),
            key=f"evaluator:{evaluator.pk}:declared:{int(evaluator.declared_at.timestamp())}",
        )
    else:
        ensure_scoresheets(evaluator.tender)
    return evaluator


@transaction.atomic
def conflict_decide(*, evaluator: Evaluator, decision: str, by: Actor, mitigation: str = "") -> Evaluator:
    """The lead's decision on a declared conflict: exclude the evaluator, or allow them with a mitigation."""
    evaluator = Evaluator._base_manager.select_for_update().get(pk=evaluator.pk)
    tender = evaluator.tender
    _require_lead(tender, by, "decide on conflicts")
    if evaluator.declaration != Evaluator.Declaration.INTEREST:
        raise DomainError("This evaluator has not declared an interest")
    if decision not in (Evaluator.ConflictDecision.EXCLUDE, Evaluator.ConflictDecision.MITIGATE):
        raise DomainError("Choose exclude, or allow with mitigation", field="decision")
    if decision == Evaluator.ConflictDecision.MITIGATE and not mitigation.strip():
        raise DomainError("Describe the mitigation", field="mitigation")
    evaluator.conflict_decision = decision
    evaluator.mitigation = mitigation.strip() if decision == Evaluator.ConflictDecision.MITIGATE else ""
    evaluator.decided_by = by.user
    evaluator.decided_at = timezone.now()
    evaluator.save()
    audit.record(
        obj=evaluator,
        action="panel.conflict_decided",
        by=by,
        to_state=decision,
        data={"mitigation": evaluator.mitigation},
    )
    if decision == Evaluator.ConflictDecision.EXCLUDE:
        permissions.revoke_evaluator(evaluator.user, tender)
        Score._base_manager.filter(sheet__evaluator=evaluator, sheet__submitted_at__isnull=True).delete()
        ScoreSheet._base_manager.filter(evaluator=evaluator, submitted_at__isnull=True).delete()
    else:
        ensure_scoresheets(tender)
    notify(
        recipients=[evaluator.user],
        subject=f"{tender.title}: decision on your declared interest",
        body=evaluator.conflict_summary,
        url=reverse("evaluation-panel", kwargs={"evaluator_id": evaluator.pk}),
        organisation=evaluator.organisation,
        dedupe_key=f"evaluator:{evaluator.pk}:decided:{int(evaluator.decided_at.timestamp())}",
    )
    return evaluator


def ensure_scoresheets(tender: Tender) -> int:
    """Once the evaluation has started, a score sheet for each cleared evaluator and each received full bid."""
    tender = Tender._base_manager.get(pk=tender.pk)
    if tender.status != T.EVALUATION:
        return 0
    bids = list(Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED))
    created = 0
    for evaluator in Evaluator._base_manager.filter(tender=tender):
        if not evaluator.is_cleared:
            continue
        for bid in bids:
            _, made = ScoreSheet._base_manager.get_or_create(evaluator=evaluator, bid=bid)
            created += int(made)
    return created


# --- scoring and moderation -----------------------------------------------------------------------------------------


def _scored_questions(tender: Tender) -> list[Question]:
    return list(Question._base_manager.filter(method__tender=tender, stage=Stage.FULL).order_by("number"))


def _check_score(question: Question, max_score: int, score: Any, passed: Any) -> tuple[int | None, bool | None]:
    if question.pass_fail:
        if passed in (None, ""):
            return None, None
        return None, bool(passed) if not isinstance(passed, str) else passed in ("1", "true", "pass", "yes")
    if score in (None, ""):
        return None, None
    try:
        value = int(score)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"Question {question.number}: choose a score from 0 to {max_score}") from exc
    if not 0 <= value <= max_score:
        raise DomainError(f"Question {question.number}: the score must be from 0 to {max_score}")
    return value, None


def _own_open_sheet(sheet: ScoreSheet, by: Actor) -> ScoreSheet:
    sheet = ScoreSheet._base_manager.select_for_update(of=("self",)).select_related("evaluator", "bid").get(pk=sheet.pk)
    evaluator = sheet.evaluator
    if by.user is None or by.user.pk != evaluator.user_id:
        raise PermissionDenied("Only the evaluator can score on their own sheet")
    tender = Tender._base_manager.get(pk=evaluator.tender_id)
    if not evaluator.is_cleared or not permissions.may_evaluate(tender, by.user):
        raise PermissionDenied("You are not cleared to evaluate this tender")
    if tender.status != T.EVALUATION:
        raise DomainError("The evaluation is not open")
    if sheet.submitted_at is not None:
        raise DomainError("You have submitted these scores: they can no longer change")
    return sheet


@transaction.atomic
def scores_save(*, sheet: ScoreSheet, scores: dict[int, dict[str, Any]], by: Actor) -> ScoreSheet:
    """Save the evaluator's scores (``{question_id: {score, passed, justification}}``); private until submitted."""
    sheet = _own_open_sheet(sheet, by)
    tender = sheet.evaluator.tender
    method = EvaluationMethod._base_manager.get(tender=tender)
    questions = {q.pk: q for q in _scored_questions(tender)}
    for question_id, entry in scores.items():
        question = questions.get(int(question_id))
        if question is None:
            continue
        value, passed = _check_score(question, method.max_score, entry.get("score"), entry.get("passed"))
        Score._base_manager.update_or_create(
            sheet=sheet,
            question=question,
            defaults={"score": value, "passed": passed, "justification": (entry.get("justification") or "").strip()},
        )
    return sheet


def sheet_problems(sheet: ScoreSheet) -> list[str]:
    tender = sheet.evaluator.tender
    got = {s.question_id: s for s in Score._base_manager.filter(sheet=sheet)}
    problems = []
    for q in _scored_questions(tender):
        if q.criterion_id is None and not q.pass_fail:
            continue
        s = got.get(q.pk)
        if s is None or (q.pass_fail and s.passed is None) or (not q.pass_fail and s.score is None):
            problems.append(f"Score question {q.number}")
        elif not s.justification.strip():
            problems.append(f"Justify your score for question {q.number}")
    return problems


@transaction.atomic
def sheet_submit(*, sheet: ScoreSheet, by: Actor) -> ScoreSheet:
    sheet = _own_open_sheet(sheet, by)
    problems = sheet_problems(sheet)
    if problems:
        raise DomainError("Your scores are not complete", problems=problems)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at"])
    audit.record(obj=sheet, action="evaluation.scores_submitted", by=by, data={"bid": str(sheet.bid.public_id)})
    return sheet


def moderation_problems(tender: Tender) -> list[str]:
    problems: list[str] = []
    evaluators = [e for e in Evaluator._base_manager.filter(tender=tender).select_related("user") if not e.is_excluded]
    if not any(e.is_cleared for e in evaluators):
        problems.append("No evaluator is cleared to score")
    for e in evaluators:
        if e.declaration == Evaluator.Declaration.PENDING:
            problems.append(f"{e.user} has not declared their interests")
        elif e.awaiting_decision:
            problems.append(f"Decide on {e.user}'s declared interest")
    open_sheets = ScoreSheet._base_manager.filter(evaluator__tender=tender, submitted_at__isnull=True).count()
    if open_sheets:
        problems.append(f"{open_sheets} score sheet{'s are' if open_sheets != 1 else ' is'} not submitted yet")
    bids = Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED).count()
    questions = [q for q in _scored_questions(tender) if q.pass_fail or q.criterion_id is not None]
    moderated = ModeratedScore._base_manager.filter(
        bid__tender=tender, bid__stage=Stage.FULL, bid__status=BidStatus.SUBMITTED
    ).count()
    missing = bids * len(questions) - moderated
    if missing > 0:
        problems.append(f"{missing} moderated score{'s are' if missing != 1 else ' is'} still to agree")
    return problems


@transaction.atomic
def moderate(
    *, bid: Bid, question: Question, note: str, by: Actor, score: Any = None, passed: Any = None
) -> ModeratedScore:
    """Record the panel's agreed score for one bid on one question, with a note (after every cleared evaluator has
    submitted their scores for that bid)."""
    tender = Tender._base_manager.get(pk=bid.tender_id)
    _require_lead(tender, by, "record moderated scores")
    if tender.status != T.EVALUATION:
        raise DomainError("The evaluation is not open")
    if question.method.tender_id != tender.pk or question.stage != Stage.FULL:
        raise DomainError("That question is not part of this evaluation")
    waiting = ScoreSheet._base_manager.filter(bid=bid, submitted_at__isnull=True).count()
    if waiting or not ScoreSheet._base_manager.filter(bid=bid, submitted_at__isnull=False).exists():
        raise DomainError("Wait until every evaluator has submitted their scores for this bid")
    if not note.strip():
        raise DomainError("Add a note recording how the panel agreed the score", field="note")
    method = EvaluationMethod._base_manager.get(tender=tender)
    value, outcome = _check_score(question, method.max_score, score, passed)
    if (question.pass_fail and outcome is None) or (not question.pass_fail and value is None):
        raise DomainError("Enter the agreed score", field="passed" if question.pass_fail else "score")
    moderated, _ = ModeratedScore._base_manager.update_or_create(
        bid=bid,
        question=question,
        defaults={
            "score": value,
            "passed": outcome,
            "note": note.strip(),
            "recorded_by": by.user,
            "recorded_at": timezone.now(),
        },
    )
    audit.record(
        obj=tender,
        action="evaluation.moderated",
        by=by,
        data={"bid": str(bid.public_id), "question": question.number, "score": value, "passed": outcome},
    )
    return moderated


# --- award --------------------------------------------------------------------------------------------------------


def compute_shares(tender: Tender, line_values: Sequence[Decimal]) -> list[list[dict[str, Any]]]:
    """Each award line's per-partner, per-financial-year shares from the commission's confirmed contributions,
    reconciling to the penny. Refuses when partners have not confirmed enough in some year."""
    commission = JointCommission._base_manager.get(pk=tender.commission_id)
    years = financial_years(commission.start_date, tender.term_years)
    names = dict(Organisation.objects.values_list("pk", "name"))
    out: list[list[dict[str, Any]]] = [[] for _ in line_values]
    total = money(sum(line_values, Decimal("0")))
    for year in years:
        budget = confirmed_budget(commission, year)
        available = money(sum(budget.values(), Decimal("0")))
        if total > available:
            raise DomainError(
                f"In {financial_year_label(year)} partners have confirmed {format_gbp(available)}, less than the "
                f"{format_gbp(total)} a year recommended",
                field="annual_value",
            )
        ordered = dict(sorted(budget.items(), key=lambda kv: names.get(kv[0], "")))
        for index, shares in enumerate(scoring.split(ordered, list(line_values))):
            for organisation_id, amount in shares.items():
                out[index].append(
                    {
                        "organisation_id": organisation_id,
                        "organisation": names.get(organisation_id, ""),
                        "financial_year": year,
                        "amount": str(amount),
                    }
                )
    return out


def _ranking_snapshot(tender: Tender) -> list[dict[str, Any]]:
    from procurement.selectors import evaluation_results

    return [
        {
            "bid_id": r.bid_id,
            "bidder": r.name,
            "lot_id": r.lot_id,
            "rank": r.rank,
            "compliant": r.compliant,
            "total": str(r.total),
            "annual_price": str(r.annual_price) if r.annual_price is not None else None,
            "criteria": {str(k): str(v) for k, v in r.criterion_scores.items()},
        }
        for r in evaluation_results(tender).results
    ]


@transaction.atomic
def recommend(
    *, tender: Tender, by: Actor, choices: Sequence[tuple[Bid, Decimal]], rationale: str = ""
) -> AwardRecommendation:
    """Record the award recommendation -- the ranking, the recommended bid for each lot (or the tender), its annual
    value and the per-partner split -- and send it for approval."""
    from procurement.selectors import evaluation_results

    tender = Tender._base_manager.select_for_update().get(pk=tender.pk)
    _require_lead(tender, by, "recommend the award")
    if tender.status != T.EVALUATION:
        raise DomainError("The evaluation is not open")
    problems = moderation_problems(tender)
    if problems:
        raise DomainError("The evaluation is not finished", problems=problems)
    results = {r.bid_id: r for r in evaluation_results(tender).results}
    lots = list(Lot._base_manager.filter(tender=tender))
    if not choices:
        raise DomainError("Choose the recommended bid", field="bid")
    chosen_lots = [bid.lot_id for bid, _ in choices]
    if lots and sorted(chosen_lots, key=lambda x: x or 0) != sorted(lot.pk for lot in lots):
        raise DomainError("Recommend exactly one bid for each lot", field="bid")
    if not lots and len(choices) != 1:
        raise DomainError("Recommend exactly one bid", field="bid")
    for bid, value in choices:
        r = results.get(bid.pk)
        if r is None or not r.compliant:
            raise DomainError(f"{bid.organisation}'s bid is not compliant: it cannot be recommended", field="bid")
        if value is None or value <= 0:
            raise DomainError("Enter the annual value", field="annual_value")
    values = [money(v) for _, v in choices]
    shares = compute_shares(tender, values)
    AwardRecommendation._base_manager.filter(tender=tender, status=RecommendationStatus.DRAFT).delete()
    recommendation = AwardRecommendation.objects.create(
        tender=tender, ranking=_ranking_snapshot(tender), rationale=rationale.strip(), created_by=by.user
    )
    for (bid, _), value, line_shares in zip(choices, values, shares, strict=True):
        AwardLine.objects.create(
            recommendation=recommendation, lot_id=bid.lot_id, bid=bid, annual_value=value, shares=line_shares
        )
    transition(
        obj=tender,
        workflow=TENDER_WORKFLOW,
        name="recommend",
        by=by,
        data={
            "recommendation": recommendation.pk,
            "bids": [b.pk for b, _ in choices],
            "values": [str(v) for v in values],
        },
    )
    recommendation.status = RecommendationStatus.SUBMITTED
    recommendation.save(update_fields=["status"])
    return recommendation


@transaction.atomic
def recommendation_approve(*, recommendation: AwardRecommendation, by: Actor) -> AwardRecommendation:
    """Approve the award: the board's decision, or the lead's where the partnership has no board."""
    recommendation = AwardRecommendation._base_manager.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.SUBMITTED:
        raise DomainError(f"This recommendation is {recommendation.get_status_display().lower()}")
    tender = transition(obj=recommendation.tender, workflow=TENDER_WORKFLOW, name="approve_award", by=by)
    recommendation.status = RecommendationStatus.APPROVED
    recommendation.decided_at = timezone.now()
    recommendation.decided_by_name = _actor_name(by)
    if isinstance(by, BoardActor):
        recommendation.approval_route = by.board_name or "The board"
        recommendation.board_decision_id = by.decision_id
    else:
        recommendation.approval_route = "The lead commissioner (the partnership has no board)"
    recommendation.save()
    _tell_lead(
        tender,
        subject=f"{tender.title}: the award is approved",
        body="Send the award letters to start the standstill period.",
        key=f"recommendation:{recommendation.pk}:approved",
    )
    return recommendation


@transaction.atomic
def recommendation_reject(*, recommendation: AwardRecommendation, by: Actor, reason: str = "") -> AwardRecommendation:
    recommendation = AwardRecommendation._base_manager.select_for_update().get(pk=recommendation.pk)
    tender = transition(
        obj=recommendation.tender, workflow=TENDER_WORKFLOW, name="return_to_evaluation", by=by, reason=reason
    )
    recommendation.status = RecommendationStatus.REJECTED
    recommendation.decided_at = timezone.now()
    recommendation.decided_by_name = _actor_name(by)
    if isinstance(by, BoardActor):
        recommendation.approval_route = by.board_name or "The board"
        recommendation.board_decision_id = by.decision_id
    recommendation.save()
    _tell_lead(
        tender,
        subject=f"{tender.title}: the award recommendation was not approved",
        body=reason,
        key=f"recommendation:{recommendation.pk}:rejected",
    )
    return recommendation


def _letter_content(
    tender: Tender, bid: Bid, results: Any, winners: dict[int | None, int], successful: bool
) -> dict[str, Any]:
    method_criteria = results.criteria
    mine = results.by_bid.get(bid.pk)
    winner = results.by_bid.get(winners.get(bid.lot_id)) if winners.get(bid.lot_id) else None
    moderated = {m.question_id: m for m in ModeratedScore._base_manager.filter(bid=bid)}
    questions = _scored_questions(tender)
    advantages: list[str] = []
    if mine is not None and winner is not None and not successful:
        for c in method_criteria:
            theirs, yours = winner.criterion_scores.get(c.id), mine.criterion_scores.get(c.id)
            if theirs is not None and yours is not None and theirs > yours:
                advantages.append(f"{c.name}: the successful bid scored {theirs} of {c.weight}; yours scored {yours}")
        if mine.failed_questions:
            failed = [q.number for q in questions if q.pk in mine.failed_questions]
            advantages.insert(
                0,
                f"Your bid did not pass question{'s' if len(failed) != 1 else ''} {', '.join(map(str, failed))} (pass or fail)",
            )
    return {
        "tender": tender.title,
        "bidder": bid.organisation.name,
        "successful": successful,
        "lot": str(bid.lot) if bid.lot_id else "",
        "your": {
            "total": str(mine.total) if mine else None,
            "rank": mine.rank if mine else None,
            "compliant": mine.compliant if mine else False,
            "criteria": [
                {
                    "name": c.name,
                    "weight": c.weight,
                    "score": str(mine.criterion_scores.get(c.id, "0")) if mine else "0",
                }
                for c in method_criteria
            ],
            "questions": [
                {
                    "number": q.number,
                    "text": q.text,
                    "score": moderated[q.pk].score if q.pk in moderated else None,
                    "passed": moderated[q.pk].passed if q.pk in moderated else None,
                    "pass_fail": q.pass_fail,
                    "max": results.max_score,
                    "note": moderated[q.pk].note if q.pk in moderated else "",
                }
                for q in questions
            ],
            "annual_price": str(mine.annual_price) if mine and mine.annual_price is not None else None,
        },
        "winner": {
            "name": winner.name if winner else "",
            "total": str(winner.total) if winner else None,
            "criteria": [
                {"name": c.name, "weight": c.weight, "score": str(winner.criterion_scores.get(c.id, "0"))}
                for c in method_criteria
            ]
            if winner
            else [],
        },
        "advantages": advantages,
    }


@transaction.atomic
def standstill_start(*, tender: Tender, by: Actor) -> Tender:
    """Send award letters to every bidder -- successful and unsuccessful, with their own scores and the winning
    bid's relative advantages -- and start the standstill of N working days."""
    from procurement.selectors import evaluation_results

    tender = Tender._base_manager.select_for_update().get(pk=tender.pk)
    _require_lead(tender, by, "send the award letters")
    recommendation = AwardRecommendation._base_manager.filter(
        tender=tender, status=RecommendationStatus.APPROVED
    ).first()
    if recommendation is None:
        raise DomainError("The award has not been approved")
    today = timezone.localdate()
    ends = standstill_end(today, tender.standstill_days)
    tender = transition(
        obj=tender,
        workflow=TENDER_WORKFLOW,
        name="start_standstill",
        by=by,
        data={"letters_sent_on": today.isoformat(), "standstill_ends_on": ends.isoformat()},
    )
    Tender._base_manager.filter(pk=tender.pk).update(letters_sent_on=today, standstill_ends_on=ends)
    tender.letters_sent_on, tender.standstill_ends_on = today, ends
    winners = {line.lot_id: line.bid_id for line in AwardLine._base_manager.filter(recommendation=recommendation)}
    results = evaluation_results(tender)
    bids = list(
        Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED).select_related(
            "organisation", "lot"
        )
    )
    for bid in bids:
        successful = winners.get(bid.lot_id) == bid.pk
        content = _letter_content(tender, bid, results, winners, successful)
        content["standstill_ends_on"] = ends.isoformat()
        content["letters_sent_on"] = today.isoformat()
        AwardLetter.objects.create(bid=bid, successful=successful, content=content)
        transition(obj=bid, workflow=BID_WORKFLOW, name="mark_successful" if successful else "mark_unsuccessful", by=by)
        _tell_organisation(
            bid.organisation_id,
            subject=f"{tender.title}: {'your bid was successful' if successful else 'the outcome of your bid'}",
            body=(f"Your award letter is ready. The standstill period ends at the end of {ends:%A %-d %B %Y}."),
            url=reverse("bid-letter", kwargs={"bid_id": bid.public_id}),
            key=f"bid:{bid.pk}:letter",
        )
    return tender


def _check_shares_still_hold(line: AwardLine, tender: Tender) -> None:
    lines = list(AwardLine._base_manager.filter(recommendation=line.recommendation).order_by("lot__number", "id"))
    fresh = compute_shares(tender, [ln.annual_value for ln in lines])
    index = [ln.pk for ln in lines].index(line.pk)
    key = lambda s: (s["financial_year"], s["organisation_id"])  # noqa: E731
    if sorted((key(s), s["amount"]) for s in fresh[index]) != sorted((key(s), s["amount"]) for s in line.shares):
        raise DomainError(
            "Partners' confirmed contributions have changed since the award was approved: the split no longer "
            "reconciles. Ask the partners to restore their contributions, or return the award to evaluation"
        )


@transaction.atomic
def contract_sign(
    *,
    line: AwardLine,
    signed_on: dt.date,
    by: Actor,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    reference: str = "",
    document: File | None = None,
) -> Contract:
    """Record the signed contract after the standstill: provider, value per year, each partner's share of each year
    (reconciling to the commission's contributions to the penny), start and end, documents and signed date. When
    every award has its contract the tender is awarded and the commission moves to awarded (and live once the
    contract has started)."""
    tender = Tender._base_manager.select_for_update().get(pk=line.recommendation.tender_id)
    _require_lead(tender, by, "record the contract")
    if tender.status != T.STANDSTILL:
        raise DomainError(
            f"The tender is {tender.get_status_display().lower()}: contracts are signed after the standstill"
        )
    line = AwardLine._base_manager.select_related("bid__organisation", "recommendation", "lot").get(pk=line.pk)
    if line.recommendation.status != RecommendationStatus.APPROVED:
        raise DomainError("This award has not been approved")
    if Contract._base_manager.filter(award_line=line).exists():
        raise DomainError("This contract has already been recorded")
    today = timezone.localdate()
    ends = tender.standstill_ends_on
    if ends is None or today <= ends:
        raise DomainError(
            f"The standstill period ends at the end of {ends:%A %-d %B %Y}: the contract can be signed from "
            f"{ends + dt.timedelta(days=1):%A %-d %B %Y}"
            if ends
            else "The standstill has not started"
        )
    if signed_on <= ends:
        raise DomainError(
            f"The contract cannot be signed during the standstill (it ended {ends:%-d %B %Y})", field="signed_on"
        )
    if signed_on > today:
        raise DomainError("The signed date cannot be in the future", field="signed_on")
    commission = JointCommission._base_manager.get(pk=tender.commission_id)
    start = start_date or commission.start_date
    end = end_date or (dt.date(start.year + tender.term_years, start.month, start.day) - dt.timedelta(days=1))
    if end <= start:
        raise DomainError("The contract must end after it starts", field="end_date")
    _check_shares_still_hold(line, tender)
    contract = Contract.objects.create(
        tender=tender,
        commission=commission,
        award_line=line,
        lot=line.lot,
        bid=line.bid,
        provider=line.bid.organisation,
        title=f"{tender.title}{f' — {line.lot.title}' if line.lot_id else ''}",
        reference=reference.strip(),
        annual_value=line.annual_value,
        start_date=start,
        end_date=end,
        signed_on=signed_on,
        signed_by=by.user,
    )
    ContractShare.objects.bulk_create(
        [
            ContractShare(
                contract=contract,
                organisation_id=s["organisation_id"],
                financial_year=s["financial_year"],
                amount=Decimal(s["amount"]),
            )
            for s in line.shares
        ]
    )
    if document is not None:
        contract_document_add(contract=contract, title="Signed contract", upload=document, by=by)
    audit.record(
        obj=contract,
        action="contract.signed",
        by=by,
        to_state="signed",
        data={
            "provider": contract.provider.name,
            "annual_value": str(contract.annual_value),
            "signed_on": signed_on.isoformat(),
        },
    )
    if not AwardLine._base_manager.filter(recommendation=line.recommendation, contract__isnull=True).exists():
        transition(obj=tender, workflow=TENDER_WORKFLOW, name="award", by=by)
        if commission.status == CommissionStatus.PROCUREMENT:
            commission = commissioning.commission_transition(commission=commission, name="award", by=SYSTEM)
        if commission.status == CommissionStatus.AWARDED and start <= today:
            commissioning.commission_transition(commission=commission, name="go_live", by=SYSTEM)
    _tell_organisation(
        contract.provider_id,
        subject=f"{contract.title}: the contract is recorded as signed",
        body=f"Signed {signed_on:%-d %B %Y}; it runs from {start:%-d %B %Y} to {end:%-d %B %Y}.",
        url=reverse("contract-detail", kwargs={"signed_contract_id": contract.pk}),
        key=f"contract:{contract.pk}:signed",
    )
    return contract


@transaction.atomic
def contract_document_add(*, contract: Contract, title: str, upload: File, by: Actor) -> ContractDocument:
    _require_lead(contract.tender, by, "add contract documents")
    digest, _ = sha256_of(upload)
    document = ContractDocument(
        contract=contract,
        title=title.strip() or _filename(upload),
        original_filename=_filename(upload),
        sha256=digest,
        added_by=by.user,
    )
    document.file.save(document.original_filename, upload, save=False)
    document.save()
    audit.record(
        obj=contract, action="contract.document_added", by=by, data={"document": document.title, "sha256": digest}
    )
    return document


# --- system work (tasks) --------------------------------------------------------------------------------------------


def close_due_tenders(*, now: dt.datetime | None = None) -> int:
    """Close clarifications and bids whose deadlines have passed (the system's steps; safe to repeat)."""
    now = now or timezone.now()
    moved = 0
    for tender in Tender._base_manager.filter(status=T.PUBLISHED, clarification_deadline__lte=now):
        try:
            tender_transition(tender=tender, name="close_clarifications", by=SYSTEM)
            moved += 1
        except DomainError:
            continue
    for tender in Tender._base_manager.filter(
        status__in=[T.PUBLISHED, T.CLARIFICATIONS_CLOSED], submission_deadline__lte=now, stage=Stage.FULL
    ):
        try:
            tender_transition(tender=tender, name="close_bids", by=SYSTEM)
            moved += 1
        except DomainError:
            continue
    for tender in Tender._base_manager.filter(
        status__in=[T.PUBLISHED, T.CLARIFICATIONS_CLOSED], stage=Stage.EOI, eoi_deadline__lte=now
    ):
        received = Bid._base_manager.filter(tender=tender, stage=Stage.EOI, status__in=RECEIVED).count()
        _tell_lead(
            tender,
            subject=f"{tender.title}: expressions of interest have closed ({received} received)",
            body="Shortlist, then invite the shortlisted providers to the full bid.",
            url=reverse("tender-shortlist", kwargs={"tender_id": tender.pk}),
            key=f"tender:{tender.pk}:eoi-closed",
        )
    return moved


def contracts_go_live(*, today: dt.date | None = None) -> int:
    """Commissions whose contract has started move from awarded to live."""
    today = today or timezone.localdate()
    moved = 0
    for commission in JointCommission._base_manager.filter(status=CommissionStatus.AWARDED):
        if Contract._base_manager.filter(commission=commission, start_date__lte=today).exists():
            try:
                commissioning.commission_transition(commission=commission, name="go_live", by=SYSTEM)
                moved += 1
            except DomainError:
                continue
    return moved
