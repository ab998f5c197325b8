"""Shortlisting (two-stage tenders), naming the panel, declarations and conflict decisions, scoring and
moderation.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.notifications import notify
from core.service import service
from core.workflow import transition
from partners.models import THIRD_SECTOR_KINDS, Membership
from procurement import permissions
from procurement.bids.models import (
    RECEIVED,
    Bid,
    BidStatus,
)
from procurement.evaluation.models import Evaluator, ModeratedScore, Score, ScoreSheet
from procurement.evaluation.rules import check_score, evaluator_candidates, scored_questions, sheet_problems
from procurement.tenders.models import (
    EvaluationMethod,
    Question,
    Stage,
    Tender,
    TenderStatus,
)
from procurement.tenders.notices import tell_lead, tell_organisation
from procurement.tenders.rules import local_time
from procurement.tenders.services import require_lead
from procurement.workflows import BID_WORKFLOW, TENDER_WORKFLOW

# --- two-stage: shortlisting ----------------------------------------------------------------------------------------

# Rows the service reads whoever acts: it decides itself who may act, so another organisation gets a refusal, never
# a missing row (the row was handed in through the caller's scope).
CHECKED = "the service decides who may act (a refusal, never a missing row)"


@service
def eoi_decide(*, bid: Bid, shortlist: bool, by: Actor, reason: str = "") -> Bid:
    """Shortlist an expression of interest, or not (saying why: the provider is told)."""
    tender = bid.tender
    require_lead(tender, by, "shortlist")
    if tender.stage != Stage.EOI:
        raise DomainError("Shortlisting has finished")
    if not shortlist and not reason.strip():
        raise DomainError("Say why it is not shortlisted: the provider will be told", field="reason")
    bid = transition(
        obj=bid, workflow=BID_WORKFLOW, name="shortlist" if shortlist else "reject", by=by, reason=reason.strip()
    )
    Bid.objects.unscoped(reason=CHECKED).filter(pk=bid.pk).update(outcome_reason=reason.strip())
    return bid


@service
def invite_full_bids(*, tender: Tender, by: Actor) -> Tender:
    """End shortlisting: the shortlisted are invited to the full bid; the rest are told why they were not."""
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "invite full bids")
    if not tender.is_two_stage or tender.stage != Stage.EOI:
        raise DomainError("This tender is not shortlisting")
    now = timezone.now()
    if tender.eoi_deadline is None or now < tender.eoi_deadline:
        raise DomainError("Expressions of interest are still open")
    if now >= tender.submission_deadline:
        raise DomainError("The full bid deadline has passed: extend it before inviting full bids")
    eois = list(Bid.objects.unscoped(reason=CHECKED).filter(tender=tender, stage=Stage.EOI, status__in=RECEIVED))
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
            tell_organisation(
                b.organisation_id,
                subject=f"{tender.title}: you are invited to submit a full bid",
                body=f"Your expression of interest was shortlisted. Full bids close {local_time(tender.submission_deadline)}.",
                url=url,
                key=f"bid:{b.pk}:invited",
            )
        else:
            tell_organisation(
                b.organisation_id,
                subject=f"{tender.title}: your expression of interest was not shortlisted",
                body=f"Why: {b.outcome_reason}",
                url=reverse("bid-edit", kwargs={"bid_id": b.public_id}),
                key=f"bid:{b.pk}:not-shortlisted",
            )
    return tender


@service
def evaluator_add(*, tender: Tender, membership: Membership, by: Actor, role_title: str = "") -> Evaluator:
    require_lead(tender, by, "name the panel")
    if tender.status in (
        TenderStatus.RECOMMENDED,
        TenderStatus.APPROVED,
        TenderStatus.STANDSTILL,
        TenderStatus.AWARDED,
        TenderStatus.CANCELLED,
    ):
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


@service
def evaluator_remove(*, evaluator: Evaluator, by: Actor) -> None:
    tender = evaluator.tender
    require_lead(tender, by, "change the panel")
    if (
        ScoreSheet.objects.unscoped(
            reason="removing an evaluator clears their unsubmitted sheets, which only they read"
        )
        .filter(evaluator=evaluator, submitted_at__isnull=False)
        .exists()
    ):
        raise DomainError("This evaluator has submitted scores: exclude them through a conflict decision instead")
    permissions.revoke_evaluator(evaluator.user, tender)
    audit.record(obj=tender, action="panel.evaluator_removed", by=by, data={"evaluator": str(evaluator)})
    Score.objects.unscoped(reason="removing an evaluator clears their unsubmitted sheets, which only they read").filter(
        sheet__evaluator=evaluator
    ).delete()
    ScoreSheet.objects.unscoped(
        reason="removing an evaluator clears their unsubmitted sheets, which only they read"
    ).filter(evaluator=evaluator).delete()
    Evaluator.objects.unscoped(reason=CHECKED).filter(pk=evaluator.pk).delete()


@service
def interests_declare(*, evaluator: Evaluator, has_interest: bool, interest: str, by: Actor) -> Evaluator:
    """The evaluator declares their interests for this tender (none, or an interest with details) before seeing any
    bid. A later declaration of an interest suspends them until the lead decides."""
    evaluator = Evaluator.objects.unscoped(reason=CHECKED).select_for_update().get(pk=evaluator.pk)
    if by.user is None or by.user.pk != evaluator.user_id:
        raise NotPermitted("Only the evaluator can declare their own interests")
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
        tell_lead(
            evaluator.tender,
            subject=f"{evaluator.tender.title}: {evaluator.user} declared an interest",
            body=evaluator.interest,
            url=reverse("tender-panel", kwargs={"tender_id": evaluator.tender_id}),
            key=f"evaluator:{evaluator.pk}:declared:{int(evaluator.declared_at.timestamp())}",
        )
    else:
        ensure_scoresheets(evaluator.tender)
    return evaluator


@service
def conflict_decide(*, evaluator: Evaluator, decision: str, by: Actor, mitigation: str = "") -> Evaluator:
    """The lead's decision on a declared conflict: exclude the evaluator, or allow them with a mitigation."""
    evaluator = Evaluator.objects.unscoped(reason=CHECKED).select_for_update().get(pk=evaluator.pk)
    tender = evaluator.tender
    require_lead(tender, by, "decide on conflicts")
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
        Score.objects.unscoped(
            reason="excluding an evaluator clears their unsubmitted sheets, which only they read"
        ).filter(sheet__evaluator=evaluator, sheet__submitted_at__isnull=True).delete()
        ScoreSheet.objects.unscoped(
            reason="excluding an evaluator clears their unsubmitted sheets, which only they read"
        ).filter(evaluator=evaluator, submitted_at__isnull=True).delete()
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


