"""Boards as the terms of reference describe them (issue 13; seed 002, the Lichfield terms of reference): seats for
partner staff, elected members, voluntary-sector representatives and advisers from any organisation (or none);
voting by seat kind; a quorum that can require an elected member; required organisations chosen from the board's
own members; and each board's pending approvals its own."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from boards import pack as board_pack
from boards import rules
from boards import seats as board_seats
from boards import selectors as board_selectors
from boards import services as board_services
from boards.models import AgendaItem, Board, BoardMember, SeatKind
from core import handlers
from core.errors import DomainError, NotPermitted
from core.tenancy import unscoped
from partners.models import OrganisationKind, Role, User
from tests.conftest import sign_in
from tests.factories.board import acting
from tests.factories.partners import OrganisationFactory, person


def _rule(board: Board, **changes):
    """The clerk changes the board's rule on the edit page's service, keeping everything else."""
    current = {
        "name": board.name,
        "purpose": board.purpose,
        "parent_board_name": board.parent_board_name,
        "min_members": board.min_members,
        "min_share": board.min_share,
        "required_organisations": list(board.required_organisations.all()),
        "chair_absence_rule": board.chair_absence_rule,
        "is_public": board.is_public,
    }
    return current | changes


@pytest.fixture
def forum(db):
    return OrganisationFactory(name="Lichfield Community and Voluntary Sector Forum", kind=OrganisationKind.CHARITY)


def test_an_elected_member_a_voluntary_sector_representative_and_an_independent_adviser_take_seats(lichfield, forum):
    board = lichfield.board
    walker = lichfield.seats["walker"]
    walker = board_seats.board_member_update(
        member=walker, is_elected_member=True, role_title=walker.role_title, by=lichfield.clerk_acting
    )
    assert walker.is_elected_member
    # Ruth has no account yet: the clerk names her by email; she sets a password when she first signs in.
    ruth = board_seats.board_member_add(
        board=board,
        email="Ruth.Green@Forum.example",
        full_name="Ruth Green",
        organisation=forum,
        seat_kind=SeatKind.VOLUNTARY_SECTOR,
        kind=BoardMember.Kind.ADVISORY,
        role_title="Voluntary and community sector representative",
        by=lichfield.clerk_acting,
    )
    with unscoped(reason="test: the new account"):
        account = User.objects.get(email="ruth.green@forum.example")
    assert ruth.person == account and not account.has_usable_password()
    # An independent adviser sits for no organisation, and never votes.
    with pytest.raises(DomainError, match="advises and does not vote"):
        board_seats.board_member_add(
            board=board,
            email="pat@adviser.example",
            full_name="Pat Quinn",
            seat_kind=SeatKind.ADVISER,
            kind=BoardMember.Kind.FULL,
            by=lichfield.clerk_acting,
        )
    pat = board_seats.board_member_add(
        board=board,
        email="pat@adviser.example",
        full_name="Pat Quinn",
        seat_kind=SeatKind.ADVISER,
        kind=BoardMember.Kind.ADVISORY,
        by=lichfield.clerk_acting,
    )
    assert pat.organisation is None and pat.organisation_name == "Independent (no organisation)"
    # Anyone but an adviser sits for an organisation, of the kind they represent.
    with pytest.raises(DomainError, match="Choose the organisation"):
        board_seats.board_member_add(
            board=board,
            email="x@example.org",
            full_name="X",
            seat_kind=SeatKind.VOLUNTARY_SECTOR,
            kind="advisory",
            by=lichfield.clerk_acting,
        )
    with pytest.raises(DomainError, match="is not a voluntary-sector organisation"):
        board_seats.board_member_add(
            board=board,
            email="x@example.org",
            full_name="X",
            organisation=lichfield.world.other_council,
            seat_kind=SeatKind.VOLUNTARY_SECTOR,
            kind="advisory",
            by=lichfield.clerk_acting,
        )

    detail = board_selectors.members_of(board)
    assert {m.person.full_name: m.get_seat_kind_display() for m in detail if not m.is_full} == {
        "Tom Jones": "Partner staff",
        "Anna Adviser": "Adviser",
        "Ruth Green": "Voluntary-sector representative",
        "Pat Quinn": "Adviser",
    }


def test_voting_follows_the_terms_of_reference_per_seat_kind(lichfield, forum):
    """Under the Lichfield terms the voluntary sector advises; a board whose terms give it a vote says so, and the
    representative then counts towards quorum like any full member."""
    board = lichfield.board
    seat = {
        "board": board,
        "email": "ruth@forum.example",
        "full_name": "Ruth Green",
        "organisation": forum,
        "seat_kind": SeatKind.VOLUNTARY_SECTOR,
        "by": lichfield.clerk_acting,
    }
    with pytest.raises(DomainError, match="voluntary-sector representative does not vote: make them an advisory"):
        board_seats.board_member_add(kind=BoardMember.Kind.FULL, **seat)
    board = board_seats.board_update(
        board=board, **_rule(board), voluntary_sector_seats_vote=True, by=lichfield.clerk_acting
    )
    ruth = board_seats.board_member_add(kind=BoardMember.Kind.FULL, **seat | {"board": board})
    rule = rules.quorum_rule(board)
    assert ruth.pk in rule.full_member_ids and len(rule.full_member_ids) == 8
    # Taking the vote away again would strand her seat: refused, naming her.
    with pytest.raises(DomainError, match="Ruth Green \\(voluntary-sector representative\\)"):
        board_seats.board_update(
            board=board, **_rule(board), voluntary_sector_seats_vote=False, by=lichfield.clerk_acting
        )


def test_a_meeting_with_no_elected_member_present_is_not_quorate_under_that_rule(lichfield):
    board = lichfield.board
    walker = lichfield.seats["walker"]
    board_seats.board_member_update(member=walker, is_elected_member=True, role_title="", by=lichfield.clerk_acting)
    board_seats.board_update(board=board, **_rule(board), requires_elected_member=True, by=lichfield.clerk_acting)
    item = AgendaItem.objects.select_related("meeting__board").get(pk=lichfield.item().pk)
    # Five of seven full members, the district among them, but not its cabinet member: 4 / 51 % / LDC all met.
    lichfield.attend("director", "scc_lead", "public_health", "ccg", "econ", apologies=("walker",))
    result = rules.quorum_for(item)
    assert result.failures == ["No elected member present"]
    with pytest.raises(DomainError) as refused:
        board_services.decision_record(item=item, outcome="note", by=lichfield.clerk_acting)
    assert refused.value.problems == ["No elected member present"]
    # The councillor arrives: quorate, and the summary names the rule.
    lichfield.attend("walker")
    result = rules.quorum_for(item)
    assert result.ok
    assert result.summary == (
        "Quorate: 6 of 7 full members (85%), including Lichfield District Council and an elected member"
    )
    decision = board_services.decision_record(item=item, outcome="note", by=lichfield.clerk_acting)
    assert decision.quorum["ok"] is True


def test_the_elected_member_rule_in_general(lichfield):
    """The pure rule: only an elected member who counts satisfies it (not an advisory one, not one excluded from
    the item), whatever else is met."""
    members = frozenset({1, 2})
    rule = rules.Rule(
        min_members=1,
        min_share=Decimal("0"),
        required_organisations=(),
        full_member_ids=members,
        requires_elected_member=True,
    )
    cllr = rules.Attendee(1, "Cllr A", 10, "full", is_elected_member=True)
    officer = rules.Attendee(2, "Officer B", 10, "full")
    advisory_cllr = rules.Attendee(3, "Cllr C", 11, "advisory", is_elected_member=True)
    assert rules.check(rule, [cllr, officer]).ok
    assert rules.check(rule, [officer, advisory_cllr]).failures == ["No elected member present"]
    assert rules.check(rule, [cllr, officer], exclusions={1}).failures == [
        "No elected member present and taking part: Cllr A is excluded from this item"
    ]
    without = rules.Rule(min_members=1, min_share=Decimal("0"), required_organisations=(), full_member_ids=members)
    assert rules.check(without, [officer]).ok


def test_required_organisations_are_chosen_from_the_boards_own_members(client, lichfield):
    board = lichfield.board
    other = lichfield.world.other_council
    with pytest.raises(DomainError, match="Northshire County Council has none"):
        board_seats.board_update(board=board, **_rule(board, required_organisations=[other]), by=lichfield.clerk_acting)
    # An organisation seated only as an adviser cannot make the board quorate, so it cannot be required either.
    with pytest.raises(DomainError, match="Support Staffordshire has none"):
        board_seats.board_update(
            board=board, **_rule(board, required_organisations=[lichfield.cvs]), by=lichfield.clerk_acting
        )
    sign_in(client, lichfield.clerk, lichfield.world.district)
    page = client.get(reverse("board-edit", args=[board.pk])).content.decode()
    for seated in ("Lichfield District Council", "Staffordshire County Council", "South East Staffordshire"):
        assert f">{seated}" in page
    assert "Northshire County Council" not in page and "Support Staffordshire" not in page


def test_each_board_is_offered_only_its_own_pending_approvals(client, lichfield, fake_award):
    """A second board on the Lichfield partnership (a health sub-board) is not offered the commissioning board's
    awards, in the agenda form, the selector or the API; moving the tender approvals to it moves them all."""
    world = lichfield.world
    health = board_seats.board_create(
        partnership=world.partnership, name="Lichfield Health Sub-board", by=lichfield.clerk_acting
    )
    assert lichfield.board.decides_tenders and not health.decides_tenders
    assert [p.subject_id for p in board_selectors.pending_approvals(lichfield.board)] == [1, 2]
    assert board_selectors.pending_approvals(health) == []
    meeting = board_services.meeting_create(
        board=health, starts_at=lichfield.meeting.starts_at, location="", by=lichfield.clerk_acting
    )
    with pytest.raises(DomainError, match="Lichfield Locality Commissioning Board approves this partnership's tenders"):
        board_services.item_add(meeting=meeting, kind=AgendaItem.Kind.AWARD, subject_id=1, by=lichfield.clerk_acting)

    sign_in(client, lichfield.clerk, world.district)
    form = client.get(reverse("item-create", args=[meeting.pk])).content.decode()
    assert "award recommendation 1" not in form
    ours = client.get(reverse("item-create", args=[lichfield.meeting.pk])).content.decode()
    assert "award recommendation 1" in ours
    api = client.get(f"/api/v1/boards/{health.pk}/pending-approvals/")
    assert api.status_code == 200 and api.json() == []
    api = client.get(f"/api/v1/boards/{lichfield.board.pk}/pending-approvals/")
    assert [row["subject_id"] for row in api.json()] == [1, 2]

    # The partnership moves its tender approvals to the sub-board (through the API, as on the edit page).
    response = client.post(f"/api/v1/boards/{health.pk}/rule/", {"decides_tenders": True}, format="json")
    assert response.status_code == 200, response.content
    lichfield.board.refresh_from_db()
    health.refresh_from_db()
    assert response.json()["decides_tenders"] is True and not lichfield.board.decides_tenders
    assert board_selectors.pending_approvals(lichfield.board) == []
    assert [p.subject_id for p in board_selectors.pending_approvals(health)] == [1, 2]


def test_seats_and_the_rule_through_the_api_with_the_pages_permissions(client, lichfield, forum):
    world = lichfield.world
    board = lichfield.board
    seat = {
        "board": board.pk,
        "email": "ruth@forum.example",
        "full_name": "Ruth Green",
        "organisation": forum.pk,
        "seat_kind": "voluntary_sector",
        "kind": "advisory",
        "role_title": "Voluntary and community sector representative",
    }
    # A member who is neither clerk nor chair cannot seat anyone.
    ccg = lichfield.seats["ccg"]
    sign_in(client, ccg.person, lichfield.ccg)
    assert client.post("/api/v1/board-members/", seat, format="json").status_code == 403
    # Another organisation does not see the board at all.
    sign_in(client, world.outsider, world.other_council)
    assert client.post("/api/v1/board-members/", seat, format="json").status_code in (400, 403, 404)
    assert client.get(f"/api/v1/boards/{board.pk}/").status_code == 404

    sign_in(client, lichfield.clerk, world.district)
    response = client.post("/api/v1/board-members/", seat, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["seat_kind"], body["kind"], body["votes"], body["organisation_name"]) == (
        "voluntary_sector",
        "advisory",
        False,
        forum.name,
    )
    refused = client.post(
        "/api/v1/board-members/", seat | {"email": "sam@forum.example", "kind": "full"}, format="json"
    )
    assert refused.status_code == 400 and "does not vote" in refused.json()["detail"]

    response = client.post(
        f"/api/v1/boards/{board.pk}/rule/",
        {"requires_elected_member": True, "required_organisations": [world.district.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    quorum = response.json()["quorum"]
    assert quorum["requires_elected_member"] is True
    assert quorum["text"].endswith("including someone from Lichfield District Council and at least one elected member")
    refused = client.post(f"/api/v1/boards/{board.pk}/rule/", {"required_organisations": [forum.pk]}, format="json")
    assert refused.status_code == 400
    listed = client.get(f"/api/v1/board-members/?board={board.pk}&seat_kind=voluntary_sector").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["person_name"] for r in rows] == ["Ruth Green"]


def test_the_member_form_seats_someone_from_any_organisation(client, lichfield, forum):
    sign_in(client, lichfield.clerk, lichfield.world.district)
    url = reverse("board-member-add", args=[lichfield.board.pk])
    page = client.get(url).content.decode()
    assert forum.name in page and "Sits as" in page
    response = client.post(
        url,
        {
            "seat_kind": "voluntary_sector",
            "full_name": "Ruth Green",
            "email": "ruth@forum.example",
            "organisation": forum.pk,
            "kind": "full",
        },
    )
    assert response.status_code == 400
    assert "does not vote: make them an advisory member" in response.content.decode()
    assert "ruth@forum.example" in response.content.decode()  # nothing typed is lost
    response = client.post(
        url,
        {
            "seat_kind": "voluntary_sector",
            "full_name": "Ruth Green",
            "email": "ruth@forum.example",
            "organisation": forum.pk,
            "kind": "advisory",
            "is_elected_member": "",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("board-detail", args=[lichfield.board.pk])).content.decode()
    assert "Ruth Green" in detail and "Voluntary-sector representative" in detail


def test_a_person_without_a_partner_role_cannot_be_seated_as_partner_staff(lichfield):
    stranger = person(lichfield.world.provider, Role.BIDDER, name="Bea Bidder")
    with pytest.raises(DomainError, match="does not act for"):
        board_seats.board_member_add(
            board=lichfield.board,
            person=stranger,
            organisation=lichfield.world.district,
            kind="full",
            by=lichfield.clerk_acting,
        )
    with pytest.raises(NotPermitted):
        board_seats.board_member_add(
            board=lichfield.board,
            email="x@example.org",
            full_name="X",
            seat_kind=SeatKind.ADVISER,
            kind="advisory",
            by=acting(lichfield.seats["ccg"].person, lichfield.ccg),
        )


def test_a_higher_app_adds_a_standing_paper_to_every_board_pack(lichfield):
    """The one way a higher app adds to every pack (the commissions' risk registers use it): a
    ``boards.standing_papers:<name>`` handler, printed after the agenda."""
    kind = "boards.standing_papers:tests.example"
    with handlers.override(
        kind,
        papers=lambda *, board: [("Risk register", {"headline": f"Risk register for {board.name}", "facts": []})],
    ):
        context = board_pack.pack_context(lichfield.meeting)
    titles = [(s["title"], s["paper"]["headline"]) for s in context["standing_papers"]]
    assert ("Risk register", "Risk register for Lichfield Locality Commissioning Board") in titles


def test_the_clerk_corrects_a_seat_on_its_page_and_through_the_api(client, lichfield):
    walker = lichfield.seats["walker"]
    sign_in(client, lichfield.clerk, lichfield.world.district)
    url = reverse("board-member-change", args=[walker.pk])
    assert f"Change {walker.person}" in client.get(url).content.decode()
    response = client.post(url, {"is_elected_member": "on", "kind": "full", "role_title": "Cabinet Member"})
    assert response.status_code == 302
    walker.refresh_from_db()
    assert walker.is_elected_member and walker.role_title == "Cabinet Member"
    # An adviser's seat stays advisory: refused on the form, nothing lost.
    adviser = lichfield.seats["adviser"]
    response = client.post(
        reverse("board-member-change", args=[adviser.pk]), {"kind": "full", "role_title": "Voluntary sector"}
    )
    assert response.status_code == 400 and "advises and does not vote" in response.content.decode()

    response = client.post(f"/api/v1/board-members/{walker.pk}/change/", {"is_elected_member": False}, format="json")
    assert response.status_code == 200 and response.json()["is_elected_member"] is False
    # A member who is not the clerk or chair cannot.
    ccg = lichfield.seats["ccg"]
    sign_in(client, ccg.person, lichfield.ccg)
    assert client.post(f"/api/v1/board-members/{walker.pk}/remove/", {}, format="json").status_code == 403
    sign_in(client, lichfield.clerk, lichfield.world.district)
    response = client.post(f"/api/v1/board-members/{ccg.pk}/remove/", {"reason": "Left the CCG"}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
