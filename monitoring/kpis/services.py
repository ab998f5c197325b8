"""Writes on KPI sets and KPIs: keyword-only, atomic, validating, audited. State changes go through
``KPI_SET_WORKFLOW``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse

from commissioning.models import JointCommission, Outcome
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from core.workflow import transition
from monitoring import periods, permissions, rag
from monitoring.inputs import clean_text, required_text
from monitoring.kpis.models import Kpi, KpiSet, KpiSetResponse, KpiSetStatus, Unit
from monitoring.kpis.rules import partners_of
from monitoring.kpis.units import parse_value
from monitoring.kpis.workflows import KPI_SET_WORKFLOW
from monitoring.people import actor_name, tell_commissioners, tell_lead
from monitoring.permissions import require_commission_lead
from procurement.award.models import Contract
from procurement.tenders.models import Lot


def _clean_reminder_days(days: Iterable[Any]) -> list[int]:
    out = sorted({int(d) for d in days}, reverse=True)
    if not out or any(d < 1 or d > 60 for d in out):
        raise DomainError("Reminder days must be between 1 and 60", field="reminder_days")
    return out


def _check_lot(commission: JointCommission, lot: Lot | None) -> None:
    if lot is not None and lot.tender.commission_id != commission.pk:
        raise DomainError("That lot belongs to another commission's tender", field="lot")


@service
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
    require_commission_lead(commission, by, "draft its KPIs")
    if not commission.is_open:
        raise DomainError(f"The commission is {commission.get_status_display().lower()}")
    _check_lot(commission, lot)
    title = required_text(title, "Give the KPIs a title", field="title")
    if return_frequency not in periods.FREQUENCIES:
        raise DomainError("Choose how often returns are made", field="return_frequency")
    if KpiSet.objects.filter(commission=commission, lot=lot).exists():
        what = f"lot {lot.number}" if lot else "this commission"
        raise DomainError(f"There are already KPIs for {what}: change those instead", field="lot")
    kpi_set = KpiSet.objects.create(
        commission=commission,
        lot=lot,
        title=title,
        return_frequency=return_frequency,
        return_due_days=int(return_due_days),
        reminder_days=_clean_reminder_days(reminder_days),
        created_by=by.user,
    )
    audit.record(obj=kpi_set, action="kpi_set.created", by=by, to_state=kpi_set.status, data={"title": title})
    # Contracts already signed under it: their winning bids' social value commitments become KPIs here.
    for contract in Contract.objects.filter(commission=commission).filter(Q(lot=lot) if lot else Q()):
        social_value_kpis_set_up(contract=contract, by=by)
    return kpi_set


def _lock_set(kpi_set: KpiSet) -> KpiSet:
    return KpiSet.objects.select_for_update(of=("self",)).select_related("commission").get(pk=kpi_set.pk)


def _require_draft(kpi_set: KpiSet) -> None:
    if kpi_set.status != KpiSetStatus.DRAFT:
        raise DomainError(
            f"The KPIs are {kpi_set.get_status_display().lower()}: take them back to draft to change them"
        )


@service
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
    require_commission_lead(kpi_set.commission, by, "change its KPIs")
    _require_draft(kpi_set)
    title = required_text(title, "Give the KPIs a title", field="title")
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
    out["name"] = clean_text(values.get("name"))
    if not out["name"]:
        add("name", "Enter the KPI's name")
    out["definition"] = clean_text(values.get("definition"))
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
        outcome = Outcome.objects.filter(pk=int(outcome)).first()
    if outcome and outcome.partnership_id != kpi_set.commission.partnership_id:
        add("outcome", "Choose an outcome from this partnership's framework")
    out["outcome"] = outcome or None
    out["evidence_required"] = clean_text(values.get("evidence_required"))
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


@service
def kpi_add(*, kpi_set: KpiSet, by: Actor, **values: Any) -> Kpi:
    kpi_set = _lock_set(kpi_set)
    require_commission_lead(kpi_set.commission, by, "add KPIs")
    _require_draft(kpi_set)
    clean = _kpi_values(kpi_set, values)
    position = (kpi_set.kpis.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    kpi = Kpi.objects.create(kpi_set=kpi_set, position=position, **clean)
    audit.record(obj=kpi_set, action="kpi_set.kpi_added", by=by, data={"kpi": kpi.pk, **_kpi_snapshot(kpi)})
    return kpi


@service
def kpi_update(*, kpi: Kpi, by: Actor, **values: Any) -> Kpi:
    kpi_set = _lock_set(kpi.kpi_set)
    require_commission_lead(kpi_set.commission, by, "change KPIs")
    _require_draft(kpi_set)
    kpi = Kpi.objects.get(pk=kpi.pk)
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


@service
def kpi_remove(*, kpi: Kpi, by: Actor) -> None:
    kpi_set = _lock_set(kpi.kpi_set)
    require_commission_lead(kpi_set.commission, by, "remove KPIs")
    _require_draft(kpi_set)
    snapshot = _kpi_snapshot(kpi)
    Kpi.objects.filter(pk=kpi.pk).delete()
    audit.record(obj=kpi_set, action="kpi_set.kpi_removed", by=by, data={"kpi": kpi.pk, **snapshot})


@service
def kpi_set_respond(*, kpi_set: KpiSet, agree: bool, by: Actor, text: str = "") -> KpiSetResponse:
    """A partner comments on the KPIs, or agrees them (who, for which organisation, when: recorded and audited)."""
    text = clean_text(text)
    if not agree and not text:
        raise DomainError("Write your comment", field="text")
    # Refused before the row is read: a provider may not see a set under consultation at all.
    if not permissions.may_respond_to_kpis(kpi_set.commission, by):
        raise NotPermitted("Only a commissioner of a partner taking part can comment on or agree the KPIs")
    kpi_set = _lock_set(kpi_set)
    if kpi_set.status != KpiSetStatus.CONSULTATION:
        raise DomainError(
            f"The KPIs are {kpi_set.get_status_display().lower()}: partners respond while they are shared"
        )
    kind = KpiSetResponse.Kind.AGREE if agree else KpiSetResponse.Kind.COMMENT
    if (
        agree
        and KpiSetResponse.objects.filter(
            kpi_set=kpi_set, organisation=by.organisation, version=kpi_set.version, kind=kind
        ).exists()
    ):
        raise DomainError(f"{by.organisation} has already agreed this version")
    response = KpiSetResponse.objects.create(
        kpi_set=kpi_set,
        organisation=by.organisation,
        kind=kind,
        text=text,
        version=kpi_set.version,
        by=by.user,
        by_name=actor_name(by),
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
    tell_lead(
        commission,
        subject=f"{by.organisation} {verb} the KPIs for {commission.title}",
        body=text,
        url=url,
    )
    return response


@service
def kpi_set_transition(*, kpi_set: KpiSet, name: str, by: Actor, reason: str = "") -> KpiSet:
    return transition(
        obj=kpi_set, workflow=KPI_SET_WORKFLOW, name=name, by=by, reason=reason, data={"version": kpi_set.version}
    )


@KPI_SET_WORKFLOW.effect("tell_partners_shared")
def _tell_partners_shared(kpi_set: KpiSet, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    commission = kpi_set.commission
    for partner in partners_of(kpi_set):
        tell_commissioners(
            partner,
            subject=f"Please agree the KPIs for {commission.title}",
            body=f"{commission.lead} has shared version {kpi_set.version} of the KPIs. Comment on them or agree.",
            url=reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk}),
            key=f"kpi_set:{kpi_set.pk}:v{kpi_set.version}:shared:o{partner.pk}",
        )


@KPI_SET_WORKFLOW.effect("tell_partners_agreed")
def _tell_partners_agreed(kpi_set: KpiSet, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    for partner in partners_of(kpi_set):
        tell_commissioners(
            partner,
            subject=f"The KPIs for {kpi_set.commission.title} are agreed",
            url=reverse("kpi-set", kwargs={"kpi_set_id": kpi_set.pk}),
            key=f"kpi_set:{kpi_set.pk}:v{kpi_set.version}:agreed:o{partner.pk}",
        )


# --- social value promised is social value monitored (seed 004) --------------------------------------------------

# Red when the year's figure is below this share of the promise; green at the promise or better; amber between.
SOCIAL_VALUE_RED_SHARE = Decimal("0.75")
SOCIAL_VALUE_UNIT = {"money_reinvested": Unit.MONEY}  # every other kind is a count (jobs, apprenticeships, hours)


def _monitored_set(contract: Contract) -> KpiSet | None:
    """The set the contract is monitored on: its lot's own, else the commission-wide one (as ``kpi_set_for``)."""
    sets = list(KpiSet.objects.unscoped(reason=SET_UP).filter(commission_id=contract.commission_id))
    own = [s for s in sets if s.lot_id is not None and s.lot_id == contract.lot_id]
    wide = [s for s in sets if s.lot_id is None]
    return own[0] if own else (wide[0] if wide else None)


