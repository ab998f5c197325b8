"""Recommending and approving the award, the standstill and its letters, signing contracts and moving them
live.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import File
from django.urls import reverse
from django.utils import timezone

from commissioning.lifecycle import services as commissioning
from commissioning.models import (
    CommissionStatus,
    JointCommission,
)
from core import audit
from core.actors import SYSTEM, Actor
from core.errors import DomainError
from core.money import format_gbp, money
from core.service import service
from core.text import check_text
from core.workflow import transition
from procurement.award.models import (
    REASON_LIMIT,
    AwardLetter,
    AwardLine,
    AwardRecommendation,
    Contract,
    ContractDocument,
    ContractShare,
    ContractVariation,
    RecommendationStatus,
    TerminationKind,
    VariationKind,
    VariationShare,
)
from procurement.award.rules import (
    check_shares_still_hold,
    compute_shares,
    current_value,
    ranking_snapshot,
    split_change,
    termination_problems,
    variation_needs_change_notice,
)
from procurement.award.standstill import standstill_end
from procurement.bids.models import (
    Bid,
    BidStatus,
)
from procurement.evaluation.models import ModeratedScore
from procurement.evaluation.rules import evaluation_results, moderation_problems, scored_questions
from procurement.tenders.files import file_row, upload_filename
from procurement.tenders.models import (
    Lot,
    Stage,
    Tender,
    TenderStatus,
)
from procurement.tenders.notices import tell_lead, tell_organisation
from procurement.tenders.services import actor_name, record_approver, require_lead
from procurement.workflows import BID_WORKFLOW, TENDER_WORKFLOW

# Rows the service reads whoever acts: it decides itself who may act, so another organisation gets a refusal, never
# a missing row (the row was handed in through the caller's scope).
CHECKED = "the service decides who may act (a refusal, never a missing row)"


@service
def recommend(
    *, tender: Tender, by: Actor, choices: Sequence[tuple[Bid, Decimal]], rationale: str = ""
) -> AwardRecommendation:
    """Record the award recommendation -- the ranking, the recommended bid for each lot (or the tender), its annual
    value and the per-partner split -- and send it for approval."""

    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "recommend the award")
    if tender.status != TenderStatus.EVALUATION:
        raise DomainError("The evaluation is not open")
    problems = moderation_problems(tender)
    if problems:
        raise DomainError("The evaluation is not finished", problems=problems)
    results = {r.bid_id: r for r in evaluation_results(tender).results}
    lots = list(Lot.objects.unscoped(reason=CHECKED).filter(tender=tender))
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
    AwardRecommendation.objects.unscoped(reason=CHECKED).filter(
        tender=tender, status=RecommendationStatus.DRAFT
    ).delete()
    recommendation = AwardRecommendation.objects.create(
        tender=tender, ranking=ranking_snapshot(tender), rationale=rationale.strip(), created_by=by.user
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


@service
def recommendation_approve(*, recommendation: AwardRecommendation, by: Actor) -> AwardRecommendation:
    """Approve the award: the board's decision, or the lead's where the partnership has no board."""
    recommendation = AwardRecommendation.objects.unscoped(reason=CHECKED).select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.SUBMITTED:
        raise DomainError(f"This recommendation is {recommendation.get_status_display().lower()}")
    tender = transition(obj=recommendation.tender, workflow=TENDER_WORKFLOW, name="approve_award", by=by)
    recommendation.status = RecommendationStatus.APPROVED
    recommendation.decided_at = timezone.now()
    recommendation.decided_by_name = actor_name(by)
    record_approver(recommendation, by)
    recommendation.save()
    tell_lead(
        tender,
        subject=f"{tender.title}: the award is approved",
        body="Send the award letters to start the standstill period.",
        key=f"recommendation:{recommendation.pk}:approved",
    )
    return recommendation


@service
def recommendation_reject(*, recommendation: AwardRecommendation, by: Actor, reason: str = "") -> AwardRecommendation:
    recommendation = AwardRecommendation.objects.unscoped(reason=CHECKED).select_for_update().get(pk=recommendation.pk)
    tender = transition(
        obj=recommendation.tender, workflow=TENDER_WORKFLOW, name="return_to_evaluation", by=by, reason=reason
    )
    recommendation.status = RecommendationStatus.REJECTED
    recommendation.decided_at = timezone.now()
    recommendation.decided_by_name = actor_name(by)
    record_approver(recommendation, by, lead=False)
    recommendation.save()
    tell_lead(
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
    moderated = {m.question_id: m for m in ModeratedScore.objects.unscoped(reason=CHECKED).filter(bid=bid)}
    questions = scored_questions(tender)
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


@service
def standstill_start(*, tender: Tender, by: Actor) -> Tender:
    """Send award letters to every bidder -- successful and unsuccessful, with their own scores and the winning
    bid's relative advantages -- and start the standstill of N working days."""

    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=tender.pk)
    require_lead(tender, by, "send the award letters")
    recommendation = (
        AwardRecommendation.objects.unscoped(reason=CHECKED)
        .filter(tender=tender, status=RecommendationStatus.APPROVED)
        .first()
    )
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
    Tender.objects.unscoped(reason=CHECKED).filter(pk=tender.pk).update(letters_sent_on=today, standstill_ends_on=ends)
    tender.letters_sent_on, tender.standstill_ends_on = today, ends
    winners = {
        line.lot_id: line.bid_id
        for line in AwardLine.objects.unscoped(reason=CHECKED).filter(recommendation=recommendation)
    }
    results = evaluation_results(tender)
    bids = list(
        Bid.objects.unscoped(reason=CHECKED)
        .filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED)
        .select_related("organisation", "lot")
    )
    for bid in bids:
        successful = winners.get(bid.lot_id) == bid.pk
        content = _letter_content(tender, bid, results, winners, successful)
        content["standstill_ends_on"] = ends.isoformat()
        content["letters_sent_on"] = today.isoformat()
        AwardLetter.objects.create(bid=bid, successful=successful, content=content)
        transition(obj=bid, workflow=BID_WORKFLOW, name="mark_successful" if successful else "mark_unsuccessful", by=by)
        tell_organisation(
            bid.organisation_id,
            subject=f"{tender.title}: {'your bid was successful' if successful else 'the outcome of your bid'}",
            body=(f"Your award letter is ready. The standstill period ends at the end of {ends:%A %-d %B %Y}."),
            url=reverse("bid-letter", kwargs={"bid_id": bid.public_id}),
            key=f"bid:{bid.pk}:letter",
        )
    return tender


