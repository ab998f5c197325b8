"""Demo grant rounds (idempotent, each programme found by its title), built through the services by the personas
whose job each step is:

- Lichfield's Food Poverty and Health Grants Scheme (seed 002): £8,000 from two partners' contributions (Lichfield
  District Council £5,000, Staffordshire County Council £3,000) to a one-year joint commission taking the grant
  route; a small grants round (one-page form), open, with Citizens Advice Lichfield District's application in draft.
- Lichfield's Community Food Small Grants (an earlier round): closed, with two submitted applications (Citizens
  Advice Lichfield District and Age UK South Staffordshire), ready for assessment.

The demo is built in one go, so time cannot pass between "applications are in" and "the round has closed": the
applications go in first (before the closing time, through the services), then the closing time is moved to the
moment after the last one, so the system's own closing step (``close_due_programmes``) closes it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import commission_create, commission_invite, commission_respond
from commissioning.money.services import contributions_set_annual
from commissioning.service_map.models import ServiceArea
from grants.applications import services as application_services
from grants.applications.models import ApplicationVersion, GrantApplication
from grants.decisions import demo as deciding_demo
from grants.programmes import services as programme_services
from grants.programmes.models import GrantProgramme
from grants.reports import demo as after_award_demo
from partners.acting import Acting, acting_as
from partners.models import Organisation, Partnership, User

LICHFIELD = "Lichfield Locality Commissioning Partnership"
HEALTHY = "Healthy lifestyles and social isolation"
OPEN_TITLE = "Food Poverty and Health Grants Scheme"
CLOSED_TITLE = "Community Food Small Grants"
DISTRICT = "Lichfield District Council"
COUNTY = "Staffordshire County Council"


def _person(email: str, organisation: Organisation | None) -> Acting | None:
    user = User.objects.filter(email=email).first()
    if user is None or organisation is None:
        return None
    return acting_as(user, organisation)


def _commission(
    *, partnership: Partnership, area: ServiceArea, title: str, lead: Acting, partner: Acting, amounts: tuple[str, str]
) -> JointCommission:
    """A one-year joint commission led by the district with the county taking part: its grant route's money."""
    commission = JointCommission.objects.filter(partnership=partnership, title=title).first()
    if commission is not None:
        return commission
    assert lead.organisation is not None and partner.organisation is not None
    today = timezone.localdate()
    commission = commission_create(
        service_area=area,
        title=title,
        intended_outcomes="Fewer households go hungry; more people eat well and know where to find help.",
        term_years=1,
        start_date=dt.date(today.year if today.month < 4 else today.year + 1, 4, 1),
        by=lead,
    )
    commission_invite(commission=commission, organisations=[partner.organisation], by=lead)
    commission_respond(commission=commission, accept=True, by=partner)
    contributions_set_annual(
        commission=commission, organisation=lead.organisation, annual_amount=Decimal(amounts[0]), by=lead
    )
    contributions_set_annual(
        commission=commission, organisation=partner.organisation, annual_amount=Decimal(amounts[1]), by=partner
    )
    return commission


def _programme(commission: JointCommission, lead: Acting, title: str, *, days_open: int) -> GrantProgramme:
    existing = GrantProgramme.objects.filter(commission=commission).first()
    if existing is not None:
        return existing
    now = timezone.now()
    programme = programme_services.programme_create(
        commission=commission,
        by=lead,
        title=title,
        category="food",
        description=(
            "Grants of £250 to £2,000 for community groups and charities tackling food poverty and its effects on "
            "health in Lichfield District: food banks, community fridges and pantries, cookery and healthy eating "
            "sessions."
        ),
        eligible_kinds=[],
        area="Lichfield District",
        amount_min=Decimal("250.00"),
        amount_max=Decimal("2000.00"),
        total_budget=Decimal("8000.00"),
        delegated_threshold=Decimal("1000.00"),
        opens_at=now - dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=days_open),
        decision_date=(now + dt.timedelta(days=days_open + 28)).date(),
        is_small_grants=True,
    )
    need = programme_services.criterion_add(
        programme=programme, by=lead, name="Need and reach", weight=50, guidance="Who will benefit, and how many"
    )
    delivery = programme_services.criterion_add(programme=programme, by=lead, name="Deliverability", weight=30)
    money = programme_services.criterion_add(programme=programme, by=lead, name="Value for money", weight=20)
    section = programme_services.section_add(programme=programme, by=lead, title="Your project")
    for text, limit, criterion in (
        ("What need will your project meet, and who will benefit?", 250, need),
        ("How will you run it, and when?", 200, delivery),
        ("How will you spend the grant?", 150, money),
    ):
        programme_services.question_add(section=section, by=lead, text=text, word_limit=limit, criterion=criterion)
    return programme_services.programme_open(programme=programme, by=lead)


