"""Reads: the partnership's pipeline (every partner's plans, the timeline, the overlaps) and the public pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from commissioning.plans.models import ForwardPlan
from commissioning.plans.rules import Overlap, add_months, find_overlaps
from commissioning.plans.services import opportunity_of
from commissioning.service_map.models import MappedContract
from core.charts import GanttRow, gantt_chart
from core.opportunities import Opportunity
from partners.models import Partnership


def plans_of(*, partnership: Partnership) -> QuerySet[ForwardPlan]:
    return (
        ForwardPlan.objects.filter(partnership=partnership)
        .select_related("organisation", "service_area", "commission")
        .order_by("procurement_date", "title", "pk")
    )


def ending_contracts(*, partnership: Partnership, today: dt.date, months: int) -> list[MappedContract]:
    """Mapped contracts that end between today and the plans' horizon plus the window."""
    return list(
        MappedContract.objects.filter(
            partnership=partnership, end_date__gte=today, end_date__lte=add_months(today, 18 + months)
        ).select_related("funder", "service_area")
    )


@dataclass
class Pipeline:
    plans: list[ForwardPlan]
    overlaps: list[Overlap]
    chart: SafeString
    months: int

    def overlap_of(self, plan: ForwardPlan) -> Overlap | None:
        for o in self.overlaps:
            if plan in o.plans:
                return o
        return None


def pipeline(*, partnership: Partnership, today: dt.date, months: int) -> Pipeline:
    """Everything on the pipeline page, in a fixed number of queries (plans, contracts)."""
    plans = list(plans_of(partnership=partnership))
    overlaps = find_overlaps(
        plans, ending_contracts(partnership=partnership, today=today, months=months), months=months, today=today
    )
    flagged = {p.pk for o in overlaps for p in o.plans}
    rows = [
        GanttRow(
            label=f"{'! ' if p.pk in flagged else ''}{p.organisation.name}: {p.title}",
            start=p.procurement_date,
            end=max(p.start_date, p.procurement_date + dt.timedelta(days=1)),
            done=p.status == "commissioned",
            overdue=p.pk in flagged,
        )
        for p in plans
        if p.is_active or p.status == "commissioned"
    ]
    chart = gantt_chart(title=f"{partnership.name}: forward plans, procurement to start", rows=rows, today=today)
    return Pipeline(plans=plans, overlaps=overlaps, chart=chart, months=months)


def published_plans() -> QuerySet[ForwardPlan]:
    """The public pipeline: published plans still to come, every partnership."""
    return (
        ForwardPlan.objects.filter(published_at__isnull=False, status__in=("planned", "in_procurement"))
        .select_related("organisation", "service_area", "partnership")
        .order_by("partnership__name", "procurement_date", "pk")
    )


def forthcoming_plans(*, partnership_ids: set[int] | None, now: dt.datetime) -> list[Opportunity]:
    """The ``plans`` source of ``core.opportunities``: published plans whose procurement has not started yet (read
    unscoped by the caller: published plans are public facts)."""
    qs = ForwardPlan.objects.filter(
        published_at__isnull=False, status="planned", procurement_date__gte=now.date()
    ).select_related("organisation")
    if partnership_ids is not None:
        qs = qs.filter(partnership_id__in=partnership_ids)
    return [opportunity_of(p) for p in qs.order_by("procurement_date", "pk")]