@TENDER_WORKFLOW.effect("open_score_sheets")
def _open_score_sheets(tender: Tender, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    ensure_scoresheets(tender)


def ensure_scoresheets(tender: Tender) -> int:
    """Once the evaluation has started, a score sheet for each cleared evaluator and each received full bid."""
    tender = Tender.objects.unscoped(
        reason="the lead opens a sheet for every evaluator and received bid, including sheets only their evaluator reads"
    ).get(pk=tender.pk)
    if tender.status != TenderStatus.EVALUATION:
        return 0
    bids = list(
        Bid.objects.unscoped(
            reason="the lead opens a sheet for every evaluator and received bid, including sheets only their evaluator reads"
        ).filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED)
    )
    created = 0
    for evaluator in Evaluator.objects.unscoped(
        reason="the lead opens a sheet for every evaluator and received bid, including sheets only their evaluator reads"
    ).filter(tender=tender):
        if not evaluator.is_cleared:
            continue
        for bid in bids:
            _, made = ScoreSheet.objects.unscoped(
                reason="the lead opens a sheet for every evaluator and received bid, including sheets only their evaluator reads"
            ).get_or_create(evaluator=evaluator, bid=bid)
            created += int(made)
    return created


def _own_open_sheet(sheet: ScoreSheet, by: Actor) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.unscoped(reason=CHECKED)
        .select_for_update(of=("self",))
        .select_related("evaluator", "bid")
        .get(pk=sheet.pk)
    )
    evaluator = sheet.evaluator
    if by.user is None or by.user.pk != evaluator.user_id:
        raise NotPermitted("Only the evaluator can score on their own sheet")
    tender = Tender.objects.unscoped(reason=CHECKED).get(pk=evaluator.tender_id)
    if not evaluator.is_cleared or not permissions.may_evaluate(tender, by.user):
        raise NotPermitted("You are not cleared to evaluate this tender")
    if tender.status != TenderStatus.EVALUATION:
        raise DomainError("The evaluation is not open")
    if sheet.submitted_at is not None:
        raise DomainError("You have submitted these scores: they can no longer change")
    return sheet


