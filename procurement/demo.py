"""Demo tendering (idempotent, each tender found by its title), built through the services by the personas whose
job each step is, so every stage of a tender is live in the demo (the steps themselves are in ``demo_stages``):

- TSCiP (no board, so the lead approves methods and awards):
  - the county-wide debt advice service's tender (the running commission): bids in December 2024, evaluated by a
    panel of two, awarded to Citizens Advice Lichfield District at £239,500 a year, letters and standstill in
    February 2025, the contract signed in March 2025 (monitoring gives it KPIs and returns);
  - "Volunteering and community capacity in Tamworth and Cannock Chase": published, with clarifications (one
    answered, one waiting for the lead);
  - a two-stage tender at shortlisting: expressions of interest closed, one shortlisted, one still to decide;
  - a tender in evaluation: the panel named, one evaluator's scores submitted, the other's in draft;
  - a tender in standstill: award approved, letters sent today, the standstill running.
- Lichfield (has a board):
  - the worked example (county £23,750 + district £20,000 a year for three years = £43,750 a year): its evaluation
    method sent to the board and on the agenda of the board's next meeting;
  - a befriending tender whose method the board approved at its last meeting: evaluated, the award recommended and
    on the next meeting's agenda, waiting for the board.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import (
    commission_choose_model,
    commission_create,
    commission_invite,
    commission_respond,
)
from commissioning.demo import simple_pdf
from commissioning.following.services import follows_set
from commissioning.lifecycle.services import commission_transition
from commissioning.money.services import contribution_confirm, contributions_set_annual
from commissioning.service_map.models import ServiceArea
from partners.acting import Acting, acting_as
from partners.models import Membership, Organisation, Partnership, Role, User
from procurement import demo_stages as stages
from procurement.award import services as award_services
from procurement.bids import services as bid_services
from procurement.evaluation import services as evaluation_services
from procurement.tenders import services as tender_services
from procurement.tenders.models import MethodStatus, Stage, Tender

TSCIP = "Staffordshire Third Sector Commissioning in Partnership"
LICHFIELD = "Lichfield Locality Commissioning Partnership"
PUBLISHED_TITLE = "Volunteering and community capacity in Tamworth and Cannock Chase"
LICHFIELD_TITLE = "Older people's independence service, Lichfield District"


def _commissioner(organisation: Organisation) -> User | None:
    m = (
        Membership.objects.filter(organisation=organisation, is_active=True, roles__contains=[Role.COMMISSIONER])
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
        actors.append((organisation, acting_as(user, organisation)))
    assert lead.organisation is not None
    lead_org: Organisation = lead.organisation
    commission = commission_create(
        service_area=area, title=title, intended_outcomes=outcomes, term_years=3, start_date=start, by=lead
    )
    commission_invite(commission=commission, organisations=[o for o, _ in partners], by=lead)
    contributions_set_annual(commission=commission, organisation=lead_org, annual_amount=lead_amount, by=lead)
    for (organisation, amount), (_, actor) in zip(partners, actors, strict=True):
        commission_respond(commission=commission, accept=True, by=actor)
        contributions_set_annual(commission=commission, organisation=organisation, annual_amount=amount, by=actor)
    commission_choose_model(
        commission=commission, model="aligned", reason="The partners align their budgets; the county leads.", by=lead
    )
    commission_transition(commission=commission, name="start_gathering", by=lead)
    commission_transition(commission=commission, name="open_sign_up", by=lead)
    for organisation, actor in actors:
        agreement_sign(
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
            contribution_confirm(contribution=c, by=actor)
    commission_transition(commission=commission, name="enter_procurement", by=lead)
    return JointCommission.objects.get(pk=commission.pk)


def _method(tender: Tender, lead: Acting, *, eoi: bool = False) -> None:
    quality = tender_services.criterion_add(
        tender=tender, kind="quality", name="Quality of service", weight=60, by=lead
    )
    tender_services.criterion_add(tender=tender, kind="price", name="Price", weight=20, by=lead)
    social = tender_services.criterion_add(tender=tender, kind="social_value", name="Social value", weight=10, by=lead)
    local = tender_services.criterion_add(tender=tender, kind="local_benefit", name="Local benefit", weight=10, by=lead)
    for criterion, text, limit, weight in (
        (quality, "How will the service meet the outcomes in the specification?", 500, 2),
        (quality, "How will you recruit, train and support volunteers?", 300, 1),
        (social, "What social value will the service add?", 250, 1),
        (local, "How will the service benefit local people and organisations?", 250, 1),
    ):
        tender_services.question_add(
            tender=tender, criterion=criterion, text=text, word_limit=limit, weight=weight, by=lead
        )
    tender_services.question_add(
        tender=tender, text="Do you hold a current safeguarding adults policy?", pass_fail=True, word_limit=50, by=lead
    )
    if eoi:
        tender_services.question_add(
            tender=tender, stage=Stage.EOI, text="Tell us briefly about your experience", word_limit=150, by=lead
        )


def _publish_with_method(tender: Tender, lead: Acting, *, eoi: bool = False) -> None:
    """What a lead does before opening a tender that needs no board: set the method, submit it, publish."""
    _method(tender, lead, eoi=eoi)
    tender_services.method_submit(tender=tender, by=lead)
    stages.sign_conflicts(tender, lead)
    tender_services.tender_publish(tender=tender, by=lead)


def load() -> None:
    orgs = {o.name: o for o in Organisation.objects.all()}
    county = orgs.get("Staffordshire County Council")
    alex = User.objects.filter(email="alex@staffordshire.demo").first()
    if county is None or alex is None:
        return
    lead = acting_as(alex, county)
    cast = _cast(orgs, lead)
    today = timezone.localdate()
    start = dt.date(today.year + 1, 4, 1)
    tscip = Partnership.objects.filter(name=TSCIP).first()
    lichfield = Partnership.objects.filter(name=LICHFIELD).first()
    areas = {a.name: a for a in ServiceArea.objects.filter(partnership__in=[p for p in (tscip, lichfield) if p])}
    if cast is not None:
        _signed_contract(cast)
    if tscip and INFRA in areas:
        _published(orgs, lead, tscip, areas[INFRA], start, cast)
    if lichfield and OLDER in areas:
        _lichfield_worked_example(orgs, lead, lichfield, areas[OLDER], start)
    if cast is None:
        return
    if tscip and DEBT in areas:
        _two_stage_at_shortlisting(orgs, cast, tscip, areas[DEBT], start)
        _in_standstill(orgs, cast, tscip, areas[DEBT], start)
    if tscip and INFRA in areas:
        _in_evaluation(orgs, cast, tscip, areas[INFRA], start)
    if lichfield and HEALTHY in areas:
        _award_waiting_for_the_board(orgs, cast, lichfield, areas[HEALTHY], start)


INFRA = "Infrastructure support and volunteering"
OLDER = "Supporting older people to live independently"
HEALTHY = "Healthy lifestyles and social isolation"
DEBT = "Debt, benefits and consumer advice"
RUNNING_TITLE = "County-wide debt, benefits and consumer advice"
SHORTLISTING_TITLE = "Money guidance for young people in East Staffordshire"
EVALUATION_TITLE = "Volunteer centre service, Cannock Chase"
STANDSTILL_TITLE = "Benefits advice for older people in Tamworth"
BOARD_AWARD_TITLE = "Befriending to reduce social isolation, Lichfield District"

# Each demo tender's CPV codes: all Schedule 1 light-touch services, so each is a light-touch contract (the regime
# and its notices follow from its value including VAT and the partnership's thresholds).
DEMO_CPV: dict[str, list[str]] = {
    RUNNING_TITLE: ["79140000-7", "85312300-2"],  # legal advisory and information; guidance and counselling
    SHORTLISTING_TITLE: ["85312310-5", "80590000-6"],  # guidance; tutorial services
    EVALUATION_TITLE: ["85322000-2", "98133100-5"],  # community action programme; civic betterment
    STANDSTILL_TITLE: ["85312300-2", "85311100-3"],  # guidance and counselling; welfare services for the elderly
    BOARD_AWARD_TITLE: ["85312400-3", "85311100-3"],  # welfare services not delivered through residential institutions
    PUBLISHED_TITLE: ["85322000-2", "98133100-5"],
    LICHFIELD_TITLE: ["85311100-3", "85312400-3"],
}
NOON = dt.time(12, 0)


def _at(days: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), NOON))


def _cast(orgs: dict[str, Organisation], lead: Acting) -> stages.Cast | None:
    people = [
        ("mo@lichfieldcab.demo", "Citizens Advice Lichfield District"),
        ("ruth@ageuk.demo", "Age UK South Staffordshire"),
        ("dee@staffordshire.demo", "Staffordshire County Council"),
        ("ben@staffordshire.demo", "Staffordshire County Council"),
    ]
    actors = []
    for email, org_name in people:
        user = User.objects.filter(email=email).first()
        if user is None or org_name not in orgs:
            return None
        actors.append(acting_as(user, orgs[org_name]))
    return stages.Cast(lead=lead, bidders=actors[:2], evaluators=actors[2:])


def _tender(commission: JointCommission, lead: Acting, title: str, reference: str, summary: str, **kw: Any) -> Tender:
    return tender_services.tender_create(
        commission=commission,
        title=title,
        reference=reference,
        summary=summary,
        specification=summary + "\n\nThe provider reports quarterly against the agreed KPIs.",
        clarification_deadline=kw.pop("clarification_deadline", _at(21)),
        submission_deadline=kw.pop("submission_deadline", _at(35)),
        cpv_codes=DEMO_CPV.get(title, []),
        by=lead,
        **kw,
    )


def _partner(orgs: dict[str, Organisation], name: str, amount: str) -> tuple[Organisation, Decimal]:
    return orgs[name], Decimal(amount)


def _signed_contract(cast: stages.Cast) -> None:
    """The running commission's tender, all the way to the signed contract (see ``demo_stages``: back-dated)."""
    commission = JointCommission.objects.filter(title=RUNNING_TITLE).first()
    if commission is None or Tender.objects.filter(commission=commission).exists():
        return
    if commission.status != "procurement":
        return  # an older demo database: its commission went live without a tender
    lead = cast.lead
    tender = _tender(
        commission,
        lead,
        RUNNING_TITLE,
        "SCC-DEBT-2024",
        "Free, independent advice on debt, benefits and consumer problems across Staffordshire: advice sessions in "
        "every district, outreach, telephone and web advice.",
    )
    _publish_with_method(tender, lead)
    mo, ruth = cast.bidders
    won = stages.submit_bid(
        tender,
        mo,
        price=Decimal("239500.00"),
        flavour="Advice in every district.",
        social_value=[  # seed 004: local jobs and training, volunteering, money spent locally
            ("local_jobs", "6", "Advisers recruited from Staffordshire postcodes"),
            ("apprenticeships", "2", "Apprentice advisers trained each year"),
            ("volunteering_hours", "2400", "Hours given by trained volunteer advisers"),
            ("money_reinvested", "15000.00", "Spent with Staffordshire suppliers and venues"),
        ],
    )
    lost = stages.submit_bid(tender, ruth, price=Decimal("246000.00"), flavour="Advice for older people first.")
    london = timezone.get_current_timezone()
    stages.backdate_procurement(
        tender,
        published=dt.datetime(2024, 11, 4, 9, 0, tzinfo=london),
        clarifications=dt.datetime(2024, 12, 6, 12, 0, tzinfo=london),
        closed=dt.datetime(2024, 12, 20, 12, 0, tzinfo=london),
    )
    bid_services.close_due_tenders()
    tender = Tender.objects.get(pk=tender.pk)
    recommendation = stages.evaluate_and_recommend(
        tender,
        cast,
        [won, lost],
        Decimal("239500.00"),
        "The highest-scoring bid, at the partners' confirmed budget.",
    )
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    award_services.standstill_start(tender=tender, by=lead)
    stages.backdate_standstill(tender, letters_sent_on=dt.date(2025, 2, 19))
    contract = award_services.contract_sign(
        line=recommendation.lines.get(),
        signed_on=dt.date(2025, 3, 10),
        reference="SCC-DEBT-2025",
        document=stages.pdf("contract.pdf", "Contract for services", RUNNING_TITLE, "Signed 10 March 2025"),
        by=lead,
    )
    # A variation agreed in its first winter (under 10% of the value: no contract change notice needed).
    award_services.variation_record(
        contract=contract,
        kind="value",
        reason="Extra outreach sessions in Tamworth and Cannock Chase over the cost-of-living winter",
        change=Decimal("12000.00"),
        agreed_on=dt.date(2025, 10, 1),
        by=lead,
    )


