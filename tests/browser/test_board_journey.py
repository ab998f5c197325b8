"""The Lichfield Locality Commissioning Board meets, on a tablet (768 x 1024).

The clerk puts an award recommendation on the agenda and publishes the papers; a member declares an interest
from their own tablet; attendance is recorded; quorum is checked at the moment of decision -- refused in one run
because no one from the district council is present, passed in the other, where the chair excludes the declared
member and the board approves the award, which moves the tender (a fake award subject standing in for the
tendering app) into standstill. The board pack PDF is prepared, downloaded and its text read back. axe checks
every page.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.boards.conftest import fake_award, lichfield  # noqa: F401 - fixtures used by this journey
from tests.browser.conftest import click_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
AWARD_TITLE = "Older people's independence service: award recommendation 1"


@pytest.fixture
def tablets(browser_page):
    """Each person on their own tablet (a browser context each): the clerk, a member and the chair stay signed in
    side by side, as in the meeting room."""
    opened = []
    errors: list[str] = []

    def open_tablet():
        if not opened:
            page = browser_page
        else:
            context = browser_page.context.browser.new_context(
                base_url=browser_page.live_server_url, locale="en-GB", timezone_id="Europe/London"
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_viewport_size(TABLET)
        opened.append(page)
        return page

    yield open_tablet
    for page in opened[1:]:
        page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _attendance(page, lcb, present: set[str]) -> None:
    for key, member in lcb.seats.items():
        if key == "sub":
            continue  # the substitute is not standing in today
        suffix = " (advisory member)" if key == "adviser" else ""
        group = page.get_by_role("group", name=f"{member.person}, {member.organisation}{suffix}")
        choice = "Present" if key in present else ("Absent" if key == "adviser" else "Apologies")
        group.get_by_label(choice, exact=True).check()


def _clerk_prepares_the_meeting(page, login, axe_check, screenshot, lcb, run: str) -> None:
    world = lcb.world
    login(page, lcb.clerk, world.district)
    page.goto(f"/boards/{lcb.board.pk}/")
    assert page.get_by_test_id("quorum-rule").inner_text() == (
        "At least 4 full members (51% of full members), including someone from Lichfield District Council"
    )
    axe_check(page)
    page.goto(f"/meetings/{lcb.meeting.pk}/")
    click_and_wait(page, "Add an agenda item", role="link")
    page.get_by_label("Approve an award").check()
    page.get_by_label("What the board is asked to approve").select_option(label=AWARD_TITLE)
    axe_check(page)
    click_and_wait(page, "Add the item")
    assert "Item 1 is on the agenda" in page.content()
    click_and_wait(page, "Publish the papers")
    assert page.get_by_test_id("meeting-status").inner_text() == "Papers published"
    axe_check(page)
    screenshot(page, f"board-{run}-1-meeting-papers-published")


def _member_declares(page, login, axe_check, screenshot, lcb, run: str) -> None:
    wayne = lcb.seats["ccg"]
    login(page, wayne.person, wayne.organisation)
    page.goto(f"/meetings/{lcb.meeting.pk}/")
    click_and_wait(page, f"1. {AWARD_TITLE}", role="link")
    # Members see the recommendation's evaluation summary and the panel's conflicts record.
    assert page.get_by_test_id("conflicts-record").is_visible()
    assert "Did not score Moorlands Home Link" in page.get_by_test_id("conflicts-record").inner_text()
    axe_check(page)
    click_and_wait(page, "Declare an interest or none", role="link")
    page.get_by_label("Yes").check()
    page.get_by_label("Describe the interest").fill("Trustee of Age UK South Staffordshire, the recommended bidder")
    axe_check(page)
    click_and_wait(page, "Record the declaration")
    assert "Your declaration is recorded" in page.content()
    assert "Trustee of Age UK South Staffordshire" in page.get_by_test_id("declarations").inner_text()
    screenshot(page, f"board-{run}-2-member-declared")


def test_quorum_refused_without_anyone_from_the_district_council(request, tablets, login, axe_check, screenshot):
    lcb = request.getfixturevalue("lichfield")
    award = request.getfixturevalue("fake_award")
    page = tablets()
    _clerk_prepares_the_meeting(page, login, axe_check, screenshot, lcb, "refused")
    _member_declares(tablets(), login, axe_check, screenshot, lcb, "refused")

    # The clerk records who came: the county, the CCG and the police and crime commissioner, but nobody from the
    # district council (the chair sent apologies), so a chair is appointed from those present.
    page.goto(f"/meetings/{lcb.meeting.pk}/attendance/")
    _attendance(page, lcb, {"scc_lead", "public_health", "ccg", "pcc"})
    axe_check(page)
    click_and_wait(page, "Save attendance")
    assert "Attendance is recorded" in page.content()
    click_and_wait(page, "Record who chairs the meeting", role="link")
    page.get_by_label("Jon Hale, Staffordshire County Council").check()
    axe_check(page)
    click_and_wait(page, "Record the chair")
    assert "Jon Hale chairs the meeting" in page.content()

    click_and_wait(page, f"1. {AWARD_TITLE}", role="link")
    quorum = page.get_by_test_id("quorum").inner_text()
    assert "not quorate" in quorum and "No one from Lichfield District Council is present" in quorum
    click_and_wait(page, "Record the decision", role="link")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("The board has been shown the evaluation summary and the panel's conflicts record").check()
    click_and_wait(page, "Record the decision")
    summary = page.get_by_role("alert").inner_text()
    assert "The board is not quorate for this item, so it cannot decide" in summary
    assert "No one from Lichfield District Council is present" in summary
    assert page.get_by_label("Approve", exact=True).is_checked()  # nothing chosen is lost
    axe_check(page)
    screenshot(page, "board-refused-3-decision-refused-no-district-council")
    assert award.states[1] == "recommended"


def test_the_board_excludes_a_declared_member_approves_the_award_and_the_tender_enters_standstill(
    request, tablets, login, axe_check, screenshot
):
    lcb = request.getfixturevalue("lichfield")
    award = request.getfixturevalue("fake_award")
    clerk = tablets()
    _clerk_prepares_the_meeting(clerk, login, axe_check, screenshot, lcb, "approved")
    _member_declares(tablets(), login, axe_check, screenshot, lcb, "approved")

    page = clerk
    page.goto(f"/meetings/{lcb.meeting.pk}/attendance/")
    _attendance(page, lcb, {"walker", "director", "scc_lead", "public_health", "ccg", "pcc"})
    click_and_wait(page, "Save attendance")
    assert "Chris Walker" in page.get_by_test_id("meeting-chair").inner_text()

    # The chair, on their tablet, excludes the member who declared an interest.
    walker = lcb.seats["walker"]
    page = tablets()
    login(page, walker.person, walker.organisation)
    page.goto("/dashboard/")
    assert page.get_by_test_id("panel-board").is_visible()
    assert "1 item to decide" in page.get_by_test_id("panel-board").inner_text()
    axe_check(page)
    screenshot(page, "board-approved-3-chair-dashboard")
    page.get_by_test_id("panel-board").get_by_role("link").first.click()
    page.wait_for_url(f"**/meetings/{lcb.meeting.pk}/")
    click_and_wait(page, f"1. {AWARD_TITLE}", role="link")
    click_and_wait(page, "Exclude a member from this item", role="link")
    page.get_by_label("Wayne Fisher: Trustee of Age UK South Staffordshire, the recommended bidder").check()
    page.get_by_label("Reason").fill("Trustee of the recommended bidder: takes no part in the item")
    axe_check(page)
    click_and_wait(page, "Exclude from this item")
    assert "Wayne Fisher is excluded from this item and does not count towards its quorum" in page.content()
    quorum = page.get_by_test_id("quorum").inner_text()
    assert "5 of 7 full members can take part (71%)" in quorum
    assert "Wayne Fisher" in quorum and "excluded from this item" in quorum
    axe_check(page)
    screenshot(page, "board-approved-4-member-excluded-quorate")

    click_and_wait(page, "Record the decision", role="link")
    assert "Ranked bids" in page.content() and page.get_by_test_id("conflicts-record").is_visible()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("The board has been shown the evaluation summary and the panel's conflicts record").check()
    page.get_by_label("Minute").fill("The board approved the award to Age UK South Staffordshire.")
    axe_check(page)
    screenshot(page, "board-approved-5-decision-form")
    click_and_wait(page, "Record the decision")
    assert "Decision recorded: approved" in page.content()
    assert award.states[1] == "standstill"  # the tender moves into standstill
    axe_check(page)
    screenshot(page, "board-approved-6-decision-recorded")

    # The board pack: prepared in the background, downloaded, read back.
    page.goto(f"/meetings/{lcb.meeting.pk}/")
    click_and_wait(page, "Board pack (PDF)", role="link")
    axe_check(page)
    click_and_wait(page, "Prepare the board pack")
    download = page.get_by_test_id("pack-download")
    download.wait_for(timeout=90_000)  # WeasyPrint in the background: slow on a loaded 2-core machine
    axe_check(page)
    screenshot(page, "board-approved-7-pack-ready")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "Lichfield Locality Commissioning Board",
        AWARD_TITLE,
        "Ranked bids",
        "Weighted score",
        "Funding by partner and year",
        "£43,750.00",
        "The evaluation panel's conflicts record",
        "Trustee of Age UK South Staffordshire, the recommended bidder",
        "Wayne Fisher was excluded from this item by the chair, Chris Walker",
        "Approved by consensus",
        "Quorate: 5 of 7 full members (71%), including Lichfield District Council",
    ):
        assert expected in text, expected

    # The public page: the decision and the declaration, without the unsuccessful bids.
    page.context.clear_cookies()
    page.goto(f"/public/boards/{lcb.board.pk}/")
    public = page.get_by_test_id("public-meeting").inner_text()
    assert "Approved" in public and "awarded to Age UK South Staffordshire" in public
    assert "Interest declared by Wayne Fisher" in public
    assert "Moorlands Home Link" not in page.content()
    axe_check(page)
    screenshot(page, "board-approved-8-public-page")
