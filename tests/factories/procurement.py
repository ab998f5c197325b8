"""Builders for tendering tests: the Lichfield worked example in procurement, a tender with the standard evaluation
method, providers and their bids, and the whole way from evaluation to a signed contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.demo import simple_pdf
from commissioning.lifecycle import services as commissioning
from partners.acting import Acting
from partners.models import Membership, Organisation, OrganisationKind, Role, User
from procurement.award import services as award_services
from procurement.award.models import Contract
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidVersion
from procurement.conflicts.models import AssessmentStage, ConflictsAssessment
from procurement.demo_stages import sign_conflicts
from procurement.evaluation import services as evaluation_services
from procurement.evaluation.models import Evaluator, ScoreSheet
from procurement.tenders import services as tender_services
from procurement.tenders.models import CriterionKind, Procedure, Question, Stage, Tender
from tests.factories.commissioning import Lichfield, acting, lichfield_example
from tests.factories.partners import ProviderFactory, person

LICHFIELD_A_YEAR = Decimal("43750.00")
SPECIFICATION = (
    "A support service enabling older people to continue to live independently in Lichfield District: "
    "help at home, befriending, and early help to stay healthy, safe and independent."
)


def pdf(name: str = "document.pdf", text: str = "A document") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(text), content_type="application/pdf")


def lichfield_procurement(world: Any) -> Lichfield:
    """The Lichfield worked example with every year confirmed (county £23,750 + district £20,000 a year for three
    years), the district's agreement signed, and the commission in procurement."""
    key = "procurement:lichfield"
    if key not in world.extras:
        ex = lichfield_example(world)
        ex.confirm_all(ex.county, ex.county_lead)
        ex.confirm_all(ex.district, ex.district_commissioner)
        ex.sign()
        commissioning.commission_transition(commission=ex.commission, name="enter_procurement", by=ex.county_lead)
        ex.refresh()
        world.extras[key] = ex
    return world.extras[key]  # type: ignore[no-any-return]


def lead_of(world: Any) -> Acting:
    return acting(world.lead_commissioner, world.county)


def draft_tender(
    world: Any,
    *,
    procedure: str = Procedure.OPEN,
    submission_in: dt.timedelta = dt.timedelta(days=14),
    clarification_in: dt.timedelta = dt.timedelta(days=7),
    eoi_in: dt.timedelta | None = None,
    title: str = "Older people's independence service",
    allow_third_sector_evaluators: bool = False,
    category: str = "",
) -> Tender:
    ex = lichfield_procurement(world)
    now = timezone.now().replace(microsecond=0)
    return tender_services.tender_create(
        commission=ex.commission,
        title=title,
        summary="Support for older people to live independently in Lichfield District, jointly funded.",
        specification=SPECIFICATION,
        procedure=procedure,
        clarification_deadline=now + clarification_in,
        submission_deadline=now + submission_in,
        eoi_deadline=now + eoi_in if eoi_in is not None else None,
        allow_third_sector_evaluators=allow_third_sector_evaluators,
        category=category,
        by=lead_of(world),
    )


@dataclass
class Method:
    quality: Any
    price: Any
    social: Any
    local: Any
    questions: list[Any] = field(default_factory=list)
    pass_fail: Any = None
    eoi: Any = None


def standard_method(tender: Tender, lead: Acting) -> Method:
    """Quality 60% (two questions, weights 2 and 1), price 20%, social value 10%, local benefit 10%, and a pass/fail
    safeguarding question; scale 0-5; price by lowest / bid x weight."""
    quality = tender_services.criterion_add(
        tender=tender, kind=CriterionKind.QUALITY, name="Quality of service", weight=60, by=lead
    )
    price = tender_services.criterion_add(tender=tender, kind=CriterionKind.PRICE, name="Price", weight=20, by=lead)
    social = tender_services.criterion_add(
        tender=tender, kind=CriterionKind.SOCIAL_VALUE, name="Social value", weight=10, by=lead
    )
    local = tender_services.criterion_add(
        tender=tender, kind=CriterionKind.LOCAL_BENEFIT, name="Local benefit", weight=10, by=lead
    )
    m = Method(quality, price, social, local)
    m.questions.append(
        tender_services.question_add(
            tender=tender,
            criterion=quality,
            text="How will you help older people stay independent?",
            word_limit=300,
            weight=2,
            by=lead,
        )
    )
    m.questions.append(
        tender_services.question_add(
            tender=tender, criterion=quality, text="How will you involve volunteers?", word_limit=200, by=lead
        )
    )
    m.questions.append(
        tender_services.question_add(
            tender=tender, criterion=social, text="What social value will you add?", word_limit=150, by=lead
        )
    )
    m.questions.append(
        tender_services.question_add(
            tender=tender, criterion=local, text="How will you benefit Lichfield District?", word_limit=150, by=lead
        )
    )
    m.pass_fail = tender_services.question_add(
        tender=tender, text="Do you hold a current safeguarding adults policy?", pass_fail=True, word_limit=50, by=lead
    )
    m.questions.append(m.pass_fail)
    if tender.is_two_stage:
        m.eoi = tender_services.question_add(
            tender=tender, stage=Stage.EOI, text="Tell us briefly about your experience", word_limit=100, by=lead
        )
    return m