@service
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
    tender = Tender.objects.unscoped(reason=CHECKED).select_for_update().get(pk=line.recommendation.tender_id)
    require_lead(tender, by, "record the contract")
    if tender.status != TenderStatus.STANDSTILL:
        raise DomainError(
            f"The tender is {tender.get_status_display().lower()}: contracts are signed after the standstill"
        )
    line = (
        AwardLine.objects.unscoped(reason=CHECKED)
        .select_related("bid__organisation", "recommendation", "lot")
        .get(pk=line.pk)
    )
    if line.recommendation.status != RecommendationStatus.APPROVED:
        raise DomainError("This award has not been approved")
    if Contract.objects.unscoped(reason=CHECKED).filter(award_line=line).exists():
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
    commission = JointCommission.objects.unscoped(reason=CHECKED).get(pk=tender.commission_id)
    start = start_date or commission.start_date
    end = end_date or (dt.date(start.year + tender.term_years, start.month, start.day) - dt.timedelta(days=1))
    if end <= start:
        raise DomainError("The contract must end after it starts", field="end_date")
    check_shares_still_hold(line, tender)
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
    if (
        not AwardLine.objects.unscoped(reason=CHECKED)
        .filter(recommendation=line.recommendation, contract__isnull=True)
        .exists()
    ):
        transition(obj=tender, workflow=TENDER_WORKFLOW, name="award", by=by)
        if commission.status == CommissionStatus.PROCUREMENT:
            commission = commissioning.commission_transition(commission=commission, name="award", by=SYSTEM)
        if commission.status == CommissionStatus.AWARDED and start <= today:
            commissioning.commission_transition(commission=commission, name="go_live", by=SYSTEM)
    tell_organisation(
        contract.provider_id,
        subject=f"{contract.title}: the contract is recorded as signed",
        body=f"Signed {signed_on:%-d %B %Y}; it runs from {start:%-d %B %Y} to {end:%-d %B %Y}.",
        url=reverse("contract-detail", kwargs={"signed_contract_id": contract.pk}),
        key=f"contract:{contract.pk}:signed",
    )
    return contract


