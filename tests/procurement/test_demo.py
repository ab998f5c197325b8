from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.management import call_command

from boards.models import AgendaItem, Meeting
from commissioning.commissions.models import JointCommission
from core.audit import history_for
from procurement import demo
from procurement.award.models import AwardLetter, AwardRecommendation, Contract
from procurement.bids.models import Bid
from procurement.evaluation.models import ScoreSheet
from procurement.tenders.models import Clarification, EvaluationMethod, Tender


def test_demo_publishes_an_opportunity_and_is_idempotent(db, client):
    call_command("load_demo", verbosity=0)
    counts = (Tender.objects.count(), Bid.objects.count(), Contract.objects.count(), Meeting.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Tender.objects.count(), Bid.objects.count(), Contract.objects.count(), Meeting.objects.count()) == counts
    assert counts[0] >= 7
    published = Tender.objects.get(title=demo.PUBLISHED_TITLE)
    assert published.status == "published" and published.method.status == "approved"
    lichfield = Tender.objects.get(title=demo.LICHFIELD_TITLE)
    assert lichfield.estimated_annual_value == 43750
    assert lichfield.method.status == "submitted"  # the Lichfield board approves it
    page = client.get("/opportunities/").content.decode()
    assert "Volunteering and community capacity" in page
    assert "Older people" not in page


def test_every_tender_the_demo_makes_went_through_the_services(db):
    """Every tender has its evaluation method and a creation in its audit trail; every award line its split."""
    call_command("load_demo", verbosity=0)
    for tender in Tender.objects.all():
        assert EvaluationMethod.objects.filter(tender=tender).exists(), tender.title
        assert any(e.action == "tender.created" for e in history_for(tender)), tender.title
    for recommendation in AwardRecommendation.objects.all():
        for line in recommendation.lines.all():
            assert (
                sum(Decimal(s["amount"]) for s in line.shares) == line.annual_value * recommendation.tender.term_years
            )


def test_the_demo_shows_a_live_example_of_every_stage(db):
    call_command("load_demo", verbosity=0)
    by_title = {t.title: t for t in Tender.objects.all()}

    # The running debt advice service: awarded through the services, its contract signed after the standstill.
    debt = by_title[demo.RUNNING_TITLE]
    assert debt.status == "awarded"
    contract = Contract.objects.get(tender=debt)
    assert contract.provider.name == "Citizens Advice Lichfield District"
    assert contract.annual_value == Decimal("239500.00")
    assert sum(s.amount for s in contract.shares.all()) == Decimal("718500.00")
    assert debt.standstill_ends_on < contract.signed_on == dt.date(2025, 3, 10)
    assert all(b.submitted_at < debt.submission_deadline for b in Bid.objects.filter(tender=debt))
    assert JointCommission.objects.get(pk=debt.commission_id).status == "live"

    # Clarifications: one answered, one waiting for the lead.
    questions = Clarification.objects.filter(tender=by_title[demo.PUBLISHED_TITLE])
    assert sorted(bool(c.answer) for c in questions) == [False, True]

    # A two-stage tender at shortlisting: one shortlisted, one still to decide.
    shortlisting = by_title[demo.SHORTLISTING_TITLE]
    assert shortlisting.stage == "eoi"
    assert sorted(Bid.objects.filter(tender=shortlisting).values_list("status", flat=True)) == [
        "shortlisted",
        "submitted",
    ]

    # A panel scoring: one evaluator's sheets submitted, the other's in draft.
    evaluation = by_title[demo.EVALUATION_TITLE]
    assert evaluation.status == "evaluation"
    sheets = ScoreSheet.objects.filter(evaluator__tender=evaluation)
    assert sheets.filter(submitted_at__isnull=False).exists() and sheets.filter(submitted_at__isnull=True).exists()

    # Letters sent, the standstill running.
    standstill = by_title[demo.STANDSTILL_TITLE]
    assert standstill.status == "standstill" and standstill.standstill_ends_on >= standstill.letters_sent_on
    assert AwardLetter.objects.filter(bid__tender=standstill).count() == 2

    # The Lichfield board approved one method at its last meeting; the award waits on its next agenda.
    waiting = by_title[demo.BOARD_AWARD_TITLE]
    assert waiting.method.approval_route == "Lichfield Locality Commissioning Board"
    recommendation = AwardRecommendation.objects.get(tender=waiting)
    assert waiting.status == "recommended" and recommendation.status == "submitted"
    assert AgendaItem.objects.filter(kind="award", subject_id=recommendation.pk, status="open").exists()
    assert AgendaItem.objects.filter(
        kind="evaluation_method", subject_id=by_title[demo.LICHFIELD_TITLE].method.pk, status="open"
    ).exists()
