"""Who may do what: the joint commission and who takes part in it."""

from __future__ import annotations

from typing import Any

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus, loaded_rows
from commissioning.service_map.permissions import FINANCE_ROLES, org_id
from partners.models import Role


def is_lead(commission: JointCommission, by: Any) -> bool:
    """The lead organisation's commissioner."""
    return org_id(by) == commission.lead_id and by.has_role(Role.COMMISSIONER)


def participation_of(commission: JointCommission, organisation_id: int | None) -> Participation | None:
    if organisation_id is None:
        return None
    rows = loaded_rows(
        commission,
        "participations",
        Participation.objects.filter(commission=commission, organisation_id=organisation_id)[:1],
    )
    return next((p for p in rows if p.organisation_id == organisation_id), None)


def is_accepted_participant(commission: JointCommission, organisation_id: int | None) -> bool:
    p = participation_of(commission, organisation_id)
    return p is not None and p.status == ParticipationStatus.ACCEPTED


def sees_partner_breakdown(commission: JointCommission, by: Any, *, accountable_body_id: int | None = None) -> bool:
    """Whether ``by`` sees every partner's contribution figures (else only their own plus totals).

    Commissioners (and organisation admins) of the lead or of a partner taking part negotiate the money together and
    see each partner's figures. The accountable body's finance officers and commissioners hold the partners' money and
    see the whole partnership. Everyone else -- notably a partner's finance officer -- sees their own organisation's
    figures plus the totals.
    """
    organisation_id = org_id(by)
    if organisation_id is None:
        return False
    if accountable_body_id is None:
        accountable_body_id = commission.partnership.accountable_body_id
    if organisation_id == accountable_body_id and by.has_role(Role.FINANCE_OFFICER, Role.COMMISSIONER):
        return True
    if not by.has_role(Role.COMMISSIONER, Role.ORG_ADMIN):
        return False
    return organisation_id == commission.lead_id or participation_of(commission, organisation_id) is not None


def sees_whole_partnership_report(partnership: Any, by: Any) -> bool:
    """The accountable body's finance officers and commissioners may report on every partner."""
    return org_id(by) == partnership.accountable_body_id and by.has_role(*FINANCE_ROLES)