def _published(
    orgs: dict[str, Organisation],
    lead: Acting,
    tscip: Partnership,
    area: ServiceArea,
    start: dt.date,
    cast: stages.Cast | None,
) -> None:
    if Tender.objects.filter(title=PUBLISHED_TITLE).exists():
        return
    commission = _commission(
        partnership=tscip,
        area=area,
        title="Volunteering and community capacity, Tamworth and Cannock Chase",
        outcomes="More people volunteer; small community groups are stronger and reach isolated residents.",
        lead=lead,
        partners=[
            _partner(orgs, "Tamworth Borough Council", "15000.00"),
            _partner(orgs, "Cannock Chase District Council", "12500.00"),
        ],
        lead_amount=Decimal("30000.00"),
        start=start,
    )
    if commission is None:
        return
    mo = User.objects.filter(email="mo@lichfieldcab.demo").first()
    cab = orgs.get("Citizens Advice Lichfield District")
    if mo and cab:
        follows_set(service_areas=[area], by=acting_as(mo, cab))
    tender = tender_services.tender_create(
        commission=commission,
        title=PUBLISHED_TITLE,
        reference="SCC-TSCIP-2026-014",
        category="community",
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
        clarification_deadline=_at(21),
        submission_deadline=_at(35),
        cpv_codes=DEMO_CPV[PUBLISHED_TITLE],
        by=lead,
    )
    tender_services.tender_document_add(
        tender=tender,
        title="Service specification",
        upload=_pdf("specification.pdf", PUBLISHED_TITLE, "Service specification", "Staffordshire County Council"),
        by=lead,
    )
    _publish_with_method(tender, lead)
    if cast is not None:
        mo_acting, ruth = cast.bidders
        asked = tender_services.clarification_ask(
            tender=tender,
            question="May a consortium led by a council for voluntary service bid, with us delivering in Tamworth?",
            by=mo_acting,
        )
        tender_services.clarification_answer(
            clarification=asked,
            answer="Yes. Consortia are welcome; the lead member signs the contract and is accountable for delivery.",
            by=lead,
        )
        tender_services.clarification_ask(
            tender=tender,
            question="Is TUPE expected to apply to staff of the current volunteer centres?",
            by=ruth,
        )


