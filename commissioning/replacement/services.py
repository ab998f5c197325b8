"""Writes (keyword-only, atomic, audited): what a commission replaces, notices, impact notes, appraisals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.replacement.models import (
    MAX_SAVING,
    TEXT_LIMIT,
    AppraisalModel,
    AppraisalOption,
    CompactSettings,
    DecommissioningImpact,
    OptionsAppraisal,
    ProviderNotice,
    ReplacedContract,
    notice_end,
    notice_months_for,
)
from commissioning.replacement.rules import (
    is_ended,
    notice_problems,
    require_links_own,
    require_manages_contract,
)
from commissioning.service_map.models import MappedContract, ServiceArea
from commissioning.service_map.permissions import org_id
from commissioning.service_map.rules import require_partner
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.money import money
from core.notifications import notify
from core.service import service
from partners.models import Membership, Partnership, Role


def _text(value: str, *, field: str, required: bool = True, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("Enter this: it cannot be blank", field=field)
    if len(value) > limit:
        raise DomainError(f"Keep it to {limit} characters", field=field)
    return value


@service
def contracts_replace(
    *, commission: JointCommission, contracts: Iterable[MappedContract], by: Actor
) -> list[ReplacedContract]:
    """A partner's commissioner says which of its own mapped contracts the commission replaces."""
    commission = JointCommission.objects.select_for_update(of=("self",)).get(pk=commission.pk)
    chosen = list(contracts)
    if not chosen:
        raise DomainError("Choose at least one contract", field="contracts")
    linked = []
    for contract in chosen:
        require_links_own(commission, contract, by)
        existing = ReplacedContract.objects.unscoped(reason="a contract is replaced by one commission only").filter(
            contract=contract
        )
        other = existing.exclude(commission=commission).first()
        if other is not None:
            raise DomainError(
                f"{contract.provider_name} ({contract.title or 'contract'}) is already replaced by another commission",
                field="contracts",
            )
        if existing.exists():
            continue
        link = ReplacedContract.objects.create(
            commission=commission, contract=contract, organisation_id=contract.funder_id, linked_by=by.user
        )
        audit.record(
            obj=commission,
            action="commission.replaces_contract",
            by=by,
            data={
                "contract": contract.pk,
                "provider": contract.provider_name,
                "annual_value": f"{contract.annual_value:.2f}",
            },
        )
        linked.append(link)
    return linked


@service
def replaced_contract_remove(*, link: ReplacedContract, by: Actor) -> None:
    link = ReplacedContract.objects.select_related("contract", "commission").get(pk=link.pk)
    require_links_own(link.commission, link.contract, by)
    if ProviderNotice.objects.filter(contract=link.contract, commission=link.commission).exists():
        raise DomainError(
            "The provider has been given notice: this contract can no longer be unlinked", field="contract"
        )
    audit.record(
        obj=link.commission,
        action="commission.no_longer_replaces_contract",
        by=by,
        data={"contract": link.contract_id, "provider": link.contract.provider_name},
    )
    link.delete()


@service
def replaced_contract_saving(*, link: ReplacedContract, saving: Decimal, note: str, by: Actor) -> ReplacedContract:
    """The commissioning cost avoided by not letting this contract again, with a note of how it was worked out."""
    link = (
        ReplacedContract.objects.select_for_update(of=("self",))
        .select_related("contract", "commission")
        .get(pk=link.pk)
    )
    require_links_own(link.commission, link.contract, by)
    amount = money(saving)
    if amount < 0 or amount > MAX_SAVING:
        raise DomainError(f"Enter a saving between £0 and £{MAX_SAVING:,.0f}", field="saving")
    note = _text(note, field="note", required=amount > 0, limit=500)
    before = f"{link.saving:.2f}"
    link.saving, link.saving_note = amount, note
    link.save(update_fields=["saving", "saving_note"])
    audit.record(
        obj=link.commission,
        action="commission.replacement_saving",
        by=by,
        data={"contract": link.contract_id, "from": before, "to": f"{amount:.2f}", "note": note},
    )
    return link


@service
def compact_update(*, partnership: Partnership, notice_months: int, by: Actor) -> CompactSettings:
    """The accountable body sets the notice period agreed under the local Compact."""
    if org_id(by) != partnership.accountable_body_id or not by.has_role(Role.ORG_ADMIN, Role.COMMISSIONER):
        raise NotPermitted(f"Only an admin or commissioner of {partnership.accountable_body} can change the Compact")
    months = int(notice_months)
    if not 1 <= months <= 24:
        raise DomainError("The notice period must be between 1 and 24 months", field="notice_months")
    found, _ = CompactSettings.objects.select_for_update(of=("self",)).get_or_create(partnership=partnership)
    before = found.notice_months
    found.notice_months = months
    found.save()
    audit.record(obj=found, action="compact.updated", by=by, data={"from": before, "to": months})
    return found


def provider_people(contract: MappedContract) -> list[Membership]:
    """The registered provider's admins and bid writers, who get the notice in the app and by email."""
    if contract.provider_id is None:
        return []
    return list(
        Membership.objects.unscoped(reason="the provider's people are told their contract is changing")
        .filter(organisation_id=contract.provider_id, is_active=True)
        .filter(roles__overlap=[Role.ORG_ADMIN, Role.BIDDER])
        .select_related("user")
    )


