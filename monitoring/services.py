"""Every write in ``monitoring``: keyword-only, atomic, validating, audited.

Refusals raise ``core.errors.DomainError`` (shown on the form) or ``PermissionDenied``; state changes go through the
workflows in ``monitoring.workflows`` (which lock the row, check the guards and write the audit trail).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import Outcome
from core import audit
from core.actors import Actor
from core.errors import DomainError, PermissionDenied
from core.files import check_upload
from core.money import format_gbp, money
from core.notifications import notify
from core.tenancy import tenancy_disabled
from core.workflow import transition
from monitoring import periods, permissions, rag
from monitoring.models import (
    DEFAULT_DECOMMISSIONING_STEPS,
    ActionStatus,
    ConfidentialFeedback,
    DecommissioningStep,
    EndReview,
    ImprovementAction,
    ImprovementPlan,
    Kpi,
    KpiReturn,
    KpiSet,
    KpiSetResponse,
    KpiSetStatus,
    KpiValue,
    MonitoringVisit,
    OutcomeFollowUp,
    PlanStatus,
    ReturnEvidence,
    ReturnQuery,
    ReturnStatus,
    ReviewStatus,
    Unit,
    VisitStatus,
)
from monitoring.workflows import END_REVIEW_WORKFLOW, KPI_SET_WORKFLOW, RETURN_WORKFLOW, partners_of
from partners.models import Membership, Organisation, Role, User
from procurement.award.models import Contract
from procurement.tenders.models import Lot

# Overdue reminders go for returns that fell due within this many days (not for a long-past backlog).
OVERDUE_WINDOW_DAYS = 60

# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _name(by: Actor) -> str:
    user = by.user
    return (user.get_full_name() or user.get_username()) if user is not None else "Jointly (automatic)"


def _require_lead(contract: Contract, by: Actor, doing: str) -> None:
    if not permissions.is_lead(contract, by):
        raise PermissionDenied(f"Only the lead commissioner ({contract.commission.lead}) can {doing}")


def _require_commission_lead(commission: JointCommission, by: Actor, doing: str) -> None:
    if not permissions.is_lead_of(commission, by):
        raise PermissionDenied(f"Only the lead commissioner ({commission.lead}) can {doing}")


def _require_provider(contract: Contract, by: Actor, doing: str) -> None:
    if not permissions.is_provider(contract, by):
        raise PermissionDenied(f"Only the provider ({contract.provider}) can {doing}")


def people_of(organisation_id: int, *roles: str) -> list[User]:
    return [
        m.user
        for m in Membership._base_manager.filter(
            organisation_id=organisation_id, is_active=True, roles__overlap=list(roles)
        ).select_related("user")
        if m.user.is_active
    ]


def lead_people(contract_or_commission: Contract | JointCommission) -> list[User]:
    commission = (
        contract_or_commission.commission if isinstance(contract_or_commission, Contract) else contract_or_commission
    )
    contact = commission.lead_contact
    if contact is not None and contact.is_active:
        return [contact]
    return people_of(commission.lead_id, Role.COMMISSIONER)


def provider_people(contract: Contract) -> list[User]:
    return people_of(contract.provider_id, Role.BIDDER, Role.ORG_ADMIN)


def _tell(
    users: Iterable[User], organisation_id: int, *, subject: str, body: str = "", url: str = "", key: str | None = None
) -> int:
    return len(
        notify(
            recipients=list(users),
            subject=subject,
            body=body,
            url=url,
            organisation=Organisation(pk=organisation_id),
            dedupe_key=key,
        )
    )


def _contract_url(contract: Contract) -> str:
    return reverse("monitoring-contract", kwargs={"monitored_contract_id": contract.pk})


def _return_url(kpi_return: KpiReturn) -> str:
    return reverse("kpi-return", kwargs={"kpi_return_id": kpi_return.pk})


def _text(value: Any) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


# --------------------------------------------------------------------------------------------------------------
# Values and units
# --------------------------------------------------------------------------------------------------------------


def parse_value(raw: Any, unit: str, *, label: str = "The value") -> Decimal | None:
    """A KPI value in its unit: whole numbers for counts, 0 to 100 for percentages, pounds and pence for money,
    1 (yes) or 0 (no). Empty means not given. Raises DomainError with a message for the person."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float):
        raise DomainError(f"{label} must be exact, not a floating-point number")
    if isinstance(raw, bool):
        raw = 1 if raw else 0
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("£", "").rstrip("%").strip().lower()
        if unit == Unit.YES_NO and text in ("yes", "y", "true"):
            text = "1"
        elif unit == Unit.YES_NO and text in ("no", "n", "false"):
            text = "0"
        raw = text
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise DomainError(f"{label} must be a number") from exc
    if not value.is_finite():
        raise DomainError(f"{label} must be a number")
    if unit == Unit.COUNT:
        if value != value.to_integral_value():
            raise DomainError(f"{label} must be a whole number")
        if value < 0:
            raise DomainError(f"{label} cannot be negative")
        return value.quantize(Decimal("1"))
    if unit == Unit.PERCENTAGE:
        if value < 0 or value > 100:
            raise DomainError(f"{label} must be a percentage from 0 to 100")
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(f"{label} can have at most 2 decimal places")
        return value.quantize(Decimal("0.01"))
    if unit == Unit.MONEY:
        if value < 0:
            raise DomainError(f"{label} cannot be negative")
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(f"{label} must be in pounds and pence")
        return money(value)
    if unit == Unit.YES_NO:
        if value not in (Decimal(0), Decimal(1)):
            raise DomainError(f"{label} must be yes or no")
        return value.quantize(Decimal("1"))
    raise DomainError(f"Unknown unit {unit!r}")


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def format_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.MONEY:
        return format_gbp(value)
    if unit == Unit.PERCENTAGE:
        return f"{value.normalize():f}%" if value == value.to_integral_value() else f"{value:.2f}%"
    if unit == Unit.YES_NO:
        return "Yes" if value == 1 else "No"
    return f"{value:,.0f}"


# --------------------------------------------------------------------------------------------------------------
# KPI sets and KPIs
# --------------------------------------------------------------------------------------------------------------