def _lichfield_worked_example(
    orgs: dict[str, Organisation], lead: Acting, lichfield: Partnership, older: ServiceArea, start: dt.date
) -> None:
    if Tender.objects.filter(title=LICHFIELD_TITLE).exists():
        return
    commission = _commission(
        partnership=lichfield,
        area=older,
        title="Support for older people to live independently in Lichfield District",
        outcomes="Vulnerable people remain healthy, safe and independent in their own homes and neighbourhoods.",
        lead=lead,
        partners=[_partner(orgs, "Lichfield District Council", "20000.00")],
        lead_amount=Decimal("23750.00"),
        start=start,
    )
    if commission is None:
        return
    tender = tender_services.tender_create(
        commission=commission,
        title=LICHFIELD_TITLE,
        reference="SCC-LCB-2026-003",
        summary="One joint tender for the county's and the district's older people's support: £43,750 a year.",
        specification=(
            "A support service enabling older people to continue to live independently in Lichfield "
            "District: help at home, befriending, and early help to stay healthy, safe and independent."
        ),
        clarification_deadline=_at(42),
        submission_deadline=_at(56),
        cpv_codes=DEMO_CPV[LICHFIELD_TITLE],
        by=lead,
    )
    _method(tender, lead)
    method = tender_services.method_submit(tender=tender, by=lead)
    assert method.status in (MethodStatus.SUBMITTED, MethodStatus.APPROVED)
    stages.draft_conflicts(tender, lead)  # the conflicts assessment, in progress while the board meets
    if method.status == MethodStatus.SUBMITTED:
        stages.put_on_next_agenda(
            tender,
            kind="evaluation_method",
            subject_id=method.pk,
            summary="The county, as lead commissioner, asks the board to approve how bids will be judged.",
        )


