"""Writes (keyword-only, atomic, audited): the partnership agreement each partner signs to delegate to the lead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from commissioning.agreements.models import DelegationScope, PartnershipAgreement
from commissioning.commissions.models import JointCommission
from commissioning.commissions.permissions import is_accepted_participant
from commissioning.commissions.rules import require_planning
from commissioning.commissions.services import lock_commission, notify_lead
from core import audit
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from partners.models import Role


def term_end(commission: JointCommission) -> dt.date:
    """The last day of the term the agreement covers (``core.money.term_end``, as every page gives it)."""
    return commission.end_date


@service
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
    commission = lock_commission(commission)
    organisation = by.organisation
    if organisation is None or not by.has_role(Role.COMMISSIONER, Role.ORG_ADMIN) or by.user is None:
        raise NotPermitted("Only a named commissioner or admin of a partner can sign for it")
    if organisation.pk == commission.lead_id:
        raise DomainError("The lead commissioner does not delegate to itself")
    if not is_accepted_participant(commission, organisation.pk):
        raise DomainError(f"{organisation} must accept the invitation to take part before signing")
    if not commission.needs_agreements:
        raise DomainError(
            f"Under the {commission.get_model_display().lower() or 'chosen'} model partners do not delegate to a lead"
        )
    require_planning(commission, "sign the agreement")
    if PartnershipAgreement.objects.filter(commission=commission, organisation=organisation).exists():
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
        valid_until=term_end(commission),
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
    notify_lead(
        commission,
        subject=f"{organisation} has signed the partnership agreement for {commission.title}",
        body=f"Delegated: {', '.join(agreement.scope_labels()).lower()}.",
    )
    return agreement