def signed_assessment(tender: Tender, lead: Acting, *, stage: str = AssessmentStage.TENDER) -> ConflictsAssessment:
    """The lead's conflicts assessment for ``stage``, signed: the panel's and the board's declarations read from their
    records, everyone else recorded as having no interest (``procurement.demo_stages.sign_conflicts``)."""
    return sign_conflicts(tender, lead, stage=stage)


def published_tender(world: Any, **kwargs: Any) -> Tender:
    """A Lichfield tender with the standard method, its conflicts assessment signed, published."""
    lead = lead_of(world)
    tender = draft_tender(world, **kwargs)
    standard_method(tender, lead)
    tender_services.method_submit(tender=tender, by=lead)
    signed_assessment(tender, lead)
    return tender_services.tender_publish(tender=tender, by=lead)


def provider(world: Any, name: str, *, kind: str = OrganisationKind.CHARITY) -> tuple[Organisation, User]:
    key = f"procurement:provider:{name}"
    if key not in world.extras:
        org = ProviderFactory(name=name, kind=kind)
        user = person(org, Role.ORG_ADMIN, Role.BIDDER)
        world.extras[key] = (org, user)
    return world.extras[key]  # type: ignore[no-any-return]


def bidder_of(world: Any) -> Acting:
    return acting(world.bidder, world.provider)


def fill_bid(
    bid: Bid,
    by: Acting,
    *,
    price: Decimal = LICHFIELD_A_YEAR,
    words: int = 40,
    consortium: list[str] | None = None,
    subcontractors: list[str] | None = None,
) -> Bid:
    questions = Question._base_manager.filter(method__tender_id=bid.tender_id, stage=bid.stage)
    answers = {
        q.pk: ("Yes we do. " if q.pass_fail else "") + " ".join(["independence"] * min(words, q.word_limit - 5))
        for q in questions
    }
    prices = None
    if bid.stage == Stage.FULL:
        staff = (price * Decimal("0.7")).quantize(Decimal("0.01"))
        prices = {
            "staff": (staff, "Two support workers"),
            "overheads": (price - staff, "Full cost recovery: management, premises share, finance"),
        }
    bid_services.bid_save_draft(
        bid=bid, by=by, answers=answers, price_lines=prices, summary="Our bid", is_consortium=bool(consortium)
    )
    for name in consortium or []:
        bid_services.bid_partner_add(bid=bid, kind="consortium", name=name, role="Befriending", share_percent=30, by=by)
    for name in subcontractors or []:
        bid_services.bid_partner_add(bid=bid, kind="subcontractor", name=name, role="Transport", by=by)
    return bid


def submitted_bid(tender: Tender, by: Acting, **kwargs: Any) -> tuple[Bid, BidVersion]:
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by, **kwargs)
    version = bid_services.bid_submit(bid=bid, by=by)
    return Bid._base_manager.get(pk=bid.pk), version


def age(tender: Tender, by: dt.timedelta) -> Tender:
    """Move every deadline of the tender earlier by ``by`` (test data only: as if time had passed)."""
    t = Tender._base_manager.get(pk=tender.pk)
    Tender._base_manager.filter(pk=t.pk).update(
        clarification_deadline=t.clarification_deadline - by,
        submission_deadline=t.submission_deadline - by,
        eoi_deadline=t.eoi_deadline - by if t.eoi_deadline else None,
    )
    return Tender._base_manager.get(pk=t.pk)


def close(tender: Tender) -> Tender:
    """Pass the deadline (by moving it into the past) and close for bids."""
    now = timezone.now()
    shift = tender.submission_deadline - now + dt.timedelta(seconds=5)
    tender = age(tender, shift)
    bid_services.close_due_tenders()
    return Tender._base_manager.get(pk=tender.pk)