def _clean_reminder_days(days: Iterable[Any]) -> list[int]:
    out = sorted({int(d) for d in days}, reverse=True)
    if not out or any(d < 1 or d > 60 for d in out):
        raise DomainError("Reminder days must be between 1 and 60", field="reminder_days")
    return out


def _check_lot(commission: JointCommission, lot: Lot | None) -> None:
    if lot is not None and lot.tender.commission_id != commission.pk:
        raise DomainError("That lot belongs to another commission's tender", field="lot")


@transaction.atomic
def kpi_set_create(
    *,
    commission: JointCommission,
    title: str,
    by: Actor,
    lot: Lot | None = None,
    return_frequency: str = periods.QUARTERLY,
    return_due_days: int = 20,
    reminder_days: Sequence[int] = (7, 1),
) -> KpiSet:
    """The lead drafts the KPIs for a commission (or one lot of its tender) before award."""
    _require_commission_lead(commission, by, "draft its KPIs")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    _check_lot(commission, lot)
    title = _text(title)
    if not title:
        raise DomainError("Give the KPIs a title", field="title")
    if return_frequency not in periods.FREQUENCIES:
        raise DomainError("Choose how often returns are made", field="return_frequency")
    if KpiSet._base_manager.filter(commission=commission, lot=lot).exists():
        what = f"lot {lot.number}" if lot else "this commission"
        raise DomainError(f"There are already KPIs for {what}: change those instead", field="lot")
    kpi_set = KpiSet._base_manager.create(
        commission=commission,
        lot=lot,
        title=title,
        return_frequency=return_frequency,
        return_due_days=int(return_due_days),
        reminder_days=_clean_reminder_days(reminder_days),
        created_by=by.user,
    )
    audit.record(obj=kpi_set, action="kpi_set.created", by=by, to_state=kpi_set.status, data={"title": title})
    return kpi_set


def _lock_set(kpi_set: KpiSet) -> KpiSet:
    return KpiSet._base_manager.select_for_update(of=("self",)).select_related("commission").get(pk=kpi_set.pk)


def _require_draft(kpi_set: KpiSet) -> None:
    if kpi_set.status != KpiSetStatus.DRAFT:
        raise DomainError(
            f"The KPIs are {kpi_set.get_status_display().lower()}: take them back to draft to change them"
        )


@transaction.atomic
def kpi_set_update(
    *,
    kpi_set: KpiSet,
    by: Actor,
    title: str,
    return_frequency: str,
    return_due_days: int,
    reminder_days: Sequence[int],
) -> KpiSet:
    kpi_set = _lock_set(kpi_set)
    _require_commission_lead(kpi_set.commission, by, "change its KPIs")
    _require_draft(kpi_set)
    title = _text(title)
    if not title:
        raise DomainError("Give the KPIs a title", field="title")
    if return_frequency not in periods.FREQUENCIES:
        raise DomainError("Choose how often returns are made", field="return_frequency")
    before = {
        "title": kpi_set.title,
        "return_frequency": kpi_set.return_frequency,
        "return_due_days": kpi_set.return_due_days,
        "reminder_days": list(kpi_set.reminder_days),
    }
    kpi_set.title = title
    kpi_set.return_frequency = return_frequency
    kpi_set.return_due_days = int(return_due_days)
    kpi_set.reminder_days = _clean_reminder_days(reminder_days)
    kpi_set.save()
    after = {
        "title": kpi_set.title,
        "return_frequency": kpi_set.return_frequency,
        "return_due_days": kpi_set.return_due_days,
        "reminder_days": list(kpi_set.reminder_days),
    }
    audit.record(obj=kpi_set, action="kpi_set.changed", by=by, data={"before": before, "after": after})
    return kpi_set


KPI_FIELDS = (
    "name",
    "definition",
    "unit",
    "target",
    "frequency",
    "direction",
    "green_threshold",
    "red_threshold",
    "outcome",
    "evidence_required",
    "payment_linked",
)


def _kpi_values(kpi_set: KpiSet, values: Mapping[str, Any]) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    out: dict[str, Any] = {}
    out["name"] = _text(values.get("name"))
    if not out["name"]:
        add("name", "Enter the KPI's name")
    out["definition"] = _text(values.get("definition"))
    if not out["definition"]:
        add("definition", "Say exactly what is counted, and how")
    unit = values.get("unit") or Unit.COUNT
    if unit not in Unit.values:
        add("unit", "Choose a unit")
        unit = Unit.COUNT
    out["unit"] = unit
    frequency = values.get("frequency") or kpi_set.return_frequency
    if frequency not in periods.FREQUENCIES:
        add("frequency", "Choose how often it is reported")
    elif not periods.finer_or_equal(kpi_set.return_frequency, frequency):
        add(
            "frequency",
            f"Returns are {kpi_set.get_return_frequency_display().lower()}: a KPI cannot be reported more often",
        )
    out["frequency"] = frequency
    direction = values.get("direction") or rag.HIGHER
    if direction not in (rag.HIGHER, rag.LOWER):
        add("direction", "Choose whether higher or lower is better")
        direction = rag.HIGHER
    out["direction"] = direction
    for field, label in (
        ("target", "The target"),
        ("green_threshold", "The green threshold"),
        ("red_threshold", "The red threshold"),
    ):
        try:
            out[field] = parse_value(values.get(field), unit, label=label)
        except DomainError as error:
            add(field, error.message)
            out[field] = None
    if out.get("target") is None and "target" not in problems:
        add("target", "Enter the target for each period")
    if unit == Unit.YES_NO and out.get("target") is not None:
        # Yes/no: green when the answer is the target, red otherwise.
        out["green_threshold"] = out["red_threshold"] = out["target"]
        out["direction"] = rag.HIGHER if out["target"] == 1 else rag.LOWER
    else:
        if out.get("green_threshold") is None and "green_threshold" not in problems:
            out["green_threshold"] = out.get("target")
        if out.get("red_threshold") is None and "red_threshold" not in problems:
            add("red_threshold", "Enter the red threshold: worse than this is red")
    if out.get("green_threshold") is not None and out.get("red_threshold") is not None:
        problem = rag.thresholds_problem(
            direction=out["direction"], green=out["green_threshold"], red=out["red_threshold"]
        )
        if problem:
            add("red_threshold", problem)
    outcome = values.get("outcome")
    if isinstance(outcome, int | str) and str(outcome).isdigit():
        outcome = Outcome._base_manager.filter(pk=int(outcome)).first()
    if outcome and outcome.partnership_id != kpi_set.commission.partnership_id:
        add("outcome", "Choose an outcome from this partnership's framework")
    out["outcome"] = outcome or None
    out["evidence_required"] = _text(values.get("evidence_required"))
    out["payment_linked"] = bool(values.get("payment_linked"))
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, field_errors=problems)
    return out


