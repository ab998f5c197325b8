"""The clerk's and chair's pages, driven with the test client: set up a board, seat its members, schedule a meeting,
build the agenda (with a paper), record attendance and the chair, minutes, and move the meeting on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from boards.models import AgendaItem, Attendance, Board, BoardMember, Meeting
from partners.models import Role
from tests.conftest import sign_in
from tests.factories.partners import person

pytestmark = pytest.mark.django_db


def test_a_commissioner_sets_up_a_board_and_seats_its_members(client, world):
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get(reverse("board-create")).status_code == 200
    response = client.post(
        reverse("board-create"),
        {
            "partnership": world.partnership.pk,
            "name": "Lichfield Locality Commissioning Board",
            "min_members": 4,
            "min_share": "51",
            "chair_absence_rule": "elect_from_present",
            "is_public": "on",
        },
    )
    board = Board.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("board-detail", args=[board.pk])
    assert (board.min_members, str(board.min_share)) == (4, "51.00")
    assert world.lead_commissioner.has_perm("boards.clerk_board", board)

    chair_membership = world.board_member.memberships.get()
    response = client.post(
        reverse("board-member-add", args=[board.pk]),
        {"seat_kind": "partner", "person": chair_membership.pk, "kind": "full", "role_title": "Cabinet Member"},
    )
    assert response.status_code == 302
    chair = BoardMember.objects.get(person=world.board_member)
    # A substitute must name their member.
    sub_person = person(world.district, Role.BOARD_MEMBER, name="Sue Stand-in")
    response = client.post(
        reverse("board-member-add", args=[board.pk]),
        {"seat_kind": "partner", "person": sub_person.memberships.get().pk, "kind": "substitute"},
    )
    assert response.status_code == 400
    assert "Choose the full member this person substitutes for" in response.content.decode()
    response = client.post(
        reverse("board-member-add", args=[board.pk]),
        {
            "seat_kind": "partner",
            "person": sub_person.memberships.get().pk,
            "kind": "substitute",
            "substitute_for": chair.pk,
        },
    )
    assert response.status_code == 302
    # The quorum rule and the chair are changed on the edit page.
    response = client.post(
        reverse("board-edit", args=[board.pk]),
        {
            "name": board.name,
            "min_members": 3,
            "min_share": "50",
            "required_organisations": [world.district.pk],
            "chair_absence_rule": "elect_from_present",
            "is_public": "on",
            "chair": chair.pk,
        },
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.chair == chair and board.min_members == 3
    detail = client.get(reverse("board-detail", args=[board.pk])).content.decode()
    assert "At least 3 full members (50% of full members), including someone from Lichfield District Council" in detail
    assert "Sue Stand-in" in detail


def test_the_clerk_runs_a_meeting_through_the_pages(client, lichfield):
    sign_in(client, lichfield.clerk, lichfield.world.district)
    board = lichfield.board
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("meeting-create", args=[board.pk]),
        {"date": day.isoformat(), "time": "14:00", "location": "Council House"},
    )
    meeting = Meeting.objects.exclude(pk=lichfield.meeting.pk).get()
    assert response["Location"] == reverse("meeting-detail", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).hour == 14

    paper = SimpleUploadedFile("report.pdf", b"%PDF-1.4 quarter 2", content_type="application/pdf")
    response = client.post(
        reverse("item-create", args=[meeting.pk]),
        {"kind": "monitoring_report", "title": "Community transport: quarter 2", "summary": "KPIs met", "paper": paper},
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    download = client.get(reverse("item-paper", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.post(reverse("item-create", args=[meeting.pk]), {"kind": "award"}).status_code == 400

    client.post(reverse("meeting-transition", args=[meeting.pk]), {"transition": "publish_papers"})
    meeting.refresh_from_db()
    assert meeting.status == "papers_published"

    form = {f"m{m.pk}": "apologies" for m in lichfield.seats.values() if m.kind != "substitute"}
    for key in ("director", "scc_lead", "ccg", "pcc"):
        form[f"m{lichfield.seats[key].pk}"] = "present"
    assert client.post(reverse("meeting-attendance", args=[meeting.pk]), form).status_code == 302
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 4
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Record who chairs the meeting" in page
    response = client.post(reverse("meeting-chair", args=[meeting.pk]), {"member": lichfield.seats["director"].pk})
    assert response.status_code == 302
    assert (
        "Dana Price (appointed from those present)"
        in client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    )

    client.post(reverse("item-decide", args=[item.pk]), {"outcome": "note", "method": "consensus"})
    item.refresh_from_db()
    assert item.status == "noted"
    client.post(reverse("meeting-transition", args=[meeting.pk]), {"transition": "hold"})
    assert (
        client.post(
            reverse("meeting-minutes", args=[meeting.pk]), {"minutes": "The board noted the report."}
        ).status_code
        == 302
    )
    client.post(reverse("meeting-transition", args=[meeting.pk]), {"transition": "approve_minutes"})
    meeting.refresh_from_db()
    assert meeting.status == "minutes_approved"
    report = client.get(
        reverse("board-report", args=[board.pk]),
        {"start": (day - dt.timedelta(days=1)).isoformat(), "end": day.isoformat()},
    )
    assert "Community transport: quarter 2" in report.content.decode()


def test_a_member_without_a_seat_cannot_manage(client, lichfield):
    commissioner = person(lichfield.world.district, Role.COMMISSIONER)
    sign_in(client, commissioner, lichfield.world.district)
    assert client.get(reverse("board-detail", args=[lichfield.board.pk])).status_code == 200
    assert client.get(reverse("meeting-create", args=[lichfield.board.pk])).status_code == 403
    assert client.get(reverse("board-edit", args=[lichfield.board.pk])).status_code == 403
    assert client.get(reverse("meeting-pack", args=[lichfield.meeting.pk])).status_code == 403
