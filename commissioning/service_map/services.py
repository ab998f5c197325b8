"""Writes (keyword-only, atomic, audited): the service map (what each partner already funds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from commissioning.service_map.models import (
    CommissioningSettings,
    ContractImport,
    EvidenceItem,
    MapDecision,
    MappedContract,
    Outcome,
    ServiceArea,
    provider_key,
)
from commissioning.service_map.rules import (
    CONTRACT_FIELDS,
    EXPORT_HEADERS,
    IMPORT_COLUMNS,
    REQUIRED_IMPORT_FIELDS,
    _cell_problem,
    _contract_problems,
    require_partner,
)
from commissioning.service_map.tabular import TableError, parse_date, parse_money, parse_yes_no, read_table, text
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import format_gbp, money
from core.notifications import fan_out
from core.notifications import messages as notification_messages
from core.service import service
from core.tenancy import unscoped
from partners.models import Membership, Organisation, Partnership, Role


def money_str(value: Decimal) -> str:
    return f"{money(value):.2f}"


@service
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
        raise NotPermitted(f"Only the accountable body ({partnership.accountable_body}) can change these settings")
    if not by.has_role(Role.ORG_ADMIN, Role.COMMISSIONER):
        raise NotPermitted("Only an admin or commissioner of the accountable body can change these settings")
    threshold = money(framework_threshold)
    if threshold < 0:
        raise DomainError("The threshold cannot be negative", field="framework_threshold")
    days = sorted({int(d) for d in reminder_days}, reverse=True)
    if any(d < 0 or d > 365 for d in days):
        raise DomainError("Reminder days must be between 0 and 365", field="reminder_days")
    if not 1 <= int(alignment_window_days) <= 1830:
        raise DomainError("The alignment window must be between 1 and 1830 days", field="alignment_window_days")
    found, _ = CommissioningSettings.objects.select_for_update(of=("self",)).get_or_create(partnership=partnership)
    before = {
        "framework_threshold": money_str(found.framework_threshold),
        "reminder_days": list(found.reminder_days),
        "alignment_window_days": found.alignment_window_days,
    }
    found.framework_threshold = threshold
    found.reminder_days = days
    found.alignment_window_days = int(alignment_window_days)
    found.save()
    after = {
        "framework_threshold": money_str(threshold),
        "reminder_days": days,
        "alignment_window_days": found.alignment_window_days,
    }
    audit.record(obj=found, action="commissioning_settings.changed", by=by, data={"from": before, "to": after})
    return found


@service
def service_area_create(*, partnership: Partnership, name: str, description: str = "", by: Actor) -> ServiceArea:
    require_partner(partnership, by, Role.COMMISSIONER, doing="add a service area")
    name = " ".join(name.split())
    if not name:
        raise DomainError("Enter the service area's name", field="name")
    if ServiceArea.objects.annotate(n=Lower("name")).filter(partnership=partnership, n=name.lower()).exists():
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


@service
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
    require_partner(partnership, by, Role.COMMISSIONER, Role.ORG_ADMIN, doing="add evidence")
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


@service
def outcome_add(*, partnership: Partnership, kind: str, title: str, description: str = "", by: Actor) -> Outcome:
    """Add an outcome or a principle to the partnership's outcomes framework."""
    require_partner(partnership, by, Role.COMMISSIONER, doing="change the outcomes framework")
    if kind not in Outcome.Kind.values:
        raise DomainError("Choose outcome or principle", field="kind")
    title = " ".join(title.split())
    if not title:
        raise DomainError("Enter the outcome or principle", field="title")
    exists = Outcome.objects.annotate(t=Lower("title")).filter(partnership=partnership, kind=kind, t=title.lower())
    if exists.exists():
        raise DomainError(f"The framework already has '{title}'", field="title")
    position = Outcome.objects.filter(partnership=partnership, kind=kind).count() + 1
    outcome = Outcome.objects.create(
        partnership=partnership, kind=kind, title=title, description=description.strip(), position=position
    )
    audit.record(obj=outcome, action="outcome.added", by=by, data={"kind": kind})
    return outcome


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
    require_partner(partnership, by, Role.COMMISSIONER, Role.FINANCE_OFFICER, doing="record contracts")
    assert by.organisation is not None
    return by.organisation


@service
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
        "annual_value": money_str(contract.annual_value),
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "alignable": contract.alignable,
    }


