"""Every write in ``commissioning``: keyword-only, atomic, validating, audited.

For the tendering app:

- ``procurement_blockers(commission) -> list[str]`` names everything that stops a commission entering procurement
  (it is the guard of the workflow's ``enter_procurement`` step);
- ``commission_transition(commission=..., name=..., by=...)`` moves the commission on (``award``, ``go_live`` and
  ``close`` may be taken by ``core.actors.SYSTEM``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from commissioning import permissions, tabular
from commissioning.models import (
    DEFAULT_ALIGNMENT_WINDOW_DAYS,
    DEFAULT_FRAMEWORK_THRESHOLD,
    DEFAULT_REMINDER_DAYS,
    DELEGATING_MODELS,
    OPEN_STATUSES,
    CalendarFeed,
    CommissioningModel,
    CommissioningSettings,
    CommissionStatus,
    ContractImport,
    Contribution,
    ContributionStatus,
    DelegationScope,
    EvidenceItem,
    JointCommission,
    MappedContract,
    Outcome,
    Participation,
    ParticipationStatus,
    PartnershipAgreement,
    ServiceArea,
    Stage,
    provider_key,
)
from commissioning.workflows import COMMISSION_WORKFLOW, NEEDS_REASON
from core import audit
from core.actors import Actor
from core.errors import DomainError, PermissionDenied
from core.money import financial_year_label, format_gbp, money
from core.notifications import notify
from core.tenancy import tenancy_disabled
from core.text import MULTILINE_MAX_LENGTH, text_problem
from core.workflow import transition
from partners.models import Membership, Organisation, Partnership, PartnershipMember, Role, User

# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _require_partner(partnership: Partnership, by: Actor, *roles: str, doing: str) -> None:
    if not permissions.is_active_partner(partnership.pk, by):
        raise PermissionDenied(f"Only a member of {partnership} can {doing}")
    if roles and not by.has_role(*roles):
        raise PermissionDenied(f"Your role does not allow you to {doing}")


def _require_lead(commission: JointCommission, by: Actor, doing: str) -> None:
    if not permissions.is_lead(commission, by):
        raise PermissionDenied(f"Only the lead commissioner ({commission.lead}) can {doing}")


def _require_planning(commission: JointCommission, doing: str) -> None:
    if not commission.is_planning:
        raise DomainError(f"You cannot {doing} once the commission is {commission.get_status_display().lower()}")


def _lock(commission: JointCommission) -> JointCommission:
    return (
        JointCommission._base_manager.select_for_update(of=("self",))
        .select_related("partnership", "lead", "service_area")
        .get(pk=commission.pk)
    )


def _money_str(value: Decimal) -> str:
    return f"{money(value):.2f}"


def settings_for(partnership: Partnership) -> CommissioningSettings:
    """The partnership's settings, or the defaults (unsaved) when none have been saved."""
    found = CommissioningSettings._base_manager.filter(partnership=partnership).first()
    return found or CommissioningSettings(
        partnership=partnership,
        framework_threshold=DEFAULT_FRAMEWORK_THRESHOLD,
        reminder_days=list(DEFAULT_REMINDER_DAYS),
        alignment_window_days=DEFAULT_ALIGNMENT_WINDOW_DAYS,
    )


def commissioners_of(organisation_ids: Iterable[int]) -> list[Membership]:
    return list(
        Membership._base_manager.filter(
            organisation_id__in=list(organisation_ids), is_active=True, roles__contains=[Role.COMMISSIONER]
        ).select_related("user", "organisation")
    )


def _notify_organisations(
    organisation_ids: Iterable[int], *, subject: str, body: str = "", url: str = "", key: str | None = None
) -> None:
    by_org: dict[int, list[User]] = {}
    for m in commissioners_of(organisation_ids):
        by_org.setdefault(m.organisation_id, []).append(m.user)
    for organisation_id, users in by_org.items():
        notify(
            recipients=users,
            subject=subject,
            body=body,
            url=url,
            organisation=Organisation(pk=organisation_id),
            dedupe_key=f"{key}:o{organisation_id}" if key else None,
        )


def _notify_lead(commission: JointCommission, *, subject: str, body: str = "", key: str | None = None) -> None:
    url = reverse("commission-detail", kwargs={"commission_id": commission.pk})
    if commission.lead_contact_id:
        notify(
            recipients=[commission.lead_contact],
            subject=subject,
            body=body,
            url=url,
            organisation=commission.lead,
            dedupe_key=key,
        )
    else:
        _notify_organisations([commission.lead_id], subject=subject, body=body, url=url, key=key)


def notify_participants(
    commission: JointCommission,
    *,
    subject: str,
    body: str = "",
    exclude_organisation_id: int | None = None,
    key: str | None = None,
) -> None:
    """Tell the commissioners of every organisation taking part (the lead included)."""
    ids = set(
        Participation._base_manager.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
            "organisation_id", flat=True
        )
    )
    ids.add(commission.lead_id)
    ids.discard(exclude_organisation_id)  # type: ignore[arg-type]
    url = reverse("commission-detail", kwargs={"commission_id": commission.pk})
    _notify_organisations(sorted(ids), subject=subject, body=body, url=url, key=key)


# --------------------------------------------------------------------------------------------------------------
# Partnership settings, service areas, evidence and outcomes
# --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def settings_update(
    *,
    partnership: Partnership,
    framework_threshold: Decimal,
    reminder_days: Sequence[int],
    alignment_window_days: int,
    by: Actor,
) -> CommissioningSettings:
    """The accountable body's admin or commissioner sets the partnership's commissioning settings."""
    if by.organisation is None or by.organisation.pk != partnership.accountable_body_id:
        raise PermissionDenied(f"Only the accountable body ({partnership.accountable_body}) can change these settings")
    if not by.has_role(Role.ORG_ADMIN, Role.COMMISSIONER):
        raise PermissionDenied("Only an admin or commissioner of the accountable body can change these settings")
    threshold = money(framework_threshold)
    if threshold < 0:
        raise DomainError("The threshold cannot be negative", field="framework_threshold")
    days = sorted({int(d) for d in reminder_days}, reverse=True)
    if any(d < 0 or d > 365 for d in days):
        raise DomainError("Reminder days must be between 0 and 365", field="reminder_days")
    if not 1 <= int(alignment_window_days) <= 1830:
        raise DomainError("The alignment window must be between 1 and 1830 days", field="alignment_window_days")
    found, _ = CommissioningSettings._base_manager.select_for_update(of=("self",)).get_or_create(
        partnership=partnership
    )
    before = {
        "framework_threshold": _money_str(found.framework_threshold),
        "reminder_days": list(found.reminder_days),
        "alignment_window_days": found.alignment_window_days,
    }
    found.framework_threshold = threshold
    found.reminder_days = days
    found.alignment_window_days = int(alignment_window_days)
    found.save()
    after = {
        "framework_threshold": _money_str(threshold),
        "reminder_days": days,
        "alignment_window_days": found.alignment_window_days,
    }
    audit.record(obj=found, action="commissioning_settings.changed", by=by, data={"from": before, "to": after})
    return found


@transaction.atomic
def service_area_create(*, partnership: Partnership, name: str, description: str = "", by: Actor) -> ServiceArea:
    _require_partner(partnership, by, Role.COMMISSIONER, doing="add a service area")
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the service area's name", field="name")
    if ServiceArea._base_manager.annotate(n=Lower("name")).filter(partnership=partnership, n=name.lower()).exists():
        raise DomainError(f"{partnership} already has a service area called {name}", field="name")
    area = ServiceArea.objects.create(partnership=partnership, name=name, description=description.strip())
    audit.record(obj=area, action="service_area.created", by=by)
    return area


