"""Demo open data (idempotent: every release has its event's source key): each demo tender's process publishes
what its stage has made public, as its lead commissioner, through ``opendata.ocds.services``:

- a planning release for each tender whose method is being approved (the planned procurement);
- the tender release of every published tender, and a tenderUpdate where clarifications have been answered;
- the award of the tenders in standstill or awarded, the signed contract, and the implementation (each partner's
  payments) of the running debt advice contract;
- a contractAmendment for every contract with agreed variations (when the procurement app records them).
"""

from __future__ import annotations

from commissioning.models import JointCommission
from core.tenancy import unscoped
from opendata.ocds.facts import gather
from opendata.ocds.services import event_key, record_release, releases_sync
from partners.acting import Acting, acting_as
from partners.models import Membership, Role
from procurement.award.models import Contract
from procurement.tenders.models import Clarification, Tender, TenderStatus


def _lead(commission: JointCommission) -> Acting | None:
    user = commission.lead_contact
    if user is None:
        m = (
            Membership.objects.filter(organisation=commission.lead, is_active=True, roles__overlap=[Role.COMMISSIONER])
            .select_related("user")
            .order_by("pk")
            .first()
        )
        user = m.user if m else None
    return acting_as(user, commission.lead) if user is not None else None


def load() -> None:
    with unscoped(reason="the demo loader publishes every demo process's open data"):
        for tender in Tender.objects.select_related("commission__lead", "commission__lead_contact").order_by("pk"):
            lead = _lead(tender.commission)
            if lead is None:
                continue
            if not tender.is_published and tender.status != TenderStatus.CANCELLED:
                record_release(tender=tender, tags=["planning"], by=lead, source_key=event_key(tender, "planning"))
                continue
            releases_sync(tender=tender, by=lead)
            answered = Clarification.objects.filter(tender=tender, published_at__isnull=False).count()
            if answered:
                record_release(
                    tender=tender,
                    tags=["tenderUpdate"],
                    by=lead,
                    source_key=event_key(tender, "clarifications", answered),
                )
            for contract in Contract.objects.filter(tender=tender).order_by("pk"):
                facts = gather(tender)
                varied = next((c for c in facts.contracts if c.contract.pk == contract.pk and c.variations), None)
                if varied is not None:
                    record_release(
                        tender=tender,
                        tags=["contractAmendment"],
                        by=lead,
                        source_key=event_key(tender, "variations", contract.pk, len(varied.variations)),
                    )
