"""Who may do what: the service map (what each partner already funds)."""

from __future__ import annotations

from typing import Any

from partners.models import PartnershipMember, Role

# Roles that read joint-commissioning pages (public-sector staff); commissioners change things.
READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)


WRITE_ROLES = (Role.COMMISSIONER,)


FINANCE_ROLES = (Role.FINANCE_OFFICER, Role.COMMISSIONER)


MONEY_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER)


def org_id(by: Any) -> int | None:
    return by.organisation.pk if by.organisation is not None else None


def is_active_partner(partnership_id: int, by: Any) -> bool:
    if by.organisation is None:
        return False
    return PartnershipMember.objects.filter(
        partnership_id=partnership_id, organisation=by.organisation, status=PartnershipMember.Status.ACTIVE
    ).exists()
