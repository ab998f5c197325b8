"""Route-walker builders for monitoring: the debt advice contract with agreed KPIs, a submitted return (with
evidence and confidential feedback), a visit, an improvement plan with an action, and an end-of-contract review
with a decommissioning step and an outcome tracked afterwards. The lead commissioner owns them (the evidence file is
opened as its provider, who uploaded it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from monitoring.kpis.models import Kpi, KpiSet
from monitoring.oversight.models import ImprovementAction, ImprovementPlan, MonitoringVisit
from monitoring.oversight.services import action_add, plan_open, visit_plan
from monitoring.returns.models import KpiReturn
from monitoring.reviews.models import DecommissioningStep, EndReview, OutcomeFollowUp
from monitoring.reviews.services import follow_up_add, review_start, review_update
from tests.factories.monitoring import debt_advice
from tests.route_targets import Target


def _monitoring(w: Any) -> dict[str, Any]:
    if "monitoring" in w.extras:
        return w.extras["monitoring"]  # type: ignore[no-any-return]

    ex = debt_advice(w)
    kpi_return = ex.submitted_return(
        dt.date(2025, 4, 1),
        {"People given debt advice": "101"},
        feedback_summary="Clients felt listened to.",
        confidential_details="Client 17: pressured by a bailiff.",
    )
    evidence = kpi_return.evidence.first()
    visit = visit_plan(
        contract=ex.contract, planned_on=dt.date(2026, 12, 3), purpose="See a drop-in session", by=ex.lead
    )
    plan = plan_open(
        contract=ex.contract,
        title="Reach more people",
        concern="Q1 was red",
        support_offered="Referral routes from the district's housing team",
        by=ex.lead,
        kpis=[ex.kpi("People given debt advice")],
        source_return=kpi_return,
    )
    action = action_add(
        plan=plan,
        action="Weekly outreach at the library",
        owner_name="Mo Hussain",
        owner_organisation=w.provider,
        due_on=dt.date(2026, 12, 31),
        by=ex.lead,
    )
    review = review_start(contract=ex.contract, by=ex.lead)
    review_update(review=review, summary="", lessons="", feedback="", track_outcomes=True, by=ex.lead)
    follow_up = follow_up_add(
        contract=ex.contract, measure="Re-survey clients a year on", due_on=dt.date(2029, 3, 31), by=ex.lead
    )
    w.extras["monitoring"] = {
        "example": ex,
        "contract": ex.contract,
        "kpi_set": ex.kpi_set,
        "kpi": ex.kpi("Complaints upheld"),
        "return": kpi_return,
        "evidence": evidence,
        "visit": visit,
        "plan": plan,
        "action": action,
        "review": review,
        "step": DecommissioningStep.objects.filter(review=review).first(),
        "follow_up": follow_up,
    }
    return w.extras["monitoring"]  # type: ignore[no-any-return]


def _lead(key: str):
    return lambda w: Target(_monitoring(w)[key].pk, w.county, user=w.lead_commissioner)


KWARGS = {
    "monitored_contract_id": _lead("contract"),
    "kpi_set_id": _lead("kpi_set"),
    "kpi_id": _lead("kpi"),
    "kpi_return_id": _lead("return"),
    "return_evidence_id": lambda w: Target(_monitoring(w)["evidence"].pk, w.provider, user=w.bidder),
    "visit_id": _lead("visit"),
    "improvement_plan_id": _lead("plan"),
    "improvement_action_id": _lead("action"),
    "end_review_id": _lead("review"),
    "decommissioning_step_id": _lead("step"),
    "outcome_follow_up_id": _lead("follow_up"),
}

API_OBJECTS = {
    KpiSet: _lead("kpi_set"),
    Kpi: _lead("kpi"),
    KpiReturn: _lead("return"),
    MonitoringVisit: _lead("visit"),
    ImprovementPlan: _lead("plan"),
    ImprovementAction: _lead("action"),
    EndReview: _lead("review"),
    DecommissioningStep: _lead("step"),
    OutcomeFollowUp: _lead("follow_up"),
}
