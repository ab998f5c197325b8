"""Pure checks on a bid (they read, never write): the working copy, what stops submission, the canonical
content and its hash, late submissions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.money import money
from procurement.bids.models import (
    Bid,
    BidAnswer,
    BidAttachment,
    BidPartner,
    BidPartnerKind,
    BidPriceLine,
    BidSocialValue,
    BidStatus,
    PriceCategory,
    ProviderProfile,
    SocialValueKind,
)
from procurement.tenders.models import (
    Lot,
    Question,
    Stage,
    Tender,
)
from procurement.tenders.rules import word_count

EDITABLE = (BidStatus.DRAFT, BidStatus.SUBMITTED, BidStatus.WITHDRAWN)

# A check reads the whole record, whoever asks: it answers with problems, never with rows.
WHOLE_RECORD = "a check reads the whole record, whoever asks; it answers with problems, not rows"


def _questions_for(bid: Bid) -> list[Question]:
    return list(
        Question.objects.unscoped(reason=WHOLE_RECORD)
        .filter(method__tender_id=bid.tender_id, stage=bid.stage)
        .order_by("number")
    )


@dataclass
class Working:
    """A bid's working copy, read once (for the checks and the canonical content of one submission)."""

    answers: dict[int, str]
    questions: list[Question]
    lines: list[BidPriceLine]
    partners: list[BidPartner]


def working_copy(bid: Bid) -> Working:
    order = {value: i for i, value in enumerate(PriceCategory.values)}
    lines = sorted(
        BidPriceLine.objects.unscoped(reason=WHOLE_RECORD).filter(bid=bid),
        key=lambda line: order.get(line.category, 99),
    )
    return Working(
        answers={a.question_id: a.text for a in BidAnswer.objects.unscoped(reason=WHOLE_RECORD).filter(bid=bid)},
        questions=_questions_for(bid),
        lines=lines,
        partners=list(BidPartner.objects.unscoped(reason=WHOLE_RECORD).filter(bid=bid).order_by("kind", "id")),
    )


def submission_problems(bid: Bid, tender: Tender | None = None, working: Working | None = None) -> list[str]:
    """What stops the working copy being submitted (apart from the deadline), in words."""
    tender = tender or bid.tender
    working = working or working_copy(bid)
    problems: list[str] = []
    if Lot.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).exists() and bid.lot_id is None:
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
    profile = ProviderProfile.objects.unscoped(reason=WHOLE_RECORD).filter(organisation=organisation).first()
    answers = working.answers
    lines = working.lines
    lot = bid.lot
    content: dict[str, Any] = {
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
            for a in BidAttachment.objects.unscoped(reason=WHOLE_RECORD)
            .filter(bid=bid, removed_at__isnull=True)
            .order_by("uploaded_at", "id")
        ],
    }
    commitments = social_value_content(bid)
    if commitments:  # only when there are any, so a bid without them keeps the content (and hash) it always had
        content["social_value"] = commitments
    return content


def social_value_content(bid: Bid) -> list[dict[str, Any]]:
    """The bid's social value commitments as submitted: kind, target per year, unit and description."""
    return [
        {
            "id": str(c.public_id),
            "kind": c.kind,
            "label": str(SocialValueKind(c.kind).label),
            "description": c.description,
            "target": str(c.target),
            "unit": c.unit,
            "per": "year",
        }
        for c in BidSocialValue.objects.unscoped(reason=WHOLE_RECORD).filter(bid=bid).order_by("id")
    ]


def content_hash(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def late_message(bid: Bid, deadline: dt.datetime | None) -> str:
    if deadline is None:
        return "This tender is not taking bids at this stage"
    local = timezone.localtime(deadline)
    return (
        f"The deadline was {local:%H:%M:%S} on {local:%A %-d %B %Y}. Your bid was not submitted: late bids cannot "
        "be accepted. Your draft has been kept."
    )
