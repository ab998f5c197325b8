"""The people involved in monitoring a contract: the acting person's name for the record, who is told about what,
and the link they are sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from commissioning.models import JointCommission
from core.actors import Actor
from core.notifications import notify
from partners.models import Membership, Organisation, Role, User
from procurement.award.models import Contract


def actor_name(by: Actor) -> str:
    user = by.user
    return (user.get_full_name() or user.get_username()) if user is not None else "Jointly (automatic)"


def people_of(organisation_id: int, *roles: str) -> list[User]:
    return [
        m.user
        for m in Membership.objects.unscoped(reason="monitoring tells another organisation's people")
        .filter(organisation_id=organisation_id, is_active=True, roles__overlap=list(roles))
        .select_related("user")
        if m.user.is_active
    ]


def people_by_organisation(organisation_ids: Iterable[int], *roles: str) -> dict[int, list[User]]:
    """``people_of`` for many organisations in one query (reminder sweeps)."""
    people: dict[int, list[User]] = {}
    for m in (
        Membership.objects.unscoped(reason="monitoring tells other organisations' people")
        .filter(organisation_id__in=set(organisation_ids), is_active=True, roles__overlap=list(roles))
        .select_related("user")
        .order_by("pk")
    ):
        if m.user.is_active:
            people.setdefault(m.organisation_id, []).append(m.user)
    return people


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


def tell(
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


def contract_url(contract: Contract) -> str:
    return reverse("monitoring-contract", kwargs={"monitored_contract_id": contract.pk})


def tell_lead(contract_or_commission: Contract | JointCommission, **message: Any) -> int:
    """Tell the lead commissioner (the commission's lead contact, else its lead organisation's commissioners)."""
    commission = (
        contract_or_commission.commission if isinstance(contract_or_commission, Contract) else contract_or_commission
    )
    return tell(lead_people(commission), commission.lead_id, **message)


def tell_provider(contract: Contract, **message: Any) -> int:
    """Tell the provider's bidders and organisation admins."""
    return tell(provider_people(contract), contract.provider_id, **message)


def tell_commissioners(organisation: Organisation, **message: Any) -> int:
    """Tell a partner organisation's commissioners."""
    return tell(people_of(organisation.pk, Role.COMMISSIONER), organisation.pk, **message)
