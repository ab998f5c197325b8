"""From Jointly's facts to a notice's field values: one builder per kind, each a function that reads and never writes.

Every value is JSON (text, numbers as text in pounds and pence, dates as ISO dates) and traces to one Jointly fact,
named in ``SOURCES`` (shown beside the value on the "prepare for Find a Tender" page). A value Jointly does not hold
is ``None`` (or an empty list): ``rules.missing_fields`` names it with what to do.

Sealed bids: no builder for a notice published before the award reads a bid. The award and contract builders read
the awarded contract (supplier, value) only, which exists only after the award.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from commissioning.models import Participation, ParticipationStatus
from commissioning.timetable.models import Stage
from core.money import money
from monitoring.kpis.models import Kpi
from monitoring.returns.models import KpiReturn, KpiValue, ReturnStatus
from notices import upstream
from notices.kinds import KINDS, NoticeKind
from partners.models import Organisation, OrganisationKind
from procurement.award.models import AwardRecommendation, Contract, RecommendationStatus
from procurement.tenders.models import Criterion, MethodStatus, Tender

Facts = dict[str, Any]
ACCEPTED_RETURNS = (ReturnStatus.ACCEPTED, ReturnStatus.ACCEPTED_WITH_NOTE)

SOURCES: dict[str, str] = {
    "contracting_authority": "The joint commission's lead organisation",
    "other_authorities": "The partners taking part in the joint commission",
    "title": "The tender's title",
    "procurement_identifier": "The tender's reference (or Jointly's tender number)",
    "description": "The tender's summary",
    "cpv_codes": "The tender's CPV codes",
    "estimated_value_inc_vat": "The tender's estimated value including VAT",
    "light_touch": "Whether the tender is a light-touch (Schedule 1) contract",
    "procedure": "The tender's procedure",
    "lots": "The tender's lots",
    "enquiry_deadline": "The tender's clarification deadline",
    "submission_deadline": "The tender's bid deadline",
    "award_criteria": "The approved evaluation method's criteria",
    "term_years": "The tender's contract term",
    "documents_url": "The opportunity's page on Jointly's portal",
    "estimated_tender_notice_date": "The planned start of the 'Tender' stage in the commission's timetable, else the "
    "earliest planned procurement date of the published forward plans the commission started from",
    "estimated_award_date": "The planned end of the 'Contract award signed' stage in the timetable, else the day "
    "before the earliest planned start of those published forward plans",
    "engagement": "The commission's market engagement events and training sessions, and the market engagement "
    "stages in its timetable",
    "pipeline_plans": "The partners' published forward plans the joint commission started from",
    "contract_identifier": "The signed contract's reference (or Jointly's contract number)",
    "supplier": "The provider that holds the contract",
    "supplier_identifier": "The provider's company or charity number",
    "supplier_is_vcse": "The provider's kind of organisation",
    "award_value": "The approved award: annual value times the term",
    "award_decision_date": "When the award recommendation was approved",
    "standstill_days": "The tender's standstill period (working days)",
    "contract_value": "The contract's shares, every partner and year",
    "date_signed": "The date the contract was signed",
    "contract_term": "The contract's start and end dates",
    "kpis": "The agreed KPIs for the contract",
    "assessment_period": "The accepted KPI returns' periods",
    "kpi_ratings": "The latest accepted KPI return: each KPI's value and rating",
    "modification": "The variation's reason and kind",
    "value_change": "The variation's change in value",
    "modification_date": "When the variation was agreed",
    "termination_reason": "The contract's termination reason",
    "termination_date": "The contract's termination date",
    "decision": "The reason recorded when the tender was cancelled",
    "decision_date": "When the tender was cancelled",
}

VCSE_KINDS = frozenset(
    {
        OrganisationKind.CHARITY,
        OrganisationKind.CIO,
        OrganisationKind.CIC,
        OrganisationKind.SOCIAL_ENTERPRISE,
    }
)
# The Act's performance ratings (Cabinet Office guidance on contract performance notices), from monitoring's RAG.
RAG_RATING = {"green": "Good", "amber": "Approaching target", "red": "Requires improvement", "": "Other"}
ENGAGEMENT_STAGES = ("training", "engagement", "market_engagement", "outlines")


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{money(value):.2f}"


def identifier_of(tender: Tender) -> str:
    return tender.reference or f"JOINTLY-T{tender.pk}"


def contract_identifier(contract: Contract) -> str:
    return contract.reference or f"JOINTLY-C{contract.pk}"


def organisation_identifier(org: Organisation) -> str | None:
    if org.company_number:
        return f"GB-COH-{org.company_number}"
    if org.charity_number:
        return f"GB-CHC-{org.charity_number}"
    return None


def _stage(tender: Tender, *keys: str) -> Stage | None:
    return Stage.objects.filter(commission_id=tender.commission_id, key__in=keys).order_by("planned_start").first()


# --- the parts every notice shares ----------------------------------------------------------------------------------


def common(tender: Tender) -> Facts:
    commission = tender.commission
    partners = [
        p.organisation.name
        for p in Participation.objects.filter(
            commission=commission, status=ParticipationStatus.ACCEPTED, is_lead=False
        ).select_related("organisation")
    ]
    return {
        "contracting_authority": commission.lead.name if commission.lead_id else None,
        "other_authorities": partners,
        "title": tender.title or None,
        "procurement_identifier": identifier_of(tender),
        "description": tender.summary or None,
    }


def tender_facts(tender: Tender) -> Facts:
    codes = upstream.cpv_codes(tender)
    method = getattr(tender, "method", None)
    criteria = (
        [
            {"name": c.name, "kind": c.get_kind_display(), "weight": c.weight}
            for c in Criterion.objects.filter(method=method).order_by("position", "id")
        ]
        if method is not None and method.status == MethodStatus.APPROVED
        else []
    )
    return {
        **common(tender),
        "cpv_codes": [{"code": code, "title": upstream.cpv_title(code)} for code in codes],
        "estimated_value_inc_vat": _amount(upstream.estimated_value_inc_vat(tender) or None),
        "light_touch": upstream.is_light_touch(tender),
        "procedure": tender.get_procedure_display(),
        "lots": [
            {"number": lot.number, "title": lot.title, "estimated_annual_value": _amount(lot.estimated_annual_value)}
            for lot in tender.lots.all()
        ],
        "enquiry_deadline": _date(tender.clarification_deadline),
        "submission_deadline": _date(tender.submission_deadline),
        "award_criteria": criteria,
        "term_years": tender.term_years,
        "documents_url": settings.JOINTLY_BASE_URL.rstrip("/")
        + reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk}),
    }


def contract_facts(contract: Contract) -> Facts:
    provider = contract.provider
    return {
        **common(contract.tender),
        "cpv_codes": [
            {"code": code, "title": upstream.cpv_title(code)} for code in upstream.cpv_codes(contract.tender)
        ],
        "contract_identifier": contract_identifier(contract),
        "supplier": provider.name,
        "supplier_identifier": organisation_identifier(provider),
        "supplier_is_vcse": provider.kind in VCSE_KINDS,
    }


# --- one builder per kind ---------------------------------------------------------------------------------------------


def build_uk1(tender: Tender, **_: Any) -> Facts:
    """The pipeline notice: from the commission's timetable, and from the partners' published forward plans the
    commission started from where the timetable does not say (value, tender notice date, award date)."""
    tender_stage = _stage(tender, "tender")
    award_stage = _stage(tender, "award")
    plans = upstream.published_plans(tender)
    value = upstream.estimated_value_inc_vat(tender) or None
    if value is None and plans:
        value = sum((p.estimated_value for p in plans), Decimal("0"))
    notice_date = tender_stage.planned_start if tender_stage else (plans[0].procurement_date if plans else None)
    award_date = (
        award_stage.planned_end
        if award_stage
        else (min(p.start_date for p in plans) - dt.timedelta(days=1) if plans else None)
    )
    return {
        **common(tender),
        "estimated_value_inc_vat": _amount(value),
        "estimated_tender_notice_date": _date(notice_date),
        "estimated_award_date": _date(award_date),
        "pipeline_plans": [
            {
                "partner": p.organisation.name,
                "title": p.title,
                "estimated_value": _amount(p.estimated_value),
                "procurement_date": _date(p.procurement_date),
                "start_date": _date(p.start_date),
            }
            for p in plans
        ],
    }


def build_uk2(tender: Tender, **_: Any) -> Facts:
    """Preliminary market engagement: the commission's engagement events (open, closed or held) and the market
    engagement stages of its timetable, in date order."""
    stages = Stage.objects.filter(commission_id=tender.commission_id, key__in=ENGAGEMENT_STAGES).order_by(
        "planned_start"
    )
    engagement = [
        {
            "what": f"{e.get_kind_display()}: {e.title} ({e.get_format_display().lower()})",
            "from": _date(e.starts_at),
            "to": _date(e.ends_at),
            "notes": e.notes if e.notes_published_at else e.description,
        }
        for e in upstream.engagement_events(tender)
    ]
    engagement += [
        {"what": s.name, "from": _date(s.planned_start), "to": _date(s.planned_end), "notes": s.notes} for s in stages
    ]
    engagement.sort(key=lambda item: item["from"] or "")
    return {
        **common(tender),
        "cpv_codes": tender_facts(tender)["cpv_codes"],
        "engagement": engagement,
    }


def build_uk3(tender: Tender, **_: Any) -> Facts:
    stage = _stage(tender, "tender")
    facts = tender_facts(tender)
    return {
        **common(tender),
        "cpv_codes": facts["cpv_codes"],
        "estimated_value_inc_vat": facts["estimated_value_inc_vat"],
        "estimated_tender_notice_date": _date(stage.planned_start) if stage else None,
    }


def build_uk4(tender: Tender, **_: Any) -> Facts:
    return tender_facts(tender)


def build_uk4_bt(tender: Tender, **_: Any) -> Facts:
    facts = tender_facts(tender)
    keys = {f.key for f in KINDS[NoticeKind.UK4_BT].fields}
    return {k: v for k, v in facts.items() if k in keys}


def _approved(tender: Tender) -> AwardRecommendation | None:
    return (
        AwardRecommendation.objects.filter(tender=tender, status=RecommendationStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )


def build_uk6(tender: Tender, *, contract: Contract | None = None, **_: Any) -> Facts:
    """The award: from the approved recommendation's line (the supplier and its annual value), before any contract is
    signed; from the contract when one is."""
    recommendation = _approved(tender)
    line = recommendation.lines.select_related("bid__organisation").first() if recommendation else None
    provider = contract.provider if contract is not None else (line.bid.organisation if line else None)
    annual = contract.annual_value if contract is not None else (line.annual_value if line else None)
    return {
        **common(tender),
        "cpv_codes": tender_facts(tender)["cpv_codes"],
        "supplier": provider.name if provider else None,
        "supplier_identifier": organisation_identifier(provider) if provider else None,
        "award_value": _amount(annual * tender.term_years) if annual is not None else None,
        "award_decision_date": _date(recommendation.decided_at) if recommendation else None,
        "standstill_days": tender.standstill_days,
        "standstill_ends_on": _date(tender.standstill_ends_on),
    }


def _contract_value(contract: Contract) -> str | None:
    shares = list(contract.shares.all())
    return _amount(sum((s.amount for s in shares), Decimal("0"))) if shares else None


def build_uk7(tender: Tender, *, contract: Contract | None = None, **_: Any) -> Facts:
    if contract is None:
        return {**common(tender)}
    kpis = [
        {"name": k.name, "target": f"{k.target}", "unit": k.get_unit_display()}
        for k in Kpi.objects.filter(kpi_set__commission_id=contract.commission_id).order_by("position", "id")
    ]
    return {
        **contract_facts(contract),
        "procedure": tender.get_procedure_display(),
        "contract_value": _contract_value(contract),
        "date_signed": _date(contract.signed_on),
        "contract_term": {"start": _date(contract.start_date), "end": _date(contract.end_date)},
        "kpis": kpis,
    }


def build_uk7_bt(tender: Tender, *, contract: Contract | None = None, **_: Any) -> Facts:
    facts = build_uk7(tender, contract=contract)
    keys = {f.key for f in KINDS[NoticeKind.UK7_BT].fields}
    return {k: v for k, v in facts.items() if k in keys}


def build_uk9(tender: Tender, *, contract: Contract | None = None, **_: Any) -> Facts:
    """Performance against the KPIs, from the latest accepted KPI return (monitoring's RAG becomes the Act's
    rating)."""
    if contract is None:
        return {**common(tender)}
    latest = (
        KpiReturn.objects.filter(contract=contract, status__in=ACCEPTED_RETURNS).order_by("-period_end", "-id").first()
    )
    ratings = (
        [
            {
                "kpi": v.kpi.name,
                "target": f"{v.kpi.target}",
                "actual": None if v.actual is None else f"{v.actual}",
                "rating": RAG_RATING.get(v.rag, "Other"),
            }
            for v in KpiValue.objects.filter(kpi_return=latest).select_related("kpi").order_by("kpi__position")
        ]
        if latest is not None
        else []
    )
    return {
        **contract_facts(contract),
        "assessment_period": {
            "start": _date(latest.period_start),
            "end": _date(latest.period_end),
            "label": latest.label,
        }
        if latest is not None
        else None,
        "kpi_ratings": ratings,
    }


def build_uk10(tender: Tender, *, contract: Contract | None = None, variation: Any = None, **_: Any) -> Facts:
    if contract is None:
        return {**common(tender)}
    facts: Facts = {**contract_facts(contract), "modification": None, "value_change": None, "modification_date": None}
    if variation is not None:
        facts["modification"] = (
            f"Variation {variation.number} ({variation.get_kind_display().lower()}): {variation.reason}"
        )
        facts["value_change"] = _amount(variation.value_after - variation.value_before)
        facts["value_before"] = _amount(variation.value_before)
        facts["value_after"] = _amount(variation.value_after)
        facts["modification_date"] = _date(variation.agreed_on)
        if variation.end_date_after != variation.end_date_before:
            facts["new_end_date"] = _date(variation.end_date_after)
    return facts


def build_uk11(tender: Tender, *, contract: Contract | None = None, **_: Any) -> Facts:
    if contract is None:
        return {**common(tender)}
    return {
        **contract_facts(contract),
        "termination_reason": contract.termination_reason or None,
        "termination_kind": contract.get_termination_kind_display() if contract.termination_kind else None,
        "termination_date": _date(contract.terminated_on),
        "contract_value": _contract_value(contract),
    }


def build_uk12(tender: Tender, **_: Any) -> Facts:
    from_audit = tender.cancelled_reason or None
    return {
        **common(tender),
        "decision": from_audit,
        "decision_date": _date(tender.updated_at) if from_audit else None,
    }


BUILDERS: dict[str, Callable[..., Facts]] = {
    NoticeKind.UK1: build_uk1,
    NoticeKind.UK2: build_uk2,
    NoticeKind.UK3: build_uk3,
    NoticeKind.UK4: build_uk4,
    NoticeKind.UK4_BT: build_uk4_bt,
    NoticeKind.UK6: build_uk6,
    NoticeKind.UK7: build_uk7,
    NoticeKind.UK7_BT: build_uk7_bt,
    NoticeKind.UK9: build_uk9,
    NoticeKind.UK10: build_uk10,
    NoticeKind.UK11: build_uk11,
    NoticeKind.UK12: build_uk12,
}


def build(kind: str, *, tender: Tender, contract: Contract | None = None, variation: Any = None) -> Facts:
    """The notice's field values, in the order its kind lists them (extra facts after)."""
    facts = BUILDERS[kind](tender, contract=contract, variation=variation)
    order = [f.key for f in KINDS[kind].fields]
    return {**{k: facts.get(k) for k in order}, **{k: v for k, v in facts.items() if k not in order}}
