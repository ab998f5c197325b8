"""Decisions: quorum checked at the moment of decision from attendance, refused naming the failing condition;
the subject's state machine moved through its registered handler; recorded decisions immutable; corrections as
new records."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from boards import rules
from boards import services as board_services
from boards.models import AgendaItem, Decision, DecisionChangeError
from core import handlers
from core.audit import history_for
from core.errors import DomainError, NotPermitted

pytestmark = pytest.mark.django_db


def _award(lichfield, fake_award):
    return lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)


def test_award_decision_refused_without_a_district_council_member(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("scc_lead", "public_health", "ccg", "pcc", apologies=("walker", "director", "econ"))
    with pytest.raises(DomainError) as refused:
        board_services.decision_record(item=item, outcome="approve", by=lichfield.clerk_acting)
    assert refused.value.message == "The board is not quorate for this item, so it cannot decide"
    assert refused.value.problems == ["No one from Lichfield District Council is present"]
    assert not Decision.objects.exists()
    assert fake_award.states[1] == "recommended"
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.OPEN


def test_award_approved_with_quorum_moves_the_subject_into_standstill(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    decision = board_services.decision_record(
        item=item, outcome="approve", minute="Award approved", by=lichfield.chair_acting
    )
    assert fake_award.states[1] == "standstill"
    assert fake_award.calls == [{"subject_id": 1, "outcome": "approve", "decision": decision.pk, "corrects": None}]
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.APPROVED
    assert decision.quorum["ok"] is True
    assert decision.quorum["summary"] == "Quorate: 4 of 7 full members (57%), including Lichfield District Council"
    assert decision.public_summary.startswith("Older people's independence service awarded to Age UK")
    assert decision.subject_title == "Older people's independence service: award recommendation 1"
    assert [e.action for e in history_for(decision)] == ["board.decision_recorded"]
    assert [e.to_state for e in history_for(item) if e.action == "board_item.approve"] == ["approved"]


def test_a_member_excluded_from_the_item_does_not_count_towards_its_quorum(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    ccg = lichfield.ccg_declares_interest(item)
    board_services.exclusion_record(item=item, member=ccg, reason="Trustee of a bidder", by=lichfield.chair_acting)
    with pytest.raises(DomainError) as refused:
        board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    assert refused.value.problems[0].startswith("Only 3 full members present; at least 4 needed")
    # Another member arrives: quorate again without the excluded member.
    lichfield.attend("walker", "scc_lead", "ccg", "pcc", "director")
    decision = board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    assert "Wayne Fisher" not in " ".join(decision.quorum["counted"])
    assert fake_award.states[1] == "standstill"


def test_a_substitute_completes_the_quorum(lichfield, fake_award):
    item = lichfield.item()
    lichfield.attend("walker", "ccg", "pcc", apologies=("scc_lead",), substitute=True)
    decision = board_services.decision_record(item=item, outcome="note", by=lichfield.chair_acting)
    assert decision.quorum["seats"] == 4
    assert any("Tom Jones" in name and "substituting for Jon Hale" in name for name in decision.quorum["counted"])


def test_an_advisory_member_does_not_complete_the_quorum(lichfield):
    item = lichfield.item()
    lichfield.attend("walker", "ccg", "pcc", "adviser")
    with pytest.raises(DomainError) as refused:
        board_services.decision_record(item=item, outcome="note", by=lichfield.chair_acting)
    assert "Only 3 full members present; at least 4 needed" in refused.value.problems


def test_recorded_decisions_cannot_be_changed_or_deleted(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    decision = board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    decision.outcome = "reject"
    with pytest.raises(DecisionChangeError):
        decision.save()
    with pytest.raises(DecisionChangeError):
        decision.delete()
    # Not even by going round the model: the database trigger refuses.
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(outcome="reject")
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM partners_decision WHERE id = %s", [decision.pk])
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.outcome == "approve"


def test_a_second_decision_on_a_decided_item_is_refused(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    with pytest.raises(DomainError, match="record a correction"):
        board_services.decision_record(item=item, outcome="reject", by=lichfield.chair_acting)


def test_a_correction_is_a_new_record_that_moves_the_subject_again(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    first = board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    with pytest.raises(DomainError, match="Say why"):
        board_services.decision_record(item=item, outcome="defer", corrects=first, by=lichfield.clerk_acting)
    second = board_services.decision_record(
        item=item,
        outcome="defer",
        corrects=first,
        correction_reason="The board deferred it; approve was recorded in error",
        by=lichfield.clerk_acting,
    )
    first.refresh_from_db()
    assert first.outcome == "approve"  # the original stays on the record
    assert second.corrects_id == first.pk and first.corrected_by == second
    assert rules.current_decision(item) == second
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DEFERRED
    assert fake_award.calls[-1] == {"subject_id": 1, "outcome": "defer", "decision": second.pk, "corrects": first.pk}
    assert fake_award.states[1] == "recommended"
    with pytest.raises(DomainError, match="current decision"):
        board_services.decision_record(
            item=item, outcome="approve", corrects=first, correction_reason="x", by=lichfield.clerk_acting
        )
    assert Decision.objects.filter(item=item).count() == 2


def test_the_subjects_refusal_rolls_the_decision_back(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    fake_award.refuse = "The standstill letters cannot be sent: no bidder has been told yet"
    with pytest.raises(DomainError, match="standstill letters"), transaction.atomic():
        board_services.decision_record(item=item, outcome="approve", by=lichfield.chair_acting)
    assert not Decision.objects.filter(item=item).exists()
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.OPEN


def test_moderation_route_and_vote_are_recorded_and_checked(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc", "director")
    with pytest.raises(DomainError, match="consensus has no vote"):
        board_services.decision_record(item=item, outcome="approve", votes_for=3, by=lichfield.chair_acting)
    with pytest.raises(DomainError, match="moderation route"):
        board_services.decision_record(item=item, outcome="approve", method="moderation", by=lichfield.chair_acting)
    with pytest.raises(DomainError, match="6 votes recorded but only 5 full members"):
        board_services.decision_record(
            item=item,
            outcome="approve",
            method="moderation",
            moderation_route="Vote",
            votes_for=4,
            votes_against=2,
            by=lichfield.chair_acting,
        )
    with pytest.raises(DomainError, match="2 for and 2 against: that does not approve it"):
        board_services.decision_record(
            item=item,
            outcome="approve",
            method="moderation",
            moderation_route="Vote",
            votes_for=2,
            votes_against=2,
            votes_abstain=1,
            by=lichfield.chair_acting,
        )
    decision = board_services.decision_record(
        item=item,
        outcome="approve",
        method="moderation",
        moderation_route="A vote of the full members present",
        moderation_result="Carried 3 to 1, one abstention",
        votes_for=3,
        votes_against=1,
        votes_abstain=1,
        by=lichfield.chair_acting,
    )
    assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (3, 1, 1)
    assert fake_award.states[1] == "standstill"


def test_only_the_meetings_chair_or_the_clerk_record_decisions(lichfield, fake_award):
    item = lichfield.item()
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    member = lichfield.seats["ccg"]
    with pytest.raises(NotPermitted):
        board_services.decision_record(item=item, outcome="note", by=lichfield.by(member.person))


def test_a_subject_item_must_be_approved_rejected_or_deferred(lichfield, fake_award):
    item = _award(lichfield, fake_award)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    with pytest.raises(DomainError, match="approve, reject or defer"):
        board_services.decision_record(item=item, outcome="note", by=lichfield.chair_acting)


def test_items_needing_a_subject_say_so_when_tendering_is_not_set_up(lichfield):
    with (
        handlers.override("procurement.evaluation_method"),
        pytest.raises(DomainError, match="Tendering is not set up"),
    ):
        lichfield.item(AgendaItem.Kind.EVALUATION_METHOD, subject_id=1)
