"""Builders for forward plans and market engagement tests: two partners' plans that overlap in one service area, an
engagement event (open, with places), the standing engagement group. Everything through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commissioning.engagement.models import EngagementEvent, EngagementGroup
from commissioning.engagement.services import event_create, group_create
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.plans.models import ForwardPlan
from commissioning.plans.rules import add_months
from commissioning.plans.services import plan_create
from commissioning.service_map.models import ServiceArea
from core import workflow as wf
from partners.acting import Acting
from tests.factories.commissioning import ServiceAreaFactory, acting, commissioner_at

ADVICE = "Debt, benefits and consumer advice"


@dataclass
class Overlap:
    """The county's and the district's plans for advice, procurement three months apart."""

    world: Any
    area: ServiceArea
    county_plan: ForwardPlan
    district_plan: ForwardPlan
    county: Acting
    district: Acting


def advice_area(world: Any) -> ServiceArea:
    area = ServiceArea.objects.filter(partnership=world.partnership, name=ADVICE).first()
    return area or ServiceAreaFactory(partnership=world.partnership, name=ADVICE)  # type: ignore[return-value]


def plan(
    by: Acting, area: ServiceArea, *, months_ahead: int = 4, value: str = "60000.00", **kwargs: Any
) -> ForwardPlan:
    today = timezone.localdate()
    procurement = add_months(today, months_ahead)
    return plan_create(
        service_area=area,
        title=kwargs.pop("title", f"Advice service ({by.organisation.name})"),
        estimated_value=Decimal(value),
        procurement_date=procurement,
        start_date=kwargs.pop("start_date", add_months(procurement, 6)),
        status=kwargs.pop("status", "planned"),
        by=by,
        **kwargs,
    )


def overlapping_plans(world: Any) -> Overlap:
    area = advice_area(world)
    county = acting(world.lead_commissioner, world.county)
    district = acting(commissioner_at(world, world.district), world.district)
    return Overlap(
        world=world,
        area=area,
        county_plan=plan(county, area, months_ahead=4, value="90000.00", title="Debt and benefits advice"),
        district_plan=plan(district, area, months_ahead=7, value="45000.00", title="Consumer advice"),
        county=county,
        district=district,
    )


def open_event(world: Any, *, capacity: int = 2, days_ahead: int = 14, **kwargs: Any) -> EngagementEvent:
    by = kwargs.pop("by", None) or acting(world.lead_commissioner, world.county)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days_ahead)
    event = event_create(
        partnership=world.partnership,
        title=kwargs.pop("title", "Meet the commissioners: advice services"),
        description="What the partners plan for advice services, and how to bid as a small charity.",
        format="in_person",
        location="Lichfield District Council House, Frog Lane, Lichfield WS13 6YY",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=capacity,
        by=by,
        **kwargs,
    )
    return wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="open", by=by)


def engagement_group(world: Any) -> EngagementGroup:
    return group_create(
        partnership=world.partnership,
        name="Voluntary Sector Engagement Group",
        purpose="Voluntary and community organisations meet commissioners to shape services and how they are bought.",
        by=acting(world.lead_commissioner, world.county),
    )
