"""The Lichfield worked example tendered end to end in a real browser (headless Chromium), axe on every page:

the county publishes one tender for its £23,750 and the district's £20,000 a year; two providers bid (one as a
consortium) and a third bid arriving after the deadline is refused; the panel declares interests (one evaluator is
excluded), scores and moderates; the board approves the recommendation; the standstill ends on the right working
day across Christmas and New Year; the contract carries the £23,750 / £20,000 split.

The server's clock is moved with time-machine (the live server runs in this process, so it moves too).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from boards import services as board_services
from core.tenancy import unscoped
from partners.models import Membership, Role
from procurement.bids.models import Bid
from procurement.conflicts.models import AssessmentEntry
from procurement.evaluation.models import Evaluator, ScoreSheet
from procurement.tenders.models import EvaluationMethod, Question, Tender
from tests.factories.board import MeetingFactory, present, simple_board
from tests.factories.commissioning import acting
from tests.factories.partners import person
from tests.factories.procurement import lichfield_procurement, pdf, provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = timezone.get_fixed_timezone(0)  # December and January: London is on GMT


def at(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LONDON)


class Clock:
    """Moves the server's clock (ticking). Each sign-in moves it on a minute so that every two-factor code is new."""

    def __init__(self) -> None:
        self.traveller: time_machine.travel | None = None
        self.now: dt.datetime | None = None

    def set(self, when: dt.datetime) -> None:
        self.stop()
        self.now = when
        self.traveller = time_machine.travel(when, tick=True)
        self.traveller.start()

    def advance(self, seconds: int = 61) -> None:
        self.set(timezone.now() + dt.timedelta(seconds=seconds))

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None


@pytest.fixture
def clock():
    c = Clock()
    yield c
    c.stop()


