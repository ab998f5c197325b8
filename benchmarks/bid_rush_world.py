"""The part of the bid rush that needs Django: builds the tender and the drafts, and reads back what was stored.

Imported by ``benchmarks.bid_rush`` once ``django.setup()`` has run (it chooses the database first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from commissioning.commissions.models import (
    CommissioningModel,
    CommissionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
)
from commissioning.service_map.models import ServiceArea
from core.tenancy import unscoped
from partners.acting import Acting
from partners.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipMember, Role, User
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidVersion
from procurement.demo_stages import sign_conflicts
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender


def build(providers: int, lead_seconds: float) -> tuple[Any, list[tuple[int, str, str]]]:
    call_command("migrate", "--no-input", verbosity=0)

    def acting(user: Any, org: Any) -> Acting:
        m = Membership._base_manager.get(user=user, organisation=org)
        return Acting(user=user, organisation=org, membership=m, roles=frozenset(m.roles))

    with unscoped(reason="the rush builds a county, its tender and 200 providers"):
        county = Organisation.objects.create(name="Rush County Council", kind=OrganisationKind.COUNTY_COUNCIL)
        partnership = Partnership.objects.create(name="Rush partnership", accountable_body=county)
        PartnershipMember.objects.create(partnership=partnership, organisation=county, status="active")
        area = ServiceArea.objects.create(partnership=partnership, name="Rush service area")
        commission = JointCommission.objects.create(
            partnership=partnership,
            service_area=area,
            title="Rush commission",
            intended_outcomes="Outcomes",
            model=CommissioningModel.INDIVIDUAL,
            lead=county,
            term_years=3,
            start_date=timezone.localdate().replace(month=4, day=1, year=timezone.localdate().year + 1),
            status=CommissionStatus.PROCUREMENT,
        )
        Participation.objects.create(
            commission=commission, organisation=county, status=ParticipationStatus.ACCEPTED, is_lead=True
        )
        officer = User.objects.create_user("rush-lead@bench.example", "Rush-password-2026", full_name="Rush Lead")
        Membership.objects.create(user=officer, organisation=county, roles=[Role.COMMISSIONER])
        lead = acting(officer, county)
        now = timezone.now()
        tender = tender_services.tender_create(
            commission=commission,
            title="The rush tender",
            summary="S",
            specification="Spec",
            estimated_annual_value=Decimal("43750.00"),
            term_years=3,
            clarification_deadline=now + lead_seconds_delta(lead_seconds - 30),
            submission_deadline=now + lead_seconds_delta(3600),  # moved to the real deadline once drafts exist
            by=lead,
        )
        quality = tender_services.criterion_add(tender=tender, kind="quality", name="Quality", weight=80, by=lead)
        tender_services.criterion_add(tender=tender, kind="price", name="Price", weight=20, by=lead)
        for text in ("How will you deliver the service?", "How will you involve volunteers?"):
            tender_services.question_add(tender=tender, criterion=quality, text=text, word_limit=500, by=lead)
        tender_services.method_submit(tender=tender, by=lead)
        sign_conflicts(tender, lead)
        tender = tender_services.tender_publish(tender=tender, by=lead)
        questions = list(tender.method.questions.values_list("pk", flat=True))
        drafts: list[tuple[int, str, str]] = []
        for i in range(providers):
            org = Organisation.objects.create(
                name=f"Rush Charity {i:03d}", kind=OrganisationKind.CHARITY, charity_number=f"8{i:06d}"
            )
            user = User.objects.create_user(f"rush{i:03d}@bench.example", "Rush-password-2026", full_name=f"Bidder {i}")
            Membership.objects.create(user=user, organisation=org, roles=[Role.ORG_ADMIN, Role.BIDDER])
            by = acting(user, org)
            bid = bid_services.bid_start(tender=tender, by=by)
            bid_services.bid_save_draft(
                bid=bid,
                by=by,
                answers=dict.fromkeys(
                    questions, f"Provider {i} will deliver the service with trained staff and volunteers. " * 8
                ),
                price_lines={"staff": ("30000.00", "Staff"), "overheads": (str(13000 + i), "Full cost recovery")},
                summary=f"Bid from provider {i}",
            )
            drafts.append((i, str(bid.public_id), Token.objects.create(user=user).key + f":{org.pk}"))
        deadline = timezone.now() + lead_seconds_delta(lead_seconds)
        Tender.objects.filter(pk=tender.pk).update(
            submission_deadline=deadline.replace(microsecond=0), clarification_deadline=deadline.replace(microsecond=0)
        )
        tender = Tender.objects.get(pk=tender.pk)
    return tender, drafts


def lead_seconds_delta(seconds: float) -> Any:
    return dt.timedelta(seconds=seconds)


def stored(tender: Any) -> tuple[dict[tuple[str, int], Any], set[str]]:
    """Every stored version of the tender's bids by (bid, number), and the bids marked submitted."""
    with unscoped(reason="the rush checks every provider's receipt against the database"):
        versions = {
            (str(v.bid.public_id), v.number): v
            for v in BidVersion.objects.filter(bid__tender=tender).select_related("bid")
        }
        submitted = {
            str(pk) for pk in Bid.objects.filter(tender=tender, status="submitted").values_list("public_id", flat=True)
        }
    return versions, submitted
