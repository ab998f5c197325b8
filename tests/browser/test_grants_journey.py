"""Issue 14, "Done when": the grants journey. Three charities apply to Lichfield's small Food Poverty and Health
Grants Scheme; the third submits after the closing time and is refused as late (in the browser, on the server's
clock). The panel scores the two in time, the district's assessor excluded from the food bank she is a trustee of;
the board decides with quorum (refused while nobody is recorded present); both offers are made and accepted. Then,
in the browser, Staffordshire's finance officer sets each grant's payment schedule and pays the first instalments,
each taken from the two partners' contributions to the penny; Lichfield District's finance officer sees what its
money paid; and grants.json validates as 360Giving 1.4 with 0 errors. Every page passes axe.

The application, assessment, board and offer steps before the payments are taken through their services in the
set-up (their pages have their own journeys); the late refusal and everything after the award are the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from boards import services as board_services
from commissioning.commissions.models import Contribution
from commissioning.money.services import contribution_confirm
from core.errors import DomainError
from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.assessment import services as assessment
from grants.decisions import services as decisions
from grants.payments.models import GrantFundingShare, InstalmentPart
from grants.programmes.models import GrantCriterion
from partners.models import Role
from tests.factories.board import MeetingFactory, present, simple_board
from tests.factories.board import acting as board_acting
from tests.factories.commissioning import acting, commissioner_at, finance_officer_at
from tests.factories.grants import applicant, close, filled, food_poverty_round, submitted
from tests.factories.partners import person
from tests.opendata.threesixty_validation import assert_valid_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.timeout(1200)]
SET_UP = "test set-up: the steps before the award, through their services"


def _decided_round(world):
    """Apply (two in time, one left as a draft), confirm the partners' money, close, assess with one interest
    declared, and decide at the board with quorum; both offers accepted."""
    rnd = food_poverty_round(world)
    with unscoped(reason=SET_UP):
        for c in Contribution.objects.filter(commission=rnd.programme.commission).select_related("organisation"):
            contribution_confirm(contribution=c, by=acting(commissioner_at(world, c.organisation), c.organisation))
    _, food_bank_writer = applicant(world, "Lichfield Food Bank")
    _, larder_writer = applicant(world, "Burntwood Community Larder")
    _, fradley_writer = applicant(world, "Fradley Good Neighbours")
    bank_app, _ = submitted(rnd, food_bank_writer, amount="2000.00")
    larder_app, _ = submitted(rnd, larder_writer, amount="1500.00")
    late_app = filled(rnd, fradley_writer, amount="1000.00")
    close(rnd)

    lead = rnd.lead
    panel = []
    for organisation, name in ((world.county, "Sam Patel"), (world.district, "Dee Okafor")):
        user = person(organisation, Role.EVALUATOR, name=name)
        assessor = assessment.assessor_appoint(programme=rnd.programme, user=user, organisation=organisation, by=lead)
        panel.append((assessor, acting(user, organisation)))
    (county_assessor, county_panel), (district_assessor, district_panel) = panel
    assessment.interests_declare(assessor=county_assessor, interests=[], by=county_panel)
    assessment.interests_declare(
        assessor=district_assessor,
        interests=[(bank_app, "role", "I am a trustee of Lichfield Food Bank")],
        by=district_panel,
    )
    with unscoped(reason=SET_UP):
        criteria = list(GrantCriterion.objects.filter(programme=rnd.programme).order_by("position", "id"))
    agreed = {bank_app.pk: (5, 4), larder_app.pk: (4, 4)}
    for assessor, who in panel:
        for application in (bank_app, larder_app):
            scores = {
                c.pk: {"score": s, "comment": "Evidenced"}
                for c, s in zip(criteria, agreed[application.pk], strict=True)
            }
            if assessor.pk == district_assessor.pk and application.pk == bank_app.pk:
                with pytest.raises(DomainError):  # the declared interest excludes her from scoring it
                    assessment.scores_save(assessor=assessor, application=application, scores=scores, by=who)
                continue
            sheet = assessment.scores_save(assessor=assessor, application=application, scores=scores, by=who)
            assessment.sheet_submit(sheet=sheet, by=who)
    for application in (bank_app, larder_app):
        assessment.moderate(
            application=application,
            scores={
                c.pk: {"score": s, "note": "Agreed"} for c, s in zip(criteria, agreed[application.pk], strict=True)
            },
            by=lead,
        )
    decision = decisions.decision_prepare(
        programme=rnd.programme,
        accept_by=timezone.localdate() + dt.timedelta(days=28),
        officer=None,
        summary="Fund both applications in full.",
        by=lead,
    )
    for application, amount in ((bank_app, Decimal("2000.00")), (larder_app, Decimal("1500.00"))):
        decisions.recommendation_set(
            decision=decision,
            application=application,
            fund=True,
            amount=amount,
            conditions="Report on outcomes within 12 months.",
            by=lead,
        )
    decisions.decision_step(decision=decision, name="send_to_board", by=lead)
    chair_user = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair_user, world.district, name="Lichfield Locality Commissioning Board")
    chair = board_acting(chair_user, world.district)
    meeting = MeetingFactory(board=board)
    item = board_services.item_add(meeting=meeting, kind="grant_award", subject_id=decision.pk, by=chair)
    with pytest.raises(DomainError, match="not quorate"):
        board_services.decision_record(item=item, outcome="approve", by=chair)
    present(meeting, board.chair)
    board_services.decision_record(item=item, outcome="approve", minute="Agreed as recommended", by=chair)
    for application, writer in ((bank_app, food_bank_writer), (larder_app, larder_writer)):
        decisions.offer_accept(application=application, by=writer)
    return rnd, bank_app, larder_app, late_app, fradley_writer


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
    _, bank_app, larder_app, late_app, fradley_writer = _decided_round(world)
    page = browser_page

    # The late charity tries to submit after the closing time: refused, on the server's clock.
    login(page, fradley_writer.user, fradley_writer.organisation)
    page.goto(f"/grants/applications/{late_app.public_id}/check/")
    page.get_by_label("I confirm that the information").check()
    page.get_by_role("button", name="Accept and submit").click()
    page.get_by_text("late applications cannot be accepted").first.wait_for()
    axe_check(page)
    assert _grant(late_app.pk).status == ApplicationStatus.LATE
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
