"""Pure checks: who may link, save, give notice and appraise; what a notice needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.replacement.models import ProviderNotice, notice_end
from commissioning.service_map.models import MapDecision, MappedContract
from commissioning.service_map.permissions import org_id
from core.errors import DomainError, NotPermitted
from partners.models import Role


def takes_part(commission: JointCommission, organisation_id: int | None) -> bool:
    """The lead, or a partner that accepted the invitation."""
    if organisation_id is None:
        return False
    if organisation_id == commission.lead_id:
        return True
    return Participation.objects.filter(
        commission=commission, organisation_id=organisation_id, status=ParticipationStatus.ACCEPTED
    ).exists()


def require_links_own(commission: JointCommission, contract: MappedContract, by: Any) -> None:
    """A partner's commissioner links its own contracts, in the commission's partnership, while it takes part."""
    if not by.has_role(Role.COMMISSIONER):
        raise NotPermitted("Only a commissioner can say which contracts a commission replaces")
    if not takes_part(commission, org_id(by)):
        raise NotPermitted(f"Only an organisation taking part in {commission} can link the contracts it replaces")
    if contract.funder_id != org_id(by):
        raise NotPermitted(f"Only {contract.funder} can link its own contract")
    if contract.partnership_id != commission.partnership_id:
        raise DomainError("That contract is in another partnership's map", field="contracts")


def may_manage_contract(contract: MappedContract, by: Any) -> bool:
    """The funder's commissioner manages notices and impact notes for its contract."""
    return contract.funder_id == org_id(by) and by.has_role(Role.COMMISSIONER)


def require_manages_contract(contract: MappedContract, by: Any, *, doing: str) -> None:
    if not may_manage_contract(contract, by):
        raise NotPermitted(f"Only a commissioner at {contract.funder} can {doing}")


def notice_problems(
    contract: MappedContract, *, reason: str, sent_on: dt.date, replaced_by: JointCommission | None, ended: bool
) -> list[tuple[str, str]]:
    """What stops a notice: no change to give notice of, no reason, a date not yet come or already notified."""
    problems: list[tuple[str, str]] = []
    if replaced_by is None and not ended:
        problems.append(
            (
                "Notice can be given only for a contract a commission replaces, or one a partner has decided to end",
                "reason",
            )
        )
    if not reason.strip():
        problems.append(("Say why the contract is being replaced or ended", "reason"))
    if sent_on > timezone.localdate():
        problems.append(("The notice cannot be dated in the future", "sent_on"))
    if ProviderNotice.objects.filter(contract=contract).exists():
        problems.append((f"{contract.provider_name} has already been given notice for this contract", "reason"))
    return problems


def is_ended(contract: MappedContract) -> bool:
    return MapDecision.objects.filter(contract=contract, kind=MapDecision.Kind.END).exists()


def notice_late(*, sent_on: dt.date, months: int, change_on: dt.date) -> bool:
    return notice_end(sent_on, months) > change_on
