from __future__ import annotations

import pytest
from django.db import connection, models
from django.db.utils import DatabaseError

from core import audit
from core.actors import SYSTEM
from core.errors import TransitionNotAllowed
from core.models import AppendOnlyError, AuditEvent
from core.workflow import Transition, Workflow, transition
from partners.acting import Acting
from partners.models import Membership, Partnership, Role


def acting(user, organisation):
    m = Membership.objects.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=m, roles=frozenset(m.roles))


def test_audit_records_who_when_what_and_from_which_state(world):
    by = acting(world.county_admin, world.county)
    event = audit.record(
        obj=world.partnership, action="partnership.renamed", by=by, from_state="a", to_state="b", reason="tidy"
    )
    event.refresh_from_db()
    assert event.actor == world.county_admin
    assert event.organisation == world.county
    assert (event.from_state, event.to_state, event.reason) == ("a", "b", "tidy")
    assert event.occurred_at is not None
    assert world.district.pk in event.visible_to and world.county.pk in event.visible_to
    assert world.other_council.pk not in event.visible_to


def test_audit_events_cannot_be_changed_or_deleted(world):
    event = audit.record(obj=world.county, action="x.y", by=SYSTEM)
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_changes_to_the_audit_trail_from_any_client(world):
    event = audit.record(obj=world.county, action="x.y", by=SYSTEM)
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


def _flow(guard_problems: list[str]) -> Workflow:
    return Workflow(
        "thing",
        State,
        [
            Transition(
                "open",
                (State.DRAFT,),
                State.OPEN,
                "Open",
                roles=frozenset({Role.COMMISSIONER}),
                who="a commissioner",
                guards=(lambda obj: guard_problems,),
            ),
            Transition("close", (State.OPEN,), State.CLOSED, "Close", system=True),
        ],
        field="description",
    )


def test_workflow_refuses_a_bad_move_with_reasons_and_records_a_good_one(world):
    partnership = Partnership.objects.get(pk=world.partnership.pk)
    partnership.description = State.DRAFT
    partnership.save()
    commissioner = acting(world.lead_commissioner, world.county)
    admin = acting(world.county_admin, world.county)

    with pytest.raises(TransitionNotAllowed) as refused:
        transition(obj=partnership, workflow=_flow([]), name="open", by=admin)
    assert "Only a commissioner" in str(refused.value)

    with pytest.raises(TransitionNotAllowed) as refused:
        transition(obj=partnership, workflow=_flow(["Lichfield has not signed"]), name="open", by=commissioner)
    assert refused.value.problems == ["Lichfield has not signed"]

    with pytest.raises(TransitionNotAllowed, match="Cannot close"):
        transition(obj=partnership, workflow=_flow([]), name="close", by=SYSTEM)

    moved = transition(obj=partnership, workflow=_flow([]), name="open", by=commissioner, reason="ready")
    assert moved.description == State.OPEN
    event = audit.history_for(partnership).first()
    assert (event.action, event.from_state, event.to_state, event.reason) == ("thing.open", "draft", "open", "ready")
    assert event.actor == world.lead_commissioner

    transition(obj=partnership, workflow=_flow([]), name="close", by=SYSTEM)
    assert Partnership.objects.get(pk=partnership.pk).description == State.CLOSED


def test_workflow_rejects_unknown_states():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("bad", State, [Transition("x", ("nowhere",), State.OPEN, "X")])