SET_UP = "social value KPIs are set up for the contract by the system, from its own winning bid"


def social_value_commitments(contract: Contract) -> list[dict[str, Any]]:
    """What the contract's winning bid promised, as submitted (the sealed version the award was made on)."""
    version = contract.bid.current_version
    if version is None:
        return []
    return [c for c in version.content.get("social_value", []) if isinstance(c, dict)]


@service
def social_value_kpis_set_up(*, contract: Contract, by: Actor) -> list[Kpi]:
    """Turn each social value commitment of the contract's winning bid into a KPI of the set the contract is
    monitored on: marked social value, for that contract only, reported once a year, the target the promise per
    year, green at the promise and red below three quarters of it. Idempotent: a commitment already a KPI is left as
    it is, so running it at signing and again when the KPI set is created makes each KPI once. Nothing happens
    while the contract has no KPI set (creating the set runs it). Returns the KPIs made now."""
    kpi_set = _monitored_set(contract)
    commitments = social_value_commitments(contract)
    if kpi_set is None or not commitments:
        return []
    kpi_set = KpiSet.objects.unscoped(reason=SET_UP).select_for_update(of=("self",)).get(pk=kpi_set.pk)
    done = set(
        Kpi.objects.unscoped(reason=SET_UP)
        .filter(contract=contract)
        .exclude(source="")
        .values_list("source", flat=True)
    )
    position = Kpi.objects.unscoped(reason=SET_UP).filter(kpi_set=kpi_set).count()
    made = []
    for c in commitments:
        source = str(c.get("id", ""))[:64]
        if not source or source in done:
            continue
        target = Decimal(str(c.get("target", "0")))
        kind = str(c.get("kind", "other"))[:20]
        unit = str(c.get("unit", ""))
        position += 1
        kpi = Kpi.objects.unscoped(reason=SET_UP).create(
            kpi_set=kpi_set,
            position=position,
            name=f"Social value: {c.get('label', kind)} ({unit} a year)"[:200],
            definition=(
                f"{c.get('description', '')}. Promised in the winning bid of {contract.provider}: {target} {unit} "
                "a year. Report the year's figure."
            ),
            unit=SOCIAL_VALUE_UNIT.get(kind, Unit.COUNT),
            target=target,
            frequency=periods.ANNUAL,
            direction=rag.HIGHER,
            green_threshold=target,
            red_threshold=(target * SOCIAL_VALUE_RED_SHARE).quantize(Decimal("0.01")),
            evidence_required="How the figure was counted (for example payroll postcodes or volunteer timesheets)",
            social_value_kind=kind,
            social_value_unit=unit[:40],
            contract=contract,
            source=source,
        )
        done.add(source)
        made.append(kpi)
    if made:
        audit.record(
            obj=kpi_set,
            action="kpi_set.social_value_kpis_added",
            by=by,
            data={"contract": contract.pk, "kpis": [k.pk for k in made], "targets": [str(k.target) for k in made]},
        )
    return made
