"""Pure functions from awarded grants' public facts to 360Giving 1.4 grant records, the package and the CSV rows.

Nothing here queries the database: every record is made from ``GrantFacts`` (``opendata.threesixty.facts``).

**A co-funded grant is one record per funding partner.** A grant a partnership makes is paid from several
partners' contributions. In 360Giving, ``amountAwarded`` is the amount the record's funder awarded, and every
360Giving tool (GrantNav, 360Insights) totals a funder's giving from the records naming it in ``fundingOrganization``;
its spreadsheet form has one ``Funding Org:Identifier`` column per grant. One record listing every partner would
credit each with the whole award (a £10,000 grant from two councils would read as £20,000 of giving). So each
funding partner gets its own record: its share of the award (to the penny), its own payments
(``disbursementTransaction``, ``amountDisbursed``), identified ``<prefix>-<grant>-<partner>``; the records of one grant
name each other in ``relatedActivity`` ("other grants given as part of a multi-grant project", as the schema says),
so the whole award is the sum of the related records.

Identifiers follow the 360Giving guidance: a registered organisation by its register (``GB-CHC`` for a charity
registered in England and Wales, ``GB-COH`` for a company, ``GB-LAE`` for an English council), otherwise Jointly's
publisher prefix and the organisation's own number. Money is pounds and pence: JSON numbers exact to the penny.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from opendata.threesixty.standard import LICENSE_URL, VERSION, prefix
from partners.models import COUNCIL_KINDS, Organisation

LONDON = ZoneInfo("Europe/London")
GBP = "GBP"


@dataclass(frozen=True)
class Payment:
    """What one funder paid of one instalment."""

    key: str  # unique within the grant: the instalment's number
    paid_on: dt.date
    amount: Decimal
    description: str


@dataclass(frozen=True)
class FunderShare:
    organisation: Organisation
    amount: Decimal  # this partner's share of the award
    payments: tuple[Payment, ...] = ()


@dataclass(frozen=True)
class GrantFacts:
    key: str  # Jointly's own identifier of the grant (unique within Jointly)
    title: str
    description: str
    recipient: Organisation
    amount_awarded: Decimal
    award_date: dt.date
    funders: tuple[FunderShare, ...]
    programme_code: str = ""
    programme_title: str = ""
    programme_url: str = ""
    amount_applied_for: Decimal | None = None
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    url: str = ""
    modified: dt.datetime | None = None


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


def moment(value: dt.datetime) -> str:
    return value.astimezone(LONDON).isoformat(timespec="seconds")


def _clean(internal: str) -> str:
    """An internal identifier as 360Giving recommends: no spaces or slashes (underscores instead)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in internal.strip())


def org_id(org: Organisation) -> str:
    """The organisation's identifier (org-id.guide list code + number), else Jointly's prefix + its own number."""
    if org.charity_number:
        return f"GB-CHC-{_clean(org.charity_number)}"
    if org.company_number:
        return f"GB-COH-{_clean(org.company_number)}"
    if org.local_authority_code and org.kind in COUNCIL_KINDS:
        return f"GB-LAE-{_clean(org.local_authority_code)}"
    return f"{prefix()}-org-{org.pk}"


def grant_id(facts: GrantFacts, funder: Organisation) -> str:
    return f"{prefix()}-{_clean(facts.key)}-{_clean(org_id(funder))}"