def _two_stage_at_shortlisting(
    orgs: dict[str, Organisation], cast: stages.Cast, tscip: Partnership, area: ServiceArea, start: dt.date
) -> None:
    if Tender.objects.filter(title=SHORTLISTING_TITLE).exists():
        return
    commission = _commission(
        partnership=tscip,
        area=area,
        title="Money guidance for young people, East Staffordshire",
        outcomes="Young people leaving care or starting work manage money and avoid problem debt.",
        lead=cast.lead,
        partners=[_partner(orgs, "East Staffordshire Borough Council", "8000.00")],
        lead_amount=Decimal("12000.00"),
        start=start,
    )
    if commission is None:
        return
    tender = _tender(
        commission,
        cast.lead,
        SHORTLISTING_TITLE,
        "SCC-TSCIP-2026-019",
        "Money guidance for young people aged 16 to 25 in East Staffordshire, in two stages: a short expression "
        "of interest, then full bids from the shortlisted providers.",
        procedure="two_stage",
        eoi_deadline=_at(7),
        clarification_deadline=_at(35),
        submission_deadline=_at(49),
    )
    _publish_with_method(tender, cast.lead, eoi=True)
    mo, ruth = cast.bidders
    first = stages.submit_bid(tender, mo, price=Decimal("0"), flavour="Twenty years of money advice.", stage_eoi=True)
    stages.submit_bid(tender, ruth, price=Decimal("0"), flavour="Young carers' money support.", stage_eoi=True)
    stages.close_now(tender, eoi_only=True)
    evaluation_services.eoi_decide(bid=first, shortlist=True, by=cast.lead)  # the second is still to decide


