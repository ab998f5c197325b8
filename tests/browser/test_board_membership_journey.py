"""A board as its terms of reference describe it (issue 13; seed 002), built in the browser.

The county's commissioner sets up a board and seats an elected member (a district councillor), a partner officer,
a voluntary-sector representative from the local forum (no Jointly account yet: named by email) and an independent
adviser. The "Organisations that must be represented" offer only the board's own members' organisations, and the
rule requires at least one elected member. At a meeting the councillor sends apologies: the board is not quorate
and the decision is refused, naming the missing elected member. axe checks every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from boards import services as board_services
from boards.models import AgendaItem, Board, BoardMember
from core.tenancy import unscoped
from partners.models import OrganisationKind, Role
from tests.browser.conftest import click_and_wait
from tests.factories.board import acting
from tests.factories.partners import OrganisationFactory, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOARD = "Lichfield Locality Commissioning Board"
FORUM = "Lichfield Community and Voluntary Sector Forum"


def _add_member(
    page,
    axe_check,
    *,
    sits_as: str,
    kind: str,
    staff: str = "",
    name: str = "",
    email: str = "",
    organisation: str = "",
    elected: bool = False,
    role: str = "",
) -> None:
    click_and_wait(page, "Add a member", role="link")
    page.get_by_role("group", name="Sits as").get_by_label(sits_as, exact=True).check()
    if staff:
        page.get_by_label("Partner staff member").select_option(label=staff)
    if name:
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email address").fill(email)
    if organisation:
        page.get_by_label("Organisation they sit for").select_option(label=organisation)
    if elected:
        page.get_by_label("Elected member (for example a councillor)").check()
    page.get_by_role("group", name="Kind of member").get_by_label(kind, exact=True).check()
    if role:
        page.get_by_label("Role on the board").fill(role)
    axe_check(page)
    click_and_wait(page, "Add the member")


def test_a_board_with_an_elected_member_refuses_a_meeting_without_one(
    browser_page, world, login, axe_check, screenshot
):
    page = browser_page
    OrganisationFactory(name=FORUM, kind=OrganisationKind.COMMUNITY_GROUP)
    officer = person(world.county, Role.BOARD_MEMBER, name="Jon Hale")
    councillor = world.board_member  # a district board member: the cabinet member
    clerk = world.lead_commissioner

    login(page, clerk, world.county)
    page.goto("/boards/new/")
    page.get_by_label("Board name").fill(BOARD)
    page.get_by_label("Partnership", exact=True).select_option(label=world.partnership.name)
    page.get_by_label("Minimum number of full members present").fill("1")
    page.get_by_label("Minimum share of full members present, in per cent").fill("0")
    # A new board has no members yet, so no organisations to require.
    assert page.get_by_text("Organisations that must be represented").count() == 0
    axe_check(page)
    click_and_wait(page, "Set up the board")
    assert "You are its clerk" in page.content()
    board = Board._base_manager.get(name=BOARD)

    _add_member(
        page,
        axe_check,
        sits_as="Partner staff",
        kind="Full member",
        elected=True,
        staff=f"{councillor}, {world.district}",
        role="Cabinet Member for Community, Housing and Health",
    )
    _add_member(page, axe_check, sits_as="Partner staff", kind="Full member", staff=f"{officer}, {world.county}")
    # The forum's representative advises (these terms of reference give the voluntary sector no vote).
    _add_member(
        page,
        axe_check,
        sits_as="Voluntary-sector representative",
        kind="Full member",
        name="Ruth Green",
        email="ruth@forum.example",
        organisation=FORUM,
    )
    assert "does not vote: make them an advisory member" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Email address").input_value() == "ruth@forum.example"  # nothing typed is lost
    page.get_by_role("group", name="Kind of member").get_by_label("Advisory member", exact=True).check()
    click_and_wait(page, "Add the member")
    _add_member(
        page,
        axe_check,
        sits_as="Adviser",
        kind="Advisory member",
        name="Pat Quinn",
        email="pat@adviser.example",
        role="Independent commissioning adviser",
    )
    full = page.get_by_test_id("full-members").inner_text()
    assert "Elected member" in full and "Jon Hale" in full
    content = page.content()
    assert "Voluntary-sector representative" in content and "Independent (no organisation)" in content
    axe_check(page)
    screenshot(page, "board-membership-1-members")

    # The rule: someone from the district council, and at least one elected member.
    click_and_wait(page, "Change details or quorum", role="link")
    required = page.get_by_role("group", name="Organisations that must be represented")
    labels = required.locator("label").all_inner_texts()
    assert sorted(labels) == sorted([world.district.name, world.county.name])  # the board's own, not every body
    required.get_by_label(world.district.name).check()
    page.get_by_label("At least one elected member must be present (for example a councillor)").check()
    axe_check(page)
    click_and_wait(page, "Save")
    assert page.get_by_test_id("quorum-rule").inner_text() == (
        "At least 1 full member (0% of full members), including someone from Lichfield District Council "
        "and at least one elected member"
    )
    screenshot(page, "board-membership-2-rule")

    # The meeting (scheduled and its item added by the clerk, as on the meeting pages).
    with unscoped(reason="test set-up: the clerk's meeting"):
        meeting = board_services.meeting_create(
            board=board,
            starts_at=timezone.now() + dt.timedelta(hours=1),
            location="Frog Lane",
            by=acting(clerk, world.county),
        )
        board_services.item_add(
            meeting=meeting,
            kind=AgendaItem.Kind.OTHER,
            title="Locality priorities for 2027/28",
            by=acting(clerk, world.county),
        )
    # The councillor sends apologies; the officer, the forum's representative and the adviser come.
    page.goto(f"/meetings/{meeting.pk}/attendance/")
    with unscoped(reason="test: the seats"):
        seats = {m.person.full_name: m for m in BoardMember.objects.filter(board=board).select_related("person")}
    for name, choice in (
        (councillor.full_name, "Apologies"),
        ("Jon Hale", "Present"),
        ("Ruth Green", "Present"),
        ("Pat Quinn", "Present"),
    ):
        seat = seats[name]
        label = f"{seat.person}, {seat.organisation_name}" + (" (advisory member)" if not seat.is_full else "")
        page.get_by_role("group", name=label).get_by_label(choice, exact=True).check()
    axe_check(page)
    click_and_wait(page, "Save attendance")
    assert "Attendance is recorded" in page.content()

    click_and_wait(page, "1. Locality priorities for 2027/28", role="link")
    quorum = page.get_by_test_id("quorum").inner_text()
    assert "No elected member present" in quorum and "No one from Lichfield District Council is present" in quorum
    axe_check(page)
    click_and_wait(page, "Record the decision", role="link")
    page.get_by_label("Note", exact=True).check()
    click_and_wait(page, "Record the decision")
    alert = page.get_by_role("alert").inner_text()
    assert "The board is not quorate for this item, so it cannot decide" in alert
    assert "No elected member present" in alert
    assert page.get_by_label("Note", exact=True).is_checked()
    axe_check(page)
    screenshot(page, "board-membership-3-refused-no-elected-member")
