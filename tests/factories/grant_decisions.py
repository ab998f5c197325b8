"""Builders for deciding grants: a closed small grants round of the Lichfield partnership (the county leads, the
district takes part) with three charities' applications, a panel, and an assessed round ready to decide."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.assessment import services as assessment
from grants.decisions import services as decisions
from grants.decisions.models import GrantDecision
from grants.programmes.models import GrantAssessor, GrantCriterion, GrantProgramme, ProgrammeStatus
from partners.acting import Acting
from partners.models import Role
from tests.factories.commissioning import acting, lichfield_example
from tests.factories.partners import ProviderFactory, person

SET_UP = "test set-up builds the round directly"
CHARITIES = [
    ("Lichfield Food Bank", Decimal("3000.00")),
    ("Burntwood Community Larder", Decimal("2500.00")),
    ("Fradley Good Neighbours", Decimal("2000.00")),
]


@dataclass
class Round:
    world: Any
    programme: GrantProgramme
    criteria: list[GrantCriterion]
    applications: list[GrantApplication]
    lead: Acting
    applicants: list[Acting]
    assessors: list[GrantAssessor] = field(default_factory=list)
    panel: list[Acting] = field(default_factory=list)

    def refresh(self) -> None:
        with unscoped(reason=SET_UP):
            self.programme = GrantProgramme.objects.get(pk=self.programme.pk)
            self.applications = [GrantApplication.objects.get(pk=a.pk) for a in self.applications]

    def application(self, index: int) -> GrantApplication:
        with unscoped(reason=SET_UP):
            return GrantApplication.objects.select_related("programme__commission", "organisation").get(
                pk=self.applications[index].pk
            )

    def decision(self) -> GrantDecision:
        with unscoped(reason=SET_UP):
            return GrantDecision.objects.select_related("programme__commission").get(programme=self.programme)


def closed_round(
    world: Any,
    *,
    threshold: Decimal = Decimal("5000.00"),
    budget: Decimal = Decimal("8000.00"),
) -> Round:
    """The Food Poverty and Health Grants Scheme (£8,000), closed yesterday, with three charities' applications.
    Criteria have different top scores (5 and 10) so the weighted score's common scale is exercised."""
    example = lichfield_example(world, status="draft", model="")
    now = timezone.now()
    with unscoped(reason=SET_UP):
        programme = GrantProgramme.objects.create(
            partnership=world.partnership,
            commission=example.commission,
            service_area=example.area,
            title="Food Poverty and Health Grants Scheme",
            description="Small grants for food poverty and health projects in Lichfield District.",
            area="Lichfield District",
            amount_min=Decimal("500.00"),
            amount_max=Decimal("3000.00"),
            total_budget=budget,
            delegated_threshold=threshold,
            opens_at=now - dt.timedelta(days=30),
            closes_at=now - dt.timedelta(days=1),
            decision_date=timezone.localdate() + dt.timedelta(days=14),
            is_small_grants=True,
            status=ProgrammeStatus.CLOSED,
            opened_at=now - dt.timedelta(days=30),
            created_by=world.lead_commissioner,
        )
        criteria = [
            GrantCriterion.objects.create(programme=programme, name="Need and outcomes", weight=60, max_score=5),
            GrantCriterion.objects.create(programme=programme, name="Value for money", weight=40, max_score=10),
        ]
        applications, applicants = [], []
        for name, amount in CHARITIES:
            charity = ProviderFactory(name=name, area="Lichfield District")
            writer = person(charity, Role.ORG_ADMIN, Role.BIDDER, name=f"Bid writer at {name}")
            applications.append(
                GrantApplication.objects.create(
                    programme=programme,
                    organisation=charity,
                    status=ApplicationStatus.SUBMITTED,
                    project_title=f"{name}: healthy meals",
                    amount_requested=amount,
                    submitted_at=now - dt.timedelta(days=2),
                    submitted_by=writer,
                    declaration_accepted=True,
                )
            )
            applicants.append(acting(writer, charity))
    return Round(
        world=world,
        programme=programme,
        criteria=criteria,
        applications=applications,
        lead=acting(world.lead_commissioner, world.county),
        applicants=applicants,
    )


def with_panel(r: Round) -> Round:
    """Two assessors: an evaluator of the county (the lead) and one of the district (a partner)."""
    for organisation, name in ((r.world.county, "Sam Patel"), (r.world.district, "Dee Okafor")):
        user = person(organisation, Role.EVALUATOR, name=name)
        r.assessors.append(
            assessment.assessor_appoint(programme=r.programme, user=user, organisation=organisation, by=r.lead)
        )
        r.panel.append(acting(user, organisation))
    return r


# The agreed scores: (need of 5, value of 10) per application, in CHARITIES order.
AGREED = [(5, 8), (4, 9), (3, 5)]


def assessed(r: Round, *, conflicted: bool = True) -> Round:
    """The panel declares (the district assessor is a trustee of the food bank, so excluded from scoring it),
    scores what each may, and the lead records the agreed scores."""
    if not r.assessors:
        with_panel(r)
    need, value = r.criteria
    county, district = r.assessors
    assessment.interests_declare(assessor=county, interests=[], by=r.panel[0])
    interests = [(r.applications[0], "role", "I am a trustee of Lichfield Food Bank")] if conflicted else []
    assessment.interests_declare(assessor=district, interests=interests, by=r.panel[1])
    for assessor, who in zip(r.assessors, r.panel, strict=True):
        for index, application in enumerate(r.applications):
            if conflicted and assessor.pk == district.pk and index == 0:
                continue
            n, v = AGREED[index]
            sheet = assessment.scores_save(
                assessor=assessor,
                application=application,
                scores={
                    need.pk: {"score": n, "comment": "Clear need, evidenced by referrals"},
                    value.pk: {"score": v, "comment": "Costs are reasonable"},
                },
                by=who,
            )
            assessment.sheet_submit(sheet=sheet, by=who)
    for index, application in enumerate(r.applications):
        n, v = AGREED[index]
        assessment.moderate(
            application=application,
            scores={
                need.pk: {"score": n, "note": "Agreed at the moderation meeting"},
                value.pk: {"score": v, "note": "Agreed at the moderation meeting"},
            },
            by=r.lead,
        )
    r.refresh()
    return r


def recommended(r: Round, *, officer: Any = None, amounts: tuple[Decimal, ...] | None = None) -> GrantDecision:
    """The lead recommends funding the first two (full amounts unless given) and declining the third."""
    decision = decisions.decision_prepare(
        programme=r.programme,
        accept_by=timezone.localdate() + dt.timedelta(days=28),
        officer=officer,
        summary="Fund the two strongest applications in full.",
        by=r.lead,
    )
    amounts = amounts or (CHARITIES[0][1], CHARITIES[1][1])
    for application, amount in zip(r.applications[:2], amounts, strict=True):
        decisions.recommendation_set(
            decision=decision,
            application=application,
            fund=True,
            amount=amount,
            conditions="Report on outcomes within 12 months; acknowledge the partnership's funding.",
            by=r.lead,
        )
    decisions.recommendation_set(
        decision=decision,
        application=r.applications[2],
        fund=False,
        feedback="The project's outcomes were not clearly measurable; the costs per meal were high.",
        by=r.lead,
    )
    return r.decision()
