"""Every model of contract monitoring, re-exported so that Django's app registry and migrations find them.

This module only re-exports: code imports each model from the package that owns it (``monitoring.kpis.models``,
``monitoring.returns.models``, ``monitoring.oversight.models``, ``monitoring.reviews.models``).
"""

from monitoring.kpis.models import Kpi, KpiSet, KpiSetResponse
from monitoring.oversight.models import ImprovementAction, ImprovementPlan, MonitoringVisit
from monitoring.returns.models import ConfidentialFeedback, KpiReturn, KpiValue, ReturnEvidence, ReturnQuery
from monitoring.reviews.models import DecommissioningStep, EndReview, OutcomeFollowUp

__all__ = [
    "ConfidentialFeedback",
    "DecommissioningStep",
    "EndReview",
    "ImprovementAction",
    "ImprovementPlan",
    "Kpi",
    "KpiReturn",
    "KpiSet",
    "KpiSetResponse",
    "KpiValue",
    "MonitoringVisit",
    "OutcomeFollowUp",
    "ReturnEvidence",
    "ReturnQuery",
]
