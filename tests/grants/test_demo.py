"""The demo has a live example of every grant-round stage built so far: Lichfield's Food Poverty and Health Grants
Scheme open (£8,000 from two partners' contributions) with a draft application, and an earlier round closed with two
applications received; loading it twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from boards.models import Decision
from commissioning.commissions.models import Contribution
from grants.applications.models import GrantApplication
from grants.assessment.models import AssessorInterest
from grants.decisions.models import GrantDecision
from grants.demo import CLOSED_TITLE, OPEN_TITLE
from grants.programmes.models import GrantProgramme


@pytest.mark.django_db
@pytest.mark.timeout(600)
def test_the_demo_has_an_open_round_with_a_draft_and_a_closed_round_with_applications():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    open_round = GrantProgramme.objects.get(title=OPEN_TITLE)
    assert open_round.status == "open" and open_round.total_budget == Decimal("8000.00")
    money = Contribution.objects.filter(commission=open_round.commission)
    assert sorted((c.organisation.name, c.amount) for c in money) == [
        ("Lichfield District Council", Decimal("5000.00")),
        ("Staffordshire County Council", Decimal("3000.00")),
    ]
    assert [a.status for a in GrantApplication.objects.filter(programme=open_round)] == ["draft"]
    closed = GrantProgramme.objects.get(title=CLOSED_TITLE)
    # Deciding (grants.decisions.demo): assessed, decided by the board with quorum, offers made and one accepted.
    assert closed.status == "decided"
    received = GrantApplication.objects.filter(programme=closed).order_by("organisation__name")
    assert [(a.organisation.name, a.status) for a in received] == [
        ("Age UK South Staffordshire", "offered"),
        ("Citizens Advice Lichfield District", "accepted"),
    ]
    decision = GrantDecision.objects.get(programme=closed)
    assert decision.status == "approved" and decision.route == "board" and decision.board_name
    board_decision = Decision.objects.get(pk=decision.board_decision_id)
    assert board_decision.quorum and board_decision.outcome == "approve"
    assert AssessorInterest.objects.filter(assessor__programme=closed, application__in=received).count() == 1
    assert all(a.current_version.submitted_at < closed.closes_at for a in received)