@service
def contract_document_add(*, contract: Contract, title: str, upload: File, by: Actor) -> ContractDocument:
    require_lead(contract.tender, by, "add contract documents")
    title = title.strip() or upload_filename(upload)
    document = file_row(ContractDocument, upload=upload, contract=contract, title=title, added_by=by.user)
    audit.record(
        obj=contract,
        action="contract.document_added",
        by=by,
        data={"document": document.title, "sha256": document.sha256},
    )
    return document


@service
def contracts_go_live(*, today: dt.date | None = None) -> int:
    """Commissions whose contract has started move from awarded to live."""
    today = today or timezone.localdate()
    moved = 0
    for commission in JointCommission.objects.unscoped(
        reason="system work: every contract whose start date has come"
    ).filter(status=CommissionStatus.AWARDED):
        if (
            Contract.objects.unscoped(reason="system work: every contract whose start date has come")
            .filter(commission=commission, start_date__lte=today)
            .exists()
        ):
            try:
                commissioning.commission_transition(commission=commission, name="go_live", by=SYSTEM)
                moved += 1
            except DomainError:
                continue
    return moved


# --- changing and ending a contract -----------------------------------------------------------------------------------


def _reason(text: str, field: str = "reason") -> str:
    try:
        cleaned = check_text(text or "", multiline=True, max_length=REASON_LIMIT).strip()
    except ValueError as error:
        raise DomainError(str(error), field=field) from error
    if not cleaned:
        raise DomainError("Say why", field=field)
    return cleaned


@service
def variation_record(
    *,
    contract: Contract,
    kind: str,
    reason: str,
    agreed_on: dt.date,
    by: Actor,
    value_after: Decimal | None = None,
    change: Decimal | None = None,
    end_date: dt.date | None = None,
    shares: dict[int, Decimal] | None = None,
) -> ContractVariation:
    """Record an agreed change to a signed contract: its value (the new whole value, or the change), its term (the new
    end date) or its scope, why, when it was agreed and by whom, and each partner's share of the change in value
    (by default in proportion to what each pays), adding up to the change to the penny."""
    contract = (
        Contract.objects.unscoped(reason=CHECKED).select_for_update().select_related("tender").get(pk=contract.pk)
    )
    require_lead(contract.tender, by, "vary the contract")
    if contract.terminated_on is not None:
        raise DomainError(f"The contract ended on {contract.terminated_on:%-d %B %Y}: it cannot be varied")
    if kind not in VariationKind.values:
        raise DomainError("Choose what the variation changes", field="kind")
    why = _reason(reason)
    today = timezone.localdate()
    if agreed_on > today:
        raise DomainError("The date agreed cannot be in the future", field="agreed_on")
    if agreed_on < contract.signed_on:
        raise DomainError(
            f"A variation is agreed after the contract was signed ({contract.signed_on:%-d %B %Y})", field="agreed_on"
        )
    before = current_value(contract)
    if value_after is not None and change is not None and money(value_after) - before != money(change):
        raise DomainError("Enter the new value or the change, not two figures that disagree", field="change")
    after = money(value_after) if value_after is not None else before + money(change or Decimal("0"))
    if after < 0:
        raise DomainError("The contract's value cannot fall below nothing", field="change")
    difference = after - before
    new_end = end_date or contract.end_date
    if kind == VariationKind.VALUE and difference == 0:
        raise DomainError("Enter the new value or the change in value", field="change")
    if kind == VariationKind.TERM:
        if end_date is None or end_date == contract.end_date:
            raise DomainError("Enter the new end date", field="end_date")
        if end_date <= contract.start_date:
            raise DomainError("The contract must end after it starts", field="end_date")
        if end_date < agreed_on:
            raise DomainError("The new end date cannot be before the variation was agreed", field="end_date")
    elif end_date is not None and end_date != contract.end_date:
        raise DomainError("A change of end date is a variation of the term", field="end_date")
    if difference == 0:
        split: dict[int, Decimal] = {}
    elif shares is None:
        split = split_change(contract, difference)
    else:
        partners = set(
            ContractShare.objects.unscoped(reason=CHECKED)
            .filter(contract=contract)
            .values_list("organisation_id", flat=True)
        )
        split = {int(k): money(v) for k, v in shares.items() if money(v) != 0}
        if set(split) - partners:
            raise DomainError("Only the partners paying for the contract can share the change", field="shares")
        total = sum(split.values(), Decimal("0"))
        if total != difference:
            raise DomainError(
                f"The partners' shares add up to {format_gbp(total)}, not the change of {format_gbp(difference)}",
                field="shares",
            )
    number = ContractVariation.objects.unscoped(reason=CHECKED).filter(contract=contract).count() + 1
    variation = ContractVariation.objects.create(
        contract=contract,
        number=number,
        kind=kind,
        reason=why,
        value_before=before,
        value_after=after,
        end_date_before=contract.end_date,
        end_date_after=new_end,
        agreed_on=agreed_on,
        agreed_by=by.user,
        agreed_by_name=actor_name(by),
    )
    VariationShare.objects.bulk_create(
        [VariationShare(variation=variation, organisation_id=k, amount=v) for k, v in sorted(split.items())]
    )
    if new_end != contract.end_date:
        contract.end_date = new_end
        contract.save(update_fields=["end_date"])
    notice = variation_needs_change_notice(variation)
    audit.record(
        obj=contract,
        action="contract.varied",
        by=by,
        reason=why,
        data={
            "number": number,
            "kind": kind,
            "value_before": str(before),
            "value_after": str(after),
            "end_date_before": variation.end_date_before.isoformat(),
            "end_date_after": new_end.isoformat(),
            "agreed_on": agreed_on.isoformat(),
            "shares": {str(k): str(v) for k, v in sorted(split.items())},
            "needs_change_notice": notice,
        },
    )
    tell_organisation(
        contract.provider_id,
        subject=f"{contract.title}: variation {number} recorded",
        body=f"{variation.get_kind_display()}, agreed {agreed_on:%-d %B %Y}.",
        url=reverse("contract-detail", kwargs={"signed_contract_id": contract.pk}),
        key=f"contract:{contract.pk}:variation:{number}",
    )
    return variation


