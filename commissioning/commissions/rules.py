"""Pure checks (read, never write): the joint commission and who takes part in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from commissioning.commissions.models import (
    CommissioningModel,
    Contribution,
    JointCommission,
    Participation,
    loaded_rows,
)
from commissioning.commissions.permissions import is_lead
from commissioning.service_map.models import DEFAULT_FRAMEWORK_THRESHOLD, settings_for
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import format_gbp, money


def require_lead(commission: JointCommission, by: Actor, doing: str) -> None:
    if not is_lead(commission, by):
        raise NotPermitted(f"Only the lead commissioner ({commission.lead}) can {doing}")


def require_planning(commission: JointCommission, doing: str) -> None:
    if not commission.is_planning:
        raise DomainError(f"You cannot {doing} once the commission is {commission.get_status_display().lower()}")


@dataclass(frozen=True)
class Suggestion:
    model: str
    reason: str

    @property
    def label(self) -> str:
        return str(dict(CommissioningModel.choices)[self.model])


def suggest_model(
    *, partners: int, annual_value: Decimal | None, new_service: bool, threshold: Decimal = DEFAULT_FRAMEWORK_THRESHOLD
) -> Suggestion:
    """The seeds' guidance (Tamworth 2011, TSCiP options): many partners buying similar services -> aligned budget;
    three or fewer partners, a lower value or a new service -> stand-alone partnership; one partner above the
    framework threshold -> individual commissioning under the framework."""
    value_text = f"{format_gbp(annual_value)} a year" if annual_value is not None else "value not yet known"
    if partners <= 1:
        if annual_value is not None and annual_value > threshold:
            return Suggestion(
                CommissioningModel.INDIVIDUAL,
                f"One partner, {value_text}: above the framework threshold of {format_gbp(threshold)}, so it "
                "commissions individually under the framework procedure.",
            )
        return Suggestion(
            CommissioningModel.DO_NOTHING,
            f"One partner, {value_text}: at or below the framework threshold of {format_gbp(threshold)} the "
            "framework does not apply; keep the existing arrangements.",
        )
    if new_service:
        return Suggestion(
            CommissioningModel.STANDALONE,
            f"A new service with {partners} partners: stand-alone partnerships suit new services.",
        )
    if partners <= 3:
        return Suggestion(
            CommissioningModel.STANDALONE,
            f"{partners} partners: stand-alone partnerships suit three or fewer partners.",
        )
    if annual_value is not None and annual_value < threshold:
        return Suggestion(
            CommissioningModel.STANDALONE,
            f"{partners} partners but a lower value ({value_text}, under {format_gbp(threshold)}): a stand-alone "
            "partnership is proportionate.",
        )
    return Suggestion(
        CommissioningModel.ALIGNED,
        f"{partners} partners buying similar services ({value_text}): align budgets under a lead commissioner.",
    )


def suggestion_for(commission: JointCommission) -> Suggestion:
    """The suggestion for a commission as it stands: partners invited or taking part, and the first year's money."""
    partners = len(
        {
            p.organisation_id
            for p in loaded_rows(commission, "participations", Participation.objects.filter(commission=commission))
            if p.status in ("invited", "accepted")
        }
    )
    first_year = [
        c.amount
        for c in loaded_rows(commission, "contributions", Contribution.objects.filter(commission=commission))
        if c.financial_year == commission.first_year
    ]
    first = sum(first_year, Decimal("0")) if first_year else None
    threshold = settings_for(commission.partnership).framework_threshold
    return suggest_model(
        partners=max(partners, 1),
        annual_value=money(first) if first is not None else None,
        new_service=commission.new_service,
        threshold=threshold,
    )


def _check_term(term_years: int, start_date: dt.date | None) -> None:
    problems: dict[str, list[str]] = {}
    if not isinstance(term_years, int) or not 1 <= term_years <= 5:
        problems["term_years"] = ["The term must be between 1 and 5 years"]
    if start_date is None:
        problems["start_date"] = ["Enter the start date"]
    if problems:
        raise DomainError("Check the term", field_errors=problems)
