"""Builders for notice tests: a tender's regime facts (CPV codes, value including VAT), a signed conflicts
assessment, and a notice taken through its steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from notices import services
from notices.models import Notice
from partners.acting import Acting
from procurement.conflicts.models import ConflictsAssessment
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.factories.procurement import draft_tender, lead_of, signed_assessment, standard_method

SCHEDULE_1_CODES = ["85320000-8", "85311000-2"]  # social work services; social work services with accommodation
VALUE_INC_VAT = Decimal("157500.00")


def give_regime_facts(tender: Tender, monkeypatch: Any = None) -> Tender:
    """The facts a tender notice needs that a tender records in its regime: Schedule 1 CPV codes (light touch) and
    the value including VAT (test set-up: the lead would enter them on the tender form)."""
    Tender._base_manager.filter(pk=tender.pk).update(
        cpv_codes=SCHEDULE_1_CODES, estimated_value_inc_vat=VALUE_INC_VAT, is_light_touch=True
    )
    return Tender._base_manager.get(pk=tender.pk)


def sign_assessment(tender: Tender, lead: Acting, *, stage: str = "tender") -> ConflictsAssessment:
    return signed_assessment(tender, lead, stage=stage)


def ready_tender(world: Any, **kwargs: Any) -> Tender:
    """A Lichfield tender with its evaluation method approved, its regime recorded, not yet published: the tender
    notice opens it."""
    lead = lead_of(world)
    tender = draft_tender(world, **kwargs)
    standard_method(tender, lead)
    tender_services.method_submit(tender=tender, by=lead)
    return give_regime_facts(tender)


def publish(notice: Notice, lead: Acting) -> Notice:
    for step in ("check", "approve", "publish"):
        notice = services.notice_transition(notice=notice, name=step, by=lead)
    return Notice._base_manager.get(pk=notice.pk)