@service
def contract_terminate(*, contract: Contract, by: Actor, on: dt.date, reason: str, kind: str) -> Contract:
    """Record that the contract ended: at the end of its term, or early (by agreement, for breach, for convenience,
    or because the provider ceased), on which date and why. Monitoring keeps reading the contract as it was."""
    contract = (
        Contract.objects.unscoped(reason=CHECKED).select_for_update().select_related("tender").get(pk=contract.pk)
    )
    require_lead(contract.tender, by, "end the contract")
    if kind not in TerminationKind.values:
        raise DomainError("Choose how the contract ended", field="kind")
    if len(reason or "") > REASON_LIMIT:
        raise DomainError(f"Keep the reason under {REASON_LIMIT:,} characters", field="reason")
    problems = termination_problems(contract, on=on, kind=kind, reason=reason or "")
    if problems:
        field = "reason" if problems[0].startswith("Say why") else "on"
        raise DomainError(problems[0], field=field, problems=problems)
    contract.terminated_on = on
    contract.termination_kind = kind
    contract.termination_reason = _reason(reason)
    contract.terminated_by = by.user
    contract.save(update_fields=["terminated_on", "termination_kind", "termination_reason", "terminated_by"])
    audit.record(
        obj=contract,
        action="contract.terminated",
        by=by,
        to_state="ended",
        reason=contract.termination_reason,
        data={"on": on.isoformat(), "kind": kind},
    )
    tell_organisation(
        contract.provider_id,
        subject=f"{contract.title}: the contract's end is recorded",
        body=f"{contract.get_termination_kind_display()}, on {on:%-d %B %Y}.",
        url=reverse("contract-detail", kwargs={"signed_contract_id": contract.pk}),
        key=f"contract:{contract.pk}:terminated",
    )
    return contract


@TENDER_WORKFLOW.effect("set_recommendations_aside")
def _recommendation_set_aside(tender: Tender, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    AwardRecommendation.objects.unscoped(reason=CHECKED).filter(
        tender=tender, status__in=[RecommendationStatus.SUBMITTED, RecommendationStatus.APPROVED]
    ).update(status=RecommendationStatus.REJECTED, decided_at=timezone.now(), decided_by_name=actor_name(by))
