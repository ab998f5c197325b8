"""Board pages (members, chair, clerk; public), the REST API with the same permissions, and list pages that run a
fixed number of queries however many meetings, items, members and decisions there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from boards import services as board_services
from boards.models import AgendaItem, Attendance, Decision, Declaration, Exclusion, Meeting
from tests.conftest import sign_in
from tests.factories.board import AgendaItemFactory, BoardFactory, MeetingFactory, seat
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


def grow(lichfield, n: int) -> None:
    """``n`` more past meetings, each with three decided items, declarations, an exclusion and attendance; and
    ``n`` more advisory members."""
    board = lichfield.board
    walker = lichfield.seats["walker"]
    for i in range(n):
        seat(board, lichfield.cvs, kind="advisory", name=f"Adviser {n}-{i}")
        other = BoardFactory(
            partnership=board.partnership, name=f"Sub-board {n}-{i}", required=[lichfield.world.district]
        )
        seat(other, lichfield.world.district, user=walker.person)
        MeetingFactory(board=other)
        meeting = MeetingFactory(
            board=board, starts_at=timezone.now() - dt.timedelta(days=30 + i), status=Meeting.Status.HELD
        )
        for key in ("walker", "scc_lead", "ccg", "pcc"):
            Attendance.objects.create(meeting=meeting, member=lichfield.seats[key], status="present")
        for j in range(3):
            item = AgendaItemFactory(meeting=meeting, order=j + 1, status="noted", title=f"Report {i}.{j}")
            d = Declaration.objects.create(
                item=item, member=lichfield.seats["ccg"], has_interest=True, interest="Trustee"
            )
            Exclusion.objects.create(item=item, member=d.member, chair=walker, reason="Conflict")
            Declaration.objects.create(item=item, member=walker, has_interest=False)
            Decision.objects.create(
                item=item,
                outcome="note",
                recorded_by=walker.person,
                recorded_by_name="Chris Walker",
                quorum={"summary": "Quorate: 4 of 7"},
                public_summary="Noted",
            )


def _urls(lichfield, item) -> list[str]:
    b, m = lichfield.board.pk, lichfield.meeting.pk
    return [
        reverse("board-list"),
        reverse("board-detail", args=[b]),
        reverse("board-report", args=[b]),
        reverse("meeting-detail", args=[m]),
        reverse("item-detail", args=[item.pk]),
        reverse("dashboard"),
        reverse("public-board-list"),
        "/api/v1/boards/",
        "/api/v1/board-meetings/",
        "/api/v1/agenda-items/",
        "/api/v1/board-attendance/",
        "/api/v1/board-declarations/",
        "/api/v1/board-exclusions/",
        "/api/v1/board-decisions/",
        "/api/v1/board-packs/",
        f"/api/v1/boards/{b}/business/",
    ]


def test_list_pages_run_a_fixed_number_of_queries(client, lichfield, django_assert_num_queries):
    item = lichfield.item()
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    grow(lichfield, 1)
    sign_in(client, lichfield.seats["walker"].person, lichfield.world.district)
    urls = _urls(lichfield, item)
    for url in urls:
        client.get(url)  # warm caches (the unread count: core.unread)
    small = {url: page_queries(client, url) for url in urls}
    grow(lichfield, 12)
    for extra in range(8):  # the current meeting's agenda grows too
        lichfield.item(title=f"Item {extra}")
    for url in urls:
        client.get(url)  # warm again: growing notified people, so each unread count is recounted once (then cached)
    measured = {}
    for url in urls:
        with django_assert_num_queries(small[url]):
            client.get(url)
        measured[url] = small[url]
    print("board query counts:", measured)


def test_public_page_runs_a_fixed_number_of_queries(client, lichfield, django_assert_num_queries):
    grow(lichfield, 1)
    url = reverse("board-public", args=[lichfield.board.pk])
    small = page_queries(client, url)
    grow(lichfield, 12)
    with django_assert_num_queries(small):
        client.get(url)
    print("public board page queries:", small)


@pytest.fixture
def approved_award(lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    board_services.meeting_transition(meeting=lichfield.meeting, name="publish_papers", by=lichfield.clerk_acting)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    ccg = lichfield.ccg_declares_interest(item)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc", "director")
    board_services.exclusion_record(
        item=item, member=ccg, reason="Trustee of the recommended bidder", by=lichfield.chair_acting
    )
    board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    return item


def test_public_page_shows_decisions_and_declarations_without_confidential_detail(client, lichfield, approved_award):
    url = reverse("board-public", args=[lichfield.board.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lichfield Locality Commissioning Board" in html
    assert "Older people&#x27;s independence service awarded to Age UK South Staffordshire" in html
    assert "Interest declared by Wayne Fisher" in html and "Excluded from the item by the chair" in html
    for confidential in ("Moorlands Home Link", "Burton Money Matters", "80.0", "Weighted score", "Dee Okafor"):
        assert confidential not in html
    # The same public record for someone signed in to an unrelated organisation.
    sign_in(client, lichfield.world.outsider, lichfield.world.other_council)
    assert client.get(url).status_code == 200
    assert client.get(reverse("board-detail", args=[lichfield.board.pk])).status_code == 404
    assert client.get(reverse("meeting-detail", args=[lichfield.meeting.pk])).status_code == 404
    assert client.get(f"/api/v1/boards/{lichfield.board.pk}/").status_code == 404


def test_an_unpublished_board_has_no_public_page(client, lichfield):
    lichfield.board.is_public = False
    lichfield.board.save(update_fields=["is_public"])
    assert client.get(reverse("board-public", args=[lichfield.board.pk])).status_code == 404
    assert client.get(reverse("public-board-list")).status_code == 200


def test_a_member_sees_the_summary_and_conflicts_before_deciding(client, lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    sign_in(client, lichfield.seats["walker"].person, lichfield.world.district)
    page = client.get(reverse("item-decide", args=[item.pk])).content.decode()
    assert "The recommendation's evaluation summary and the panel's conflicts record" in page
    assert "Moorlands Home Link" in page and "Did not score Moorlands Home Link" in page
    assert "Quorate" in page
    # Deciding without confirming the summary was shown is refused, keeping what was chosen.
    response = client.post(reverse("item-decide", args=[item.pk]), {"outcome": "approve", "method": "consensus"})
    assert response.status_code == 400
    assert "Confirm the board has been shown the evaluation summary" in response.content.decode()
    response = client.post(
        reverse("item-decide", args=[item.pk]), {"outcome": "approve", "method": "consensus", "seen_summary": "on"}
    )
    assert response.status_code == 302
    assert fake_award.states[1] == "standstill"


def test_a_refused_decision_says_which_condition_fails(client, lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    lichfield.attend("scc_lead", "public_health", "ccg", "pcc", apologies=("walker",))
    sign_in(client, lichfield.clerk, lichfield.world.district)
    response = client.post(
        reverse("item-decide", args=[item.pk]), {"outcome": "approve", "method": "consensus", "seen_summary": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The board is not quorate for this item, so it cannot decide" in html
    assert "No one from Lichfield District Council is present" in html
    assert fake_award.states[1] == "recommended"


def test_api_records_decisions_and_never_changes_them(client, lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    sign_in(client, lichfield.seats["walker"].person, lichfield.world.district)
    quorum = client.get(f"/api/v1/agenda-items/{item.pk}/quorum/").json()
    assert quorum["ok"] is False and "Only 0 full members present; at least 4 needed" in quorum["failures"]
    refused = client.post(
        "/api/v1/board-decisions/", {"item": item.pk, "outcome": "approve"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "No one from Lichfield District Council is present" in refused.json()["problems"]
    for key in ("walker", "scc_lead", "ccg", "pcc"):
        response = client.post(
            "/api/v1/board-attendance/",
            {"meeting": lichfield.meeting.pk, "member": lichfield.seats[key].pk, "status": "present"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    created = client.post(
        "/api/v1/board-decisions/", {"item": item.pk, "outcome": "approve"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["outcome"] == "approve" and body["quorum"]["ok"] is True
    assert fake_award.states[1] == "standstill"
    url = f"/api/v1/board-decisions/{body['id']}/"
    assert client.get(url).status_code == 200
    assert client.put(url, {"outcome": "reject"}, content_type="application/json").status_code == 405
    assert client.patch(url, {"outcome": "reject"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    summary = client.get(f"/api/v1/agenda-items/{item.pk}/summary/").json()
    assert summary["conflicts"][0]["person"] == "Dee Okafor"
    correction = client.post(
        "/api/v1/board-decisions/",
        {"item": item.pk, "outcome": "defer", "corrects": body["id"], "correction_reason": "Recorded in error"},
        content_type="application/json",
    )
    assert correction.status_code == 201 and correction.json()["corrects"] == body["id"]


def test_api_permissions_match_the_pages(client, lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    viewer = lichfield.world.member(lichfield.world.district, "viewer")
    sign_in(client, viewer, lichfield.world.district)
    assert client.get("/api/v1/boards/").json()["count"] == 1
    assert client.get(f"/api/v1/agenda-items/{item.pk}/summary/").status_code == 403
    assert (
        client.post(
            "/api/v1/board-decisions/", {"item": item.pk, "outcome": "approve"}, content_type="application/json"
        ).status_code
        == 403
    )
    member = lichfield.seats["ccg"].person
    client.logout()
    sign_in(client, member, lichfield.ccg)
    refused = client.post(
        "/api/v1/board-decisions/", {"item": item.pk, "outcome": "approve"}, content_type="application/json"
    )
    assert refused.status_code == 403
    declared = client.post(
        "/api/v1/board-declarations/",
        {"item": item.pk, "has_interest": True, "interest": "Trustee of a bidder"},
        content_type="application/json",
    )
    assert declared.status_code == 201, declared.content
    assert declared.json()["member_name"] == "Wayne Fisher"
    excluded = client.post(
        "/api/v1/board-exclusions/",
        {"item": item.pk, "member": lichfield.seats["ccg"].pk, "reason": "x"},
        content_type="application/json",
    )
    assert excluded.status_code == 403


def test_api_looks_related_objects_up_in_the_callers_scope(client, lichfield):
    """Another organisation's item is not found (400), exactly like a missing one -- never looked up unscoped."""
    item = lichfield.item()
    sign_in(client, lichfield.world.outsider, lichfield.world.other_council)
    response = client.post(
        "/api/v1/board-decisions/", {"item": item.pk, "outcome": "note"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["item"][0]
    response = client.post(
        "/api/v1/board-declarations/", {"item": item.pk, "has_interest": False}, content_type="application/json"
    )
    assert response.status_code == 400


def test_an_items_steps_in_the_api_are_the_boards_decisions_with_the_same_checks(client, lichfield, fake_award):
    item = lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    sign_in(client, lichfield.seats["walker"].person, lichfield.world.district)
    steps = client.get(f"/api/v1/agenda-items/{item.pk}/transitions/").json()
    assert {"approve", "reject", "defer", "note", "withdraw"} <= {s["transition"] for s in steps}
    url = f"/api/v1/agenda-items/{item.pk}/transition/"
    refused = client.post(url, {"transition": "approve"}, content_type="application/json")
    assert refused.status_code == 400
    assert "No one from Lichfield District Council is present" in refused.json()["problems"]
    assert Decision.objects.filter(item=item).count() == 0
    for key in ("walker", "scc_lead", "ccg", "pcc"):
        client.post(
            "/api/v1/board-attendance/",
            {"meeting": lichfield.meeting.pk, "member": lichfield.seats[key].pk, "status": "present"},
            content_type="application/json",
        )
    approved = client.post(url, {"transition": "approve", "reason": "Agreed by all"}, content_type="application/json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    decision = Decision.objects.get(item=item)
    assert decision.outcome == "approve" and decision.minute == "Agreed by all" and decision.quorum["ok"] is True
    assert fake_award.states[1] == "standstill"
