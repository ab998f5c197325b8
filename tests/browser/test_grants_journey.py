"""Issue 14, "Done when": the grants journey, in the pages. Three charities' bid writers apply to Lichfield's small
Food Poverty and Health Grants Scheme on its one-page form, check their answers and submit with the declaration; the
third submits after the closing time and is refused as late (on the server's clock). The lead names the panel; the
assessors declare and score the two in time, the district's assessor excluded from the food bank she is a trustee of
(shown on the pages); the lead agrees the scores and sends the recommendation to the board. The board member records
the decision, refused while nobody is recorded present and then made at a quorate meeting; each charity accepts its
offer on the letter page. Then Staffordshire's finance officer sets each grant's payment schedule and pays the first
instalments, each taken from the two partners' contributions to the penny; Lichfield District's finance officer sees
what its money paid; and grants.json validates as 360Giving 1.4 with 0 errors. Every page passes axe.

Left as service calls in the set-up (their pages have their own journeys): confirming the partners' contributions,
moving the closing time, and the board clerk's agenda item.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from boards import services as board_services
from commissioning.commissions.models import Contribution
from commissioning.money.services import contribution_confirm
from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.decisions.models import GrantDecision, GrantLetter
from grants.payments.models import GrantFundingShare, InstalmentPart
from partners.models import Role
from tests.browser.conftest import click_and_wait
from tests.factories.board import MeetingFactory, simple_board
from tests.factories.board import acting as board_acting
from tests.factories.commissioning import acting, commissioner_at, finance_officer_at
from tests.factories.grants import applicant, close, food_poverty_round
from tests.factories.partners import person
from tests.opendata.threesixty_validation import assert_valid_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.timeout(1200)]
SET_UP = "test set-up: the steps before the award, through their services"


def _round_with_money(world):
    """The open round, each partner's contribution confirmed (the commissioning journey's own pages)."""
    rnd = food_poverty_round(world)
    with unscoped(reason=SET_UP):
        for c in Contribution.objects.filter(commission=rnd.programme.commission).select_related("organisation"):
            contribution_confirm(contribution=c, by=acting(commissioner_at(world, c.organisation), c.organisation))
    return rnd


def _apply(page, login, axe_check, rnd, writer, amount: str, *, submit: bool = True) -> None:
    """A charity's bid writer signs in, starts an application, fills the one-page small grants form, checks the
    answers and (unless ``submit`` is false) accepts the declaration and submits."""
    login(page, writer.user, writer.organisation)
    page.goto(f"/grants/{rnd.programme.pk}/")
    axe_check(page)
    click_and_wait(page, "Check if you can apply", role="link")
    page.get_by_test_id("eligible").wait_for()
    axe_check(page)
    click_and_wait(page, "Start your application")
    assert "Your application is started" in page.content()
    axe_check(page)
    click_and_wait(page, "Your project and answers (one page)", role="link")
    page.get_by_label("Project title").fill(f"{writer.organisation.name}: community fridge and cookery classes")
    page.get_by_label("Summary of your project").fill("A fridge for surplus food and weekly cookery classes.")
    page.get_by_label("How much are you asking for?").fill(amount)
    page.get_by_label("What need will your project meet?").fill("Families in the district skip meals " * 5)
    page.get_by_label("How will you spend the grant?").fill("A commercial fridge and twelve cookery sessions.")
    axe_check(page)
    click_and_wait(page, "Save and check your answers")
    assert "Your application is saved" in page.content()
    axe_check(page)
    if submit:
        page.get_by_label("I confirm that the information").check()
        click_and_wait(page, "Accept and submit")
        assert "Application submitted at" in page.content()
        axe_check(page)


def _declare_and_score(page, login, axe_check, rnd, user, organisation, agreed, interest=None) -> None:
    """An assessor declares (an interest in one applicant, or none) and scores every application she may."""
    login(page, user, organisation)
    page.goto(f"/grants/rounds/{rnd.programme.pk}/assessment/")
    axe_check(page)
    click_and_wait(page, "Declare your interests", role="link")
    if interest is not None:
        name, detail = interest
        page.get_by_role("group", name=f"Do you have an interest in {name}'s application?").get_by_label(
            "A role with the applicant"
        ).check()
        page.get_by_label(f"What is your interest in {name}?").fill(detail)
    axe_check(page)
    click_and_wait(page, "Confirm my declaration")
    assert "Your declaration is recorded" in page.content()
    axe_check(page)
    if interest is not None:
        assert f"{interest[0]}: excluded (you declared an interest)" in page.content()
        assert page.get_by_role("link", name=f"Score {interest[0]}").count() == 0
    for name, (need, value) in agreed.items():
        if interest is not None and name == interest[0]:
            continue
        click_and_wait(page, f"Score {name}", role="link")
        page.get_by_label("Need in the area (60%)").select_option(str(need))
        page.get_by_label("Comment on Need in the area").fill("Evidenced")
        page.get_by_label("Value for money (40%)").select_option(str(value))
        page.get_by_label("Comment on Value for money").fill("Evidenced")
        axe_check(page)
        click_and_wait(page, "Submit my scores")
        assert "Your scores are submitted" in page.content()


def _moderate(page, login, axe_check, rnd, agreed, excluded_name: str) -> None:
    lead = rnd.lead
    # She signed in earlier to name the panel; within the same 30-second step her code would be refused as reused.
    TOTPDevice.objects.filter(user=lead.user).update(last_t=-1)
    login(page, lead.user, lead.organisation)
    for name, (need, value) in agreed.items():
        page.goto(f"/grants/rounds/{rnd.programme.pk}/assessment/")
        click_and_wait(page, f"Agree the scores for {name}", role="link")
        if name == "Lichfield Food Bank":
            assert f"{excluded_name} declared an interest" in page.content()
        page.get_by_label("Need in the area (60%)").select_option(str(need))
        page.get_by_label("How the panel agreed on Need in the area").fill("Agreed")
        page.get_by_label("Value for money (40%)").select_option(str(value))
        page.get_by_label("How the panel agreed on Value for money").fill("Agreed")
        axe_check(page)
        click_and_wait(page, "Save the agreed scores")
        assert "The agreed scores are saved" in page.content()
    assert "Every score is agreed" in page.content()
    axe_check(page)


def _recommend(page, login, axe_check, rnd, amounts) -> None:
    """The lead prepares the decision, recommends a grant to each (in full, with the conditions) and sends it to
    the board, on the decision pages (still signed in from the moderation)."""
    page.goto(f"/grants/rounds/{rnd.programme.pk}/decision/")
    axe_check(page)
    click_and_wait(page, "Prepare the decision", role="link")
    accept_by = timezone.localdate() + dt.timedelta(days=28)
    page.get_by_label("Offers must be accepted by").fill(accept_by.isoformat())
    page.get_by_label("The recommendation in a few sentences").fill("Fund both applications in full.")
    axe_check(page)
    click_and_wait(page, "Save")
    assert "The decision is saved" in page.content()
    for name, amount in amounts.items():
        click_and_wait(page, f"Recommend for {name}", role="link")
        page.get_by_label("Yes, offer a grant").check()
        page.get_by_label("Amount of the grant").fill(amount)
        page.get_by_label("Conditions of the grant").fill("Report on outcomes within 12 months.")
        axe_check(page)
        click_and_wait(page, "Save the recommendation")
        assert "The recommendation is saved" in page.content()
    axe_check(page)
    click_and_wait(page, "Send to the board")
    assert "The board's clerk puts" in page.content()


def _to_the_board(world, rnd):
    """The clerk puts the decision on the agenda of the board's next meeting (the agenda pages have their own
    journey, test_board_journey)."""
    with unscoped(reason=SET_UP):
        decision = GrantDecision.objects.get(programme=rnd.programme)
    chair_user = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair_user, world.district, name="Lichfield Locality Commissioning Board")
    meeting = MeetingFactory(board=board)
    item = board_services.item_add(
        meeting=meeting, kind="grant_award", subject_id=decision.pk, by=board_acting(chair_user, world.district)
    )
    return chair_user, board, meeting, item


def _grant(pk):
    with unscoped(reason="test: read back"):
        return GrantApplication.objects.select_related("organisation").get(pk=pk)


def _parts(grant, number):
    with unscoped(reason="test: read back"):
        return {
            p.organisation.name: p.amount
            for p in InstalmentPart.objects.filter(
                instalment__application=grant, instalment__number=number
            ).select_related("organisation")
        }


def test_the_grants_journey(browser_page, world, login, axe_check, screenshot):
    rnd = _round_with_money(world)
    page = browser_page
    _, food_bank_writer = applicant(world, "Lichfield Food Bank")
    _, larder_writer = applicant(world, "Burntwood Community Larder")
    _, fradley_writer = applicant(world, "Fradley Good Neighbours")

    # Three charities apply in the browser; the third leaves its application unsubmitted.
    _apply(page, login, axe_check, rnd, food_bank_writer, "2000.00")
    _apply(page, login, axe_check, rnd, larder_writer, "1500.00")
    _apply(page, login, axe_check, rnd, fradley_writer, "1000.00", submit=False)
    with unscoped(reason="test: read back"):
        mine = {a.organisation_id: a for a in GrantApplication.objects.filter(programme=rnd.programme)}
    bank_app = mine[food_bank_writer.organisation.pk]
    larder_app = mine[larder_writer.organisation.pk]
    late_app = mine[fradley_writer.organisation.pk]
    assert bank_app.status == larder_app.status == ApplicationStatus.SUBMITTED
    assert bank_app.amount_requested == Decimal("2000.00")
    close(rnd)  # the closing time passes

    # The late charity tries to submit after the closing time: refused, on the server's clock.
    login(page, fradley_writer.user, fradley_writer.organisation)
    page.goto(f"/grants/applications/{late_app.public_id}/check/")
    page.get_by_label("I confirm that the information").check()
    page.get_by_role("button", name="Accept and submit").click()
    page.get_by_text("late applications cannot be accepted").first.wait_for()
    axe_check(page)
    assert _grant(late_app.pk).status == ApplicationStatus.LATE

    # The lead names the panel, one assessor from each council; they declare and score; the district's assessor is a
    # trustee of the food bank, so she is excluded from scoring it.
    panel = []
    for organisation, name in ((world.county, "Sam Patel"), (world.district, "Dee Okafor")):
        panel.append((person(organisation, Role.EVALUATOR, name=name), organisation))
    login(page, rnd.lead.user, rnd.lead.organisation)
    page.goto(f"/grants/rounds/{rnd.programme.pk}/assessment/")
    axe_check(page)
    for user, organisation in panel:
        click_and_wait(page, "Add someone to the panel", role="link")
        page.get_by_label(f"{user}, {organisation.name}").check()
        axe_check(page)
        click_and_wait(page, "Add to the panel")
        assert f"{user} is on the panel" in page.content()
    agreed = {"Lichfield Food Bank": (5, 4), "Burntwood Community Larder": (4, 4)}
    _declare_and_score(page, login, axe_check, rnd, *panel[0], agreed)
    _declare_and_score(
        page,
        login,
        axe_check,
        rnd,
        *panel[1],
        agreed,
        interest=("Lichfield Food Bank", "I am a trustee of Lichfield Food Bank"),
    )
    page.goto(f"/grants/rounds/{rnd.programme.pk}/assessment/")
    assert "Excluded from scoring it." in page.get_by_role("table").first.inner_text()
    _moderate(page, login, axe_check, rnd, agreed, "Dee Okafor")
    screenshot(page, "grants assessment moderated")

    # The board decides at its meeting: refused while nobody is recorded present, then quorate.
    _recommend(page, login, axe_check, rnd, {"Lichfield Food Bank": "2000.00", "Burntwood Community Larder": "1500.00"})
    chair_user, _board, meeting, item = _to_the_board(world, rnd)
    login(page, chair_user, world.district)
    page.goto(f"/items/{item.pk}/")
    axe_check(page)
    click_and_wait(page, "Record the decision", role="link")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("The board has been shown the evaluation summary and the panel's conflicts record").check()
    page.get_by_label("Minute").fill("Agreed as recommended")
    click_and_wait(page, "Record the decision")
    assert "not quorate" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Approve", exact=True).is_checked()  # nothing chosen is lost
    axe_check(page)
    # The chair records herself present on the attendance page, and the board decides.
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    page.get_by_role("group", name=re.compile(re.escape(str(chair_user)))).get_by_label("Present", exact=True).check()
    axe_check(page)
    click_and_wait(page, "Save attendance")
    assert "Attendance is recorded" in page.content()
    page.goto(f"/items/{item.pk}/")
    click_and_wait(page, "Record the decision", role="link")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("The board has been shown the evaluation summary and the panel's conflicts record").check()
    page.get_by_label("Minute").fill("Agreed as recommended")
    click_and_wait(page, "Record the decision")
    axe_check(page)
    for app in (bank_app, larder_app):
        assert _grant(app.pk).status == ApplicationStatus.OFFERED

    # Each charity accepts its offer on the letter page.
    for app, writer in ((bank_app, food_bank_writer), (larder_app, larder_writer)):
        with unscoped(reason="test: read back"):
            letter = GrantLetter.objects.get(application_id=app.pk)
        login(page, writer.user, writer.organisation)
        page.goto(f"/grants/letters/{letter.public_id}/")
        page.get_by_role("heading", name="Offer of grant").wait_for()
        axe_check(page)
        click_and_wait(page, "Accept the offer")
        assert "Accepted on" in page.content()
        axe_check(page)
    for app in (bank_app, larder_app):
        assert _grant(app.pk).status == ApplicationStatus.ACCEPTED

    # Staffordshire (the lead) pays the first instalment of each grant from the partners' money.
    officer = finance_officer_at(world, world.county)
    login(page, officer, world.county)
    for app, reference in ((bank_app, "SCC-GR-0001"), (larder_app, "SCC-GR-0002")):
        page.goto(f"/grants/awards/{app.public_id}/payments/")
        axe_check(page)
        page.get_by_role("link", name="Set the payment schedule").click()
        page.get_by_role("heading", name="Payment schedule").wait_for()
        axe_check(page)
        page.get_by_role("button", name="Save the schedule").click()
        page.get_by_text("Payment schedule saved").wait_for()
        page.get_by_role("link", name="Record payment of instalment 1").click()
        page.get_by_label("Payment reference").fill(reference)
        axe_check(page)
        page.get_by_role("button", name="Record the payment").click()
        page.get_by_text("Instalment 1 recorded as paid").wait_for()
        axe_check(page)
        grant = _grant(app.pk)
        with unscoped(reason="test: read back"):
            shares = {s.organisation_id: s.amount for s in GrantFundingShare.objects.filter(application=grant)}
        assert set(shares) == {world.county.pk, world.district.pk}
        assert sum(shares.values()) == grant.amount_awarded
        parts = _parts(grant, 1)
        assert sum(parts.values()) == grant.amount_awarded / 2  # the first of two equal instalments, to the penny
        text = page.locator("[data-testid=instalment-1]").inner_text()
        for name, amount in parts.items():
            assert f"{name}: £{amount:,.2f}" in text
        screenshot(page, f"grant payments {reference}")

    # Lichfield District's finance officer sees what its money paid.
    login(page, world.finance_officer, world.district)
    page.goto("/grants/payments/")
    axe_check(page)
    ours = sum(_parts(_grant(a.pk), 1)["Lichfield District Council"] for a in (bank_app, larder_app))
    assert page.get_by_test_id("our-total").inner_text() == f"£{ours:,.2f}"
    assert page.get_by_text("SCC-GR-0001").is_visible() and page.get_by_text("SCC-GR-0002").is_visible()

    # grants.json: a 360Giving package of the two grants, one record per funding partner; never the late one.
    package = page.request.get("/open-data/360giving/grants.json").json()
    assert_valid_package(package)
    assert len(package["grants"]) == 4
    recipients = {g["recipientOrganization"][0]["name"] for g in package["grants"]}
    assert recipients == {"Lichfield Food Bank", "Burntwood Community Larder"}
    assert sum(Decimal(str(g["amountAwarded"])) for g in package["grants"]) == Decimal("3500.00")
    assert sum(Decimal(str(g["amountDisbursed"])) for g in package["grants"]) == Decimal("1750.00")
