"""What each deciding-grants URL keyword names, and who owns it: one small grants round of the Lichfield
partnership, assessed (the district assessor excluded from the food bank), decided under delegation, offers made.

- ``assessed_round_id``: the round (the county leads it; another organisation gets a 404).
- ``grant_assessor_id`` / ``scored_application_id``: the county assessor's seat and an application they scored.
- ``assessed_application_id``: an application the lead moderates and recommends.
- ``grant_decision_id``: the round's decision.
- ``grant_letter_id``: the food bank's offer letter (its bid writer's).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.tenancy import unscoped
from grants.assessment.models import AssessmentSheet, ModeratedGrantScore
from grants.decisions import services as decisions
from grants.decisions.models import GrantDecision, GrantLetter, GrantOutcome
from grants.programmes.models import GrantAssessor
from partners.models import Role
from tests.factories.commissioning import acting
from tests.factories.grant_decisions import Round, assessed, closed_round, recommended
from tests.route_targets import Target


def _round(w: Any) -> Round:
    if "grants:decided" not in w.extras:
        r = assessed(closed_round(w, threshold=Decimal("6000.00")))
        officer = w.member(w.county, Role.COMMISSIONER)
        decision = recommended(r, officer=officer)
        decisions.decision_step(decision=decision, name="decide", by=acting(officer, w.county))
        r.refresh()
        w.extras["grants:decided"] = r
    return w.extras["grants:decided"]  # type: ignore[no-any-return]


def _letter(w: Any) -> GrantLetter:
    r = _round(w)
    with unscoped(reason="route targets"):
        return GrantLetter.objects.get(application=r.applications[0])


KWARGS = {
    "assessed_round_id": lambda w: Target(_round(w).programme.pk, w.county),
    "grant_assessor_id": lambda w: Target(_round(w).assessors[0].pk, w.county, user=_round(w).panel[0].user),
    "scored_application_id": lambda w: Target(
        _round(w).applications[1].public_id, w.county, user=_round(w).panel[0].user
    ),
    "assessed_application_id": lambda w: Target(_round(w).applications[1].public_id, w.county),
    "grant_decision_id": lambda w: Target(_round(w).decision().pk, w.county),
    "grant_letter_id": lambda w: Target(
        _letter(w).public_id, _round(w).applicants[0].organisation, user=_round(w).applicants[0].user
    ),
}


def _sheet(w: Any) -> Target:
    r = _round(w)
    with unscoped(reason="route targets"):
        sheet = AssessmentSheet.objects.filter(assessor=r.assessors[0]).first()
    assert sheet is not None
    return Target(sheet.public_id, w.county, user=r.panel[0].user)


def _moderated(w: Any) -> Target:
    r = _round(w)
    with unscoped(reason="route targets"):
        row = ModeratedGrantScore.objects.filter(application=r.applications[0]).first()
    assert row is not None
    return Target(row.pk, w.county)


API_OBJECTS = {
    GrantAssessor: lambda w: Target(_round(w).assessors[0].pk, w.county),
    AssessmentSheet: _sheet,
    ModeratedGrantScore: _moderated,
    GrantDecision: lambda w: Target(_round(w).decision().pk, w.county),
    GrantLetter: lambda w: Target(
        _letter(w).public_id, _round(w).applicants[0].organisation, user=_round(w).applicants[0].user
    ),
    GrantOutcome: lambda w: Target(
        _round(w).applications[0].public_id, _round(w).applicants[0].organisation, user=_round(w).applicants[0].user
    ),
}