@service
def provider_notice_send(
    *, contract: MappedContract, reason: str, sent_on: dt.date | None = None, by: Actor
) -> ProviderNotice:
    """Give the provider written notice that its contract is to be replaced or ended, with the notice period agreed
    under the partnership's Compact. A notice that runs out after the change is flagged as late, not refused: the
    provider must still be told."""
    contract = (
        MappedContract.objects.select_for_update(of=("self",)).select_related("funder", "provider").get(pk=contract.pk)
    )
    require_manages_contract(contract, by, doing="give notice to its provider")
    sent_on = sent_on or timezone.localdate()
    link = ReplacedContract.objects.filter(contract=contract).select_related("commission").first()
    commission = link.commission if link is not None else None
    ended = is_ended(contract)
    problems = notice_problems(contract, reason=reason, sent_on=sent_on, replaced_by=commission, ended=ended)
    if problems:
        message, field = problems[0]
        raise DomainError(message, field=field, problems=[p for p, _ in problems])
    reason = _text(reason, field="reason")
    months = notice_months_for(contract.partnership_id)
    if commission is not None:
        because, change_on = ProviderNotice.Because.REPLACED, commission.start_date
    else:
        because, change_on = ProviderNotice.Because.ENDED, contract.end_date + dt.timedelta(days=1)
    notice = ProviderNotice.objects.create(
        contract=contract,
        commission=commission,
        organisation_id=contract.funder_id,
        because=because,
        reason=reason,
        sent_on=sent_on,
        notice_months=months,
        ends_on=notice_end(sent_on, months),
        change_on=change_on,
        sent_by=by.user,
    )
    audit.record(
        obj=notice,
        action="provider_notice.sent",
        by=by,
        reason=reason,
        data={
            "sent_on": sent_on.isoformat(),
            "months": months,
            "ends_on": notice.ends_on.isoformat(),
            "late": notice.late,
        },
    )
    people = [m.user for m in provider_people(contract)]
    if people:
        what = "replaced by a joint commission" if commission is not None else "ended"
        notify(
            recipients=people,
            subject=f"Notice from {contract.funder}: {contract.title or 'your contract'} is to be {what}",
            body=(
                f"{contract.funder} gives you {months} months' notice, from {sent_on:%d %B %Y} to "
                f"{notice.ends_on:%d %B %Y}, under the local Compact. Reason: {reason}"
            ),
            url=reverse("provider-notice-letter", kwargs={"provider_notice_id": notice.pk}),
            organisation=contract.provider,
            dedupe_key=f"provider-notice:{notice.pk}",
        )
    return notice


@service
def impact_record(
    *,
    contract: MappedContract,
    who_is_affected: str,
    mitigation: str,
    service_users: str = "",
    staff: str = "",
    by: Actor,
) -> DecommissioningImpact:
    """The decommissioning impact note for a contract being ended or replaced: who is affected and the mitigation."""
    contract = MappedContract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
    require_manages_contract(contract, by, doing="record the impact of ending this contract")
    values = {
        "who_is_affected": _text(who_is_affected, field="who_is_affected"),
        "service_users": _text(service_users, field="service_users", required=False),
        "staff": _text(staff, field="staff", required=False),
        "mitigation": _text(mitigation, field="mitigation"),
    }
    impact, created = DecommissioningImpact.objects.update_or_create(
        contract=contract, defaults={**values, "recorded_by": by.user}
    )
    audit.record(obj=contract, action="contract.impact_recorded" if created else "contract.impact_changed", by=by)
    return impact


@service
def appraisal_start(
    *, service_area: ServiceArea, title: str, commission: JointCommission | None = None, by: Actor
) -> OptionsAppraisal:
    """Start an options appraisal for a service area (and, when there is one, its commission)."""
    require_partner(service_area.partnership, by, Role.COMMISSIONER, doing="appraise the options")
    if commission is not None and commission.service_area_id != service_area.pk:
        raise DomainError("That commission is for another service area", field="commission")
    appraisal = OptionsAppraisal.objects.create(
        partnership=service_area.partnership,
        service_area=service_area,
        commission=commission,
        title=_text(title, field="title", limit=200),
        created_by=by.user,
        organisation=by.organisation,
    )
    audit.record(obj=appraisal, action="appraisal.started", by=by)
    return appraisal


def _require_appraiser(appraisal: OptionsAppraisal, by: Actor) -> None:
    require_partner(appraisal.partnership, by, Role.COMMISSIONER, doing="change this appraisal")


@service
def appraisal_option_set(
    *, appraisal: OptionsAppraisal, model: str, advantages: str, disadvantages: str, by: Actor
) -> AppraisalOption:
    """Record (or rewrite) one model considered, with its advantages and disadvantages."""
    appraisal = OptionsAppraisal.objects.select_for_update(of=("self",)).get(pk=appraisal.pk)
    _require_appraiser(appraisal, by)
    if model not in AppraisalModel.values:
        raise DomainError("Choose a model", field="model")
    option, created = AppraisalOption.objects.update_or_create(
        appraisal=appraisal,
        model=model,
        defaults={
            "advantages": _text(advantages, field="advantages"),
            "disadvantages": _text(disadvantages, field="disadvantages"),
        },
    )
    audit.record(
        obj=appraisal,
        action="appraisal.option_added" if created else "appraisal.option_changed",
        by=by,
        data={"model": model},
    )
    return option


@service
def appraisal_choose(*, appraisal: OptionsAppraisal, model: str, reason: str, by: Actor) -> OptionsAppraisal:
    """Choose one of the options weighed, with the reason."""
    appraisal = OptionsAppraisal.objects.select_for_update(of=("self",)).get(pk=appraisal.pk)
    _require_appraiser(appraisal, by)
    if not AppraisalOption.objects.filter(appraisal=appraisal, model=model).exists():
        raise DomainError("Choose one of the options weighed in this appraisal", field="model")
    appraisal.chosen = model
    appraisal.chosen_reason = _text(reason, field="reason")
    appraisal.save(update_fields=["chosen", "chosen_reason"])
    audit.record(obj=appraisal, action="appraisal.chosen", by=by, reason=appraisal.chosen_reason, data={"model": model})
    return appraisal