def _kpi_snapshot(kpi: Kpi) -> dict[str, Any]:
    return {
        "name": kpi.name,
        "unit": kpi.unit,
        "target": str(kpi.target),
        "frequency": kpi.frequency,
        "direction": kpi.direction,
        "green": str(kpi.green_threshold),
        "red": str(kpi.red_threshold),
        "outcome": kpi.outcome_id,
        "payment_linked": kpi.payment_linked,
    }


@transaction.atomic
def kpi_add(*, kpi_set: KpiSet, by: Actor, **values: Any) -> Kpi:
    kpi_set = _lock_set(kpi_set)
    _require_commission_lead(kpi_set.commission, by, "add KPIs")
    _require_draft(kpi_set)
    clean = _kpi_values(kpi_set, values)
    position = (kpi_set.kpis.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    kpi = Kpi._base_manager.create(kpi_set=kpi_set, position=position, **clean)
    audit.record(obj=kpi_set, action="kpi_set.kpi_added", by=by, data={"kpi": kpi.pk, **_kpi_snapshot(kpi)})
    return kpi


@transaction.atomic
def kpi_update(*, kpi: Kpi, by: Actor, **values: Any) -> Kpi:
    kpi_set = _lock_set(kpi.kpi_set)
    _require_commission_lead(kpi_set.commission, by, "change KPIs")
    _require_draft(kpi_set)
    kpi = Kpi._base_manager.get(pk=kpi.pk)
    before = _kpi_snapshot(kpi)
    clean = _kpi_values(kpi_set, {**{f: getattr(kpi, f) for f in KPI_FIELDS}, **values})
    for field, value in clean.items():
        setattr(kpi, field, value)
    kpi.save()
    audit.record(
        obj=kpi_set,
        action="kpi_set.kpi_changed",
        by=by,
        data={"kpi": kpi.pk, "before": before, "after": _kpi_snapshot(kpi)},
    )
    return kpi


@transaction.atomic
def kpi_remove(*, kpi: Kpi, by: Actor) -> None:
    kpi_set = _lock_set(kpi.kpi_set)
    _require_commission_lead(kpi_set.commission, by, "remove KPIs")
    _require_draft(kpi_set)
    snapshot = _kpi_snapshot(kpi)
    Kpi._base_manager.filter(pk=kpi.pk).delete()
    audit.record(obj=kpi_set, action="kpi_set.kpi_removed", by=by, data={"kpi": kpi.pk, **snapshot})


@transaction.atomic
def kpi_set_respond(*, kpi_set: KpiSet, agree: bool, by: Actor, text: str = "") -> KpiSetResponse:
    """A partner comments on the KPIs, or agrees them (who, for which organisation, when: recorded and audited)."""
    kpi_set = _lock_set(kpi_set)
    text = _text(text)
    if not agree and not text:
        raise DomainError("Write your comment", field="text")
    if not permissions.may_respond_to_kpis(kpi_set.commission, by):
        raise PermissionDenied("Only a commissioner of a partner taking part can comment on or agree the KPIs")
    if kpi_set.status != KpiSetStatus.CONSULTATION:
        raise DomainError(
            f"The KPIs are {kpi_set.get_status_display().lower()}: partners respond while they are shared"
        )
    kind = KpiSetResponse.Kind.AGREE if agree else KpiSetResponse.Kind.COMMENT
    if (
        agree
        and KpiSetResponse._base_manager.filter(
            kpi_set=kpi_set, organisation=by.organisation, version=kpi_set.version, kind=kind
        ).exists()
    ):
        raise DomainError(f"{by.organisation} has already agreed this version")
    response = KpiSetResponse._base_manager.create(
        kpi_set=kpi_set,
        organisation=by.organisation,
        kind=kind,
        text=text,
        version=kpi_set.version,
        by=by.user,
        by_name=_name(by),
    )
    audit.record(
        obj=kpi_set,
        action=f"kpi_set.{'agreed_by_partner' if agree else 'commented'}",
        by=by,
        reason=text,
        data={"version": kpi_set.version, "organisation": by.organisation.pk},
    )
    verb = "agreed" if agree else "commented on"
    url = reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk})
    commission = kpi_set.commission
    _tell(
        lead_people(commission),
        commission.lead_id,
        subject=f"{by.organisation} {verb} the KPIs for {commission.title}",
        body=text,
        url=url,
    )
    return response


@transaction.atomic
def kpi_set_transition(*, kpi_set: KpiSet, name: str, by: Actor, reason: str = "") -> KpiSet:
    kpi_set = transition(
        obj=kpi_set, workflow=KPI_SET_WORKFLOW, name=name, by=by, reason=reason, data={"version": kpi_set.version}
    )
    commission = kpi_set.commission
    url = reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk})
    if name == "share":
        for partner in partners_of(kpi_set):
            _tell(
                people_of(partner.pk, Role.COMMISSIONER),
                partner.pk,
                subject=f"Please agree the KPIs for {commission.title}",
                body=f"{commission.lead} has shared version {kpi_set.version} of the KPIs. Comment on them or agree.",
                url=url,
                key=f"kpi_set:{kpi_set.pk}:v{kpi_set.version}:shared:o{partner.pk}",
            )
    elif name == "agree":
        for partner in partners_of(kpi_set):
            _tell(
                people_of(partner.pk, Role.COMMISSIONER),
                partner.pk,
                subject=f"The KPIs for {commission.title} are agreed",
                url=url,
                key=f"kpi_set:{kpi_set.pk}:v{kpi_set.version}:agreed:o{partner.pk}",
            )
    return kpi_set


