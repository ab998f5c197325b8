"""Demo data for joint commissioning (idempotent; organisations are found by name from ``partners.demo``).

- The TSCiP picture: 12 of the Staffordshire partners fund "Debt, benefits and consumer advice" through 22
  contracts, with several providers funded more than once and contracts ending close together -- and Tamworth's
  ring-fenced £20,000-a-year homelessness grant, which cannot be aligned.
- Other service areas in both partnerships, the Lichfield outcomes framework and some shared evidence.
- One joint commission signed up and in procurement (the county-wide aligned debt advice service), so dashboards,
  reports and timetables have something in them; the tendering demo awards it and signs its contract (live since
  April 2025). The Lichfield worked example is *not* created: the browser journey does that.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import CommissionStatus, ContributionStatus, JointCommission
from commissioning.commissions.services import (
    commission_choose_model,
    commission_create,
    commission_invite,
    commission_respond,
)
from commissioning.engagement import demo as engagement_demo
from commissioning.lifecycle.services import commission_transition
from commissioning.money.report_pdf import report_pdf_request
from commissioning.money.selectors import contribution_report
from commissioning.money.services import (
    contribution_confirm,
    contribution_transfer,
    contributions_record,
    contributions_set_annual,
    variation_propose,
    variation_reconfirm,
)
from commissioning.plans import demo as plans_demo
from commissioning.register import demo as register_demo
from commissioning.replacement import demo as replacement_demo
from commissioning.risks.services import risk_add, risk_update
from commissioning.service_map.models import EvidenceItem, MappedContract, Outcome, ServiceArea
from commissioning.service_map.services import evidence_add, outcome_add, service_area_create
from commissioning.thresholds import demo as thresholds_demo
from commissioning.timetable.services import stage_complete, timetable_from_template
from partners.acting import Acting, acting_as
from partners.demo import DEMO_PASSWORD
from partners.models import Membership, Organisation, Partnership, Role, User

TSCIP = "Staffordshire Third Sector Commissioning in Partnership"
LICHFIELD = "Lichfield Locality Commissioning Partnership"
DEBT = "Debt, benefits and consumer advice"
INFRA = "Infrastructure support and volunteering"
OLDER = "Supporting older people to live independently"
HEALTHY = "Healthy lifestyles and social isolation"

D = dt.date
CORE = "Core budget"
RING_FENCED_REASON = (
    "A specific grant from the Department for Communities and Local Government for homelessness work: it cannot be "
    "aligned and there is no further budget"
)

# (funder, provider, what it pays for, annual value, start, end, funding source, ring-fenced reason or "")
# One contract per line, so the table reads as a table.
# fmt: off
DEBT_CONTRACTS: list[tuple[str, str, str, str, dt.date, dt.date, str, str]] = [
    ("Tamworth Borough Council", "Citizens Advice Tamworth", "Core debt and generalist advice", "60000", D(2024, 7, 1), D(2027, 6, 30), CORE, ""),
    ("Tamworth Borough Council", "Citizens Advice Tamworth", "Homelessness prevention advice", "20000", D(2025, 10, 1), D(2027, 9, 30), "DCLG homelessness grant", RING_FENCED_REASON),
    ("Staffordshire County Council", "Citizens Advice Staffordshire North and Stoke", "County-wide debt advice line", "85000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Staffordshire County Council", "Citizens Advice Lichfield District", "Welfare benefits casework", "30000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Staffordshire County Council", "Burton Money Matters CIC", "Money management courses", "18000", D(2025, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Stoke-on-Trent City Council", "Citizens Advice Staffordshire North and Stoke", "Debt and benefits advice in Stoke", "95000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Stoke-on-Trent City Council", "Stoke Credit Union", "Money guidance sessions", "12500", D(2025, 4, 1), D(2028, 3, 31), CORE, ""),
    ("Newcastle-under-Lyme Borough Council", "Citizens Advice Staffordshire North and Stoke", "Generalist advice in Newcastle", "42000", D(2024, 7, 1), D(2027, 6, 30), CORE, ""),
    ("Newcastle-under-Lyme Borough Council", "Age UK North Staffordshire", "Benefits checks for older people", "11000", D(2025, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Lichfield District Council", "Citizens Advice Lichfield District", "Core advice service", "36000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Lichfield District Council", "Age UK South Staffordshire", "Benefits advice for older people", "9500", D(2025, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Cannock Chase District Council", "Cannock Chase Community Co-operative", "Community money advice", "22000", D(2024, 10, 1), D(2027, 9, 30), CORE, ""),
    ("Cannock Chase District Council", "Citizens Advice Cannock Chase", "Core advice service", "31000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("East Staffordshire Borough Council", "Burton Money Matters CIC", "Debt advice in Burton", "27500", D(2024, 4, 1), D(2027, 6, 30), CORE, ""),
    ("East Staffordshire Borough Council", "Citizens Advice East Staffordshire", "Generalist advice", "33000", D(2025, 4, 1), D(2028, 3, 31), CORE, ""),
    ("South Staffordshire District Council", "Citizens Advice South Staffordshire", "Core advice service", "24000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("South Staffordshire District Council", "Age UK South Staffordshire", "Benefits take-up campaign", "8000", D(2025, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Stafford Borough Council", "Citizens Advice Stafford", "Core advice service", "29000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("Staffordshire Moorlands District Council", "Moorlands Home Link", "Energy and debt advice at home", "14000", D(2025, 1, 1), D(2027, 12, 31), CORE, ""),
    ("Staffordshire Moorlands District Council", "Citizens Advice Staffordshire North and Stoke", "Outreach advice in Leek", "16500", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    ("South East Staffordshire and Seisdon Peninsula CCG", "Citizens Advice Lichfield District", "Advice in GP surgeries", "15000", D(2025, 4, 1), D(2027, 3, 31), "Better Care Fund", ""),
    ("Staffordshire Police and Crime Commissioner", "Tamworth Community Debt Advice CIO", "Debt advice for people leaving custody", "12000", D(2025, 4, 1), D(2027, 3, 31), "Locality Deal Fund", ""),
]
# fmt: on

# One contract per line, so the table reads as a table.
# fmt: off
OTHER_CONTRACTS: list[tuple[str, str, str, str, str, str, dt.date, dt.date, str, str]] = [
    (TSCIP, INFRA, "Tamworth Borough Council", "Tamworth Centre for Voluntary Services", "Infrastructure support", "31000", D(2023, 7, 1), D(2027, 6, 30), CORE, ""),
    (TSCIP, INFRA, "Tamworth Borough Council", "Tamworth Centre for Voluntary Services", "Volunteering", "9000", D(2023, 7, 1), D(2027, 6, 30), CORE, ""),
    (TSCIP, INFRA, "Staffordshire County Council", "Support Staffordshire", "County infrastructure support", "120000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    (TSCIP, INFRA, "Lichfield District Council", "Support Staffordshire", "Volunteer centre", "15000", D(2025, 4, 1), D(2027, 3, 31), CORE, ""),
    (LICHFIELD, OLDER, "Staffordshire County Council", "Age UK South Staffordshire", "Help at home for older people", "23750", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    (LICHFIELD, OLDER, "Lichfield District Council", "Lichfield Community Voluntary Service", "Good neighbour scheme", "20000", D(2024, 4, 1), D(2027, 3, 31), CORE, ""),
    (LICHFIELD, HEALTHY, "South East Staffordshire and Seisdon Peninsula CCG", "Support Staffordshire", "Social prescribing link workers", "48000", D(2025, 4, 1), D(2028, 3, 31), "Better Care Fund", ""),
    (LICHFIELD, HEALTHY, "Staffordshire Police and Crime Commissioner", "Lichfield Community Voluntary Service", "Safer communities small grants", "72000", D(2025, 4, 1), D(2027, 3, 31), "Locality Deal Fund", ""),
    (LICHFIELD, HEALTHY, "Lichfield District Council", "Citizens Advice Lichfield District", "Food poverty and health grants", "8000", D(2025, 4, 1), D(2026, 3, 31), "Public health grant (devolved)", "Devolved public health grant restricted to the food poverty scheme"),
]
# fmt: on

AREAS = {
    TSCIP: [
        (DEBT, "Advice on debt, welfare benefits and consumer problems."),
        (INFRA, "Support for voluntary organisations and volunteering."),
    ],
    LICHFIELD: [
        (OLDER, "Helping older people stay healthy, safe and independent in their own homes."),
        (HEALTHY, "Healthy lifestyles, social isolation and community capacity."),
    ],
}

LICHFIELD_OUTCOMES = [
    ("A community which is prosperous", ""),
    ("A community which is healthy", ""),
    ("A community which is independent", ""),
    ("A community which is safe", ""),
]
LICHFIELD_PRINCIPLES = [
    "A focus on outcomes that are based on need",
    "Co-produce solutions with communities",
    "Encourage volunteering",
    "Reduce demand on public services and create independence",
    "Prevent problems rather than react to them",
    "Encourage early intervention",
    "Reduce social isolation and increase community capacity",
    "Raise aspiration, employment and prosperity",
    "Scale up interventions that have a real effect on communities",
]
EVIDENCE = [
    (
        LICHFIELD,
        "Joint Strategic Needs Assessment: Lichfield District",
        "https://www.staffordshire.gov.uk/Health/Joint-strategic-needs-assessment.aspx",
        ["needs assessment", "health"],
    ),
    (LICHFIELD, "Community safety profile", "https://www.staffordshire-pfcc.gov.uk/", ["community safety"]),
    (LICHFIELD, "Health profile for Lichfield District", "https://fingertips.phe.org.uk/", ["health"]),
    (
        TSCIP,
        "TSCiP mapping of third-sector funding (2011)",
        "https://democracy.tamworth.gov.uk/",
        ["mapping", "debt advice"],
    ),
]

RUNNING_TITLE = "County-wide debt, benefits and consumer advice"
RUNNING_PARTNERS = [
    ("Tamworth Borough Council", Decimal("60000.00")),
    ("Lichfield District Council", Decimal("36000.00")),
    ("Cannock Chase District Council", Decimal("31000.00")),
    ("East Staffordshire Borough Council", Decimal("27500.00")),
]
EXTRA_COMMISSIONERS = [
    ("kim@cannockchase.demo", "Kim Walsh", "Cannock Chase District Council", "Partnerships officer"),
    ("raj@eaststaffs.demo", "Raj Patel", "East Staffordshire Borough Council", "Community commissioning lead"),
]


def simple_pdf(*lines: str) -> bytes:
    """A small, valid one-page PDF (for demo and test documents), built by hand to keep loading fast."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 13 Tf 72 770 Td 18 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _commissioner(organisation: Organisation) -> User:
    m = (
        Membership.objects.filter(organisation=organisation, is_active=True, roles__contains=[Role.COMMISSIONER])
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if m is None:
        raise LookupError(f"No commissioner at {organisation}")
    return m.user


def _people(orgs: dict[str, Organisation]) -> None:
    for email, name, org_name, title in EXTRA_COMMISSIONERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
            user.last_acting_organisation = orgs[org_name]
            user.save(update_fields=["last_acting_organisation"])
            TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        Membership.objects.get_or_create(
            user=user, organisation=orgs[org_name], defaults={"roles": [Role.COMMISSIONER], "job_title": title}
        )


def _area(partnership: Partnership, name: str, description: str, by: Acting) -> ServiceArea:
    area = ServiceArea.objects.annotate(n=Lower("name")).filter(partnership=partnership, n=name.lower()).first()
    return area or service_area_create(partnership=partnership, name=name, description=description, by=by)


def _contract(
    area: ServiceArea,
    funder: Organisation,
    provider: str,
    title: str,
    value: str,
    start: dt.date,
    end: dt.date,
    source: str,
    ring_fenced: str,
) -> None:
    if MappedContract.objects.filter(service_area=area, funder=funder, provider_name=provider, title=title).exists():
        return
    registered = Organisation.objects.filter(name=provider).first()
    MappedContract.objects.create(
        partnership=area.partnership,
        service_area=area,
        funder=funder,
        provider=registered,
        provider_name=provider,
        title=title,
        annual_value=Decimal(value),
        start_date=start,
        end_date=end,
        funding_source=source,
        alignable=not ring_fenced,
        not_alignable_reason=ring_fenced,
    )


def load() -> None:
    orgs = {o.name: o for o in Organisation.objects.all()}
    partnerships = {p.name: p for p in Partnership.objects.filter(name__in=[TSCIP, LICHFIELD])}
    _people(orgs)
    # The county's lead commissioner (a partner in both partnerships) sets up the service areas; each partnership's
    # accountable body keeps its evidence base; the district's commissioner writes Lichfield's outcomes framework.
    county = acting_as(_commissioner(orgs["Staffordshire County Council"]), orgs["Staffordshire County Council"])
    district = acting_as(_commissioner(orgs["Lichfield District Council"]), orgs["Lichfield District Council"])
    keepers = {TSCIP: county, LICHFIELD: district}
    areas: dict[tuple[str, str], ServiceArea] = {}
    for partnership_name, specs in AREAS.items():
        for name, description in specs:
            areas[(partnership_name, name)] = _area(partnerships[partnership_name], name, description, county)
    for funder, provider, title, value, start, end, source, ring in DEBT_CONTRACTS:
        _contract(areas[(TSCIP, DEBT)], orgs[funder], provider, title, value, start, end, source, ring)
    for partnership_name, area_name, funder, provider, title, value, start, end, source, ring in OTHER_CONTRACTS:
        _contract(areas[(partnership_name, area_name)], orgs[funder], provider, title, value, start, end, source, ring)

    lichfield = partnerships[LICHFIELD]
    framework = [(Outcome.Kind.OUTCOME, t, d) for t, d in LICHFIELD_OUTCOMES]
    framework += [(Outcome.Kind.PRINCIPLE, t, "") for t in LICHFIELD_PRINCIPLES]
    for kind, title, description in framework:
        if not Outcome.objects.filter(partnership=lichfield, kind=kind, title=title).exists():
            outcome_add(partnership=lichfield, kind=kind, title=title, description=description, by=district)
    for partnership_name, title, url, tags in EVIDENCE:
        partnership = partnerships[partnership_name]
        if not EvidenceItem.objects.filter(partnership=partnership, title=title).exists():
            evidence_add(partnership=partnership, title=title, url=url, tags=tags, by=keepers[partnership_name])
    _running_commission(orgs, partnerships[TSCIP], areas[(TSCIP, DEBT)])
    replacement_demo.load(area=areas[(TSCIP, DEBT)], commissioner_of=lambda o: acting_as(_commissioner(o), o))
    thresholds_demo.load(partnerships, {TSCIP: county, LICHFIELD: county})
    _part_year_commission(orgs, partnerships[TSCIP], areas[(TSCIP, INFRA)])
    # The accountable body's every-partner contribution PDF, prepared in the background (reused while unchanged).
    tscip = partnerships[TSCIP]
    report_pdf_request(partnership=tscip, report=contribution_report(partnership=tscip, organisation=None), by=county)
    # And the county's own, prepared the same way.
    own = contribution_report(partnership=tscip, organisation=county.organisation)
    report_pdf_request(partnership=tscip, report=own, by=county)
    plans_demo.load(area=areas[(LICHFIELD, HEALTHY)], actors={"county": county, "district": district})
    engagement_demo.load(area=areas[(LICHFIELD, HEALTHY)], organiser=district, orgs=orgs)
    register_demo.load(
        orgs=orgs,
        partnership=partnerships[TSCIP],
        registrar=county,
        quiet_area=areas[(LICHFIELD, HEALTHY)],
        pdf=simple_pdf,
    )


def _running_commission(orgs: dict[str, Organisation], partnership: Partnership, area: ServiceArea) -> None:
    """The county-wide aligned debt advice service: signed up in 2024 and in procurement (see the module docstring)."""
    if JointCommission.objects.filter(partnership=partnership, title=RUNNING_TITLE).exists():
        return
    county = orgs["Staffordshire County Council"]
    alex = _commissioner(county)
    lead = acting_as(alex, county)
    commission = commission_create(
        service_area=area,
        title=RUNNING_TITLE,
        intended_outcomes=(
            "Residents get timely debt, welfare benefits and consumer advice wherever they live in the county; fewer "
            "people reach crisis; benefit take-up rises."
        ),
        term_years=3,
        start_date=D(2025, 4, 1),
        by=lead,
    )
    partners = [(orgs[name], amount) for name, amount in RUNNING_PARTNERS]
    commission_invite(commission=commission, organisations=[o for o, _ in partners], by=lead)
    contributions_set_annual(commission=commission, organisation=county, annual_amount=Decimal("85000.00"), by=lead)
    sources: dict[int, MappedContract] = {}
    for c in MappedContract.objects.filter(service_area=area, alignable=True).order_by("-annual_value", "pk"):
        sources.setdefault(c.funder_id, c)
    actors = {}
    for organisation, amount in partners:
        actor = acting_as(_commissioner(organisation), organisation)
        actors[organisation.pk] = actor
        commission_respond(commission=commission, accept=True, by=actor)
        source = sources.get(organisation.pk)
        contributions_set_annual(
            commission=commission, organisation=organisation, annual_amount=amount, source=source, by=actor
        )
    commission_choose_model(
        commission=commission,
        model="aligned",
        reason="Five partners buy broadly similar advice services: the TSCiP board agreed an aligned budget with the "
        "county council as lead commissioner.",
        by=lead,
    )
    timetable_from_template(commission=commission, begins_on=D(2024, 1, 8), by=lead)
    commission_transition(commission=commission, name="start_gathering", by=lead)
    commission_transition(commission=commission, name="open_sign_up", by=lead)
    for organisation, _ in partners:
        agreement_sign(
            commission=commission,
            scopes=["procurement", "contract_management", "performance_management"],
            signatory_authority="Head of Communities, under the council's scheme of delegation",
            signed_on=D(2024, 2, 20),
            document=ContentFile(
                simple_pdf(
                    "Partnership agreement",
                    f"{organisation} delegates procurement, contract management and",
                    f"performance management of '{RUNNING_TITLE}' to Staffordshire County Council",
                    "for 1 April 2025 to 31 March 2028.",
                ),
                name=f"agreement-{organisation.pk}.pdf",
            ),
            by=actors[organisation.pk],
        )
    everyone = [(county, lead), *((o, actors[o.pk]) for o, _ in partners)]
    for organisation, actor in everyone:
        for contribution in commission.contributions.filter(organisation=organisation).order_by("financial_year"):
            contribution_confirm(contribution=contribution, by=actor)
    commission_transition(commission=commission, name="enter_procurement", by=lead)
    # The tendering demo tenders it, awards it and signs the contract, which moves the commission to awarded and
    # live (as in real life: only a signed contract does that).
    for organisation, actor in everyone:
        for paid in commission.contributions.filter(organisation=organisation, status=ContributionStatus.CONFIRMED):
            if paid.financial_year == 2025 and D(2025, 4, 30) <= timezone.localdate():
                contribution_transfer(
                    contribution=paid,
                    transferred_on=D(2025, 4, 30),
                    reference=f"TSCIP-25-{organisation.pk:03d}",
                    by=actor,
                )
            elif paid.financial_year == 2026 and D(2026, 4, 30) <= timezone.localdate():
                contribution_transfer(
                    contribution=paid,
                    transferred_on=D(2026, 4, 30),
                    reference=f"TSCIP-26-{organisation.pk:03d}",
                    by=actor,
                )
    for stage in commission.stages.order_by("position"):
        if stage.planned_end <= D(2025, 4, 1):
            stage_complete(stage=stage, completed_on=stage.planned_end, by=lead)
    _risks(commission, lead, actors)
    assert JointCommission.objects.get(pk=commission.pk).status == CommissionStatus.PROCUREMENT


# Seed 002, section 6 (each "Medium / Significant": likelihood 3, impact 4), and one the partners added later.
RISKS = [
    (
        "Limited resources to undertake and oversee the joint commissioning process",
        3,
        4,
        "Regular partnership engagement and close monitoring of projects by the Commissioning Board",
    ),
    (
        "Failure to reach agreement on priorities for funding",
        3,
        4,
        "Terms of reference of the Commissioning Board and its ongoing management",
    ),
    (
        "Availability of future funding to meet commissioning commitments",
        3,
        4,
        "Regular review of the terms of reference of the Commissioning Board, especially in the early stages",
    ),
    (
        "Demand for advice outstrips the service after benefit changes",
        4,
        3,
        "Quarterly demand figures in the returns; a reserve list of volunteer advisers",
    ),
]


def _risks(commission: JointCommission, lead: Acting, actors: dict[int, Acting]) -> None:
    """The running commission's risk register: the seed's three risks and one more; risk A's review date has
    passed (so its owner is reminded), the rest are reviewed in the months ahead."""
    today = timezone.localdate()
    owners = [lead, *actors.values()]
    for i, (description, likelihood, impact, countermeasure) in enumerate(RISKS):
        owner = owners[i % len(owners)]
        risk_add(
            commission=commission,
            description=description,
            likelihood=likelihood,
            impact=impact,
            owner=owner.user,
            countermeasure=countermeasure,
            review_date=today - dt.timedelta(days=7) if i == 0 else today + dt.timedelta(days=30 * (i + 1)),
            by=lead,
        )
    risk = commission.risks.order_by("reference").last()
    if risk is not None:
        risk_update(risk=risk, changes={"status": "managed"}, by=lead)


PART_YEAR_TITLE = "Volunteer centre and befriending support in Cannock Chase"


def _part_year_commission(orgs: dict[str, Organisation], partnership: Partnership, area: ServiceArea) -> None:
    """Three years from 1 October 2027: four financial years, a part year at each end. The county takes the
    suggested pro-rata split of £23,750 a year; Cannock Chase overrides its part years and changed one indicative
    figure (the old one kept); one confirmed figure has a variation re-confirmed, another one pending. (In TSCiP,
    so that the Lichfield worked example's own journey starts from an empty partnership.)"""
    if JointCommission.objects.filter(partnership=partnership, title=PART_YEAR_TITLE).exists():
        return
    county, district = orgs["Staffordshire County Council"], orgs["Cannock Chase District Council"]
    lead = acting_as(_commissioner(county), county)
    partner = acting_as(_commissioner(district), district)
    commission = commission_create(
        service_area=area,
        title=PART_YEAR_TITLE,
        intended_outcomes="More people volunteer, and older people who live alone have someone to call on.",
        term_years=3,
        start_date=D(2027, 10, 1),
        by=lead,
    )
    commission_invite(commission=commission, organisations=[district], by=lead)
    commission_respond(commission=commission, accept=True, by=partner)
    contributions_set_annual(commission=commission, organisation=county, annual_amount=Decimal("23750.00"), by=lead)
    contributions_record(
        commission=commission,
        organisation=district,
        amounts={
            2027: Decimal("9000.00"),
            2028: Decimal("20000.00"),
            2029: Decimal("20000.00"),
            2030: Decimal("11000.00"),
        },
        by=partner,
    )
    contributions_record(
        commission=commission,
        organisation=district,
        amounts={2029: Decimal("20500.00")},
        reason="Inflation uplift agreed at budget setting",
        by=partner,
    )
    commission_choose_model(
        commission=commission,
        model="aligned",
        reason="The county and Cannock Chase align their budgets; the county leads.",
        by=lead,
    )
    commission_transition(commission=commission, name="start_gathering", by=lead)
    commission_transition(commission=commission, name="open_sign_up", by=lead)
    for organisation, actor in ((county, lead), (district, partner)):
        for contribution in commission.contributions.filter(organisation=organisation, financial_year__lte=2028):
            contribution_confirm(contribution=contribution, by=actor)
    settled = commission.contributions.get(organisation=district, financial_year=2028)
    change = variation_propose(
        contribution=settled,
        new_amount=Decimal("19500.00"),
        reason="Cannock Chase's grant from the Better Care Fund fell by £500",
        by=lead,
    )
    variation_reconfirm(change=change, by=partner)
    waiting = commission.contributions.get(organisation=county, financial_year=2028)
    variation_propose(
        contribution=waiting,
        new_amount=Decimal("24250.00"),
        reason="Cabinet added £500 for volunteer expenses",
        by=lead,
    )
