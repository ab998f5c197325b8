"""The names this app uses from the tender's regime, the conflicts assessment and open data, in one place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from commissioning.engagement.models import EngagementEvent, EventStatus
from commissioning.plans.models import ForwardPlan
from opendata.ocds import services as ocds_services
from procurement.conflicts.rules import assessment_problems
from procurement.tenders import cpv, regime
from procurement.tenders.models import Tender

BELOW_THRESHOLD_CODES = {"UK4": "UK4-BT", "UK7": "UK7-BT"}


def published_plans(tender: Tender) -> list[ForwardPlan]:
    """The partners' published forward plans the tender's joint commission was started from (the pipeline)."""
    return list(
        ForwardPlan.objects.filter(commission_id=tender.commission_id, published_at__isnull=False)
        .select_related("organisation")
        .order_by("procurement_date", "pk")
    )


def engagement_events(tender: Tender) -> list[EngagementEvent]:
    """The market engagement events and training held or open for the tender's joint commission."""
    return list(
        EngagementEvent.objects.filter(
            commission_id=tender.commission_id,
            status__in=(EventStatus.OPEN, EventStatus.CLOSED, EventStatus.HELD),
        ).order_by("starts_at", "pk")
    )


def cpv_codes(tender: Tender) -> list[str]:
    return list(tender.cpv_codes or [])


def cpv_title(code: str) -> str:
    return cpv.title_for(code)


def estimated_value_inc_vat(tender: Tender) -> Decimal | None:
    return tender.estimated_value_inc_vat


def is_light_touch(tender: Tender) -> bool:
    return bool(tender.is_light_touch)


def required_notices(tender: Tender) -> list[str]:
    """The notice codes the tender's regime asks for; below threshold, the below-threshold notices."""
    codes = regime.required_notices(tender)
    if regime.regime_for(tender) == regime.Regime.BELOW_THRESHOLD:
        return [BELOW_THRESHOLD_CODES.get(code, code) for code in codes]
    return codes


def conflicts_problems(tender: Tender, *, stage: str) -> list[str]:
    """What is missing from the tender's signed conflicts assessment (s.83) at ``stage``."""
    return [str(p) for p in assessment_problems(tender, stage=stage)]


def event_key(tender: Tender, event: str, *parts: Any) -> str:
    return ocds_services.event_key(tender, event, *parts)


def record_release(
    *,
    tender: Tender,
    tags: list[str],
    by: Any,
    source_key: str,
    notice: Any = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Record the OCDS release of a published event (once per ``source_key``)."""
    return ocds_services.record_release(
        tender=tender, tags=tags, by=by, source_key=source_key, notice=notice, extra=extra
    )