# --------------------------------------------------------------------------------------------------------------
# The contract's KPIs and periods
# --------------------------------------------------------------------------------------------------------------


def kpi_set_for(contract: Contract) -> KpiSet | None:
    """The KPIs a contract is monitored on: its lot's own set, else the commission-wide set."""
    candidates = list(KpiSet._base_manager.filter(commission_id=contract.commission_id).select_related("commission"))
    own = [s for s in candidates if s.lot_id is not None and s.lot_id == contract.lot_id]
    wide = [s for s in candidates if s.lot_id is None]
    return own[0] if own else (wide[0] if wide else None)


def contract_periods(contract: Contract, kpi_set: KpiSet) -> list[periods.Period]:
    return periods.reporting_periods(contract.start_date, contract.end_date, kpi_set.return_frequency)


def due_kpis(kpis: Iterable[Kpi], period: periods.Period, contract: Contract) -> list[Kpi]:
    return [k for k in kpis if periods.is_due_in(k.frequency, period, contract_end=contract.end_date)]


# --------------------------------------------------------------------------------------------------------------
# Returns
# --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def return_start(*, contract: Contract, period_start: dt.date, by: Actor) -> KpiReturn:
    """The provider starts (or reopens its draft of) the return for one period."""
    _require_provider(contract, by, "make its returns")
    existing = KpiReturn._base_manager.filter(contract=contract, period_start=period_start).first()
    if existing is not None:
        return existing
    kpi_set = kpi_set_for(contract)
    if kpi_set is None or not kpi_set.is_agreed:
        raise DomainError("The KPIs for this contract have not been agreed yet")
    period = next((p for p in contract_periods(contract, kpi_set) if p.start == period_start), None)
    if period is None:
        raise DomainError("That is not one of this contract's reporting periods", field="period_start")
    if period.start > timezone.localdate():
        raise DomainError(f"The {period.label} period has not started yet", field="period_start")
    kpis = list(kpi_set.kpis.all())
    try:
        with transaction.atomic():
            kpi_return = KpiReturn._base_manager.create(
                contract=contract,
                kpi_set=kpi_set,
                frequency=period.frequency,
                period_start=period.start,
                period_end=period.end,
                label=period.label,
                due_on=period.due_on(kpi_set.return_due_days),
            )
    except IntegrityError:
        return KpiReturn._base_manager.get(contract=contract, period_start=period_start)
    KpiValue._base_manager.bulk_create(
        [KpiValue(kpi_return=kpi_return, kpi=k) for k in due_kpis(kpis, period, contract)]
    )
    audit.record(
        obj=kpi_return, action="kpi_return.started", by=by, to_state=kpi_return.status, data={"period": period.label}
    )
    return kpi_return


def _lock_return(kpi_return: KpiReturn) -> KpiReturn:
    return (
        KpiReturn._base_manager.select_for_update(of=("self",))
        .select_related("contract__commission", "contract__provider")
        .get(pk=kpi_return.pk)
    )


@transaction.atomic
def return_save(
    *,
    kpi_return: KpiReturn,
    by: Actor,
    values: Mapping[int, Mapping[str, Any]] | None = None,
    narrative: str | None = None,
    case_studies: str | None = None,
    feedback_summary: str | None = None,
    confidential_details: str | None = None,
) -> KpiReturn:
    """The provider saves its return (while a draft, or while queried). ``values`` maps KPI ids to
    ``{"actual": ..., "note": ...}``. Confidential details of user feedback are added for the lead only: they are
    never shown back, not even to the provider."""
    kpi_return = _lock_return(kpi_return)
    contract = kpi_return.contract
    _require_provider(contract, by, "change its return")
    if not kpi_return.provider_may_edit:
        raise DomainError(f"The return is {kpi_return.get_status_display().lower()}: it cannot be changed now")
    rows = {v.kpi_id: v for v in KpiValue._base_manager.filter(kpi_return=kpi_return).select_related("kpi")}
    problems: dict[str, list[str]] = {}
    changes: list[dict[str, str]] = []
    for kpi_id, given in (values or {}).items():
        row = rows.get(int(kpi_id))
        if row is None:
            raise DomainError("That KPI is not due in this return")
        try:
            actual = parse_value(given.get("actual"), row.kpi.unit, label=row.kpi.name)
        except DomainError as error:
            problems.setdefault(f"kpi_{row.kpi_id}", []).append(error.message)
            continue
        note = _text(given.get("note"))
        if actual != row.actual or note != row.note:
            changes.append(
                {
                    "kpi": row.kpi.name,
                    "before": _plain(row.actual),
                    "after": _plain(actual),
                }
            )
            row.actual, row.note, row.rag = actual, note, row.kpi.rag_of(actual)
            row.save(update_fields=["actual", "note", "rag"])
    if problems:
        raise DomainError("Check the values", field_errors=problems)
    fields: list[str] = []
    for name, value in (
        ("narrative", narrative),
        ("case_studies", case_studies),
        ("feedback_summary", feedback_summary),
    ):
        if value is not None and _text(value) != getattr(kpi_return, name):
            setattr(kpi_return, name, _text(value))
            fields.append(name)
    details = _text(confidential_details)
    if details:
        stamp = f"{timezone.localtime():%d %B %Y %H:%M}, {_name(by)}"
        existing = ConfidentialFeedback._base_manager.filter(kpi_return=kpi_return).first()
        if existing is None:
            ConfidentialFeedback._base_manager.create(
                kpi_return=kpi_return, details=f"[{stamp}]\n{details}", given_by=by.user
            )
        else:
            existing.details = f"{existing.details}\n\n[{stamp}]\n{details}"
            existing.given_by = by.user
            existing.save(update_fields=["details", "given_by", "updated_at"])
        kpi_return.has_confidential_feedback = True
        fields.append("has_confidential_feedback")
    if kpi_return.status != ReturnStatus.DRAFT:
        kpi_return.rag = rag.worst(r.rag for r in rows.values())
        fields.append("rag")
    if fields:
        kpi_return.save(update_fields=[*fields, "updated_at"])
    if changes or fields:
        # Confidential details never go into the audit trail: only the fact that some were given.
        audit.record(
            obj=kpi_return,
            action="kpi_return.values_changed" if kpi_return.status != ReturnStatus.DRAFT else "kpi_return.saved",
            by=by,
            data={"values": changes, "fields": [f for f in fields if f != "rag"], "confidential_given": bool(details)},
        )
    return kpi_return


