"""Demo forward plans (idempotent, through the services): in the Lichfield partnership the county and the district
both plan work on healthy lifestyles and social isolation a few months apart, near the police and crime
commissioner's small grants that end, so the pipeline flags the overlap, ready for "Start a joint commission from
these plans"; the county's plan is published on the public pipeline. Dates are relative to today (an 18-month
look ahead)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from commissioning.plans.models import ForwardPlan
from commissioning.plans.rules import add_months
from commissioning.plans.services import plan_create, plans_publish
from commissioning.service_map.models import ServiceArea
from partners.acting import Acting

# (who, title, description, value, procurement in months, start in months, published)
PLANS = [
    (
        "county",
        "Community connectors for isolated older people",
        "Volunteers and link workers who help isolated older people back into community life.",
        "96000.00",
        2,
        5,
        True,
    ),
    (
        "district",
        "Healthy lifestyles small grants",
        "Grants for community groups running physical activity and healthy eating sessions.",
        "30000.00",
        4,
        7,
        False,
    ),
    (
        "district",
        "Town centre wellbeing hub",
        "A drop-in hub for advice, health checks and activities, from spring 2028.",
        "150000.00",
        14,
        17,
        True,
    ),
]


def load(*, area: ServiceArea, actors: dict[str, Acting]) -> None:
    today = timezone.localdate()
    for who, title, description, value, procure_in, start_in, publish in PLANS:
        by = actors[who]
        existing = ForwardPlan.objects.filter(partnership=area.partnership, title=title).first()
        if existing is None:
            existing = plan_create(
                service_area=area,
                title=title,
                description=description,
                category="grants" if "grants" in title else "services",
                service_category="older_people" if "older people" in title else "community",
                estimated_value=Decimal(value),
                procurement_date=add_months(today, procure_in),
                start_date=add_months(today, start_in),
                status="planned",
                by=by,
            )
        if publish and existing.published_at is None:
            plans_publish(plans=[existing], by=by)
