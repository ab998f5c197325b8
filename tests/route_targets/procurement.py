"""What each tendering URL keyword names, and who owns it.

- ``tender_id``: a draft tender the county leads (unpublished, so another organisation gets a 404).
- ``opportunity_id`` / ``tender_document_id``: a published opportunity and its document (public).
- ``bid_id`` / ``attachment_id`` / ``bid_partner_id`` / ``profile_document_id``: the provider's own (its bidder).
  Bids, their files and partners, and score sheets are addressed by their random ``public_id`` (a UUID).
- ``submission_id``: a received bid (its public id) after the deadline, read by the lead commissioner.
- ``clarification_id``: an unanswered question on a published tender (the lead answers it).
- ``evaluator_id`` / ``scoresheet_id``: a panel seat and score sheet of the county's evaluator.
- ``contract_id`` / ``contract_document_id``: the signed Lichfield contract (the lead's).
"""

from __future__ import annotations

from typing import Any

from procurement.award.models import AwardRecommendation, Contract, ContractDocument
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidAttachment, BidPartner, BidSocialValue, ProfileDocument
from procurement.evaluation.models import Evaluator, ScoreSheet
from procurement.tenders import services as tender_services
from procurement.tenders.models import Clarification, Tender, TenderDocument
from tests.factories.procurement import (
    Flow,
    awarded,
    bidder_of,
    draft_tender,
    lead_of,
    pdf,
    published_tender,
)
from tests.route_targets import Target


def _draft(w: Any) -> Tender:
    if "procurement:draft" not in w.extras:
        w.extras["procurement:draft"] = draft_tender(w, title="A draft tender")
    return w.extras["procurement:draft"]  # type: ignore[no-any-return]


def _published(w: Any) -> Tender:
    if "procurement:published" not in w.extras:
        tender = published_tender(w, title="An open opportunity")
        tender_services.tender_document_add(tender=tender, title="Specification", upload=pdf("spec.pdf"), by=lead_of(w))
        w.extras["procurement:published"] = tender
    return w.extras["procurement:published"]  # type: ignore[no-any-return]


def _bid(w: Any) -> Bid:
    if "procurement:bid" not in w.extras:
        by = bidder_of(w)
        bid_services.profile_document_add(kind="safeguarding", upload=pdf("safeguarding.pdf"), by=by)
        bid = bid_services.bid_start(tender=_published(w), by=by)
        bid_services.bid_attachment_add(bid=bid, title="Our plan", upload=pdf("plan.pdf"), by=by)
        bid_services.bid_partner_add(
            bid=bid, kind="subcontractor", name="Lichfield Community Transport", role="Transport", by=by
        )
        bid_services.bid_social_value_add(
            bid=bid, kind="local_jobs", target="4", description="Advisers recruited locally", by=by
        )
        w.extras["procurement:bid"] = bid
    return w.extras["procurement:bid"]  # type: ignore[no-any-return]


def _clarification(w: Any) -> Clarification:
    if "procurement:clarification" not in w.extras:
        w.extras["procurement:clarification"] = tender_services.clarification_ask(
            tender=_published(w), question="Can volunteers' expenses be included in the price?", by=bidder_of(w)
        )
    return w.extras["procurement:clarification"]  # type: ignore[no-any-return]


def _flow(w: Any) -> Flow:
    if "procurement:flow" not in w.extras:
        w.extras["procurement:flow"] = awarded(w)
    return w.extras["procurement:flow"]  # type: ignore[no-any-return]


def _county_evaluator(w: Any) -> Any:
    return next(e for e in _flow(w).evaluators if e.organisation_id == w.county.pk)


def _sheet(w: Any) -> ScoreSheet:
    return ScoreSheet._base_manager.filter(evaluator=_county_evaluator(w)).first()  # type: ignore[return-value]


KWARGS = {
    "tender_id": lambda w: Target(_draft(w).pk, w.county),
    "opportunity_id": lambda w: Target(_published(w).pk, None),
    "tender_document_id": lambda w: Target(TenderDocument.objects.get(tender=_published(w)).pk, None),
    "bid_id": lambda w: Target(_bid(w).public_id, w.provider, user=w.bidder),
    "attachment_id": lambda w: Target(
        BidAttachment.objects.filter(bid=_bid(w), from_profile__isnull=True).first().public_id,
        w.provider,
        user=w.bidder,  # type: ignore[union-attr]
    ),
    "bid_partner_id": lambda w: Target(BidPartner.objects.get(bid=_bid(w)).public_id, w.provider, user=w.bidder),
    "commitment_id": lambda w: Target(BidSocialValue.objects.get(bid=_bid(w)).public_id, w.provider, user=w.bidder),
    "profile_document_id": lambda w: (
        _bid(w),
        Target(ProfileDocument.objects.get(organisation=w.provider).pk, w.provider, user=w.bidder),
    )[1],
    "clarification_id": lambda w: Target(_clarification(w).pk, w.county, user=w.lead_commissioner),
    "submission_id": lambda w: Target(_flow(w).bids[0].public_id, w.county, user=w.lead_commissioner),
    "evaluator_id": lambda w: Target(_county_evaluator(w).pk, w.county, user=_county_evaluator(w).user),
    "scoresheet_id": lambda w: Target(_sheet(w).public_id, w.county, user=_county_evaluator(w).user),
    "signed_contract_id": lambda w: Target(_flow(w).contract.pk, w.county, user=w.lead_commissioner),  # type: ignore[union-attr]
    "contract_document_id": lambda w: Target(
        ContractDocument.objects.get(contract=_flow(w).contract).pk, w.county, user=w.lead_commissioner
    ),
}

API_OBJECTS = {
    Tender: lambda w: Target(_published(w).pk, None),
    Bid: lambda w: Target(_bid(w).public_id, w.provider, user=w.bidder),
    BidSocialValue: lambda w: Target(BidSocialValue.objects.get(bid=_bid(w)).public_id, w.provider, user=w.bidder),
    Clarification: lambda w: Target(_clarification(w).pk, w.county, user=w.lead_commissioner),
    ScoreSheet: lambda w: Target(_sheet(w).public_id, w.county, user=_county_evaluator(w).user),
    Evaluator: lambda w: Target(_county_evaluator(w).pk, w.county, user=_county_evaluator(w).user),
    AwardRecommendation: lambda w: Target(_flow(w).recommendation.pk, w.county, user=w.lead_commissioner),
    Contract: lambda w: Target(_flow(w).contract.pk, w.county, user=w.lead_commissioner),  # type: ignore[union-attr]
}