@service
def mapped_contract_update(*, contract: MappedContract, by: Actor, **values: Any) -> MappedContract:
    if by.organisation is None or contract.funder_id != by.organisation.pk:
        raise NotPermitted("Only the partner that funds a contract can change it")
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
        # Through the reverse relation: contributions belong to commissions, a package above the service map. The
        # base manager because a commission's contributions are not all visible to the contract's funder.
        used = contract.contributions(manager="_base_manager").exclude(
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


@service
def mapped_contract_delete(*, contract: MappedContract, by: Actor) -> None:
    if by.organisation is None or contract.funder_id != by.organisation.pk:
        raise NotPermitted("Only the partner that funds a contract can remove it")
    _require_funder(contract.partnership, by)
    if contract.contributions(manager="_base_manager").exists():  # as in mapped_contract_update
        raise DomainError("A joint commission's contribution comes from this contract: it cannot be removed")
    audit.record(obj=contract, action="mapped_contract.removed", by=by, data=_contract_data(contract))
    contract.delete()


def _import_row(
    raw: dict[str, Any], *, areas: dict[str, ServiceArea], funder: Organisation
) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    reasons: list[str] = []
    fields = {IMPORT_COLUMNS[k]: v for k, v in raw.items() if k in IMPORT_COLUMNS}
    area_name = text(fields.get("service_area"))
    if not area_name:
        reasons.append("Service area is missing")
    elif area_name.lower() not in areas:
        reasons.append(f"There is no service area called '{area_name}' in this partnership")
    else:
        values["service_area"] = areas[area_name.lower()]
    funder_name = text(fields.get("funder"))
    if funder_name and funder_name.lower() != funder.name.lower():
        reasons.append(f"Funder is {funder_name}: you can only record {funder.name}'s own contracts")
    for name, parse, label in (
        ("annual_value", parse_money, "Annual value"),
        ("start_date", parse_date, "Start date"),
        ("end_date", parse_date, "End date"),
    ):
        try:
            values[name] = parse(fields.get(name))
        except ValueError as exc:
            reasons.append(f"{label} {exc}")
    try:
        values["alignable"] = parse_yes_no(fields.get("alignable"))
    except ValueError as exc:
        reasons.append(f"Can be aligned: {exc}")
    for name in ("provider_name", "title", "reference", "funding_source", "not_alignable_reason"):
        values[name] = text(fields.get(name))
        problem = _cell_problem(name, values[name])
        if problem:
            reasons.append(problem)
    for field, messages in _contract_problems(values).items():
        if field in ("annual_value", "start_date", "end_date") and field not in values:
            continue  # the parser has already said what is wrong
        reasons.extend(messages)
    return values, list(dict.fromkeys(reasons))


@service
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
        headers, lazy_rows = read_table(data, filename=filename)
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
        areas = {a.name.lower(): a for a in ServiceArea.objects.filter(partnership=partnership)}
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
    except TableError as exc:
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
    return MappedContract.objects.filter(
        service_area=values["service_area"],
        funder=funder,
        provider_key=provider_key(values["provider_name"]),
        start_date=values["start_date"],
        end_date=values["end_date"],
        annual_value=values["annual_value"],
    ).exists()


DECISION_REASON_LIMIT = 2000


@service
def map_decision_record(
    *,
    service_area: ServiceArea,
    kind: str,
    reason: str,
    review_on: dt.date,
    contract: MappedContract | None = None,
    by: Actor,
) -> MapDecision:
    """A partner records a decision about one of its own contracts, or the whole service area, without starting a
    commission ("keep as it is", "look at a stand-alone model later"...), with the reason and a date to review it."""
    require_partner(service_area.partnership, by, Role.COMMISSIONER, doing="record a decision on the map")
    if kind not in MapDecision.Kind.values:
        raise DomainError("Choose what you have decided", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Say why: the reason is kept with the decision", field="reason")
    if len(reason) > DECISION_REASON_LIMIT:
        raise DomainError(f"Keep the reason to {DECISION_REASON_LIMIT} characters", field="reason")
    if review_on is None:
        raise DomainError("Enter the date to review the decision", field="review_on")
    today = timezone.localdate()
    if review_on <= today:
        raise DomainError("The review date must be in the future", field="review_on")
    if review_on > today + dt.timedelta(days=366 * 10):
        raise DomainError("The review date must be within ten years", field="review_on")
    if contract is not None:
        if contract.service_area_id != service_area.pk:
            raise DomainError("That contract is in another service area", field="contract")
        if by.organisation is None or contract.funder_id != by.organisation.pk:
            raise NotPermitted("A partner records decisions about its own contracts only")
    if kind == MapDecision.Kind.END and contract is None:
        raise DomainError("Choose the contract to end", field="contract")
    decision = MapDecision.objects.create(
        partnership=service_area.partnership,
        organisation=by.organisation,
        service_area=service_area,
        contract=contract,
        kind=kind,
        reason=reason,
        review_on=review_on,
        recorded_by=by.user,
    )
    audit.record(
        obj=decision,
        action="map_decision.recorded",
        by=by,
        reason=reason,
        data={"kind": kind, "contract": contract.pk if contract else None, "review_on": review_on.isoformat()},
    )
    return decision


def _decision_subject(d: MapDecision) -> str:
    return f"{d.contract.provider_name} ({d.contract.title})" if d.contract else d.service_area.name


def map_decision_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the deciding partner's commissioners when a decision's review date has come: once per decision per
    review date (the dedupe key names both, so a changed date reminds again). Runs as the system."""
    today = today or timezone.localdate()
    with unscoped(reason="decision reminders go to each deciding partner's commissioners"):
        due = list(
            MapDecision.objects.filter(
                review_on__lte=today, review_on__gte=today - dt.timedelta(days=60)
            ).select_related("organisation", "service_area", "contract")
        )
        people: dict[int, list[Any]] = {}
        for m in Membership.objects.filter(
            organisation_id__in={d.organisation_id for d in due}, is_active=True, roles__contains=[Role.COMMISSIONER]
        ).select_related("user"):
            people.setdefault(m.organisation_id, []).append(m.user)
        # In batches (core.notifications.fan_out): one insert and one delivery task per batch, each reminder once.
        created = fan_out(
            m
            for d in due
            for m in notification_messages(
                people.get(d.organisation_id, []),
                subject=f"Time to review: {d.get_kind_display().lower()} for {_decision_subject(d)}",
                body=f"On {d.created_at:%d %B %Y} you decided: {d.get_kind_display()}. Reason: {d.reason}",
                url=reverse("service-area-detail", kwargs={"service_area_id": d.service_area_id}),
                organisation_id=d.organisation_id,
                dedupe_key=f"map-decision-review:{d.pk}:{d.review_on.isoformat()}",
            )
        )
    return created