@service
def scores_save(*, sheet: ScoreSheet, scores: dict[int, dict[str, Any]], by: Actor) -> ScoreSheet:
    """Save the evaluator's scores (``{question_id: {score, passed, justification}}``); private until submitted."""
    sheet = _own_open_sheet(sheet, by)
    tender = sheet.evaluator.tender
    method = EvaluationMethod.objects.unscoped(reason=CHECKED).get(tender=tender)
    questions = {q.pk: q for q in scored_questions(tender)}
    for question_id, entry in scores.items():
        question = questions.get(int(question_id))
        if question is None:
            continue
        value, passed = check_score(question, method.max_score, entry.get("score"), entry.get("passed"))
        Score.objects.unscoped(reason=CHECKED).update_or_create(
            sheet=sheet,
            question=question,
            defaults={"score": value, "passed": passed, "justification": (entry.get("justification") or "").strip()},
        )
    return sheet


@service
def sheet_submit(*, sheet: ScoreSheet, by: Actor) -> ScoreSheet:
    sheet = _own_open_sheet(sheet, by)
    problems = sheet_problems(sheet)
    if problems:
        raise DomainError("Your scores are not complete", problems=problems)
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at"])
    audit.record(obj=sheet, action="evaluation.scores_submitted", by=by, data={"bid": str(sheet.bid.public_id)})
    return sheet


@service
def moderate(
    *, bid: Bid, question: Question, note: str, by: Actor, score: Any = None, passed: Any = None
) -> ModeratedScore:
    """Record the panel's agreed score for one bid on one question, with a note (after every cleared evaluator has
    submitted their scores for that bid)."""
    tender = Tender.objects.unscoped(reason=CHECKED).get(pk=bid.tender_id)
    require_lead(tender, by, "record moderated scores")
    if tender.status != TenderStatus.EVALUATION:
        raise DomainError("The evaluation is not open")
    if question.method.tender_id != tender.pk or question.stage != Stage.FULL:
        raise DomainError("That question is not part of this evaluation")
    waiting = ScoreSheet.objects.unscoped(reason=CHECKED).filter(bid=bid, submitted_at__isnull=True).count()
    if waiting or not ScoreSheet.objects.unscoped(reason=CHECKED).filter(bid=bid, submitted_at__isnull=False).exists():
        raise DomainError("Wait until every evaluator has submitted their scores for this bid")
    if not note.strip():
        raise DomainError("Add a note recording how the panel agreed the score", field="note")
    method = EvaluationMethod.objects.unscoped(reason=CHECKED).get(tender=tender)
    value, outcome = check_score(question, method.max_score, score, passed)
    if (question.pass_fail and outcome is None) or (not question.pass_fail and value is None):
        raise DomainError("Enter the agreed score", field="passed" if question.pass_fail else "score")
    moderated, _ = ModeratedScore.objects.unscoped(reason=CHECKED).update_or_create(
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
