"""Pure checks and derived values for the risk register (read, never write)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from commissioning.commissions.permissions import is_lead
from commissioning.risks.models import Risk, RiskStatus
from commissioning.service_map.permissions import org_id
from core.errors import NotPermitted
from partners.models import Role

# Who may open the pages that change a risk (the lead's commissioner or the risk's owner, checked in the service).
EDIT_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN)


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int  # lowest score in the band
    colour: str  # GOV.UK tag colour; the label always says it in words too


# Score bands of the 5 x 5 grid (likelihood x impact): the label is always shown, never the colour alone.
BANDS: tuple[Band, ...] = (
    Band("low", "Low", 1, "green"),
    Band("medium", "Medium", 5, "yellow"),
    Band("high", "High", 10, "orange"),
    Band("very_high", "Very high", 15, "red"),
)


def band_of(score: int) -> Band:
    """The band a score (1-25) falls in: 1-4 low, 5-9 medium, 10-14 high, 15-25 very high."""
    found = BANDS[0]
    for band in BANDS:
        if score >= band.low:
            found = band
    return found


def score_of(likelihood: int, impact: int) -> int:
    return likelihood * impact


def is_owner(risk: Risk, by: Any) -> bool:
    user = getattr(by, "user", None)
    return (
        user is not None
        and risk.owner_id == user.pk
        and (risk.owner_organisation_id is None or org_id(by) == risk.owner_organisation_id)
    )


def may_edit(risk: Risk, by: Any) -> bool:
    """The lead commissioner and the risk's owner change and close a risk."""
    return is_lead(risk.commission, by) or is_owner(risk, by)


def require_edit(risk: Risk, by: Any, doing: str) -> None:
    if not may_edit(risk, by):
        raise NotPermitted(f"Only the lead commissioner ({risk.commission.lead}) or the risk's owner can {doing}")


def review_due(risk: Risk, today: dt.date) -> bool:
    """A risk still open or managed whose review date has passed and was not reminded for that date yet."""
    return risk.status != RiskStatus.CLOSED and risk.review_date < today and risk.reminded_for != risk.review_date