@transaction.atomic
def return_add_evidence(*, kpi_return: KpiReturn, upload: Any, by: Actor, title: str = "") -> ReturnEvidence:
    kpi_return = _lock_return(kpi_return)
    _require_provider(kpi_return.contract, by, "add evidence")
    if not kpi_return.provider_may_edit:
        raise DomainError(f"The return is {kpi_return.get_status_display().lower()}: evidence cannot be added now")
    if upload is None:
        raise DomainError("Choose a file", field="file")
    try:
        check_upload(upload)
    except forms.ValidationError as error:
        raise DomainError(error.messages[0], field="file") from error
    original = Path(upload.name or "evidence").name
    evidence = ReturnEvidence(
        kpi_return=kpi_return,
        title=_text(title) or original,
        original_filename=original,
        size=upload.size or 0,
        uploaded_by=by.user,
    )
    evidence.file.save(original, upload, save=False)
    evidence.save()
    audit.record(
        obj=kpi_return, action="kpi_return.evidence_added", by=by, data={"evidence": evidence.pk, "filename": original}
    )
    return evidence


@transaction.atomic
def return_remove_evidence(*, evidence: ReturnEvidence, by: Actor) -> None:
    kpi_return = _lock_return(evidence.kpi_return)
    _require_provider(kpi_return.contract, by, "remove evidence")
    if not kpi_return.provider_may_edit:
        raise DomainError("Evidence cannot be removed once the return is submitted")
    name = evidence.original_filename
    ReturnEvidence._base_manager.filter(pk=evidence.pk).delete()
    audit.record(obj=kpi_return, action="kpi_return.evidence_removed", by=by, data={"filename": name})


@transaction.atomic
def return_submit(*, kpi_return: KpiReturn, by: Actor) -> KpiReturn:
    kpi_return = transition(obj=kpi_return, workflow=RETURN_WORKFLOW, name="submit", by=by)
    contract = kpi_return.contract
    reds = KpiValue._base_manager.filter(kpi_return=kpi_return, rag=rag.RED).count()
    _tell(
        lead_people(contract),
        contract.commission.lead_id,
        subject=f"{contract.provider} submitted the {kpi_return.label} return for {contract.title}",
        body=f"{reds} KPI{'s are' if reds != 1 else ' is'} red. Review it: accept, query or accept with a note.",
        url=_return_url(kpi_return),
    )
    return kpi_return


@transaction.atomic
def return_query(*, kpi_return: KpiReturn, question: str, by: Actor) -> ReturnQuery:
    question = _text(question)
    if not question:
        raise DomainError("Write your question for the provider", field="question")
    locked = _lock_return(kpi_return)
    _require_lead(locked.contract, by, "query a return")
    query = ReturnQuery._base_manager.create(
        kpi_return=locked, question=question, asked_by=by.user, asked_by_name=_name(by)
    )
    locked = transition(obj=locked, workflow=RETURN_WORKFLOW, name="query", by=by, reason=question)
    contract = locked.contract
    _tell(
        provider_people(contract),
        contract.provider_id,
        subject=f"{contract.commission.lead} has a question about your {locked.label} return",
        body=question,
        url=_return_url(locked),
    )
    return query


@transaction.atomic
def return_answer(*, kpi_return: KpiReturn, answer: str, by: Actor) -> ReturnQuery:
    answer = _text(answer)
    if not answer:
        raise DomainError("Write your answer", field="answer")
    locked = _lock_return(kpi_return)
    _require_provider(locked.contract, by, "answer a query")
    query = ReturnQuery._base_manager.filter(kpi_return=locked).order_by("-asked_at", "-id").first()
    if query is None or query.answered_at is not None:
        raise DomainError("There is no open question on this return")
    query.answer, query.answered_by, query.answered_by_name = answer, by.user, _name(by)
    query.answered_at = timezone.now()
    query.save(update_fields=["answer", "answered_by", "answered_by_name", "answered_at"])
    locked = transition(obj=locked, workflow=RETURN_WORKFLOW, name="answer", by=by, reason=answer)
    contract = locked.contract
    _tell(
        lead_people(contract),
        contract.commission.lead_id,
        subject=f"{contract.provider} answered your question on the {locked.label} return",
        body=answer,
        url=_return_url(locked),
    )
    return query


@transaction.atomic
def return_accept(*, kpi_return: KpiReturn, by: Actor, note: str = "") -> KpiReturn:
    """The lead accepts the return, or accepts it with a note (kept with the return and shown to everyone)."""
    note = _text(note)
    locked = _lock_return(kpi_return)
    _require_lead(locked.contract, by, "review a return")
    name = "accept"
    if note:
        locked.review_note = note
        locked.save(update_fields=["review_note"])
        name = "accept_with_note"
    locked = transition(obj=locked, workflow=RETURN_WORKFLOW, name=name, by=by, reason=note)
    contract = locked.contract
    _tell(
        provider_people(contract),
        contract.provider_id,
        subject=f"Your {locked.label} return for {contract.title} was accepted",
        body=note,
        url=_return_url(locked),
    )
    return locked


# --------------------------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnReminder:
    contract: Contract
    period: periods.Period
    due_on: dt.date
    kind: str  # "due" or "overdue"
    threshold: int | None
    days_left: int

    @property
    def dedupe_key(self) -> str:
        base = f"return:{self.contract.pk}:{self.period.start.isoformat()}"
        return f"{base}:overdue" if self.kind == "overdue" else f"{base}:due:{self.threshold}"


