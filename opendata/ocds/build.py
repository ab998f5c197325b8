"""Pure functions from a contracting process's public facts (``opendata.ocds.facts``) to an OCDS 1.1 release.

Nothing here queries the database: every section is made from ``ProcessFacts``, so a release can say only what
the facts hold. Money is pounds and pence (``Decimal``); JSON has only numbers, so an amount becomes an ``int``
when whole and otherwise the float whose shortest form is exactly the two-decimal amount (checked).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from core.money import financial_year_label, financial_year_start
from opendata.ocds.facts import AwardFacts, ContractFacts, ProcessFacts
from partners.models import COUNCIL_KINDS, Organisation
from procurement.tenders.models import Procedure, TenderStatus

LONDON = ZoneInfo("Europe/London")
GBP = "GBP"

TENDER_STATUS = {
    TenderStatus.DRAFT: "planning",
    TenderStatus.METHOD_APPROVED: "planned",
    TenderStatus.PUBLISHED: "active",
    TenderStatus.CLARIFICATIONS_CLOSED: "active",
    TenderStatus.CLOSED_FOR_BIDS: "active",
    TenderStatus.EVALUATION: "active",
    TenderStatus.RECOMMENDED: "active",
    TenderStatus.APPROVED: "active",
    TenderStatus.STANDSTILL: "active",
    TenderStatus.AWARDED: "complete",
    TenderStatus.CANCELLED: "cancelled",
}
METHOD = {Procedure.OPEN: "open", Procedure.TWO_STAGE: "selective", Procedure.GRANT: "open"}
METHOD_DETAILS = {
    Procedure.OPEN: "Open procedure (Procurement Act 2023, s.20 competitive tendering procedure)",
    Procedure.TWO_STAGE: "Competitive flexible procedure: expressions of interest, then tenders by invitation",
    Procedure.GRANT: "Grant round",
}


# --- values -------------------------------------------------------------------------------------------------------


def amount(value: Decimal) -> int | float:
    """A money amount as a JSON number, exact to the penny."""
    pence = value.quantize(Decimal("0.01"))
    if pence == pence.to_integral_value():
        return int(pence)
    number = float(pence)
    if Decimal(repr(number)) != pence:  # pragma: no cover - only beyond 2**53 pence
        raise ValueError(f"{value} cannot be written exactly as a JSON number")
    return number


def money(value: Decimal) -> dict[str, Any]:
    return {"amount": amount(value), "currency": GBP}


def when(value: dt.date | dt.datetime | None, *, end_of_day: bool = False) -> str | None:
    """An OCDS date-time: aware, in Europe/London. A date is its start (or, for a deadline, its end) of day."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        t = dt.time(23, 59, 59) if end_of_day else dt.time(0, 0)
        value = dt.datetime.combine(value, t, tzinfo=LONDON)
    return value.astimezone(LONDON).isoformat()


def absolute(path: str) -> str:
    return settings.JOINTLY_BASE_URL.rstrip("/") + path


# --- parties ------------------------------------------------------------------------------------------------------


def identifier(org: Organisation) -> dict[str, Any] | None:
    """The organisation's identifier in a UK register: Companies House, the Charity Commission, or (councils) the
    code in the Local Authorities for England register (``partners.registers``)."""
    if org.company_number:
        return {"scheme": "GB-COH", "id": org.company_number, "legalName": org.name}
    if org.charity_number:
        return {"scheme": "GB-CHC", "id": org.charity_number, "legalName": org.name}
    if org.local_authority_code and org.kind in COUNCIL_KINDS:
        return {"scheme": "GB-LAE", "id": org.local_authority_code, "legalName": org.name}
    return None


def party_id(org: Organisation) -> str:
    ident = identifier(org)
    return f"{ident['scheme']}-{ident['id']}" if ident else f"{settings.JOINTLY_OCID_PREFIX}-org-{org.pk}"


def reference(org: Organisation) -> dict[str, Any]:
    return {"id": party_id(org), "name": org.name}