def test_tendering_the_lichfield_worked_example(browser_page, login, axe_check, screenshot, world, clock):
    page = browser_page

    def go(url: str) -> None:
        page.goto(url)
        page.wait_for_load_state()
        axe_check(page)

    def press(name: str, *, exact: bool = True) -> None:
        page.get_by_role("button", name=name, exact=exact).first.click()
        page.wait_for_load_state()
        axe_check(page)

    def sign_in(user, organisation) -> None:
        clock.advance()
        login(page, user, organisation)
        axe_check(page)

    def sign_conflicts_assessment(start: str) -> None:
        """The lead prepares the conflicts assessment (s.83): the panel's and board's declarations are already there;
        the lead records the rest, checks and signs."""
        go(f"/tenders/{tender.pk}/conflicts/")
        press(start)
        while page.locator(".govuk-summary-list__row", has_text="Not yet declared").count():
            page.locator(".govuk-summary-list__row", has_text="Not yet declared").first.get_by_role("link").click()
            page.wait_for_load_state()
            axe_check(page)
            page.get_by_label("No interest").check()
            press("Save")
        page.get_by_role("link", name="Check and sign").click()
        page.wait_for_load_state()
        axe_check(page)
        page.get_by_label("Your role").fill("Head of Commissioning")
        page.get_by_label("I confirm", exact=False).check()
        press("Sign the assessment")
        assert "The conflicts assessment is signed" in page.content()

    # --- the world: the commission in procurement, a board, a panel, and three providers --------------------------
    clock.set(at(2026, 12, 1, 9, 0))
    with unscoped(reason="the journey builds and checks data across organisations"):
        ex = lichfield_procurement(world)
        chair = person(world.district, Role.BOARD_MEMBER, name="Cllr Chris Walker")
        board = simple_board(world.partnership, chair, world.district, name="Lichfield Locality Commissioning Board")
        meeting = MeetingFactory(board=board, starts_at=at(2026, 12, 16, 14, 0))
        present(meeting, board.chair)
        dee = person(world.county, Role.EVALUATOR, name="Dee Okafor")
        eve = person(world.county, Role.EVALUATOR, name="Eve Harper")
        dan = person(world.district, Role.EVALUATOR, name="Dan Price")
        ageuk, ruth = provider(world, "Age UK South Staffordshire")
        late_org, lee = provider(world, "Lichfield Late Starters CIO")
    assert ex.commission.status == "procurement"

    # --- the lead drafts the tender ---------------------------------------------------------------------------------
    sign_in(world.lead_commissioner, world.county)
    go("/tenders/new/")
    screenshot(page, "tender-01-draft-form")
    page.get_by_label("Title", exact=True).fill("Older people's independence service")
    page.get_by_label("Summary").fill("One joint tender for the county's and the district's support for older people.")
    page.get_by_label("Specification").fill(
        "Help at home, befriending and early help so that older people stay healthy, safe and independent."
    )
    assert page.get_by_label("Estimated annual value").input_value() == "43750.00"
    page.get_by_label("Clarification questions close").fill("2026-12-08T12:00:00")
    page.get_by_label("Bids close").fill("2026-12-15T12:00:00")
    press("Draft the tender")
    assert "/method/" in page.url
    with unscoped(reason="the journey builds and checks data across organisations"):
        tender = Tender.objects.get(title="Older people's independence service")

    # --- its evaluation method --------------------------------------------------------------------------------------
    for kind, name, weight in (
        ("quality", "Quality of service", "60"),
        ("price", "Price", "20"),
        ("social_value", "Social value", "10"),
        ("local_benefit", "Local benefit", "10"),
    ):
        page.locator("#id_criterion-kind").select_option(kind)
        page.locator("#id_criterion-name").fill(name)
        page.locator("#id_criterion-weight").fill(weight)
        press("Add the criterion")
    for criterion, text in (
        ("Quality of service (60%)", "How will you help older people stay independent?"),
        ("Social value (10%)", "What social value will you add?"),
        ("Local benefit (10%)", "How will you benefit Lichfield District?"),
    ):
        page.locator("#id_question-criterion").select_option(label=criterion)
        page.locator("#id_question-text").fill(text)
        page.locator("#id_question-word_limit").fill("200")
        press("Add the question")
    page.locator("#id_question-text").fill("Do you hold a current safeguarding adults policy?")
    page.locator("#id_question-word_limit").fill("50")
    page.locator("#id_question-pass_fail").check()
    press("Add the question")
    assert "weights total 100%" in page.content()
    screenshot(page, "tender-02-evaluation-method")
    press("Send to the board for approval")
    assert "sent to the board" in page.content()

    # The board approves the method at its meeting (the award is approved through its pages below).
    with unscoped(reason="the journey builds and checks data across organisations"):
        method = EvaluationMethod.objects.get(tender=tender)
        item = board_services.item_add(
            meeting=meeting, kind="evaluation_method", subject_id=method.pk, by=acting(chair, world.district)
        )
        board_services.decision_record(item=item, outcome="approve", by=acting(chair, world.district))
    go(f"/tenders/{tender.pk}/method/")
    assert "Lichfield Locality Commissioning Board" in page.content() and "frozen" in page.content()

    # --- documents, then publish -------------------------------------------------------------------------------------
    go(f"/tenders/{tender.pk}/documents/")
    page.get_by_label("Document title").fill("Service specification")
    page.get_by_label("File").set_input_files(
        files=[{"name": "specification.pdf", "mimeType": "application/pdf", "buffer": pdf().read()}]
    )
    press("Add the document")
    go(f"/tenders/{tender.pk}/")
    press("Publish on the opportunities portal")
    assert "No conflicts assessment for this tender" in page.content()  # s.83: the refusal names what is missing
    sign_conflicts_assessment("Start: before the tender notice")
    screenshot(page, "tender-03-conflicts-assessment-signed")
    go(f"/tenders/{tender.pk}/")
    press("Publish on the opportunities portal")
    assert "Published on the opportunities portal" in page.content()
    screenshot(page, "tender-03-published")

    # --- the public portal: no sign-in ------------------------------------------------------------------------------
    page.context.clear_cookies()
    go("/opportunities/?q=older+people")
    assert "Older people" in page.content()
    screenshot(page, "tender-04-portal")
    go(f"/opportunities/{tender.pk}/")
    assert "Quality of service" in page.content() and "Bids close" in page.content()

    with unscoped(reason="the journey builds and checks data across organisations"):
        questions = list(Question.objects.filter(method__tender=tender, stage="full").order_by("number"))

    def write_bid(price_staff: str, price_overheads: str) -> None:
        for q in questions:
            page.locator(f"#id_answer_{q.pk}").fill(
                "Yes: our safeguarding adults policy was reviewed in 2026."
                if q.pass_fail
                else "We visit older people at home every week, with trained volunteers and two support workers."
            )
        page.locator("#id_price_staff").fill(price_staff)
        page.locator("#id_note_staff").fill("Two support workers")
        page.locator("#id_price_overheads").fill(price_overheads)
        page.locator("#id_note_overheads").fill("Full cost recovery: management, premises, finance")

    # --- Citizens Advice bids alone --------------------------------------------------------------------------------
    sign_in(world.bidder, world.provider)
    go(f"/opportunities/{tender.pk}/")
    page.get_by_role("link", name="Start a bid").click()
    page.wait_for_load_state()
    axe_check(page)
    press("Start a bid")
    assert "/bids/" in page.url
    write_bid("30625.00", "13125.00")
    press("Save draft")
    assert "£43,750.00" in page.get_by_test_id("annual-price").inner_text()
    screenshot(page, "tender-05-bid-draft")
    press("Submit")
    assert "/receipt/" in page.url
    receipt_hash = page.get_by_test_id("receipt-hash").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", receipt_hash)
    screenshot(page, "tender-06-receipt")

    # --- Age UK bids as a consortium --------------------------------------------------------------------------------
    sign_in(ruth, ageuk)
    go(f"/opportunities/{tender.pk}/bid/")
    press("Start a bid")
    write_bid("29400.00", "12600.00")
    page.get_by_label("This is a consortium bid").check()
    press("Save draft")
    page.get_by_label("Consortium member").check()
    page.get_by_label("Organisation name").fill("Lichfield Community Transport")
    page.get_by_label("What they will do").fill("Door-to-door transport to activities")
    page.get_by_label("Share of the work (%)").fill("25")
    press("Add")
    assert "Lichfield Community Transport" in page.content()
    press("Submit")
    assert "/receipt/" in page.url

    # --- a third provider's bid arrives after the deadline: the page was open, Submit pressed a second late -------
    clock.set(at(2026, 12, 15, 11, 57))
    sign_in(lee, late_org)
    go(f"/opportunities/{tender.pk}/bid/")
    press("Start a bid")
    write_bid("28000.00", "12000.00")
    press("Save draft")
    late_bid_url = page.url
    clock.set(at(2026, 12, 15, 12, 0, 1))
    press("Submit")
    text = page.content()
    assert "late bids cannot be accepted" in text and "Your draft has been kept" in text
    assert page.locator(f"#id_answer_{questions[0].pk}").input_value().startswith("We visit older people")
    screenshot(page, "tender-07-late-bid-refused")
    with unscoped(reason="the journey builds and checks data across organisations"):
        assert Bid.objects.get(organisation=late_org).status == "draft"
    assert page.url == late_bid_url

    # --- bids close; the lead names the panel -----------------------------------------------------------------------
    clock.set(at(2026, 12, 15, 13, 0))
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/")
    assert "2 received" in page.get_by_test_id("bid-count").inner_text()
    press("Close for bids")
    go(f"/tenders/{tender.pk}/panel/")
    for user in (dee, eve, dan):
        with unscoped(reason="the journey builds and checks data across organisations"):
            membership = Membership.objects.get(user=user)
        page.get_by_label("Evaluator", exact=True).select_option(value=str(membership.pk))
        press("Add to the panel")
    screenshot(page, "tender-08-panel")

    # --- each evaluator declares their interests before seeing any bid ---------------------------------------------
    for user, org, interest in (
        (dee, world.county, ""),
        (dan, world.district, ""),
        (eve, world.county, "My husband is a trustee of Age UK South Staffordshire"),
    ):
        sign_in(user, org)
        go("/evaluations/")
        page.get_by_role("link", name="Older people's independence service").click()
        page.wait_for_load_state()
        axe_check(page)
        if interest:
            page.get_by_label("Yes, I have an interest to declare").check()
            page.get_by_label("Describe the interest").fill(interest)
        else:
            page.get_by_label("No, I have no interest to declare").check()
        press("Record my declaration")

    # --- the lead excludes the conflicted evaluator and starts the evaluation ---------------------------------------
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/panel/")
    with unscoped(reason="the journey builds and checks data across organisations"):
        eve_seat = Evaluator.objects.get(tender=tender, user=eve)
    page.locator(f"#decision-exclude-{eve_seat.pk}").check()
    press("Record the decision on Eve Harper")
    assert "Excluded from the evaluation" in page.content()
    screenshot(page, "tender-09-conflicts-record")
    go(f"/tenders/{tender.pk}/")
    press("Start the evaluation")

    # --- the cleared evaluators score; the excluded one cannot -----------------------------------------------------
    scores = {world.provider.name: "4", "Age UK South Staffordshire": "3"}
    for user, org in ((dee, world.county), (dan, world.district)):
        sign_in(user, org)
        with unscoped(reason="the journey builds and checks data across organisations"):
            sheets = list(ScoreSheet.objects.filter(evaluator__user=user).select_related("bid__organisation"))
        assert len(sheets) == 2
        for sheet in sheets:
            go(f"/scoresheets/{sheet.public_id}/")
            for q in questions:
                if q.pass_fail:
                    page.locator(f"#id_passed_{q.pk}").select_option("pass")
                else:
                    page.locator(f"#id_score_{q.pk}").select_option(scores[sheet.bid.organisation.name])
                page.locator(f"#id_justification_{q.pk}").fill("Clear, specific evidence in the answer")
            if user == dee and sheet == sheets[0]:
                screenshot(page, "tender-10-scoring")
            press("Submit my scores")
    sign_in(eve, world.county)
    go("/evaluations/")
    page.get_by_role("link", name="Older people's independence service").click()
    page.wait_for_load_state()
    assert "Excluded from the evaluation" in page.content() and "Bids to score" not in page.content()

    # --- moderation, ranking and the recommendation -----------------------------------------------------------------
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/moderation/")
    with unscoped(reason="the journey builds and checks data across organisations"):
        bids = {b.organisation.name: b for b in Bid.objects.filter(tender=tender, status="submitted")}
    for name, bid in bids.items():
        for q in questions:
            if q.pass_fail:
                page.locator(f"#passed-{bid.pk}-{q.pk}").select_option("pass")
            else:
                page.locator(f"#score-{bid.pk}-{q.pk}").select_option(scores[name])
            page.locator(f"#note-{bid.pk}-{q.pk}").fill("The panel agreed")
            page.get_by_role("button", name=f"the moderated score for {name}, question {q.number}").click()
            page.wait_for_load_state()
    axe_check(page)
    ranking = page.get_by_test_id("ranking").inner_text()
    assert ranking.index(world.provider.name) < ranking.index("Age UK South Staffordshire")
    screenshot(page, "tender-11-moderation")
    sign_conflicts_assessment("Start: before the award")
    with unscoped(reason="the journey builds and checks data across organisations"):
        eve_line = AssessmentEntry.objects.get(assessment__tender=tender, assessment__stage="award", user=eve)
    assert (eve_line.declaration, eve_line.step) == ("interest", "excluded")  # read from the panel, never re-asked
    go(f"/tenders/{tender.pk}/recommendation/")
    press("Record the recommendation and send it for approval")
    assert "sent to the board" in page.content()
    screenshot(page, "tender-12-recommendation")

    # --- the board approves the award at its meeting ---------------------------------------------------------------
    sign_in(chair, world.district)
    go(f"/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Add an agenda item").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_label("Approve an award").check()
    page.get_by_label("What the board is asked to approve").select_option(
        label="Older people's independence service: award recommendation"
    )
    press("Add the item")
    page.get_by_role("link", name="Older people's independence service: award recommendation").click()
    page.wait_for_load_state()
    axe_check(page)
    page.get_by_role("link", name="Record the decision").click()
    page.wait_for_load_state()
    axe_check(page)
    assert "Eve Harper" in page.content() and "Excluded from the evaluation" in page.content()
    screenshot(page, "tender-13-board-decision")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("The board has been shown the evaluation summary").check()
    press("Record the decision")
    with unscoped(reason="the journey builds and checks data across organisations"):
        assert Tender.objects.get(pk=tender.pk).status == "approved"

    # --- award letters; the standstill runs across Christmas and New Year ------------------------------------------
    clock.set(at(2026, 12, 22, 10, 0))
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/award/")
    press("Send the award letters and start the standstill")
    standstill = page.get_by_test_id("standstill").inner_text()
    assert "Wednesday 6 January 2027" in standstill
    assert "Christmas Day" in standstill and "New Year's Day" in standstill
    screenshot(page, "tender-14-standstill")

    sign_in(ruth, ageuk)
    go(f"/bids/{bids['Age UK South Staffordshire'].public_id}/letter/")
    letter = page.content()
    assert "was not successful" in letter and world.provider.name in letter and "relative advantages" in letter
    screenshot(page, "tender-15-award-letter")

    # The last day of the standstill: no contract yet.
    clock.set(at(2027, 1, 6, 16, 0))
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/award/")
    assert "The contract can be signed once the standstill has ended." in page.content()

    # --- the day after: the contract, with the £23,750 / £20,000 split ----------------------------------------------
    clock.set(at(2027, 1, 7, 9, 30))
    sign_in(world.lead_commissioner, world.county)
    go(f"/tenders/{tender.pk}/award/")
    page.get_by_label("Signed on").fill("2027-01-07")
    page.get_by_label("Contract reference").fill("SCC-LCB-2027-001")
    press("Record the contract")
    assert "/contracts/" in page.url
    contract = page.content()
    assert "£43,750.00" in page.get_by_test_id("contract-value").inner_text()
    shares = page.get_by_test_id("shares").inner_text()
    assert "Staffordshire County Council" in shares and "£23,750.00" in shares
    assert "Lichfield District Council" in shares and "£20,000.00" in shares
    assert "£131,250.00" in shares
    assert world.provider.name in contract
    screenshot(page, "tender-16-contract")
    with unscoped(reason="the journey builds and checks data across organisations"):
        assert Tender.objects.get(pk=tender.pk).status == "awarded"
        ex.refresh()
        assert ex.commission.status == "awarded"
