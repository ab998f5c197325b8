"""Demo tendering (idempotent): a published opportunity on the portal, and the Lichfield worked example's tender
waiting for the board to approve its evaluation method.

- TSCiP (no board): the county leads "Volunteering and community capacity in Tamworth and Cannock Chase" with
  Tamworth and Cannock Chase; the lead approved the method; published, bids close in five weeks.
- Lichfield (has a board): the worked example (county £23,750 + district £20,000 a year for three years = £43,750 a
  year); the county has drafted the tender and sent its evaluation method to the Lichfield board.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning import services as commissioning
from commissioning.demo import simple_pdf
from commissioning.models import JointCommission, ServiceArea
from partners.acting import Acting
from partners.models import Membership, Organisation, Partnership, Role, User
from procurement import services
from procurement.models import MethodStatus, Tender

TSCIP = "Staffordshire Third Sector Commissioning in Partnership"
LICHFIELD = "Lichfield Locality Commissioning Partnership"
PUBLISHED_TITLE = "Volunteering and community capacity in Tamworth and Cannock Chase"
LICHFIELD_TITLE = "Older people's independence service, Lichfield District"


def _acting(user: User, organisation: Organisation) -> Acting:
    membership = Membership._base_manager.get(user=user, organisation=organisation)
    return Acting(user=user, organisation=organisation, membership=membership, roles=frozenset(membership.roles))


def _commissioner(organisation: Organisation) -> User | None:
    m = (
        Membership._base_manager.filter(organisation=organisation, is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m else None


def _pdf(name: str, *lines: str) -> ContentFile:
    return ContentFile(simple_pdf(*lines), name=name)


def _commission(
    *,
    partnership: Partnership,
    area: ServiceArea,
    title: str,
    outcomes: str,
    lead: Acting,
    partners: list[tuple[Organisation, Decimal]],
    lead_amount: Decimal,
    start: dt.date,
) -> JointCommission | None:
    commission = JointCommission.objects.filter(partnership=partnership, title=title).first()
    if commission is not None:
        return commission
    actors: list[tuple[Organisation, Acting]] = []
    for organisation, _ in partners:
        user = _commissioner(organisation)
        if user is None:
            return None
        actors.append((organisation, _acting(user, organisation)))
    assert lead.organisation is not None
    lead_org: Organisation = lead.organisation
    commission = commissioning.commission_create(
        service_area=area, title=title, intended_outcomes=outcomes, term_years=3, start_date=start, by=lead
    )
    commissioning.commission_invite(commission=commission, organisations=[o for o, _ in partners], by=lead)
    commissioning.contributions_set_annual(
        commission=commission, organisation=lead_org, annual_amount=lead_amount, by=lead
    )
    for (organisation, amount), (_, actor) in zip(partners, actors, strict=True):
        commissioning.commission_respond(commission=commission, accept=True, by=actor)
        commissioning.contributions_set_annual(
            commission=commission, organisation=organisation, annual_amount=amount, by=actor
        )
    commissioning.commission_choose_model(
        commission=commission, model="aligned", reason="The partners align their budgets; the county leads.", by=lead
    )
    commissioning.commission_transition(commission=commission, name="start_gathering", by=lead)
    commissioning.commission_transition(commission=commission, name="open_sign_up", by=lead)
    for organisation, actor in actors:
        commissioning.agreement_sign(
            commission=commission,
            scopes=["procurement", "contract_management", "performance_management"],
            signatory_authority="Head of Communities, under the council's scheme of delegation",
            signed_on=timezone.localdate() - dt.timedelta(days=30),
            document=_pdf(
                f"agreement-{organisation.pk}.pdf", "Partnership agreement", f"{organisation} delegates to the lead"
            ),
            by=actor,
        )
    for organisation, actor in [(lead_org, lead), *actors]:
        for c in commission.contributions.filter(organisation=organisation).order_by("financial_year"):
            commissioning.contribution_confirm(contribution=c, by=actor)
    commissioning.commission_transition(commission=commission, name="enter_procurement", by=lead)
    return JointCommission.objects.get(pk=commission.pk)


def _method(tender: Tender, lead: Acting) -> None:
    quality = services.criterion_add(tender=tender, kind="quality", name="Quality of service", weight=60, by=lead)
    services.criterion_add(tender=tender, kind="price", name="Price", weight=20, by=lead)
    social = services.criterion_add(tender=tender, kind="social_value", name="Social value", weight=10, by=lead)
    local = services.criterion_add(tender=tender, kind="local_benefit", name="Local benefit", weight=10, by=lead)
    for criterion, text, limit, weight in (
        (quality, "How will the service meet the outcomes in the specification?", 500, 2),
        (quality, "How will you recruit, train and support volunteers?", 300, 1),
        (social, "What social value will the service add?", 250, 1),
        (local, "How will the service benefit local people and organisations?", 250, 1),
    ):
        services.question_add(tender=tender, criterion=criterion, text=text, word_limit=limit, weight=weight, by=lead)
    services.question_add(
        tender=tender, text="Do you hold a current safeguarding adults policy?", pass_fail=True, word_limit=50, by=lead
    )


def load() -> None:
    orgs = {o.name: o for o in Organisation.objects.all()}
    county = orgs.get("Staffordshire County Council")
    alex = User.objects.filter(email="alex@staffordshire.demo").first()
    if county is None or alex is None:
        return
    lead = _acting(alex, county)
    today = timezone.localdate()
    start = dt.date(today.year + 1, 4, 1)
    noon = dt.time(12, 0)

    tscip = Partnership.objects.filter(name=TSCIP).first()
    area = ServiceArea.objects.filter(partnership=tscip, name="Infrastructure support and volunteering").first()
    if tscip and area and not Tender.objects.filter(title=PUBLISHED_TITLE).exists():
        partners = [
            (orgs["Tamworth Borough Council"], Decimal("15000.00")),
            (orgs["Cannock Chase District Council"], Decimal("12500.00")),
        ]
        commission = _commission(
            partnership=tscip,
            area=area,
            title="Volunteering and community capacity, Tamworth and Cannock Chase",
            outcomes="More people volunteer; small community groups are stronger and reach isolated residents.",
            lead=lead,
            partners=partners,
            lead_amount=Decimal("30000.00"),
            start=start,
        )
        if commission is not None:
            mo = User.objects.filter(email="mo@lichfieldcab.demo").first()
            cab = orgs.get("Citizens Advice Lichfield District")
            if mo and cab:
                services.follows_set(service_areas=[area], by=_acting(mo, cab))
            tender = services.tender_create(
                commission=commission,
                title=PUBLISHED_TITLE,
                reference="SCC-TSCIP-2026-014",
                summary=(
                    "A voluntary-sector partner to recruit and support volunteers and build the capacity of small "
                    "community groups in Tamworth and Cannock Chase. Third-sector organisations only; consortia welcome."
                ),
                specification=(
                    "The provider will run a volunteer centre service in each district, broker volunteering "
                    "placements, support at least 40 small community groups a year with governance and funding "
                    "advice, and reach isolated older residents through those groups.\n\nOutcomes: more people "
                    "volunteer; groups are sustainable; fewer residents are isolated."
                ),
                clarification_deadline=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=21), noon)),
                submission_deadline=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=35), noon)),
                by=lead,
            )
            services.tender_document_add(
                tender=tender,
                title="Service specification",
                upload=_pdf(
                    "specification.pdf", PUBLISHED_TITLE, "Service specification", "Staffordshire County Council"
                ),
                by=lead,
            )
            _method(tender, lead)
            services.method_submit(tender=tender, by=lead)
            services.tender_publish(tender=tender, by=lead)

    lichfield = Partnership.objects.filter(name=LICHFIELD).first()
    older = ServiceArea.objects.filter(
        partnership=lichfield, name="Supporting older people to live independently"
    ).first()
    if lichfield and older and not Tender.objects.filter(title=LICHFIELD_TITLE).exists():
        commission = _commission(
            partnership=lichfield,
            area=older,
            title="Support for older people to live independently in Lichfield District",
            outcomes="Vulnerable people remain healthy, safe and independent in their own homes and neighbourhoods.",
            lead=lead,
            partners=[(orgs["Lichfield District Council"], Decimal("20000.00"))],
            lead_amount=Decimal("23750.00"),
            start=start,
        )
        if commission is not None:
            tender = services.tender_create(
                commission=commission,
                title=LICHFIELD_TITLE,
                reference="SCC-LCB-2026-003",
                summary="One joint tender for the county's and the district's older people's support: £43,750 a year.",
                specification=(
                    "A support service enabling older people to continue to live independently in Lichfield "
                    "District: help at home, befriending, and early help to stay healthy, safe and independent."
                ),
                clarification_deadline=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=42), noon)),
                submission_deadline=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=56), noon)),
                by=lead,
            )
            _method(tender, lead)
            method = services.method_submit(tender=tender, by=lead)
            assert method.status in (MethodStatus.SUBMITTED, MethodStatus.APPROVED)