def party(org: Organisation, roles: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": party_id(org), "name": org.name, "roles": roles}
    ident = identifier(org)
    if ident:
        out["identifier"] = ident
    if org.area:
        out["address"] = {"region": org.area, "countryName": "United Kingdom"}
    if org.website:
        out["contactPoint"] = {"name": org.name, "url": org.website}
    return out


def parties(facts: ProcessFacts) -> list[dict[str, Any]]:
    """Every partner as a buyer (the lead also the procuring entity; payers once contracts are signed), and the
    suppliers, only once the award is public."""
    roles: dict[int, list[str]] = {}
    orgs: dict[int, Organisation] = {}

    def add(org: Organisation, role: str) -> None:
        orgs[org.pk] = org
        have = roles.setdefault(org.pk, [])
        if role not in have:
            have.append(role)

    add(facts.lead, "buyer")
    add(facts.lead, "procuringEntity")
    for org in facts.partners:
        add(org, "buyer")
    if facts.award_public:
        for award in facts.awards:
            add(award.supplier, "supplier")
        for c in facts.contracts:
            for share in c.shares:
                add(share.organisation, "payer")
            if c.shares:
                add(c.contract.provider, "payee")
    return [party(orgs[pk], r) for pk, r in roles.items()]


# --- sections -----------------------------------------------------------------------------------------------------


def planning(facts: ProcessFacts) -> dict[str, Any]:
    """The budget: the partners' confirmed contributions, in total and per partner."""
    total = sum((b.amount for b in facts.budget), Decimal("0.00"))
    per: dict[str, Decimal] = {}
    for b in facts.budget:
        per[b.organisation.name] = per.get(b.organisation.name, Decimal("0.00")) + b.amount
    split = "; ".join(f"{name}: £{value:,.2f}" for name, value in per.items())
    years = sorted({b.financial_year for b in facts.budget})
    span = f" ({financial_year_label(years[0])} to {financial_year_label(years[-1])})" if years else ""
    return {
        "rationale": facts.commission.intended_outcomes,
        "budget": {
            "id": f"{facts.ocid}-budget",
            "description": f"Pooled from the partners' confirmed contributions{span}. {split}".strip(),
            "amount": money(total),
            "project": facts.commission.title,
            "projectID": f"commission-{facts.commission.pk}",
        },
    }


def _milestones(facts: ProcessFacts) -> list[dict[str, Any]]:
    t = facts.tender
    out: list[dict[str, Any]] = []
    if t.is_published:
        out.append(
            {
                "id": "submission-deadline",
                "title": "Deadline for tenders",
                "type": "assessment",
                "dueDate": when(t.submission_deadline),
                "status": "met"
                if t.status not in (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED)
                else "scheduled",
            }
        )
    if facts.award_public and t.letters_sent_on:
        out.append(
            {
                "id": "standstill-start",
                "title": "Standstill period starts (award letters sent)",
                "type": "approval",
                "dueDate": when(t.letters_sent_on),
                "dateMet": when(t.letters_sent_on),
                "status": "met",
            }
        )
    if facts.award_public and t.standstill_ends_on:
        ended = t.status == TenderStatus.AWARDED
        m: dict[str, Any] = {
            "id": "standstill-end",
            "title": f"Standstill period ends ({t.standstill_days} working days)",
            "type": "approval",
            "dueDate": when(t.standstill_ends_on, end_of_day=True),
            "status": "met" if ended else "scheduled",
        }
        if ended:
            m["dateMet"] = when(t.standstill_ends_on, end_of_day=True)
        out.append(m)
    return out


def tender(facts: ProcessFacts) -> dict[str, Any]:
    t = facts.tender
    total = t.estimated_annual_value * t.term_years
    out: dict[str, Any] = {
        "id": f"{facts.ocid}-tender",
        "title": t.title,
        "description": t.summary,
        "status": TENDER_STATUS[TenderStatus(t.status)],
        "procuringEntity": reference(facts.lead),
        "value": money(total),
        "procurementMethod": METHOD[Procedure(t.procedure)],
        "procurementMethodDetails": _method_details(t),
        "mainProcurementCategory": "services",
        "awardCriteria": "bestProposal" if t.procedure != Procedure.GRANT else "qualityOnly",
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": when(t.published_at), "endDate": when(t.submission_deadline)},
        "enquiryPeriod": {"startDate": when(t.published_at), "endDate": when(t.clarification_deadline)},
        "milestones": _milestones(facts),
    }
    if not t.is_published:
        out["tenderPeriod"] = {"endDate": when(t.submission_deadline)}
        out["enquiryPeriod"] = {"endDate": when(t.clarification_deadline)}
    if t.is_published:
        out["documents"] = [
            {
                "id": f"doc-{d.pk}",
                "documentType": "tenderNotice" if i == 0 else "biddingDocuments",
                "title": d.title,
                "url": absolute(reverse("tender-document", kwargs={"tender_document_id": d.pk})),
                "datePublished": when(max(d.added_at, t.published_at) if t.published_at else d.added_at),
                "language": "en",
            }
            for i, d in enumerate(facts.documents)
        ]
        out["documents"].insert(
            0,
            {
                "id": "opportunity",
                "documentType": "tenderNotice",
                "title": f"Opportunity: {t.title}",
                "url": absolute(reverse("opportunity-detail", kwargs={"opportunity_id": t.pk})),
                "datePublished": when(t.published_at),
                "format": "text/html",
                "language": "en",
            },
        )
    if facts.cpv_codes:
        items = [
            {"id": str(i), "classification": {"scheme": "CPV", "id": code}, "description": t.title}
            for i, code in enumerate(facts.cpv_codes, start=1)
        ]
        out["classification"] = {"scheme": "CPV", "id": facts.cpv_codes[0]}
        out["items"] = items
    else:
        out["items"] = [{"id": "1", "description": t.title, "quantity": 1, "unit": {"name": "service"}}]
    return out


def _method_details(t: Any) -> str:
    details = METHOD_DETAILS[Procedure(t.procedure)]
    if getattr(t, "is_light_touch", False):
        details += "; light-touch contract (Procurement Act 2023, Schedule 1)"
    inc_vat = getattr(t, "estimated_value_inc_vat", None)
    if inc_vat:
        details += f"; estimated value including VAT £{inc_vat:,.2f}"
    return details


def _contract_period(facts: ProcessFacts) -> dict[str, Any]:
    c = facts.commission
    start = c.start_date
    try:
        end = start.replace(year=start.year + facts.tender.term_years) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + facts.tender.term_years, day=28)
    return {"startDate": when(start), "endDate": when(end, end_of_day=True)}


