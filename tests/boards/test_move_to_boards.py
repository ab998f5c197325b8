"""The board moved from ``partners`` to its own app without moving a row: a database that held board data before
the move (meetings, decisions, object permissions, audit history) reads it all back afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from boards.models import Board, Decision, Meeting
from core import audit
from core.tenancy import unscoped
from partners.models import Partnership, User

BEFORE = [("partners", "0005_invitation_emailed_at"), ("boards", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate to ``targets``; return the historical models of the whole project at that point."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    executor.loader.build_graph()
    # The state the database is now in: every applied migration (an app's newest migration may depend on a later
    # partners migration than the target, and is then unapplied with it).
    applied = [node for node in executor.loader.applied_migrations if node in executor.loader.graph.nodes]
    return executor.loader.project_state(applied).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_the_move(transactional_db: Any) -> Iterator[Any]:
    """The schema as it was before the move; whatever happens, the database ends at the latest migrations."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(_latest())


def test_board_data_written_before_the_move_is_read_back_after_it(before_the_move):
    old = before_the_move
    # The old world: the board's models belong to partners, and so do their content types.
    OldContentType = old.get_model("contenttypes", "ContentType")
    meeting_type = OldContentType.objects.get(app_label="partners", model="meeting")
    board_type = OldContentType.objects.get(app_label="partners", model="board")
    assert not OldContentType.objects.filter(app_label="boards").exists()

    # Rows of tables that have changed since are written through the models of the time.
    organisation = old.get_model("partners", "Organisation").objects.create(
        name="Lichfield District Council", kind="district_council", sector="public"
    )
    chair = User.objects.create_user("chair@lichfield.test", "x", full_name="Chris Chair")
    partnership = Partnership.objects.create(name="Lichfield partnership", accountable_body_id=organisation.pk)

    OldBoard = old.get_model("partners", "Board")
    OldMember = old.get_model("partners", "BoardMember")
    OldMeeting = old.get_model("partners", "Meeting")
    OldItem = old.get_model("partners", "AgendaItem")
    OldDecision = old.get_model("partners", "Decision")
    board = OldBoard.objects.create(partnership_id=partnership.pk, name="Lichfield Locality Commissioning Board")
    OldMember.objects.create(board=board, person_id=chair.pk, organisation_id=organisation.pk)
    starts = dt.datetime(2026, 11, 3, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    meeting = OldMeeting.objects.create(board=board, starts_at=starts, location="Frog Lane", status="held")
    item = OldItem.objects.create(meeting=meeting, kind="other", title="Priorities for 2026/27", status="noted")
    decision = OldDecision.objects.create(
        item=item, outcome="note", recorded_by_id=chair.pk, recorded_by_name="Chris Chair", quorum={"ok": True}
    )
    # An object permission on the board (guardian) and an audit event on the meeting, both by content type.
    OldPermission = old.get_model("auth", "Permission")
    sit = OldPermission.objects.get(content_type=board_type, codename="sit_on_board")
    OldUserObjectPermission = old.get_model("guardian", "UserObjectPermission")
    OldUserObjectPermission.objects.create(
        user_id=chair.pk, permission=sit, content_type=board_type, object_pk=str(board.pk)
    )
    OldAuditEvent = old.get_model("core", "AuditEvent")
    OldAuditEvent.objects.create(
        actor_id=chair.pk,
        actor_name="Chris Chair",
        organisation_id=organisation.pk,
        visible_to=[organisation.pk],
        content_type=meeting_type,
        object_id=str(meeting.pk),
        object_repr="Lichfield Locality Commissioning Board, 3 November 2026",
        action="transition",
        from_state="papers_published",
        to_state="held",
    )

    _migrate(_latest())

    # The same rows, through the new app's models; nothing was copied.
    with unscoped(reason="the test reads the moved rows whatever their organisation"):
        moved = Meeting.objects.get(pk=meeting.pk)
        assert moved.board.name == "Lichfield Locality Commissioning Board"
        assert moved.location == "Frog Lane" and moved.status == Meeting.Status.HELD
        recorded = Decision.objects.get(pk=decision.pk)
        assert recorded.item.title == "Priorities for 2026/27" and recorded.quorum == {"ok": True}
        # The content types moved in place: same ids, new label; nothing left under the old one.
        assert ContentType.objects.get_for_model(Meeting).pk == meeting_type.pk
        assert ContentType.objects.get_for_model(Board).pk == board_type.pk
        assert ContentType.objects.get_for_model(Meeting).app_label == "boards"
        assert not ContentType.objects.filter(app_label="partners", model__in=["meeting", "board"]).exists()
        # The meeting's audit history is still found from the moved model.
        history = list(audit.history_for(moved))
        assert [(e.action, e.from_state, e.to_state) for e in history] == [("transition", "papers_published", "held")]
        # Permission codenames stay; the object permission granted before the move still holds.
        assert Permission.objects.filter(content_type__app_label="boards", codename="clerk_board").exists()
        person = User.objects.get(pk=chair.pk)
        assert person.has_perm("boards.sit_on_board", Board.objects.get(pk=board.pk))
