"""Grant rounds for tests: Lichfield's Food Poverty and Health Grants Scheme (seed 002) as a programme on the
worked example's joint commission, its criteria and form, and applicants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from grants.applications import services as application_services
from grants.applications.models import ApplicationVersion, GrantApplication
from grants.programmes import services as programme_services
from grants.programmes.models import ApplicationQuestion, GrantProgramme
from partners.acting import Acting
from partners.models import Organisation, OrganisationKind, Role
from procurement.bids.models import ProviderProfile
from tests.factories.commissioning import acting, lichfield_example
from tests.factories.partners import ProviderFactory, person


@dataclass
class Round:
    programme: GrantProgramme
    lead: Acting

    def refresh(self) -> GrantProgramme:
        self.programme = GrantProgramme._base_manager.get(pk=self.programme.pk)
        return self.programme

    @property
    def questions(self) -> list[ApplicationQuestion]:
        return list(ApplicationQuestion._base_manager.filter(section__programme=self.programme).order_by("id"))


def food_poverty_round(
    world: Any,
    *,
    small: bool = True,
    open_it: bool = True,
    income_max: Decimal | None = Decimal("250000.00"),
    eligible_kinds: list[str] | None = None,
    word_limit: int = 150,
) -> Round:
    """Lichfield's £8,000 Food Poverty and Health Grants Scheme, led by the county on the worked example's joint
    commission, open now and closing in a week."""
    key = f"grants:round:{small}:{open_it}:{income_max}:{eligible_kinds}:{word_limit}"
    if key in world.extras:
        return world.extras[key]  # type: ignore[no-any-return]
    example = lichfield_example(world, status="draft", model="")
    lead = example.county_lead
    now = timezone.now()
    programme = programme_services.programme_create(
        commission=example.commission,
        by=lead,
        title="Food Poverty and Health Grants Scheme",
        category="food",
        description="Small grants for community food projects that improve health in Lichfield District.",
        eligible_kinds=eligible_kinds or [],
        area="Lichfield District",
        income_max=income_max,
        amount_min=Decimal("250.00"),
        amount_max=Decimal("2000.00"),
        total_budget=Decimal("8000.00"),
        delegated_threshold=Decimal("1000.00"),
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        decision_date=(now + dt.timedelta(days=30)).date(),
        is_small_grants=small,
    )
    need = programme_services.criterion_add(programme=programme, by=lead, name="Need in the area", weight=60)
    programme_services.criterion_add(programme=programme, by=lead, name="Value for money", weight=40)
    section = programme_services.section_add(programme=programme, by=lead, title="Your project")
    programme_services.question_add(
        section=section, by=lead, text="What need will your project meet?", word_limit=word_limit, criterion=need
    )
    programme_services.question_add(section=section, by=lead, text="How will you spend the grant?", word_limit=100)
    if open_it:
        programme = programme_services.programme_open(programme=programme, by=lead)
    result = Round(programme=GrantProgramme._base_manager.get(pk=programme.pk), lead=lead)
    world.extras[key] = result
    return result


def applicant(
    world: Any, name: str, *, kind: str = OrganisationKind.CHARITY, income: Decimal | None = Decimal("45000.00")
) -> tuple[Organisation, Acting]:
    key = f"grants:applicant:{name}"
    if key not in world.extras:
        org = ProviderFactory(name=name, kind=kind, area="Lichfield District")
        user = person(org, Role.ORG_ADMIN, Role.BIDDER)
        if income is not None:
            ProviderProfile.objects.create(organisation=org, annual_income=income)
        world.extras[key] = (org, acting(user, org))
    return world.extras[key]  # type: ignore[no-any-return]


def filled(rnd: Round, by: Acting, *, amount: str = "1500.00", words: int = 40) -> GrantApplication:
    application = application_services.application_start(programme=rnd.programme, by=by)
    application_services.application_save_project(
        application=application,
        by=by,
        project_title="Community fridge and cookery classes",
        project_summary="A fridge for surplus food and weekly cookery classes.",
        amount_requested=amount,
    )
    answers = {q.pk: " ".join(["food"] * min(words, q.word_limit)) for q in rnd.questions}
    application_services.application_save_answers(application=application, by=by, answers=answers)
    return GrantApplication._base_manager.get(pk=application.pk)


def submitted(rnd: Round, by: Acting, **kwargs: Any) -> tuple[GrantApplication, ApplicationVersion]:
    application = filled(rnd, by, **kwargs)
    version = application_services.application_submit(application=application, by=by, declaration=True)
    return GrantApplication._base_manager.get(pk=application.pk), version


def close(rnd: Round) -> GrantProgramme:
    """Pass the closing time (by moving it into the past) and close the round."""
    now = timezone.now()
    GrantProgramme._base_manager.filter(pk=rnd.programme.pk).update(
        opens_at=now - dt.timedelta(days=8), closes_at=now - dt.timedelta(seconds=5)
    )
    programme_services.close_due_programmes()
    return rnd.refresh()