def award(facts: ProcessFacts, a: AwardFacts) -> dict[str, Any]:
    t = facts.tender
    lot = f" (lot {a.lot_number}: {a.lot_title})" if a.lot_number else ""
    contract = next((c for c in facts.contracts if c.award_pk == a.pk), None)
    period = (
        {"startDate": when(contract.contract.start_date), "endDate": when(contract.contract.end_date, end_of_day=True)}
        if contract
        else _contract_period(facts)
    )
    return {
        "id": f"{facts.ocid}-award-{a.pk}",
        "title": f"{t.title}{lot}",
        "description": f"Awarded to {a.supplier.name} at £{a.annual_value:,.2f} a year for {t.term_years} years",
        "status": "active" if t.status == TenderStatus.AWARDED or contract else "pending",
        "date": when(t.letters_sent_on or a.decided_at),
        "value": money(a.annual_value * t.term_years),
        "suppliers": [reference(a.supplier)],
        "contractPeriod": period,
    }


def contract(facts: ProcessFacts, c: ContractFacts) -> dict[str, Any]:
    k = c.contract
    out: dict[str, Any] = {
        "id": f"{facts.ocid}-contract-{k.pk}",
        "awardID": f"{facts.ocid}-award-{c.award_pk}",
        "title": k.title,
        "status": "active",
        "period": {"startDate": when(k.start_date), "endDate": when(k.end_date, end_of_day=True)},
        "value": money(c.total_value),
        "dateSigned": when(k.signed_on),
        "implementation": {"transactions": transactions(facts, c)},
    }
    if k.reference:
        out["description"] = f"Contract reference {k.reference}"
    if c.variations:
        out["amendments"] = [
            {
                "id": f"variation-{v.pk}",
                "date": when(v.date),
                "rationale": v.rationale or "Contract variation",
                "description": v.description,
            }
            for v in c.variations
        ]
    return out


def transactions(facts: ProcessFacts, c: ContractFacts) -> list[dict[str, Any]]:
    """Each partner's share of each financial year: the partner pays the provider."""
    k = c.contract
    return [
        {
            "id": f"{k.pk}-{s.organisation.pk}-{s.financial_year}",
            "source": absolute("/open-data/"),
            "date": when(max(financial_year_start(s.financial_year), k.start_date)),
            "value": money(s.amount),
            "payer": reference(s.organisation),
            "payee": reference(k.provider),
            "uri": absolute("/open-data/"),
        }
        for s in c.shares
    ]


# --- the release --------------------------------------------------------------------------------------------------


def release(
    facts: ProcessFacts,
    *,
    release_id: str,
    date: dt.datetime,
    tags: list[str],
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The release of ``tags`` for the process, as of its facts, with ``extra`` merged in (a notice's own facts)."""
    out: dict[str, Any] = {
        "ocid": facts.ocid,
        "id": release_id,
        "date": when(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "en",
        "parties": parties(facts),
        "buyer": reference(facts.lead),
        "planning": planning(facts),
        "tender": tender(facts),
    }
    if facts.award_public and facts.awards:
        out["awards"] = [award(facts, a) for a in facts.awards]
        if facts.contracts:
            out["contracts"] = [contract(facts, c) for c in facts.contracts]
    return merge_extra(out, extra or {})


def merge_extra(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` merged into ``base``: objects key by key, arrays of objects by ``id`` (as OCDS merges them),
    anything else replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_extra(out[key], value)
        elif _by_id(value) and _by_id(out.get(key)):
            merged = {item["id"]: item for item in out[key]}
            for item in value:
                merged[item["id"]] = merge_extra(merged.get(item["id"], {}), item)
            out[key] = list(merged.values())
        else:
            out[key] = value
    return out


def _by_id(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "id" in v for v in value)