def _in_evaluation(
    orgs: dict[str, Organisation], cast: stages.Cast, tscip: Partnership, area: ServiceArea, start: dt.date
) -> None:
    if Tender.objects.filter(title=EVALUATION_TITLE).exists():
        return
    commission = _commission(
        partnership=tscip,
        area=area,
        title="Volunteer centre, Cannock Chase",
        outcomes="More residents volunteer, and local groups find the volunteers they need.",
        lead=cast.lead,
        partners=[_partner(orgs, "Cannock Chase District Council", "10000.00")],
        lead_amount=Decimal("14000.00"),
        start=start,
    )
    if commission is None:
        return
    tender = _tender(
        commission,
        cast.lead,
        EVALUATION_TITLE,
        "SCC-TSCIP-2026-011",
        "A volunteer centre for Cannock Chase: brokering placements, supporting groups that involve volunteers.",
    )
    _publish_with_method(tender, cast.lead)
    mo, ruth = cast.bidders
    first = stages.submit_bid(tender, mo, price=Decimal("23500.00"), flavour="A volunteer centre in every town.")
    second = stages.submit_bid(tender, ruth, price=Decimal("24000.00"), flavour="Older volunteers at the heart.")
    tender = stages.close_now(tender)
    stages.panel(tender, cast)
    tender = Tender.objects.get(pk=tender.pk)
    dee, ben = cast.evaluators
    stages.score(tender, dee, {first.pk: 4, second.pk: 3})
    stages.score(tender, ben, {first.pk: 3, second.pk: 3}, submit=False)  # Ben is part way through