def reminder_for(
    *,
    contract: Contract,
    period: periods.Period,
    due_on: dt.date,
    today: dt.date,
    reminder_days: Sequence[int],
    submitted: bool,
) -> ReturnReminder | None:
    """The one reminder a period's return is due today, if any: overdue once the due date has passed (within the
    window); otherwise the most urgent threshold reached (so a reminder missed on its day still goes, and only the
    latest is sent)."""
    if submitted:
        return None
    days_left = (due_on - today).days
    if days_left < 0:
        if -days_left > OVERDUE_WINDOW_DAYS:
            return None
        return ReturnReminder(contract, period, due_on, "overdue", None, days_left)
    reached = [d for d in reminder_days if days_left <= d]
    if not reached:
        return None
    return ReturnReminder(contract, period, due_on, "due", min(reached), days_left)


def _reminder_text(r: ReturnReminder) -> tuple[str, str]:
    contract = r.contract
    if r.kind == "overdue":
        late = -r.days_left
        return (
            f"Overdue: the {r.period.label} return for {contract.title}",
            f"The return for {r.period.label} was due on {r.due_on:%-d %B %Y} ({late} day{'s' if late != 1 else ''} "
            f"ago). Please submit it, or tell {contract.commission.lead} if you need help.",
        )
    when = "today" if r.days_left == 0 else f"in {r.days_left} day{'s' if r.days_left != 1 else ''}"
    return (
        f"Reminder: the {r.period.label} return for {contract.title} is due {when}",
        f"The return for {r.period.label} is due on {r.due_on:%-d %B %Y}.",
    )


