"""Demo data for monitoring (idempotent): the county-wide debt advice service (commissioning's running commission,
whose contract with Citizens Advice Lichfield District the tendering demo signs) gets its KPIs, agreed by every
partner, and six quarters of returns -- five accepted, the latest submitted with one KPI red and waiting for
the lead commissioner's review -- plus a planned monitoring visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.demo import simple_pdf
from commissioning.models import JointCommission, Participation, ParticipationStatus
from core.tenancy import unscoped
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.kpis.selectors import contract_periods
from monitoring.kpis.services import kpi_add, kpi_set_create, kpi_set_respond, kpi_set_transition
from monitoring.oversight.models import MonitoringVisit
from monitoring.oversight.services import visit_plan
from monitoring.returns.models import ReturnStatus
from monitoring.returns.services import return_accept, return_add_evidence, return_save, return_start, return_submit
from partners.acting import Acting, acting_as
from partners.models import Membership, Organisation, Role, User
from procurement.award.models import Contract

RUNNING_TITLE = "County-wide debt, benefits and consumer advice"
PROVIDER = "Citizens Advice Lichfield District"
START, END = dt.date(2025, 4, 1), dt.date(2028, 3, 31)

KPIS: list[dict[str, Any]] = [
    {
        "name": "People given debt advice",
        "definition": "Distinct residents with at least one debt advice session.",
        "unit": "count",
        "target": "600",
        "green_threshold": "600",
        "red_threshold": "480",
        "frequency": "quarterly",
        "direction": "higher",
        "evidence_required": "Extract from the case management system",
        "payment_linked": True,
    },
    {
        "name": "Debt written off or rescheduled",
        "definition": "Total client debt written off or rescheduled.",
        "unit": "money",
        "target": "900000",
        "green_threshold": "900000",
        "red_threshold": "700000",
        "frequency": "quarterly",
        "direction": "higher",
    },
    {
        "name": "Clients reporting less stress",
        "definition": "Clients surveyed at closure whose money worries eased.",
        "unit": "percentage",
        "target": "80",
        "green_threshold": "80",
        "red_threshold": "70",
        "frequency": "quarterly",
        "direction": "higher",
    },
    {
        "name": "Complaints upheld",
        "definition": "Complaints upheld after investigation.",
        "unit": "count",
        "target": "0",
        "green_threshold": "1",
        "red_threshold": "3",
        "frequency": "quarterly",
        "direction": "lower",
    },
    {
        "name": "Annual safeguarding audit completed",
        "definition": "Self-assessment completed and shared.",
        "unit": "yes_no",
        "target": "1",
        "frequency": "annual",
    },
]
# Six quarters: (period start, actuals by KPI, review)
RETURNS: list[tuple[dt.date, dict[str, str], str]] = [
    (
        dt.date(2025, 4, 1),
        {
            "People given debt advice": "612",
            "Debt written off or rescheduled": "931000.00",
            "Clients reporting less stress": "82",
            "Complaints upheld": "0",
        },
        "accept",
    ),
    (
        dt.date(2025, 7, 1),
        {
            "People given debt advice": "598",
            "Debt written off or rescheduled": "905500.00",
            "Clients reporting less stress": "79",
            "Complaints upheld": "1",
        },
        "accept",
    ),
    (
        dt.date(2025, 10, 1),
        {
            "People given debt advice": "640",
            "Debt written off or rescheduled": "1012000.00",
            "Clients reporting less stress": "84",
            "Complaints upheld": "0",
        },
        "note:Good quarter. Please split complaints by type from next quarter.",
    ),
    (
        dt.date(2026, 1, 1),
        {
            "People given debt advice": "655",
            "Debt written off or rescheduled": "987250.00",
            "Clients reporting less stress": "83",
            "Complaints upheld": "0",
            "Annual safeguarding audit completed": "yes",
        },
        "accept",
    ),
    (
        dt.date(2026, 4, 1),
        {
            "People given debt advice": "571",
            "Debt written off or rescheduled": "842000.00",
            "Clients reporting less stress": "78",
            "Complaints upheld": "2",
        },
        "accept",
    ),
    (
        dt.date(2026, 7, 1),
        {
            "People given debt advice": "452",
            "Debt written off or rescheduled": "690500.00",
            "Clients reporting less stress": "74",
            "Complaints upheld": "1",
        },
        "",
    ),
]


def _pdf(*lines: str) -> bytes:
    return simple_pdf(*lines)


def _person(organisation: Organisation, *roles: str) -> User | None:
    m = (
        Membership.objects.filter(organisation=organisation, is_active=True, roles__overlap=list(roles))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def load() -> None:
    with unscoped(reason="the demo loader builds every organisation's monitoring data"):
        commission = JointCommission.objects.filter(title=RUNNING_TITLE).select_related("lead").first()
        provider = Organisation.objects.filter(name=PROVIDER).first()
        if commission is None or provider is None:
            return  # the commissioning demo has not run
        lead_user = commission.lead_contact or _person(commission.lead, Role.COMMISSIONER)
        provider_user = _person(provider, Role.BIDDER, Role.ORG_ADMIN)
        if lead_user is None or provider_user is None:
            return
        lead = acting_as(lead_user, commission.lead)
        kpi_set = _kpis(commission, lead)
        contract = Contract.objects.filter(commission=commission).order_by("pk").first()
        if contract is None:
            return  # the tendering demo signs it (through the services); without it there is nothing to monitor
        if contract.provider_id != provider.pk:
            provider = contract.provider
            provider_user = _person(provider, Role.BIDDER, Role.ORG_ADMIN)
            if provider_user is None:
                return
        _returns(contract, kpi_set, lead, acting_as(provider_user, provider))
        if not MonitoringVisit.objects.filter(contract=contract).exists():
            visit_plan(
                contract=contract,
                planned_on=timezone.localdate() + dt.timedelta(days=14),
                purpose="Sit in on a drop-in session in Lichfield and talk to advisers about the fall in numbers",
                by=lead,
            )


def _kpis(commission: JointCommission, lead: Acting) -> KpiSet:
    kpi_set = KpiSet.objects.filter(commission=commission, lot__isnull=True).first()
    if kpi_set is None:
        kpi_set = kpi_set_create(commission=commission, title="Debt advice KPIs", by=lead)
        for definition in KPIS:
            kpi_add(kpi_set=kpi_set, by=lead, **definition)
    if kpi_set.status == KpiSetStatus.DRAFT:
        kpi_set = kpi_set_transition(kpi_set=kpi_set, name="share", by=lead)
    if kpi_set.status == KpiSetStatus.CONSULTATION:
        partners = Participation.objects.filter(commission=commission, status=ParticipationStatus.ACCEPTED).exclude(
            organisation_id=commission.lead_id
        )
        for p in partners.select_related("organisation"):
            user = _person(p.organisation, Role.COMMISSIONER)
            if user is None or kpi_set.responses.filter(organisation=p.organisation, version=kpi_set.version).exists():
                continue
            kpi_set_respond(kpi_set=kpi_set, agree=True, text="", by=acting_as(user, p.organisation))
        kpi_set = kpi_set_transition(kpi_set=kpi_set, name="agree", by=lead)
        # The demo's story: the partners agreed the KPIs in February 2025, before the contract was signed.
        agreed_on = dt.datetime(2025, 2, 20, 11, 0, tzinfo=timezone.get_current_timezone())
        KpiSet.objects.filter(pk=kpi_set.pk).update(agreed_at=agreed_on, shared_at=agreed_on - dt.timedelta(days=14))
        kpi_set.responses.update(at=agreed_on - dt.timedelta(days=3))
        kpi_set.refresh_from_db()
    return kpi_set


# What the provider reports, each year, against the social value its winning bid promised (KPIs made at set-up).
SOCIAL_VALUE_ACTUALS = {
    "local_jobs": "5",
    "apprenticeships": "2",
    "volunteering_hours": "2650",
    "money_reinvested": "12800.00",
}


def _returns(contract: Contract, kpi_set: KpiSet, lead: Acting, provider: Acting) -> None:
    today = timezone.localdate()
    for start, actuals, review in RETURNS:
        period = next((p for p in contract_periods(contract, kpi_set) if p.start == start), None)
        if period is None or period.end >= today:
            continue
        kpi_return = return_start(contract=contract, period_start=start, by=provider)
        if kpi_return.status == ReturnStatus.DRAFT:
            values = {
                v.kpi_id: {
                    "actual": actuals.get(
                        v.kpi.name,
                        SOCIAL_VALUE_ACTUALS.get(v.kpi.social_value_kind, "yes" if v.kpi.unit == "yes_no" else "0"),
                    )
                }
                for v in kpi_return.values.select_related("kpi")
            }
            return_save(
                kpi_return=kpi_return,
                values=values,
                by=provider,
                narrative=f"{period.label}: advice sessions ran in every district; see the figures and notes.",
                case_studies="A single parent facing eviction had £14,000 of priority debt rescheduled and kept "
                "her home.",
                feedback_summary="Clients value face-to-face sessions; some found the phone line hard to reach.",
            )
            return_add_evidence(
                kpi_return=kpi_return,
                title=f"Case management extract, {period.label}",
                by=provider,
                upload=ContentFile(_pdf("Case management extract", period.label), name=f"cms-{start}.pdf"),
            )
            kpi_return = return_submit(kpi_return=kpi_return, by=provider)
        if review and kpi_return.status == ReturnStatus.SUBMITTED:
            note = review.removeprefix("note:") if review.startswith("note:") else ""
            return_accept(kpi_return=kpi_return, note=note, by=lead)
