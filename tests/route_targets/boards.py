from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from boards.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    BoardPack,
    Decision,
    Declaration,
    Exclusion,
    Meeting,
)
from tests.factories.board import AgendaItemFactory, MeetingFactory, simple_board
from tests.route_targets import Target

# A board of the world's Lichfield partnership, chaired by the district's board member
# (the chair may do everything a route offers), with a meeting, an item, a declaration, an exclusion, a decision and
# a pack.


def _board_world(w):
    if "board" in w.extras:
        return w.extras["board"]
    board = simple_board(
        w.partnership, w.board_member, w.district, name="Lichfield Locality Commissioning Board", is_public=True
    )
    chair = board.chair
    meeting = MeetingFactory(board=board, starts_at=timezone.now())
    item = AgendaItemFactory(meeting=meeting, title="Community transport: monitoring report", paper_name="report.pdf")
    item.paper.save("report.pdf", ContentFile(b"%PDF-1.4 monitoring report"), save=True)
    Attendance.objects.create(meeting=meeting, member=chair, status=Attendance.Status.PRESENT)
    declaration = Declaration.objects.create(
        item=item, member=chair, has_interest=True, interest="Trustee of a provider"
    )
    exclusion = Exclusion.objects.create(item=item, member=chair, chair=chair, reason="Conflict")
    decided = AgendaItemFactory(meeting=meeting, title="Other business", status="noted")
    decision = Decision.objects.create(
        item=decided,
        outcome="note",
        recorded_by=w.board_member,
        recorded_by_name=str(w.board_member),
        quorum={"summary": "Quorate"},
    )
    pack = BoardPack.objects.create(meeting=meeting, content_hash="0" * 64)
    w.extras["board"] = {
        "board": board,
        "chair": chair,
        "meeting": meeting,
        "item": item,
        "declaration": declaration,
        "exclusion": exclusion,
        "decision": decision,
        "pack": pack,
        "attendance": Attendance.objects.get(meeting=meeting, member=chair),
    }
    return w.extras["board"]


def _board_target(key):
    return lambda w: Target(_board_world(w)[key].pk, w.district, user=w.board_member)


KWARGS = {
    "board_id": _board_target("board"),
    "board_member_id": _board_target("chair"),
    "board_meeting_id": _board_target("meeting"),
    "agenda_item_id": _board_target("item"),
    "board_decision_id": _board_target("decision"),
}


API_OBJECTS = {
    Board: _board_target("board"),
    BoardMember: _board_target("chair"),
    Meeting: _board_target("meeting"),
    AgendaItem: _board_target("item"),
    Attendance: _board_target("attendance"),
    Declaration: _board_target("declaration"),
    Exclusion: _board_target("exclusion"),
    Decision: _board_target("decision"),
    BoardPack: _board_target("pack"),
}