def evaluator(world: Any, organisation: Organisation, name: str | None = None) -> User:
    key = f"procurement:evaluator:{organisation.pk}:{name}"
    if key not in world.extras:
        world.extras[key] = person(organisation, Role.EVALUATOR, name=name)
    return world.extras[key]  # type: ignore[no-any-return]


def add_to_panel(tender: Tender, lead: Acting, user: User) -> Evaluator:
    membership = Membership._base_manager.filter(user=user).first()
    return evaluation_services.evaluator_add(tender=tender, membership=membership, by=lead)


def score_all(
    tender: Tender, user: User, organisation: Organisation, scores: dict[int, int], passed: bool = True
) -> None:
    """``scores``: bid id -> the score this evaluator gives every scored question."""
    by = acting(user, organisation)
    for sheet in ScoreSheet._base_manager.filter(evaluator__tender=tender, evaluator__user=user):
        entries = {}
        for q in tender.method.questions.filter(stage=Stage.FULL):
            if q.pass_fail:
                entries[q.pk] = {"passed": passed, "justification": "Policy seen"}
            else:
                entries[q.pk] = {"score": scores[sheet.bid_id], "justification": "Clear evidence in the answer"}
        evaluation_services.scores_save(sheet=sheet, scores=entries, by=by)
        evaluation_services.sheet_submit(sheet=sheet, by=by)


def moderate_all(tender: Tender, lead: Acting, scores: dict[int, int]) -> None:
    for bid in Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status="submitted"):
        for q in tender.method.questions.filter(stage=Stage.FULL):
            if q.pass_fail:
                evaluation_services.moderate(bid=bid, question=q, passed=True, note="Agreed: policy in place", by=lead)
            else:
                evaluation_services.moderate(
                    bid=bid, question=q, score=scores[bid.pk], note="Agreed by the panel", by=lead
                )


@dataclass
class Flow:
    tender: Tender
    lead: Acting
    bids: list[Bid]
    evaluators: list[Evaluator]
    recommendation: Any = None
    contract: Contract | None = None


def evaluated(world: Any, *, scores: tuple[int, int] = (4, 3), prices: tuple[Decimal, Decimal] | None = None) -> Flow:
    """A published Lichfield tender, two bids (the world's provider, and a consortium), closed, a panel of two
    cleared evaluators who scored and submitted, moderated scores, and the conflicts assessment reviewed and signed
    for the award."""
    lead = lead_of(world)
    tender = published_tender(world)
    second_org, second_user = provider(world, "Age UK South Staffordshire")
    prices = prices or (LICHFIELD_A_YEAR, Decimal("42000.00"))
    first, _ = submitted_bid(tender, bidder_of(world), price=prices[0])
    second, _ = submitted_bid(
        tender, acting(second_user, second_org), price=prices[1], consortium=["Lichfield Community Transport"]
    )
    tender = close(tender)
    panel = []
    for org in (world.county, world.district):
        user = evaluator(world, org)
        e = add_to_panel(tender, lead, user)
        evaluation_services.interests_declare(evaluator=e, has_interest=False, interest="", by=acting(user, org))
        panel.append(e)
    tender = tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    by_bid = {first.pk: scores[0], second.pk: scores[1]}
    for e in panel:
        score_all(tender, e.user, e.organisation, by_bid)
    moderate_all(tender, lead, by_bid)
    signed_assessment(tender, lead, stage=AssessmentStage.AWARD)
    return Flow(tender=Tender._base_manager.get(pk=tender.pk), lead=lead, bids=[first, second], evaluators=panel)


def awarded(world: Any) -> Flow:
    """All the way: recommended at £43,750 a year, approved (no board), letters sent, standstill passed, signed."""
    flow = evaluated(world)
    tender, lead = flow.tender, flow.lead
    winner = flow.bids[0]
    flow.recommendation = award_services.recommend(tender=tender, by=lead, choices=[(winner, LICHFIELD_A_YEAR)])
    award_services.recommendation_approve(recommendation=flow.recommendation, by=lead)
    award_services.standstill_start(tender=tender, by=lead)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Tender._base_manager.filter(pk=tender.pk).update(
        letters_sent_on=yesterday - dt.timedelta(days=14), standstill_ends_on=yesterday - dt.timedelta(days=1)
    )
    line = flow.recommendation.lines.get()
    flow.contract = award_services.contract_sign(line=line, signed_on=yesterday, by=lead, document=pdf("contract.pdf"))
    flow.tender = Tender._base_manager.get(pk=tender.pk)
    return flow
