"""Reads about one return: its values in KPI order, and the confidential feedback for those who may read it."""

from __future__ import annotations

from typing import Any

from monitoring import permissions
from monitoring.returns.models import ConfidentialFeedback, KpiReturn, KpiValue


def return_values(kpi_return: KpiReturn) -> list[KpiValue]:
    return list(kpi_return.values.select_related("kpi__outcome").order_by("kpi__position", "kpi_id"))


def confidential_feedback_for(*, kpi_return: KpiReturn, by: Any) -> str | None:
    """The confidential details of user feedback: for the lead commissioner's organisation only (also enforced by
    the model's tenant filter). Everyone else -- partners, the board and the provider -- gets None."""
    if not permissions.is_lead_organisation(kpi_return.contract, by):
        return None
    found = ConfidentialFeedback.objects.filter(kpi_return=kpi_return).first()
    return found.details if found else None
