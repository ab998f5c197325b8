"""The names this app uses from the tender's regime, the conflicts assessment and open data, in one place.

Temporary adapter: each name is read from the module that owns it when that module exists, and otherwise answers
the safe way (no CPV codes known, no assessment signed, no release recorded). Delete the fallbacks once
``procurement.tenders.regime``, ``procurement.conflicts`` and ``opendata.ocds`` are merged.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from importlib import import_module
from typing import Any

from procurement.conflicts.models import ConflictsAssessment
from procurement.tenders.models import Tender


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(import_module(module), name, None)  # type: ignore[no-any-return]
    except ImportError:
        return None


def cpv_codes(tender: Tender) -> list[str]:
    return list(getattr(tender, "cpv_codes", None) or [])


def cpv_title(code: str) -> str:
    title_for = _optional("procurement.tenders.cpv", "title_for")
    return str(title_for(code)) if title_for is not None else ""


def estimated_value_inc_vat(tender: Tender) -> Decimal | None:
    value = getattr(tender, "estimated_value_inc_vat", None)
    return Decimal(value) if value is not None else None


def is_light_touch(tender: Tender) -> bool:
    return bool(getattr(tender, "is_light_touch", False))


def required_notices(tender: Tender) -> list[str]:
    """The notice codes the tender's regime asks for (A1's ``regime.required_notices``)."""
    rule = _optional("procurement.tenders.regime", "required_notices")
    if rule is not None:
        return [str(code) for code in rule(tender)]
    return ["UK4", "UK6", "UK7"]


def conflicts_problems(tender: Tender, *, stage: str) -> list[str]:
    """What is missing from the tender's signed conflicts assessment (s.83) at ``stage``."""
    rule = _optional("procurement.conflicts.rules", "assessment_problems")
    if rule is not None:
        return [str(p) for p in rule(tender, stage=stage)]
    latest = ConflictsAssessment.objects.filter(tender=tender, stage=stage).order_by("-version").first()
    if latest is None:
        return ["No conflicts assessment for this tender: record and sign one (Procurement Act 2023 s.83)"]
    if not latest.is_signed:
        return ["The conflicts assessment is not signed: a named person signs it"]
    return []


def record_release(
    *,
    tender: Tender,
    tags: list[str],
    by: Any,
    source_key: str,
    notice: Any = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Record the OCDS release of a published event (C's ``opendata.ocds.services.record_release``)."""
    record = _optional("opendata.ocds.services", "record_release")
    if record is None:
        return None
    return record(tender=tender, tags=tags, by=by, source_key=source_key, notice=notice, extra=extra)