def organisation(org: Organisation, *, recipient: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": org_id(org), "name": org.name}
    if recipient:
        if org.charity_number:
            out["charityNumber"] = org.charity_number
        if org.company_number:
            out["companyNumber"] = org.company_number
        if org.website:
            out["url"] = org.website
    out["organisationType"] = org.get_kind_display()
    if org.area:
        out["addressRegion"] = org.area
    out["addressCountry"] = "United Kingdom"
    return out


# --- records ------------------------------------------------------------------------------------------------------


def _planned(facts: GrantFacts) -> list[dict[str, Any]]:
    if facts.planned_start is None:
        return []
    event: dict[str, Any] = {"startDate": facts.planned_start.isoformat()}
    if facts.planned_end is not None:
        event["endDate"] = facts.planned_end.isoformat()
    return [event]


def grant_records(facts: GrantFacts) -> list[dict[str, Any]]:
    """The grant as 360Giving records: one per funding partner (see the module's docstring)."""
    ids = [grant_id(facts, f.organisation) for f in facts.funders]
    records: list[dict[str, Any]] = []
    for record_id, funder in zip(ids, facts.funders, strict=True):
        paid = sum((p.amount for p in funder.payments), Decimal("0"))
        record: dict[str, Any] = {
            "id": record_id,
            "title": facts.title[:140],
            "description": facts.description or facts.title,
            "currency": GBP,
            "amountAwarded": amount(funder.amount),
            "amountDisbursed": amount(paid),
            "awardDate": facts.award_date.isoformat(),
            "recipientOrganization": [organisation(facts.recipient, recipient=True)],
            "fundingOrganization": [organisation(funder.organisation)],
            "fromOpenCall": "Yes",
        }
        if len(facts.funders) > 1:
            record["relatedActivity"] = [other for other in ids if other != record_id]
        if facts.programme_code or facts.programme_title:
            programme: dict[str, Any] = {"code": _clean(facts.programme_code or facts.programme_title)}
            if facts.programme_title:
                programme["title"] = facts.programme_title
            if facts.programme_url:
                programme["url"] = facts.programme_url
            record["grantProgramme"] = [programme]
        planned = _planned(facts)
        if planned:
            record["plannedDates"] = planned
        if facts.url:
            record["url"] = facts.url
        if funder.payments:
            record["disbursementTransaction"] = [
                {
                    "id": f"{record_id}-payment-{_clean(p.key)}",
                    "transactionDate": p.paid_on.isoformat(),
                    "currency": GBP,
                    "value": amount(p.amount),
                    "description": p.description,
                    "provider": org_id(funder.organisation),
                    "recipient": org_id(facts.recipient),
                }
                for p in funder.payments
            ]
        if facts.modified is not None:
            record["dateModified"] = moment(facts.modified)
        records.append(record)
    return records


def package(
    grants: Iterable[GrantFacts], *, title: str, publisher: str, website: str, uri: str, issued: dt.datetime
) -> dict[str, Any]:
    """A 360Giving data package: the metadata and every grant record. With no grants, ``grants`` is empty (the
    schema wants at least one: a publisher with nothing awarded has no file to validate yet)."""
    records = [record for facts in grants for record in grant_records(facts)]
    return {
        "version": VERSION,
        "title": title,
        "description": "Grants awarded through Jointly by partnerships of UK public bodies, one record per funding "
        "partner; a co-funded grant's records name each other in relatedActivity.",
        "issued": moment(issued),
        "modified": moment(issued),
        "identifier": f"{prefix()}-grants",
        "publisher": {"name": publisher, "website": website},
        "license": LICENSE_URL,
        "downloadURL": uri,
        "grants": records,
    }


# --- CSV (360Giving's column titles) ------------------------------------------------------------------------------

CSV_COLUMNS: Sequence[tuple[str, str]] = (
    ("Identifier", "id"),
    ("Title", "title"),
    ("Description", "description"),
    ("Currency", "currency"),
    ("Amount Awarded", "amountAwarded"),
    ("Amount Disbursed", "amountDisbursed"),
    ("Award Date", "awardDate"),
    ("Planned Dates:Start Date", "plannedDates/0/startDate"),
    ("Planned Dates:End Date", "plannedDates/0/endDate"),
    ("Recipient Org:Identifier", "recipientOrganization/0/id"),
    ("Recipient Org:Name", "recipientOrganization/0/name"),
    ("Recipient Org:Charity Number", "recipientOrganization/0/charityNumber"),
    ("Recipient Org:Company Number", "recipientOrganization/0/companyNumber"),
    ("Funding Org:Identifier", "fundingOrganization/0/id"),
    ("Funding Org:Name", "fundingOrganization/0/name"),
    ("Grant Programme:Code", "grantProgramme/0/code"),
    ("Grant Programme:Title", "grantProgramme/0/title"),
    ("From An Open Call?", "fromOpenCall"),
    ("Related Activity", "relatedActivity"),
    ("Last Modified", "dateModified"),
)


def _at(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("/"):
        if isinstance(value, list):
            value = value[int(part)] if len(value) > int(part) else None
        elif isinstance(value, dict):
            value = value.get(part)
        if value is None:
            return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).quantize(Decimal("0.01"))
    return value


def csv_headers() -> list[str]:
    return [title for title, _ in CSV_COLUMNS]


def csv_rows(records: Iterable[dict[str, Any]]) -> list[list[Any]]:
    return [[_at(record, path) for _, path in CSV_COLUMNS] for record in records]