def _clean_tags(tags: Iterable[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        for part in str(tag).split(","):
            cleaned = " ".join(part.strip().lower().split())[:50]
            if cleaned and cleaned not in out:
                out.append(cleaned)
    return out


@transaction.atomic
def evidence_add(
    *,
    partnership: Partnership,
    title: str,
    by: Actor,
    summary: str = "",
    url: str = "",
    document: Any = None,
    tags: Iterable[str] = (),
    service_area: ServiceArea | None = None,
) -> EvidenceItem:
    """Add a document or link to the partnership's shared evidence base."""
    _require_partner(partnership, by, Role.COMMISSIONER, Role.ORG_ADMIN, doing="add evidence")
    if not title.strip():
        raise DomainError("Enter a title", field="title")
    if not url and document is None:
        raise DomainError("Give a link or upload a document", field="url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url.strip())
        except ValidationError as exc:
            raise DomainError("Enter a web address starting https:// or http://", field="url") from exc
    if service_area is not None and service_area.partnership_id != partnership.pk:
        raise DomainError("Choose one of this partnership's service areas", field="service_area")
    item = EvidenceItem(
        partnership=partnership,
        service_area=service_area,
        title=title.strip(),
        summary=summary.strip(),
        url=url.strip(),
        tags=_clean_tags(tags),
        added_by=by.user,
        added_by_organisation=by.organisation,
    )
    if document is not None:
        item.original_filename = (getattr(document, "name", "") or "document").rsplit("/", 1)[-1][:255]
        item.document.save(item.original_filename, document, save=False)
    item.save()
    audit.record(obj=item, action="evidence.added", by=by, data={"tags": item.tags})
    return item


@transaction.atomic
def outcome_add(*, partnership: Partnership, kind: str, title: str, description: str = "", by: Actor) -> Outcome:
    """Add an outcome or a principle to the partnership's outcomes framework."""
    _require_partner(partnership, by, Role.COMMISSIONER, doing="change the outcomes framework")
    if kind not in Outcome.Kind.values:
        raise DomainError("Choose outcome or principle", field="kind")
    title = " ".join(title.split())
    if not title:
        raise DomainError("Enter the outcome or principle", field="title")
    exists = Outcome._base_manager.annotate(t=Lower("title")).filter(
        partnership=partnership, kind=kind, t=title.lower()
    )
    if exists.exists():
        raise DomainError(f"The framework already has '{title}'", field="title")
    position = Outcome._base_manager.filter(partnership=partnership, kind=kind).count() + 1
    outcome = Outcome.objects.create(
        partnership=partnership, kind=kind, title=title, description=description.strip(), position=position
    )
    audit.record(obj=outcome, action="outcome.added", by=by, data={"kind": kind})
    return outcome


# --------------------------------------------------------------------------------------------------------------
# Mapped contracts (the service map)
# --------------------------------------------------------------------------------------------------------------

CONTRACT_FIELDS = (
    "service_area",
    "provider_name",
    "title",
    "reference",
    "annual_value",
    "start_date",
    "end_date",
    "funding_source",
    "alignable",
    "not_alignable_reason",
)


def _contract_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not str(values.get("provider_name") or "").strip():
        add("provider_name", "Enter the provider's name")
    value = values.get("annual_value")
    if value is None:
        add("annual_value", "Enter the annual value")
    elif money(value) < 0:
        add("annual_value", "The annual value cannot be negative")
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        add("start_date", "Enter the start date")
    if end is None:
        add("end_date", "Enter the end date")
    if start is not None and end is not None and end < start:
        add("end_date", "The end date must be on or after the start date")
    if not str(values.get("funding_source") or "").strip():
        add("funding_source", "Say where the money comes from")
    if not values.get("alignable", True) and not str(values.get("not_alignable_reason") or "").strip():
        add("not_alignable_reason", "Say why this money cannot be aligned, for example a ring-fenced grant")
    return problems


def _registered_provider(name: str) -> Organisation | None:
    return (
        Organisation.objects.annotate(n=Lower("name"))
        .filter(n=" ".join(name.split()).lower(), sector="provider")
        .first()
    )


def _new_contract(
    *, service_area: ServiceArea, funder: Organisation, by: Actor, values: dict[str, Any]
) -> MappedContract:
    name = " ".join(str(values["provider_name"]).split())
    alignable = bool(values.get("alignable", True))
    return MappedContract.objects.create(
        partnership_id=service_area.partnership_id,
        service_area=service_area,
        funder=funder,
        provider=_registered_provider(name),
        provider_name=name,
        title=str(values.get("title") or "").strip(),
        reference=str(values.get("reference") or "").strip(),
        annual_value=money(values["annual_value"]),
        start_date=values["start_date"],
        end_date=values["end_date"],
        funding_source=str(values["funding_source"]).strip(),
        alignable=alignable,
        not_alignable_reason="" if alignable else str(values.get("not_alignable_reason") or "").strip(),
        created_by=by.user,
    )


def _require_funder(partnership: Partnership, by: Actor) -> Organisation:
    _require_partner(partnership, by, Role.COMMISSIONER, Role.FINANCE_OFFICER, doing="record contracts")
    assert by.organisation is not None
    return by.organisation  # type: ignore[no-any-return]


@transaction.atomic
def mapped_contract_create(*, service_area: ServiceArea, by: Actor, **values: Any) -> MappedContract:
    """A partner records one of its own existing contracts or grants."""
    funder = _require_funder(service_area.partnership, by)
    unknown = set(values) - set(CONTRACT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}")
    problems = _contract_problems(values)
    if problems:
        raise DomainError("Check the contract's details", field_errors=problems)
    contract = _new_contract(service_area=service_area, funder=funder, by=by, values=values)
    audit.record(obj=contract, action="mapped_contract.recorded", by=by, data=_contract_data(contract))
    return contract


def _contract_data(contract: MappedContract) -> dict[str, Any]:
    return {
        "provider": contract.provider_name,
        "annual_value": _money_str(contract.annual_value),
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "alignable": contract.alignable,
    }


@transaction.atomic
def mapped_contract_update(*, contract: MappedContract, by: Actor, **values: Any) -> MappedContract:
    if by.organisation is None or contract.funder_id != by.organisation.pk:
        raise PermissionDenied("Only the partner that funds a contract can change it")
    _require_funder(contract.partnership, by)
    unknown = set(values) - set(CONTRACT_FIELDS)
    if unknown:
        raise DomainError(f"Unknown fields: {', '.join(sorted(unknown))}")
    merged = {f: getattr(contract, f) for f in CONTRACT_FIELDS} | values
    problems = _contract_problems(merged)
    if problems:
        raise DomainError("Check the contract's details", field_errors=problems)
    area = merged["service_area"]
    if area.partnership_id != contract.partnership_id:
        raise DomainError("Choose one of this partnership's service areas", field="service_area")
    if not merged["alignable"] and contract.alignable:
        used = Contribution._base_manager.filter(source=contract).exclude(
            commission__status__in=["closed", "decommissioned"]
        )
        if used.exists():
            raise DomainError(
                "This money is already contributed to a joint commission: withdraw the contribution before marking "
                "it as ring-fenced",
                field="alignable",
            )
    before = _contract_data(contract)
    for field in CONTRACT_FIELDS:
        setattr(contract, field, merged[field])
    contract.provider_name = " ".join(str(contract.provider_name).split())
    contract.provider = _registered_provider(contract.provider_name)
    contract.annual_value = money(contract.annual_value)
    if contract.alignable:
        contract.not_alignable_reason = ""
    contract.save()
    audit.record(
        obj=contract, action="mapped_contract.changed", by=by, data={"from": before, "to": _contract_data(contract)}
    )
    return contract


@transaction.atomic
def mapped_contract_delete(*, contract: MappedContract, by: Actor) -> None:
    if by.organisation is None or contract.funder_id != by.organisation.pk:
        raise PermissionDenied("Only the partner that funds a contract can remove it")
    _require_funder(contract.partnership, by)
    if Contribution._base_manager.filter(source=contract).exists():
        raise DomainError("A joint commission's contribution comes from this contract: it cannot be removed")
    audit.record(obj=contract, action="mapped_contract.removed", by=by, data=_contract_data(contract))
    contract.delete()


IMPORT_COLUMNS = {
    "service area": "service_area",
    "provider": "provider_name",
    "provider name": "provider_name",
    "title": "title",
    "what it pays for": "title",
    "reference": "reference",
    "annual value": "annual_value",
    "value per year": "annual_value",
    "start date": "start_date",
    "start": "start_date",
    "end date": "end_date",
    "end": "end_date",
    "expiry": "end_date",
    "expiry date": "end_date",
    "funding source": "funding_source",
    "can be aligned": "alignable",
    "alignable": "alignable",
    "why not": "not_alignable_reason",
    "reason not alignable": "not_alignable_reason",
    "why it cannot be aligned": "not_alignable_reason",
    "funder": "funder",
}
REQUIRED_IMPORT_FIELDS = ("service_area", "provider_name", "annual_value", "start_date", "end_date", "funding_source")
EXPORT_HEADERS = [
    "Service area",
    "Funder",
    "Provider",
    "Title",
    "Reference",
    "Annual value",
    "Start date",
    "End date",
    "Funding source",
    "Can be aligned",
    "Why not",
]


def _import_row(
    raw: dict[str, Any], *, areas: dict[str, ServiceArea], funder: Organisation
) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    reasons: list[str] = []
    fields = {IMPORT_COLUMNS[k]: v for k, v in raw.items() if k in IMPORT_COLUMNS}
    area_name = tabular.text(fields.get("service_area"))
    if not area_name:
        reasons.append("Service area is missing")
    elif area_name.lower() not in areas:
        reasons.append(f"There is no service area called '{area_name}' in this partnership")
    else:
        values["service_area"] = areas[area_name.lower()]
    funder_name = tabular.text(fields.get("funder"))
    if funder_name and funder_name.lower() != funder.name.lower():
        reasons.append(f"Funder is {funder_name}: you can only record {funder.name}'s own contracts")
    for name, parse, label in (
        ("annual_value", tabular.parse_money, "Annual value"),
        ("start_date", tabular.parse_date, "Start date"),
        ("end_date", tabular.parse_date, "End date"),
    ):
        try:
            values[name] = parse(fields.get(name))
        except ValueError as exc:
            reasons.append(f"{label} {exc}")
    try:
        values["alignable"] = tabular.parse_yes_no(fields.get("alignable"))
    except ValueError as exc:
        reasons.append(f"Can be aligned: {exc}")
    for name in ("provider_name", "title", "reference", "funding_source", "not_alignable_reason"):
        values[name] = tabular.text(fields.get(name))
        problem = _cell_problem(name, values[name])
        if problem:
            reasons.append(problem)
    for field, messages in _contract_problems(values).items():
        if field in ("annual_value", "start_date", "end_date") and field not in values:
            continue  # the parser has already said what is wrong
        reasons.extend(messages)
    return values, list(dict.fromkeys(reasons))


_IMPORT_LABELS = {
    "provider_name": "Provider",
    "title": "Title",
    "reference": "Reference",
    "funding_source": "Funding source",
    "not_alignable_reason": "Why not",
}


def _cell_problem(name: str, value: str) -> str | None:
    """A text cell against its column: length (the column's own) and the text rules (one line, no control
    characters), so a long or odd cell refuses its row with a reason instead of failing the insert."""
    field = MappedContract._meta.get_field(name)
    label = _IMPORT_LABELS[name]
    multiline = isinstance(field, models.TextField)
    problem = text_problem(value, multiline=multiline)
    if problem:
        return f"{label}: {problem[0].lower()}{problem[1:]}"
    limit = getattr(field, "max_length", None) or MULTILINE_MAX_LENGTH
    if len(value) > limit:
        return f"{label} is {len(value):,} characters long; it can be at most {limit:,}"
    return None


@transaction.atomic
def contracts_import(*, partnership: Partnership, upload: Any, by: Actor) -> ContractImport:
    """Import a partner's contracts from CSV or XLSX, row by row: good rows are kept, bad rows refused with the row
    number and the reason. The file and the report are kept.

    One transaction, and the whole file is read and checked (row count, cell sizes) before any row is written: a
    refused file changes nothing at all."""
    funder = _require_funder(partnership, by)
    filename = (getattr(upload, "name", "") or "contracts").rsplit("/", 1)[-1]
    upload.seek(0)
    data = upload.read()
    try:
        headers, lazy_rows = tabular.read_table(data, filename=filename)
        rows = list(lazy_rows)  # every file-level refusal happens here, before the first write
        known = {IMPORT_COLUMNS[h] for h in headers if h in IMPORT_COLUMNS}
        missing = [f for f in REQUIRED_IMPORT_FIELDS if f not in known]
        if missing:
            labels = {
                "service_area": "Service area",
                "provider_name": "Provider",
                "annual_value": "Annual value",
                "start_date": "Start date",
                "end_date": "End date",
                "funding_source": "Funding source",
            }
            raise DomainError(
                "The file is missing columns: " + ", ".join(labels[m] for m in missing),
                field="file",
                problems=[f"Use these column headings: {', '.join(EXPORT_HEADERS)}"],
            )
        areas = {a.name.lower(): a for a in ServiceArea._base_manager.filter(partnership=partnership)}
        report: list[dict[str, Any]] = []
        imported = 0
        for number, raw in rows:
            values, reasons = _import_row(raw, areas=areas, funder=funder)
            if not reasons and _duplicate_exists(values, funder):
                reasons = ["This contract is already recorded (same service area, provider, dates and value)"]
            summary = f"{values.get('provider_name') or '—'}"
            if reasons:
                report.append({"row": number, "status": "refused", "reason": "; ".join(reasons), "summary": summary})
                continue
            try:
                with transaction.atomic():
                    contract = _new_contract(service_area=values["service_area"], funder=funder, by=by, values=values)
            except IntegrityError:
                report.append(
                    {
                        "row": number,
                        "status": "refused",
                        "reason": "The row breaks a rule of the map",
                        "summary": summary,
                    }
                )
                continue
            imported += 1
            report.append(
                {
                    "row": number,
                    "status": "imported",
                    "reason": "",
                    "summary": f"{summary}, {format_gbp(contract.annual_value)} a year",
                    "contract_id": contract.pk,
                }
            )
    except tabular.TableError as exc:
        raise DomainError(str(exc), field="file") from exc
    with transaction.atomic():
        upload.seek(0)
        run = ContractImport(
            partnership=partnership,
            organisation=funder,
            imported_by=by.user,
            original_filename=filename[:255],
            rows_total=len(report),
            rows_imported=imported,
            report=report,
        )
        run.source_file.save(filename, upload, save=False)
        run.save()
        audit.record(
            obj=run,
            action="mapped_contract.imported",
            by=by,
            data={"rows": len(report), "imported": imported, "refused": len(report) - imported},
            visible_to=[funder.pk],
        )
    return run


def _duplicate_exists(values: dict[str, Any], funder: Organisation) -> bool:
    return MappedContract._base_manager.filter(
        service_area=values["service_area"],
        funder=funder,
        provider_key=provider_key(values["provider_name"]),
        start_date=values["start_date"],
        end_date=values["end_date"],
        annual_value=values["annual_value"],
    ).exists()


# --------------------------------------------------------------------------------------------------------------
# Joint commissions
# --------------------------------------------------------------------------------------------------------------


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
    partners = (
        Participation._base_manager.filter(commission=commission, status__in=["invited", "accepted"])
        .values("organisation_id")
        .distinct()
        .count()
    )
    first = Contribution._base_manager.filter(commission=commission, financial_year=commission.first_year).aggregate(
        total=Sum("amount")
    )["total"]
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


def _set_outcomes(commission: JointCommission, outcomes: Iterable[Outcome]) -> None:
    outcomes = list(outcomes)
    wrong = [o for o in outcomes if o.partnership_id != commission.partnership_id]
    if wrong:
        raise DomainError("Choose outcomes from this partnership's framework", field="outcomes")
    commission.outcomes.set(outcomes)


@transaction.atomic
def commission_create(
    *,
    service_area: ServiceArea,
    title: str,
    intended_outcomes: str,
    term_years: int,
    start_date: dt.date,
    by: Actor,
    new_service: bool = False,
    outcomes: Iterable[Outcome] = (),
    lead_contact: User | None = None,
    model: str = "",
    model_reason: str = "",
) -> JointCommission:
    """A partner's commissioner sets up a joint commission, which their organisation leads."""
    partnership = service_area.partnership
    _require_partner(partnership, by, Role.COMMISSIONER, doing="set up a joint commission")
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = ["Enter a title"]
    if not intended_outcomes.strip():
        problems["intended_outcomes"] = ["Say what the service must achieve"]
    if problems:
        raise DomainError("Check the commission's details", field_errors=problems)
    _check_term(term_years, start_date)
    lead = by.organisation
    contact = lead_contact or by.user
    if (
        contact is not None
        and not Membership._base_manager.filter(
            user=contact, organisation=lead, is_active=True, roles__contains=[Role.COMMISSIONER]
        ).exists()
    ):
        raise DomainError(f"The lead commissioner must be a commissioner at {lead}", field="lead_contact")
    commission = JointCommission.objects.create(
        partnership=partnership,
        service_area=service_area,
        title=title.strip(),
        intended_outcomes=intended_outcomes.strip(),
        new_service=new_service,
        lead=lead,
        lead_contact=contact,
        term_years=term_years,
        start_date=start_date,
        created_by=by.user,
    )
    Participation.objects.create(
        commission=commission,
        organisation=lead,
        status=ParticipationStatus.ACCEPTED,
        is_lead=True,
        invited_by=by.user,
        responded_at=timezone.now(),
        responded_by=by.user,
    )
    _set_outcomes(commission, outcomes)
    audit.record(obj=commission, action="commission.created", by=by, to_state=commission.status)
    if model:
        commission_choose_model(commission=commission, model=model, reason=model_reason, by=by)
    return commission


@transaction.atomic
def commission_update(
    *,
    commission: JointCommission,
    by: Actor,
    title: str,
    intended_outcomes: str,
    term_years: int,
    start_date: dt.date,
    new_service: bool,
    outcomes: Iterable[Outcome] = (),
) -> JointCommission:
    commission = _lock(commission)
    _require_lead(commission, by, "change the commission")
    _require_planning(commission, "change the commission's details")
    if not title.strip():
        raise DomainError("Enter a title", field="title")
    if not intended_outcomes.strip():
        raise DomainError("Say what the service must achieve", field="intended_outcomes")
    _check_term(term_years, start_date)
    from core.money import financial_years

    years = set(financial_years(start_date, term_years))
    outside = [
        c
        for c in Contribution._base_manager.filter(commission=commission).select_related("organisation")
        if c.financial_year not in years
    ]
    if outside:
        which = ", ".join(f"{c.organisation} {c.year_label}" for c in outside)
        raise DomainError(f"Contributions fall outside the new term ({which}): remove them first", field="term_years")
    before = {
        "title": commission.title,
        "term_years": commission.term_years,
        "start_date": commission.start_date.isoformat(),
    }
    commission.title = title.strip()
    commission.intended_outcomes = intended_outcomes.strip()
    commission.term_years = term_years
    commission.start_date = start_date
    commission.new_service = new_service
    commission.save()
    _set_outcomes(commission, outcomes)
    after = {"title": commission.title, "term_years": term_years, "start_date": start_date.isoformat()}
    audit.record(obj=commission, action="commission.changed", by=by, data={"from": before, "to": after})
    return commission


@transaction.atomic
def commission_choose_model(*, commission: JointCommission, model: str, reason: str, by: Actor) -> JointCommission:
    """Record the chosen commissioning model with the reason, beside the app's suggestion."""
    commission = _lock(commission)
    _require_lead(commission, by, "choose the commissioning model")
    _require_planning(commission, "change the commissioning model")
    if model not in CommissioningModel.values:
        raise DomainError("Choose a commissioning model", field="model")
    if not reason.strip():
        raise DomainError("Say why this model was chosen", field="model_reason")
    suggestion = suggestion_for(commission)
    before = commission.model
    commission.model = model
    commission.model_reason = reason.strip()
    commission.suggested_model = suggestion.model
    commission.suggestion_reason = suggestion.reason
    commission.save(update_fields=["model", "model_reason", "suggested_model", "suggestion_reason", "updated_at"])
    audit.record(
        obj=commission,
        action="commission.model_chosen",
        by=by,
        reason=commission.model_reason,
        data={"from": before, "to": model, "suggested": suggestion.model},
    )
    return commission


@transaction.atomic
def commission_invite(
    *, commission: JointCommission, organisations: Iterable[Organisation], by: Actor
) -> list[Participation]:
    """The lead invites partners of the partnership to take part."""
    commission = _lock(commission)
    _require_lead(commission, by, "invite partners")
    _require_planning(commission, "invite partners")
    organisations = list(organisations)
    if not organisations:
        raise DomainError("Choose at least one partner to invite", field="organisations")
    members = set(
        PartnershipMember._base_manager.filter(
            partnership=commission.partnership, status=PartnershipMember.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )
    invited: list[Participation] = []
    for organisation in organisations:
        if organisation.pk == commission.lead_id:
            raise DomainError(f"{organisation} leads this commission", field="organisations")
        if organisation.pk not in members:
            raise DomainError(f"{organisation} is not a member of {commission.partnership}", field="organisations")
        p, created = Participation._base_manager.select_for_update(of=("self",)).get_or_create(
            commission=commission, organisation=organisation, defaults={"invited_by": by.user}
        )
        if not created:
            if p.status in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
                raise DomainError(f"{organisation} is already {p.get_status_display().lower()}", field="organisations")
            before = p.status
            p.status = ParticipationStatus.INVITED
            p.invited_at = timezone.now()
            p.invited_by = by.user
            p.responded_at = None
            p.responded_by = None
            p.response_reason = ""
            p.save()
        else:
            before = ""
        audit.record(obj=p, action="commission.partner_invited", by=by, from_state=before, to_state="invited")
        invited.append(p)
    for p in invited:
        _notify_organisations(
            [p.organisation_id],
            subject=f"{commission.lead} invites you to take part in {commission.title}",
            body=f"A joint commission in {commission.service_area}, {commission.term_years} years from "
            f"{commission.start_date:%d %B %Y}. Accept or decline on the commission's page.",
            url=reverse("commission-detail", kwargs={"commission_id": commission.pk}),
        )
    return invited


def _drop_indicative(commission: JointCommission, organisation_id: int) -> list[dict[str, str]]:
    rows = list(
        Contribution._base_manager.filter(
            commission=commission, organisation_id=organisation_id, status=ContributionStatus.INDICATIVE
        )
    )
    for c in rows:
        c.delete()
    return [{"year": c.year_label, "amount": _money_str(c.amount)} for c in rows]


@transaction.atomic
def commission_withdraw_invitation(
    *, commission: JointCommission, organisation: Organisation, by: Actor
) -> Participation:
    commission = _lock(commission)
    _require_lead(commission, by, "withdraw an invitation")
    _require_planning(commission, "withdraw an invitation")
    p = (
        Participation._base_manager.select_for_update(of=("self",))
        .filter(commission=commission, organisation=organisation)
        .first()
    )
    if p is None or p.status != ParticipationStatus.INVITED:
        raise DomainError(f"{organisation} has no open invitation")
    p.status = ParticipationStatus.WITHDRAWN
    p.save(update_fields=["status"])
    dropped = _drop_indicative(commission, organisation.pk)
    audit.record(
        obj=p,
        action="commission.invitation_withdrawn",
        by=by,
        from_state="invited",
        to_state="withdrawn",
        data={"indicative_contributions_removed": dropped},
    )
    return p


@transaction.atomic
def commission_respond(*, commission: JointCommission, accept: bool, by: Actor, reason: str = "") -> Participation:
    """An invited partner accepts or declines. A decline is recorded (with its reason), not an error."""
    commission = _lock(commission)
    if by.organisation is None or not by.has_role(Role.COMMISSIONER, Role.ORG_ADMIN):
        raise PermissionDenied("Only a commissioner or admin of your organisation can answer for it")
    p = (
        Participation._base_manager.select_for_update(of=("self",))
        .filter(commission=commission, organisation=by.organisation)
        .first()
    )
    if p is None or p.status != ParticipationStatus.INVITED:
        raise DomainError("There is no open invitation for your organisation")
    _require_planning(commission, "answer this invitation")
    p.status = ParticipationStatus.ACCEPTED if accept else ParticipationStatus.DECLINED
    p.responded_at = timezone.now()
    p.responded_by = by.user
    p.response_reason = reason.strip()
    p.save()
    data: dict[str, Any] = {}
    if not accept:
        data["indicative_contributions_removed"] = _drop_indicative(commission, p.organisation_id)
    audit.record(
        obj=p,
        action="commission.partner_accepted" if accept else "commission.partner_declined",
        by=by,
        from_state="invited",
        to_state=p.status,
        reason=p.response_reason,
        data=data,
    )
    verb = "accepted" if accept else "declined"
    _notify_lead(
        commission,
        subject=f"{by.organisation} has {verb} the invitation to {commission.title}",
        body=p.response_reason,
    )
    return p


# --------------------------------------------------------------------------------------------------------------
# Contributions
# --------------------------------------------------------------------------------------------------------------


def _may_record_for(commission: JointCommission, organisation: Organisation, by: Actor) -> None:
    if permissions.is_lead(commission, by):
        return
    if by.organisation is not None and by.organisation.pk == organisation.pk and by.has_role(Role.COMMISSIONER):
        return
    raise PermissionDenied(
        f"Only the lead commissioner or {organisation}'s commissioners can record {organisation}'s contribution"
    )


def _check_source(
    source: MappedContract | None,
    *,
    commission: JointCommission,
    organisation: Organisation,
    year: int,
    amount: Decimal,
    exclude_pk: int | None = None,
) -> None:
    if source is None:
        return
    if not source.alignable:
        raise DomainError(
            f"{source.title or source.funding_source} ({format_gbp(source.annual_value)} a year, {source.funding_source}) "
            f"is ring-fenced and cannot be aligned: {source.not_alignable_reason}",
            field="source",
        )
    if source.funder_id != organisation.pk:
        raise DomainError(f"That contract is not funded by {organisation}", field="source")
    if source.partnership_id != commission.partnership_id:
        raise DomainError("That contract is in another partnership's map", field="source")
    others = Contribution._base_manager.filter(source=source, financial_year=year)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    used = others.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    if used + amount > source.annual_value:
        raise DomainError(
            f"{format_gbp(used + amount)} would be drawn from a contract worth {format_gbp(source.annual_value)} a "
            f"year in {financial_year_label(year)}",
            field="amount",
        )


@transaction.atomic
def contribution_set(
    *,
    commission: JointCommission,
    organisation: Organisation,
    financial_year: int,
    amount: Decimal,
    by: Actor,
    source: MappedContract | None = None,
    funding_source: str = "",
) -> Contribution:
    """Record (or change, while indicative) one partner's contribution for one financial year."""
    commission = _lock(commission)
    _may_record_for(commission, organisation, by)
    _require_planning(commission, "add or change contributions")
    p = Participation._base_manager.filter(commission=commission, organisation=organisation).first()
    if p is None or p.status not in (ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED):
        raise DomainError(f"{organisation} is not taking part in this commission", field="organisation")
    if financial_year not in commission.financial_years:
        raise DomainError(
            f"{financial_year_label(financial_year)} is outside the term ({commission.term_label})",
            field="financial_year",
        )
    if isinstance(amount, float):
        raise DomainError("Amounts are exact pounds and pence", field="amount")
    amount = money(amount)
    if amount < 0:
        raise DomainError("A contribution cannot be negative", field="amount")
    existing = (
        Contribution._base_manager.select_for_update(of=("self",))
        .filter(commission=commission, organisation=organisation, financial_year=financial_year)
        .first()
    )
    _check_source(
        source,
        commission=commission,
        organisation=organisation,
        year=financial_year,
        amount=amount,
        exclude_pk=existing.pk if existing else None,
    )
    if existing is not None:
        if existing.status != ContributionStatus.INDICATIVE:
            raise DomainError(
                f"{organisation}'s {existing.year_label} contribution is {existing.get_status_display().lower()}: "
                "it can no longer be changed",
                field="amount",
            )
        before = _money_str(existing.amount)
        existing.amount = amount
        existing.source = source
        existing.funding_source = funding_source.strip() or (source.funding_source if source else "")
        existing.recorded_by = by.user
        existing.recorded_at = timezone.now()
        existing.save()
        audit.record(
            obj=existing, action="contribution.changed", by=by, data={"from": before, "to": _money_str(amount)}
        )
        return existing
    contribution = Contribution.objects.create(
        commission=commission,
        organisation=organisation,
        financial_year=financial_year,
        amount=amount,
        source=source,
        funding_source=funding_source.strip() or (source.funding_source if source else ""),
        recorded_by=by.user,
    )
    audit.record(
        obj=contribution,
        action="contribution.recorded",
        by=by,
        to_state=contribution.status,
        data={"amount": _money_str(amount), "year": contribution.year_label},
    )
    return contribution


@transaction.atomic
def contributions_set_annual(
    *,
    commission: JointCommission,
    organisation: Organisation,
    annual_amount: Decimal,
    by: Actor,
    years: Iterable[int] | None = None,
    source: MappedContract | None = None,
    funding_source: str = "",
) -> list[Contribution]:
    """The same amount for each of the given years (default: every year of the term)."""
    chosen = list(years) if years is not None else list(commission.financial_years)
    if not chosen:
        raise DomainError("Choose at least one year", field="years")
    return [
        contribution_set(
            commission=commission,
            organisation=organisation,
            financial_year=year,
            amount=annual_amount,
            by=by,
            source=source,
            funding_source=funding_source,
        )
        for year in chosen
    ]


@transaction.atomic
def contribution_remove(*, contribution: Contribution, by: Actor) -> None:
    contribution = (
        Contribution._base_manager.select_for_update(of=("self",))
        .select_related("commission", "organisation")
        .get(pk=contribution.pk)
    )
    _may_record_for(contribution.commission, contribution.organisation, by)
    _require_planning(contribution.commission, "remove contributions")
    if contribution.status != ContributionStatus.INDICATIVE:
        raise DomainError("Only an indicative contribution can be removed")
    audit.record(
        obj=contribution,
        action="contribution.removed",
        by=by,
        from_state=contribution.status,
        data={"amount": _money_str(contribution.amount), "year": contribution.year_label},
    )
    contribution.delete()


@transaction.atomic
def contribution_confirm(*, contribution: Contribution, by: Actor) -> Contribution:
    """The contributing partner confirms its figure: indicative -> confirmed. Only that partner can commit its money."""
    contribution = (
        Contribution._base_manager.select_for_update(of=("self",))
        .select_related("commission", "organisation", "source")
        .get(pk=contribution.pk)
    )
    commission = contribution.commission
    if by.organisation is None or by.organisation.pk != contribution.organisation_id:
        raise PermissionDenied(f"Only {contribution.organisation} can confirm its own contribution")
    if not by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER):
        raise PermissionDenied("Only a commissioner or finance officer can confirm a contribution")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    if not permissions.is_accepted_participant(commission, contribution.organisation_id):
        raise DomainError(f"Accept the invitation to take part before confirming {contribution.organisation}'s money")
    if contribution.status != ContributionStatus.INDICATIVE:
        raise DomainError(
            f"The {contribution.year_label} contribution is already {contribution.get_status_display().lower()}"
        )
    _check_source(
        contribution.source,
        commission=commission,
        organisation=contribution.organisation,
        year=contribution.financial_year,
        amount=contribution.amount,
        exclude_pk=contribution.pk,
    )
    contribution.status = ContributionStatus.CONFIRMED
    contribution.confirmed_by = by.user
    contribution.confirmed_at = timezone.now()
    contribution.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(
        obj=contribution,
        action="contribution.confirmed",
        by=by,
        from_state="indicative",
        to_state="confirmed",
        data={"amount": _money_str(contribution.amount), "year": contribution.year_label},
    )
    if contribution.organisation_id != commission.lead_id:
        _notify_lead(
            commission,
            subject=f"{contribution.organisation} confirmed {format_gbp(contribution.amount)} for {contribution.year_label}",
            body=f"{commission.title}",
        )
    return contribution


@transaction.atomic
def contribution_transfer(
    *, contribution: Contribution, transferred_on: dt.date, reference: str, by: Actor
) -> Contribution:
    """Record that a confirmed contribution has been transferred to the lead: confirmed -> transferred."""
    contribution = (
        Contribution._base_manager.select_for_update(of=("self",))
        .select_related("commission__partnership", "organisation")
        .get(pk=contribution.pk)
    )
    commission = contribution.commission
    organisation_id = by.organisation.pk if by.organisation is not None else None
    allowed = (
        organisation_id == contribution.organisation_id and by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER)
    ) or (
        organisation_id in (commission.lead_id, commission.partnership.accountable_body_id)
        and by.has_role(Role.FINANCE_OFFICER)
    )
    if not allowed:
        raise PermissionDenied(
            "Only the contributing partner, or the lead's or accountable body's finance officers, can record a transfer"
        )
    if commission.status in (CommissionStatus.DRAFT, CommissionStatus.GATHERING):
        raise DomainError("Money is transferred once partners have signed up")
    if contribution.status != ContributionStatus.CONFIRMED:
        raise DomainError(
            f"Only a confirmed contribution can be transferred; this one is {contribution.get_status_display().lower()}"
        )
    problems: dict[str, list[str]] = {}
    if transferred_on is None:
        problems["transferred_on"] = ["Enter the date of the transfer"]
    elif transferred_on > timezone.localdate():
        problems["transferred_on"] = ["The transfer date cannot be in the future"]
    if not reference.strip():
        problems["reference"] = ["Enter the transfer's reference"]
    if problems:
        raise DomainError("Check the transfer's details", field_errors=problems)
    contribution.status = ContributionStatus.TRANSFERRED
    contribution.transferred_on = transferred_on
    contribution.transfer_reference = reference.strip()[:100]
    contribution.transfer_recorded_by = by.user
    contribution.save(update_fields=["status", "transferred_on", "transfer_reference", "transfer_recorded_by"])
    audit.record(
        obj=contribution,
        action="contribution.transferred",
        by=by,
        from_state="confirmed",
        to_state="transferred",
        data={
            "amount": _money_str(contribution.amount),
            "year": contribution.year_label,
            "transferred_on": transferred_on.isoformat(),
            "reference": contribution.transfer_reference,
        },
    )
    return contribution


# --------------------------------------------------------------------------------------------------------------
# Delegation agreements
# --------------------------------------------------------------------------------------------------------------


def _term_end(commission: JointCommission) -> dt.date:
    start = commission.start_date
    try:
        end = start.replace(year=start.year + commission.term_years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + commission.term_years, day=28)
    return end - dt.timedelta(days=1)


@transaction.atomic
def agreement_sign(
    *,
    commission: JointCommission,
    scopes: Iterable[str],
    signatory_authority: str,
    signed_on: dt.date,
    document: Any,
    by: Actor,
) -> PartnershipAgreement:
    """A partner taking part signs the partnership agreement delegating to the lead, for the term."""
    commission = _lock(commission)
    organisation = by.organisation
    if organisation is None or not by.has_role(Role.COMMISSIONER, Role.ORG_ADMIN) or by.user is None:
        raise PermissionDenied("Only a named commissioner or admin of a partner can sign for it")
    if organisation.pk == commission.lead_id:
        raise DomainError("The lead commissioner does not delegate to itself")
    if not permissions.is_accepted_participant(commission, organisation.pk):
        raise DomainError(f"{organisation} must accept the invitation to take part before signing")
    if not commission.needs_agreements:
        raise DomainError(
            f"Under the {commission.get_model_display().lower() or 'chosen'} model partners do not delegate to a lead"
        )
    _require_planning(commission, "sign the agreement")
    if PartnershipAgreement._base_manager.filter(commission=commission, organisation=organisation).exists():
        raise DomainError(f"{organisation} has already signed the agreement for this commission")
    problems: dict[str, list[str]] = {}
    scopes = list(dict.fromkeys(scopes))
    if not scopes:
        problems["scopes"] = ["Choose what you delegate to the lead"]
    elif any(s not in DelegationScope.values for s in scopes):
        problems["scopes"] = ["Choose from procurement, contract management and performance management"]
    if not signatory_authority.strip():
        problems["signatory_authority"] = ["Say on what authority you sign, for example your post and the delegation"]
    if signed_on is None:
        problems["signed_on"] = ["Enter the date of signing"]
    elif signed_on > timezone.localdate():
        problems["signed_on"] = ["The date of signing cannot be in the future"]
    if document is None:
        problems["document"] = ["Upload the signed agreement"]
    if problems:
        raise DomainError("Check the agreement", field_errors=problems)
    agreement = PartnershipAgreement(
        commission=commission,
        organisation=organisation,
        scopes=[s for s in DelegationScope.values if s in scopes],
        signed_by=by.user,
        signatory_name=by.user.get_full_name() or str(by.user),
        signatory_authority=signatory_authority.strip()[:300],
        signed_on=signed_on,
        valid_from=commission.start_date,
        valid_until=_term_end(commission),
    )
    agreement.original_filename = (getattr(document, "name", "") or "agreement.pdf").rsplit("/", 1)[-1][:255]
    agreement.document.save(agreement.original_filename, document, save=False)
    agreement.save()
    audit.record(
        obj=agreement,
        action="agreement.signed",
        by=by,
        to_state="signed",
        data={
            "scopes": agreement.scopes,
            "signed_on": signed_on.isoformat(),
            "authority": agreement.signatory_authority,
        },
    )
    _notify_lead(
        commission,
        subject=f"{organisation} has signed the partnership agreement for {commission.title}",
        body=f"Delegated: {', '.join(agreement.scope_labels()).lower()}.",
    )
    return agreement


# --------------------------------------------------------------------------------------------------------------
# The workflow and its guards
# --------------------------------------------------------------------------------------------------------------


def sign_up_blockers(commission: JointCommission) -> list[str]:
    """Every partner taking part has said what it will put in (at least one year)."""
    problems: list[str] = []
    taking_part = list(
        Participation._base_manager.filter(commission=commission, status=ParticipationStatus.ACCEPTED)
        .select_related("organisation")
        .order_by("-is_lead", "organisation__name")
    )
    with_money = set(Contribution._base_manager.filter(commission=commission).values_list("organisation_id", flat=True))
    for p in taking_part:
        if p.organisation_id not in with_money:
            problems.append(f"{p.organisation} has not said what it will contribute")
    return problems


def procurement_blockers(commission: JointCommission) -> list[str]:
    """Everything that stops this commission entering procurement, in words (empty when it may).

    Reusable by the tendering app. Under a model where partners delegate to the lead (aligned or pooled budget,
    stand-alone partnership) every partner taking part must have signed an agreement delegating procurement to the
    lead; and under any model every partner taking part must have confirmed its first-year contribution. Partners
    still to answer an invitation block it too (the lead can withdraw the invitation).
    """
    commission = JointCommission._base_manager.select_related("lead").get(pk=commission.pk)
    problems: list[str] = []
    if not commission.model:
        problems.append("The commissioning model has not been chosen")
    elif commission.model == CommissioningModel.DO_NOTHING:
        problems.append("The chosen model is to do nothing: existing contracts continue and nothing is procured")
    participations = list(
        Participation._base_manager.filter(commission=commission)
        .select_related("organisation")
        .order_by("-is_lead", "organisation__name")
    )
    taking_part = [p for p in participations if p.status == ParticipationStatus.ACCEPTED]
    partners = [p for p in taking_part if not p.is_lead]
    for p in participations:
        if p.status == ParticipationStatus.INVITED:
            problems.append(f"{p.organisation} has not answered its invitation")
    if commission.model in DELEGATING_MODELS and not partners:
        problems.append("No partner besides the lead has agreed to take part")
    if commission.model == CommissioningModel.INDIVIDUAL and partners:
        problems.append("Under the individual model only the lead takes part: choose a joint model")
    if commission.model in DELEGATING_MODELS:
        agreements = {a.organisation_id: a for a in PartnershipAgreement._base_manager.filter(commission=commission)}
        for p in partners:
            agreement = agreements.get(p.organisation_id)
            if agreement is None:
                problems.append(f"{p.organisation} has not signed the partnership agreement")
            elif DelegationScope.PROCUREMENT not in agreement.scopes:
                problems.append(f"{p.organisation}'s agreement does not delegate procurement to {commission.lead}")
    first = commission.first_year
    label = financial_year_label(first)
    contributions = {
        c.organisation_id: c for c in Contribution._base_manager.filter(commission=commission, financial_year=first)
    }
    for p in taking_part:
        c = contributions.get(p.organisation_id)
        if c is None:
            problems.append(f"{p.organisation} has no contribution for {label}, the first year")
        elif c.status == ContributionStatus.INDICATIVE:
            problems.append(
                f"{p.organisation}'s {label} contribution ({format_gbp(c.amount)}) is indicative, not confirmed"
            )
    return problems


def commission_transition(*, commission: JointCommission, name: str, by: Actor, reason: str = "") -> JointCommission:
    """Take one step of the commission's life (guarded, locked, audited). Raises TransitionNotAllowed naming what
    is missing."""
    if name in NEEDS_REASON and not reason.strip():
        raise DomainError("Give a reason for this step", field="reason")
    return transition(obj=commission, workflow=COMMISSION_WORKFLOW, name=name, by=by, reason=reason.strip())


# --------------------------------------------------------------------------------------------------------------
# Timetable
# --------------------------------------------------------------------------------------------------------------

# The TSCiP stage-3 timetable (Tamworth cabinet report, 2011), with its real planned dates. A new timetable keeps
# each stage's offsets and lengths, fitted to end when the new contract starts.
TSCIP_TEMPLATE: tuple[tuple[str, str, dt.date, dt.date], ...] = (
    ("requirements", "Confirm requirements", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("investment", "Confirm three-year investment", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("sign_up", "Sign-up with signed agreements", dt.date(2011, 11, 10), dt.date(2011, 12, 16)),
    ("outlines", "Develop service outlines and consult partners", dt.date(2012, 1, 2), dt.date(2012, 2, 24)),
    ("training", "Training for interested providers", dt.date(2012, 1, 16), dt.date(2012, 2, 10)),
    ("tender", "Tender", dt.date(2012, 4, 2), dt.date(2012, 8, 20)),
    ("appraisal", "Appraisal", dt.date(2012, 7, 9), dt.date(2012, 9, 17)),
    ("standstill", "Standstill", dt.date(2012, 7, 30), dt.date(2012, 10, 8)),
    ("kpis", "Collaborative KPI agreement", dt.date(2012, 8, 20), dt.date(2012, 10, 22)),
    ("award", "Contract award signed", dt.date(2012, 9, 3), dt.date(2012, 11, 5)),
    ("contract_start", "Contract start", dt.date(2013, 1, 1), dt.date(2013, 4, 1)),
)
_TEMPLATE_START = TSCIP_TEMPLATE[0][2]
_TEMPLATE_SPAN = (TSCIP_TEMPLATE[-1][3] - _TEMPLATE_START).days  # 508 days
MIN_FITTED_SPAN = 60


def template_dates(*, begins_on: dt.date, contract_start: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """The template's stages with dates: ending on the contract start date when there is time (starting later than
    ``begins_on`` if need be), compressed proportionally when there is less time, never before ``begins_on``."""
    available = (contract_start - begins_on).days
    if available >= _TEMPLATE_SPAN:
        origin, factor = contract_start - dt.timedelta(days=_TEMPLATE_SPAN), 1.0
    elif available >= MIN_FITTED_SPAN:
        origin, factor = begins_on, available / _TEMPLATE_SPAN
    else:
        origin, factor = begins_on, 1.0
    out = []
    for key, name, start, end in TSCIP_TEMPLATE:
        s = origin + dt.timedelta(days=round((start - _TEMPLATE_START).days * factor))
        e = origin + dt.timedelta(days=round((end - _TEMPLATE_START).days * factor))
        out.append((key, name, s, max(e, s)))
    return out


def _owner_organisation(commission: JointCommission, owner: User | None) -> Organisation | None:
    """The organisation through which ``owner`` may own a stage: the lead, or a partner taking part."""
    if owner is None:
        return None
    eligible = [
        commission.lead_id,
        *list(
            Participation._base_manager.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        ),
    ]
    memberships = {
        m.organisation_id: m
        for m in Membership._base_manager.filter(
            user=owner, is_active=True, organisation_id__in=eligible
        ).select_related("organisation")
    }
    for organisation_id in eligible:
        if organisation_id in memberships:
            return memberships[organisation_id].organisation  # type: ignore[no-any-return]
    raise DomainError(
        f"{owner} does not work for the lead or a partner taking part, so cannot own a stage", field="owner"
    )


@transaction.atomic
def timetable_from_template(
    *, commission: JointCommission, by: Actor, begins_on: dt.date | None = None, owner: User | None = None
) -> list[Stage]:
    """Create the commission's stages from the TSCiP timetable template."""
    commission = _lock(commission)
    _require_lead(commission, by, "set up the timetable")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    if Stage._base_manager.filter(commission=commission).exists():
        raise DomainError("The commission already has a timetable: change its stages instead")
    begins_on = begins_on or timezone.localdate()
    owner = owner or commission.lead_contact or by.user
    owner_org = _owner_organisation(commission, owner)
    stages = [
        Stage(
            commission=commission,
            key=key,
            name=name,
            position=i,
            owner=owner,
            owner_organisation=owner_org,
            planned_start=start,
            planned_end=end,
        )
        for i, (key, name, start, end) in enumerate(
            template_dates(begins_on=begins_on, contract_start=commission.start_date), start=1
        )
    ]
    Stage.objects.bulk_create(stages)
    audit.record(
        obj=commission,
        action="commission.timetable_created",
        by=by,
        data={"stages": len(stages), "begins_on": begins_on.isoformat()},
    )
    return stages


def _check_stage_dates(planned_start: dt.date | None, planned_end: dt.date | None) -> None:
    problems: dict[str, list[str]] = {}
    if planned_start is None:
        problems["planned_start"] = ["Enter the planned start"]
    if planned_end is None:
        problems["planned_end"] = ["Enter the planned end"]
    if planned_start and planned_end and planned_end < planned_start:
        problems["planned_end"] = ["The planned end must be on or after the planned start"]
    if problems:
        raise DomainError("Check the stage's dates", field_errors=problems)


@transaction.atomic
def stage_add(
    *,
    commission: JointCommission,
    name: str,
    planned_start: dt.date,
    planned_end: dt.date,
    by: Actor,
    owner: User | None = None,
) -> Stage:
    _require_lead(commission, by, "change the timetable")
    if not name.strip():
        raise DomainError("Enter the stage's name", field="name")
    _check_stage_dates(planned_start, planned_end)
    position = (
        Stage._base_manager.filter(commission=commission)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
        or 0
    ) + 1
    stage = Stage.objects.create(
        commission=commission,
        name=name.strip(),
        position=position,
        owner=owner,
        owner_organisation=_owner_organisation(commission, owner),
        planned_start=planned_start,
        planned_end=planned_end,
    )
    audit.record(obj=stage, action="stage.added", by=by)
    return stage


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    by: Actor,
    name: str,
    planned_start: dt.date,
    planned_end: dt.date,
    owner: User | None,
    completed_on: dt.date | None = None,
    notes: str = "",
) -> Stage:
    """The lead changes any stage: name, owner, planned dates, actual completion (stages may overlap)."""
    stage = Stage._base_manager.select_for_update(of=("self",)).select_related("commission").get(pk=stage.pk)
    _require_lead(stage.commission, by, "change the timetable")
    if not name.strip():
        raise DomainError("Enter the stage's name", field="name")
    _check_stage_dates(planned_start, planned_end)
    if completed_on is not None and completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future", field="completed_on")
    before = {
        "name": stage.name,
        "owner": stage.owner_id,
        "planned_start": stage.planned_start.isoformat(),
        "planned_end": stage.planned_end.isoformat(),
        "completed_on": stage.completed_on.isoformat() if stage.completed_on else None,
    }
    stage.name = name.strip()
    stage.owner = owner
    stage.owner_organisation = _owner_organisation(stage.commission, owner)
    stage.planned_start = planned_start
    stage.planned_end = planned_end
    stage.completed_on = completed_on
    stage.notes = notes.strip()
    stage.save()
    after = {
        "name": stage.name,
        "owner": stage.owner_id,
        "planned_start": planned_start.isoformat(),
        "planned_end": planned_end.isoformat(),
        "completed_on": completed_on.isoformat() if completed_on else None,
    }
    audit.record(obj=stage, action="stage.changed", by=by, data={"from": before, "to": after})
    return stage


@transaction.atomic
def stage_complete(*, stage: Stage, by: Actor, completed_on: dt.date | None = None) -> Stage:
    """The stage's owner or the lead marks it done."""
    stage = Stage._base_manager.select_for_update(of=("self",)).select_related("commission").get(pk=stage.pk)
    is_owner = by.user is not None and stage.owner_id == by.user.pk
    if not (is_owner or permissions.is_lead(stage.commission, by)):
        raise PermissionDenied("Only the stage's owner or the lead commissioner can mark it done")
    if stage.completed_on is not None:
        raise DomainError(f"{stage.name} was completed on {stage.completed_on:%d %B %Y}")
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise DomainError("The completion date cannot be in the future", field="completed_on")
    stage.completed_on = completed_on
    stage.save(update_fields=["completed_on"])
    audit.record(
        obj=stage, action="stage.completed", by=by, to_state="done", data={"completed_on": completed_on.isoformat()}
    )
    return stage


@dataclass(frozen=True)
class Reminder:
    stage: Stage
    kind: str  # "due" or "overdue"
    threshold: int | None
    days_left: int

    @property
    def dedupe_key(self) -> str:
        if self.kind == "overdue":
            return f"stage:{self.stage.pk}:overdue:{self.stage.planned_end.isoformat()}"
        return f"stage:{self.stage.pk}:due:{self.threshold}:{self.stage.planned_end.isoformat()}"


def reminder_for(stage: Stage, *, today: dt.date, reminder_days: Sequence[int]) -> Reminder | None:
    """The one reminder a stage is due today, if any: overdue once its planned end has passed; otherwise the most
    urgent threshold it has reached (so a reminder missed on its day still goes, and only the latest is sent)."""
    if stage.completed_on is not None:
        return None
    days_left = (stage.planned_end - today).days
    if days_left < 0:
        return Reminder(stage, "overdue", None, days_left)
    reached = [d for d in reminder_days if days_left <= d]
    if not reached:
        return None
    return Reminder(stage, "due", min(reached), days_left)


def _reminder_text(r: Reminder) -> tuple[str, str]:
    stage, commission = r.stage, r.stage.commission
    if r.kind == "overdue":
        late = -r.days_left
        return (
            f"Overdue: {stage.name} for {commission.title}",
            f"{stage.name} was planned to end on {stage.planned_end:%d %B %Y} ({late} day{'s' if late != 1 else ''} "
            "ago) and is not marked done.",
        )
    when = "today" if r.days_left == 0 else f"in {r.days_left} day{'s' if r.days_left != 1 else ''}"
    return (
        f"Reminder: {stage.name} for {commission.title} ends {when}",
        f"{stage.name} is planned to end on {stage.planned_end:%d %B %Y}. Owner: {stage.owner or 'nobody yet'}.",
    )


def stage_reminders_send(*, today: dt.date | None = None) -> int:
    """Send every reminder due today, each exactly once: the dedupe key (stage, kind, threshold, planned end) and
    the notifications' unique constraint make retries, restarted workers and duplicate beats harmless. Runs as the
    system (tenancy disabled by the caller). Returns how many notifications were created."""
    today = today or timezone.localdate()
    with tenancy_disabled():
        return _send_reminders(today)


def _send_reminders(today: dt.date) -> int:
    stage_rows = (
        Stage.objects.filter(
            completed_on__isnull=True,
            commission__status__in=list(OPEN_STATUSES),
            planned_end__lte=today + dt.timedelta(days=366),
        )
        .select_related(
            "commission__partnership__commissioning_settings",
            "commission__lead",
            "commission__lead_contact",
            "owner",
            "owner_organisation",
        )
        .order_by("planned_end", "pk")
    )
    stages = list(stage_rows)
    still_there = set(
        Membership._base_manager.filter(
            user_id__in={s.owner_id for s in stages if s.owner_id}, is_active=True
        ).values_list("user_id", "organisation_id")
    )
    created = 0
    for stage in stages:
        try:
            days = stage.commission.partnership.commissioning_settings.reminder_days
        except CommissioningSettings.DoesNotExist:
            days = list(DEFAULT_REMINDER_DAYS)
        r = reminder_for(stage, today=today, reminder_days=days)
        if r is None:
            continue
        subject, body = _reminder_text(r)
        url = reverse("commission-timetable", kwargs={"commission_id": stage.commission_id})
        commission = stage.commission
        with transaction.atomic():
            if (
                stage.owner is not None
                and stage.owner.is_active
                and (stage.owner_id, stage.owner_organisation_id) in still_there
            ):
                created += len(
                    notify(
                        recipients=[stage.owner],
                        subject=subject,
                        body=body,
                        url=url,
                        organisation=stage.owner_organisation,
                        dedupe_key=r.dedupe_key,
                    )
                )
            lead_people = (
                [commission.lead_contact]
                if commission.lead_contact is not None and commission.lead_contact.is_active
                else [m.user for m in commissioners_of([commission.lead_id])]
            )
            created += len(
                notify(
                    recipients=lead_people,
                    subject=subject,
                    body=body,
                    url=url,
                    organisation=commission.lead,
                    dedupe_key=r.dedupe_key,
                )
            )
    return created


# --------------------------------------------------------------------------------------------------------------
# Calendar feed
# --------------------------------------------------------------------------------------------------------------


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _ = CalendarFeed._base_manager.get_or_create(user=user)
    return feed  # type: ignore[no-any-return]


@transaction.atomic
def calendar_feed_reset(*, by: Actor) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    if by.user is None:
        raise PermissionDenied("Only a person has a calendar")
    CalendarFeed._base_manager.filter(user=by.user).delete()
    feed = CalendarFeed._base_manager.create(user=by.user)
    audit.record(obj=feed, action="calendar_feed.reset", by=by)
    return feed  # type: ignore[no-any-return]
