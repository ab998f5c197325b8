"""Who hears of a tender's changes: the lead's people, a provider's bidders, every interested provider.

Notices go to other organisations' people by design, so the memberships and interests are read across tenants,
saying so."""

from __future__ import annotations

from django.urls import reverse

from core.notifications import notify
from partners.models import Membership, Organisation, Role, User
from procurement.tenders.models import (
    Tender,
    TenderInterest,
)


def lead_people(tender: Tender) -> list[User]:
    commission = tender.commission
    contact = commission.lead_contact
    if contact is not None:
        return [contact]
    return [
        m.user
        for m in Membership.objects.unscoped(reason="notifying the lead organisation's people, whoever acts")
        .filter(organisation_id=commission.lead_id, is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user")
    ]


def org_bidders(organisation_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.unscoped(reason="notifying another organisation's bidders")
        .filter(organisation_id=organisation_id, is_active=True, roles__overlap=[Role.BIDDER, Role.ORG_ADMIN])
        .select_related("user")
    ]


def tell_organisation(organisation_id: int, *, subject: str, body: str, url: str, key: str) -> None:
    organisation = Organisation.objects.get(pk=organisation_id)
    notify(
        recipients=org_bidders(organisation_id),
        subject=subject,
        body=body,
        url=url,
        organisation=organisation,
        dedupe_key=f"{key}:o{organisation_id}",
    )


def tell_interested(tender: Tender, *, subject: str, body: str, key: str) -> int:
    """Every provider interested in the tender (registered, asked, started a bid), each privately."""
    url = reverse("opportunity-detail", kwargs={"opportunity_id": tender.pk})
    orgs = list(
        TenderInterest.objects.unscoped(reason="notifying every interested provider")
        .filter(tender=tender)
        .values_list("organisation_id", flat=True)
    )
    for organisation_id in orgs:
        tell_organisation(organisation_id, subject=subject, body=body, url=url, key=key)
    return len(orgs)


def tell_lead(tender: Tender, *, subject: str, body: str = "", url: str = "", key: str | None = None) -> None:
    notify(
        recipients=lead_people(tender),
        subject=subject,
        body=body,
        url=url or reverse("tender-detail", kwargs={"tender_id": tender.pk}),
        organisation=tender.commission.lead,
        dedupe_key=key,
    )


# --- tenders ------------------------------------------------------------------------------------------------------