def return_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind providers before each return is due and when it is overdue (the lead too, when overdue), each reminder
    exactly once: the dedupe key (contract, period, kind, threshold) and the notifications' unique constraint make
    retries, restarted workers and duplicate beats harmless. Returns how many notifications were created."""
    today = today or timezone.localdate()
    created = 0
    with tenancy_disabled():
        sets = {}
        for s in KpiSet._base_manager.filter(status=KpiSetStatus.AGREED):
            sets.setdefault(s.commission_id, []).append(s)
        horizon = today - dt.timedelta(days=OVERDUE_WINDOW_DAYS + 120)
        contracts = (
            Contract._base_manager.filter(commission_id__in=list(sets), end_date__gte=horizon)
            .exclude(end_review__status=ReviewStatus.CLOSED)
            .select_related("commission__lead", "commission__lead_contact", "provider")
            .order_by("pk")
        )
        submitted = {
            (c, s)
            for c, s in KpiReturn._base_manager.filter(contract__in=contracts)
            .exclude(status=ReturnStatus.DRAFT)
            .values_list("contract_id", "period_start")
        }
        for contract in contracts:
            candidates = sets[contract.commission_id]
            own = [s for s in candidates if s.lot_id is not None and s.lot_id == contract.lot_id]
            wide = [s for s in candidates if s.lot_id is None]
            kpi_set = own[0] if own else (wide[0] if wide else None)
            if kpi_set is None:
                continue
            for period in contract_periods(contract, kpi_set):
                due_on = period.due_on(kpi_set.return_due_days)
                r = reminder_for(
                    contract=contract,
                    period=period,
                    due_on=due_on,
                    today=today,
                    reminder_days=kpi_set.reminder_days,
                    submitted=(contract.pk, period.start) in submitted,
                )
                if r is None:
                    continue
                subject, body = _reminder_text(r)
                url = _contract_url(contract)
                with transaction.atomic():
                    created += _tell(
                        provider_people(contract),
                        contract.provider_id,
                        subject=subject,
                        body=body,
                        url=url,
                        key=r.dedupe_key,
                    )
                    if r.kind == "overdue":
                        created += _tell(
                            lead_people(contract),
                            contract.commission.lead_id,
                            subject=subject,
                            body=body,
                            url=url,
                            key=f"{r.dedupe_key}:lead",
                        )
    return created


# --------------------------------------------------------------------------------------------------------------
# Monitoring visits
# --------------------------------------------------------------------------------------------------------------


def _lock_contract(contract: Contract) -> Contract:
    return (
        Contract._base_manager.select_for_update(of=("self",))
        .select_related("commission__lead", "provider")
        .get(pk=contract.pk)
    )


@transaction.atomic
def visit_plan(*, contract: Contract, planned_on: dt.date | None, purpose: str, by: Actor) -> MonitoringVisit:
    contract = _lock_contract(contract)
    _require_lead(contract, by, "plan monitoring visits")
    purpose = _text(purpose)
    problems: dict[str, list[str]] = {}
    if planned_on is None:
        problems["planned_on"] = ["Enter the date of the visit"]
    if not purpose:
        problems["purpose"] = ["Say what the visit is for: what you want to see"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    visit = MonitoringVisit._base_manager.create(
        contract=contract, planned_on=planned_on, purpose=purpose, created_by=by.user
    )
    audit.record(
        obj=visit, action="visit.planned", by=by, to_state=visit.status, data={"planned_on": planned_on.isoformat()}
    )
    _tell(
        provider_people(contract),
        contract.provider_id,
        subject=f"Monitoring visit planned for {planned_on:%-d %B %Y}: {contract.title}",
        body=purpose,
        url=_contract_url(contract),
    )
    return visit


@transaction.atomic
def visit_record(
    *, visit: MonitoringVisit, visited_on: dt.date | None, visitors: str, notes: str, findings: str, by: Actor
) -> MonitoringVisit:
    visit = MonitoringVisit._base_manager.select_for_update().select_related("contract__commission").get(pk=visit.pk)
    _require_lead(visit.contract, by, "record monitoring visits")
    if visit.status == VisitStatus.CANCELLED:
        raise DomainError("The visit was cancelled")
    problems: dict[str, list[str]] = {}
    if visited_on is None:
        problems["visited_on"] = ["Enter the date of the visit"]
    elif visited_on > timezone.localdate():
        problems["visited_on"] = ["The visit date cannot be in the future"]
    if not _text(findings):
        problems["findings"] = ["Write what you found"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    from_state = visit.status
    visit.visited_on, visit.visitors = visited_on, _text(visitors)
    visit.notes, visit.findings, visit.status = _text(notes), _text(findings), VisitStatus.DONE
    visit.save()
    audit.record(
        obj=visit,
        action="visit.recorded",
        by=by,
        from_state=from_state,
        to_state=visit.status,
        data={"visited_on": visited_on.isoformat()},
    )
    return visit


@transaction.atomic
def visit_cancel(*, visit: MonitoringVisit, reason: str, by: Actor) -> MonitoringVisit:
    visit = MonitoringVisit._base_manager.select_for_update().select_related("contract__commission").get(pk=visit.pk)
    _require_lead(visit.contract, by, "cancel monitoring visits")
    if visit.status != VisitStatus.PLANNED:
        raise DomainError(f"The visit is {visit.get_status_display().lower()}")
    visit.status = VisitStatus.CANCELLED
    visit.notes = _text(reason) or visit.notes
    visit.save(update_fields=["status", "notes", "updated_at"])
    audit.record(
        obj=visit,
        action="visit.cancelled",
        by=by,
        from_state=VisitStatus.PLANNED,
        to_state=visit.status,
        reason=_text(reason),
    )
    return visit


# --------------------------------------------------------------------------------------------------------------
# Improvement plans: support first
# --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_open(
    *,
    contract: Contract,
    title: str,
    concern: str,
    support_offered: str,
    by: Actor,
    kpis: Iterable[Kpi] = (),
    source_return: KpiReturn | None = None,
    review_on: dt.date | None = None,
) -> ImprovementPlan:
    contract = _lock_contract(contract)
    _require_lead(contract, by, "open an improvement plan")
    problems: dict[str, list[str]] = {}
    if not _text(title):
        problems["title"] = ["Give the plan a title"]
    if not _text(concern):
        problems["concern"] = ["Say what is not going well, and the evidence"]
    if not _text(support_offered):
        problems["support_offered"] = ["Support comes first: say what help the commissioners will give"]
    if source_return is not None and source_return.contract_id != contract.pk:
        problems["source_return"] = ["That return belongs to another contract"]
    kpi_list = list(kpis)
    kpi_set = kpi_set_for(contract)
    if any(kpi_set is None or k.kpi_set_id != kpi_set.pk for k in kpi_list):
        problems["kpis"] = ["Choose KPIs of this contract"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    plan = ImprovementPlan._base_manager.create(
        contract=contract,
        title=_text(title),
        concern=_text(concern),
        support_offered=_text(support_offered),
        source_return=source_return,
        review_on=review_on,
        opened_by=by.user,
    )
    plan.kpis.set(kpi_list)
    audit.record(
        obj=plan, action="improvement_plan.opened", by=by, to_state=plan.status, data={"kpis": [k.pk for k in kpi_list]}
    )
    _tell(
        provider_people(contract),
        contract.provider_id,
        subject=f"An improvement plan for {contract.title}: {plan.title}",
        body=f"Support offered: {plan.support_offered}",
        url=reverse("improvement-plan", kwargs={"improvement_plan_id": plan.pk}),
    )
    return plan


@transaction.atomic
def plan_close(*, plan: ImprovementPlan, note: str, by: Actor) -> ImprovementPlan:
    plan = ImprovementPlan._base_manager.select_for_update().select_related("contract__commission").get(pk=plan.pk)
    _require_lead(plan.contract, by, "close an improvement plan")
    if plan.status != PlanStatus.OPEN:
        raise DomainError("The plan is already closed")
    if not _text(note):
        raise DomainError("Say why the plan can close: what improved", field="note")
    plan.status, plan.closing_note, plan.closed_at = PlanStatus.CLOSED, _text(note), timezone.now()
    plan.save(update_fields=["status", "closing_note", "closed_at"])
    audit.record(
        obj=plan,
        action="improvement_plan.closed",
        by=by,
        from_state=PlanStatus.OPEN,
        to_state=plan.status,
        reason=plan.closing_note,
    )
    return plan


@transaction.atomic
def action_add(
    *,
    plan: ImprovementPlan,
    action: str,
    owner_name: str,
    owner_organisation: Organisation,
    due_on: dt.date | None,
    by: Actor,
) -> ImprovementAction:
    plan = ImprovementPlan._base_manager.select_for_update().select_related("contract__commission").get(pk=plan.pk)
    contract = plan.contract
    _require_lead(contract, by, "add actions to an improvement plan")
    if not plan.is_open:
        raise DomainError("The plan is closed")
    problems: dict[str, list[str]] = {}
    if not _text(action):
        problems["action"] = ["Say what will be done"]
    if not _text(owner_name):
        problems["owner_name"] = ["Name who will do it"]
    if owner_organisation is None or owner_organisation.pk not in (contract.provider_id, contract.commission.lead_id):
        problems["owner_organisation"] = ["Choose the provider or the lead commissioner"]
    if due_on is None:
        problems["due_on"] = ["Enter when it is due"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    item = ImprovementAction._base_manager.create(
        plan=plan,
        action=_text(action),
        owner_name=_text(owner_name),
        owner_organisation=owner_organisation,
        due_on=due_on,
        updated_by=by.user,
    )
    audit.record(
        obj=plan,
        action="improvement_plan.action_added",
        by=by,
        data={"action": item.pk, "owner": item.owner_name, "due_on": due_on.isoformat()},
    )
    return item


@transaction.atomic
def action_update(*, action: ImprovementAction, status: str, progress: str, by: Actor) -> ImprovementAction:
    """Progress on an action: the lead, or the provider for actions its organisation owns."""
    action = (
        ImprovementAction._base_manager.select_for_update(of=("self",))
        .select_related("plan__contract__commission")
        .get(pk=action.pk)
    )
    contract = action.plan.contract
    own = permissions.is_provider(contract, by) and action.owner_organisation_id == contract.provider_id
    if not (permissions.is_lead(contract, by) or own):
        raise PermissionDenied("Only the lead commissioner, or the provider for its own actions, can update this")
    if action.plan.status != PlanStatus.OPEN:
        raise DomainError("The plan is closed")
    if status not in ActionStatus.values:
        raise DomainError("Choose a status", field="status")
    before = action.status
    action.status, action.progress, action.updated_by = status, _text(progress), by.user
    action.save(update_fields=["status", "progress", "updated_by", "updated_at"])
    audit.record(
        obj=action.plan,
        action="improvement_plan.progress",
        by=by,
        from_state=before,
        to_state=status,
        reason=action.progress,
        data={"action": action.pk},
    )
    return action


# --------------------------------------------------------------------------------------------------------------
# The end of the contract
# --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def review_start(*, contract: Contract, by: Actor) -> EndReview:
    contract = _lock_contract(contract)
    _require_lead(contract, by, "start the end of contract review")
    existing = EndReview._base_manager.filter(contract=contract).first()
    if existing is not None:
        return existing
    review = EndReview._base_manager.create(contract=contract, started_by=by.user)
    DecommissioningStep._base_manager.bulk_create(
        [
            DecommissioningStep(review=review, position=i, title=t)
            for i, t in enumerate(DEFAULT_DECOMMISSIONING_STEPS, 1)
        ]
    )
    audit.record(obj=review, action="end_review.started", by=by, to_state=review.status)
    return review


def _lock_review(review: EndReview) -> EndReview:
    return (
        EndReview._base_manager.select_for_update(of=("self",))
        .select_related("contract__commission", "contract__provider")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_update(
    *, review: EndReview, by: Actor, summary: str, lessons: str, feedback: str, track_outcomes: bool
) -> EndReview:
    review = _lock_review(review)
    _require_lead(review.contract, by, "write the end of contract review")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    if review.feedback_given_at is not None and _text(feedback) != review.feedback:
        raise DomainError("The feedback has been sent to the provider: it cannot be changed", field="feedback")
    review.summary, review.lessons = _text(summary), _text(lessons)
    review.feedback, review.track_outcomes = _text(feedback), bool(track_outcomes)
    review.save()
    audit.record(obj=review, action="end_review.changed", by=by, data={"track_outcomes": review.track_outcomes})
    return review


@transaction.atomic
def review_transition(*, review: EndReview, name: str, by: Actor) -> EndReview:
    review = transition(obj=review, workflow=END_REVIEW_WORKFLOW, name=name, by=by)
    contract = review.contract
    if name == "give_feedback":
        _tell(
            provider_people(contract),
            contract.provider_id,
            subject=f"Feedback on your contract: {contract.title}",
            body=review.feedback,
            url=_contract_url(contract),
            key=f"end_review:{review.pk}:feedback",
        )
    return review


@transaction.atomic
def step_add(
    *, review: EndReview, title: str, by: Actor, owner_name: str = "", due_on: dt.date | None = None
) -> DecommissioningStep:
    review = _lock_review(review)
    _require_lead(review.contract, by, "plan decommissioning")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    if not _text(title):
        raise DomainError("Say what needs doing", field="title")
    position = (review.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    step = DecommissioningStep._base_manager.create(
        review=review, position=position, title=_text(title), owner_name=_text(owner_name), due_on=due_on
    )
    audit.record(obj=review, action="end_review.step_added", by=by, data={"step": step.title})
    return step


@transaction.atomic
def step_update(
    *,
    step: DecommissioningStep,
    by: Actor,
    done_on: dt.date | None = None,
    not_needed: bool = False,
    note: str = "",
    owner_name: str | None = None,
    due_on: dt.date | None = None,
) -> DecommissioningStep:
    review = _lock_review(step.review)
    _require_lead(review.contract, by, "update decommissioning")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The contract is closed")
    step = DecommissioningStep._base_manager.get(pk=step.pk)
    if not_needed and not _text(note):
        raise DomainError("Say why this step is not needed", field="note")
    if done_on is not None and done_on > timezone.localdate():
        raise DomainError("The date done cannot be in the future", field="done_on")
    step.done_on, step.not_needed, step.note = done_on, bool(not_needed), _text(note)
    if owner_name is not None:
        step.owner_name = _text(owner_name)
    if due_on is not None:
        step.due_on = due_on
    step.save()
    state = "done" if step.done_on else ("not needed" if step.not_needed else "to do")
    audit.record(obj=review, action="end_review.step_updated", by=by, data={"step": step.title, "state": state})
    return step


@transaction.atomic
def follow_up_add(
    *, contract: Contract, measure: str, due_on: dt.date | None, by: Actor, outcome: Outcome | None = None
) -> OutcomeFollowUp:
    contract = _lock_contract(contract)
    _require_lead(contract, by, "track outcomes after the contract")
    review = EndReview._base_manager.filter(contract=contract).first()
    if review is None or not review.track_outcomes:
        raise DomainError("Choose to track outcomes after the contract in the end of contract review first")
    problems: dict[str, list[str]] = {}
    if not _text(measure):
        problems["measure"] = ["Say what will be checked, and how"]
    if due_on is None:
        problems["due_on"] = ["Enter when it will be checked"]
    if outcome is not None and outcome.partnership_id != contract.commission.partnership_id:
        problems["outcome"] = ["Choose an outcome from this partnership's framework"]
    if problems:
        raise DomainError(next(iter(problems.values()))[0], field_errors=problems)
    follow_up = OutcomeFollowUp._base_manager.create(
        contract=contract, outcome=outcome, measure=_text(measure), due_on=due_on
    )
    audit.record(obj=follow_up, action="outcome_follow_up.planned", by=by, data={"due_on": due_on.isoformat()})
    return follow_up


@transaction.atomic
def follow_up_record(
    *, follow_up: OutcomeFollowUp, finding: str, by: Actor, recorded_on: dt.date | None = None
) -> OutcomeFollowUp:
    follow_up = (
        OutcomeFollowUp._base_manager.select_for_update(of=("self",))
        .select_related("contract__commission")
        .get(pk=follow_up.pk)
    )
    _require_lead(follow_up.contract, by, "record what was found")
    if not _text(finding):
        raise DomainError("Write what was found", field="finding")
    follow_up.finding, follow_up.recorded_on = _text(finding), recorded_on or timezone.localdate()
    follow_up.recorded_by = by.user
    follow_up.save(update_fields=["finding", "recorded_on", "recorded_by"])
    audit.record(obj=follow_up, action="outcome_follow_up.recorded", by=by)
    return follow_up