ANSWERS = {
    "What need will your project meet": "Families referred to us by the food bank often lack the skills and "
    "equipment to cook cheaply and well. We will reach about 60 households in Chasetown and Burntwood.",
    "How will you run it": "Weekly sessions at the community centre from May to October, led by a trained cook "
    "and two volunteers, with a take-home bag of ingredients.",
    "How will you spend the grant": "Ingredients £900, slow cookers to lend £300, venue hire £400, volunteer "
    "expenses £200.",
}


def _fill(application: GrantApplication, by: Acting, title: str, amount: str) -> None:
    application_services.application_save_project(
        application=application,
        by=by,
        project_title=title,
        project_summary="Cookery sessions and slow cookers to lend, for families using the food bank.",
        amount_requested=amount,
    )
    section = application.programme.sections.first()
    questions = section.questions.all() if section is not None else []
    answers = {q.pk: next((a for k, a in ANSWERS.items() if q.text.startswith(k)), "") for q in questions}
    application_services.application_save_answers(application=application, by=by, answers=answers)


def load() -> None:
    partnership = Partnership.objects.filter(name=LICHFIELD).first()
    area = ServiceArea.objects.filter(partnership=partnership, name=HEALTHY).first() if partnership else None
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[DISTRICT, COUNTY])}
    lead = _person("sam@lichfield.demo", orgs.get(DISTRICT))
    partner = _person("alex@staffordshire.demo", orgs.get(COUNTY))
    if partnership is None or area is None or lead is None or partner is None:
        return
    cab = Organisation.objects.filter(name="Citizens Advice Lichfield District").first()
    age_uk = Organisation.objects.filter(name="Age UK South Staffordshire").first()
    mo = _person("mo@lichfieldcab.demo", cab)
    ruth = _person("ruth@ageuk.demo", age_uk)

    # The open round, with one application in draft.
    commission = _commission(
        partnership=partnership,
        area=area,
        title="Food poverty and health grants, Lichfield District",
        lead=lead,
        partner=partner,
        amounts=("5000.00", "3000.00"),
    )
    programme = _programme(commission, lead, OPEN_TITLE, days_open=21)
    if mo is not None and not GrantApplication.objects.filter(programme=programme).exists():
        draft = application_services.application_start(programme=programme, by=mo)
        _fill(draft, mo, "Cook and eat together in Burntwood", "1800.00")

    # An earlier round, closed with two applications received.
    earlier = _commission(
        partnership=partnership,
        area=area,
        title="Community food small grants, Lichfield District",
        lead=lead,
        partner=partner,
        amounts=("5000.00", "3000.00"),
    )
    closed = _programme(earlier, lead, CLOSED_TITLE, days_open=14)
    if closed.status != "open":
        return
    for by, title, amount in ((mo, "Community fridge at the advice centre", "1500.00"), (ruth, "Lunch club", "950.00")):
        if by is None or GrantApplication.objects.filter(programme=closed, organisation=by.organisation).exists():
            continue
        application = application_services.application_start(programme=closed, by=by)
        _fill(application, by, title, amount)
        application_services.application_submit(application=application, by=by, declaration=True)
    now = timezone.now()
    last = ApplicationVersion.objects.filter(application__programme=closed).order_by("-submitted_at").first()
    GrantProgramme.objects.filter(pk=closed.pk).update(
        opens_at=now - dt.timedelta(days=30),
        closes_at=(last.submitted_at if last else now) + dt.timedelta(microseconds=1),
    )
    programme_services.close_due_programmes()
    # Deciding it: the panel, the board's decision with quorum, offers made and one accepted.
    deciding_demo.load()
    # After the award: the partners confirm the round's money; the accepted grant's first instalment is paid.
    after_award_demo.load()