def _in_standstill(
    orgs: dict[str, Organisation], cast: stages.Cast, tscip: Partnership, area: ServiceArea, start: dt.date
) -> None:
    if Tender.objects.filter(title=STANDSTILL_TITLE).exists():
        return
    commission = _commission(
        partnership=tscip,
        area=area,
        title="Benefits advice for older people, Tamworth",
        outcomes="Older residents claim what they are entitled to; fewer fall into debt.",
        lead=cast.lead,
        partners=[_partner(orgs, "Tamworth Borough Council", "9000.00")],
        lead_amount=Decimal("11000.00"),
        start=start,
    )
    if commission is None:
        return
    tender = _tender(
        commission,
        cast.lead,
        STANDSTILL_TITLE,
        "SCC-TSCIP-2026-008",
        "Benefits checks and help to claim for residents over 65 in Tamworth, at home and in community venues.",
    )
    _publish_with_method(tender, cast.lead)
    mo, ruth = cast.bidders
    second = stages.submit_bid(tender, mo, price=Decimal("19800.00"), flavour="Advice at the town's GP surgeries.")
    first = stages.submit_bid(tender, ruth, price=Decimal("20000.00"), flavour="Home visits by trained volunteers.")
    tender = stages.close_now(tender)
    recommendation = stages.evaluate_and_recommend(
        tender, cast, [first, second], Decimal("20000.00"), "The stronger bid on quality, within the budget."
    )
    award_services.recommendation_approve(recommendation=recommendation, by=cast.lead)
    award_services.standstill_start(tender=tender, by=cast.lead)


def _award_waiting_for_the_board(
    orgs: dict[str, Organisation], cast: stages.Cast, lichfield: Partnership, area: ServiceArea, start: dt.date
) -> None:
    if Tender.objects.filter(title=BOARD_AWARD_TITLE).exists():
        return
    commission = _commission(
        partnership=lichfield,
        area=area,
        title="Befriending to reduce social isolation, Lichfield District",
        outcomes="Fewer older residents are lonely; more take part in community life.",
        lead=cast.lead,
        partners=[_partner(orgs, "Lichfield District Council", "10000.00")],
        lead_amount=Decimal("15000.00"),
        start=start,
    )
    if commission is None:
        return
    tender = _tender(
        commission,
        cast.lead,
        BOARD_AWARD_TITLE,
        "SCC-LCB-2026-001",
        "Befriending by trained volunteers for isolated residents in Lichfield District, by phone and in person.",
    )
    _method(tender, cast.lead)
    tender_services.method_submit(tender=tender, by=cast.lead)  # to the Lichfield board
    if not stages.board_approves_method(tender):
        return
    tender = Tender.objects.get(pk=tender.pk)
    stages.sign_conflicts(tender, cast.lead)
    tender_services.tender_publish(tender=tender, by=cast.lead)
    mo, ruth = cast.bidders
    first = stages.submit_bid(tender, mo, price=Decimal("25000.00"), flavour="Volunteers matched within a week.")
    second = stages.submit_bid(tender, ruth, price=Decimal("24500.00"), flavour="Phone and lunch clubs.")
    tender = stages.close_now(tender)
    recommendation = stages.evaluate_and_recommend(
        tender, cast, [first, second], Decimal("25000.00"), "The highest-scoring bid, at the confirmed budget."
    )
    stages.put_on_next_agenda(
        tender,
        kind="award",
        subject_id=recommendation.pk,
        summary="The panel recommends the award; the board is asked to approve it and the partners' split.",
    )
