"""Reads: the commission's timetable: stages, reminders and the calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from commissioning.commissions.models import OPEN_STATUSES, JointCommission, Participation, ParticipationStatus
from commissioning.timetable.models import Stage
from core.charts import GanttRow, gantt_chart
from core.tenancy import scope
from partners.models import Membership, Organisation, Role


def stages_of(*, commission: JointCommission) -> list[Stage]:
    return list(
        Stage.objects.filter(commission=commission)
        .select_related("owner", "owner_organisation")
        .order_by("position", "planned_start", "pk")
    )


def gantt(*, commission: JointCommission, stages: list[Stage], today: dt.date | None = None) -> SafeString:
    today = today or timezone.localdate()
    return gantt_chart(
        title=f"Timetable for {commission.title}",
        rows=[
            GanttRow(
                s.name, s.planned_start, s.planned_end, done=s.completed_on is not None, overdue=s.is_overdue(today)
            )
            for s in stages
        ],
        today=today,
    )


def stage_owner_choices(*, commission: JointCommission) -> QuerySet[Membership]:
    """People at the lead or a partner taking part who can own a stage."""
    organisations = [
        commission.lead_id,
        *list(
            Participation.objects.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        ),
    ]
    return (
        Membership.objects.unscoped(reason="stage owners may be people at any partner organisation")
        .filter(organisation_id__in=organisations, is_active=True)
        .filter(
            Q(roles__contains=[Role.COMMISSIONER])
            | Q(roles__contains=[Role.FINANCE_OFFICER])
            | Q(roles__contains=[Role.ORG_ADMIN])
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def upcoming_stages(*, organisation: Organisation, limit: int = 6) -> list[Stage]:
    return list(
        Stage.objects.filter(completed_on__isnull=True, commission__status__in=list(OPEN_STATUSES))
        .select_related("commission", "owner")
        .order_by("planned_end", "pk")[:limit]
    )


def calendar_stages(*, user: Any) -> list[Stage]:
    """Stages the person owns or leads (as a commission's lead commissioner), in commissions their organisations
    may see. Looked up per organisation they belong to, so leaving an organisation removes its stages."""

    seen: dict[int, Stage] = {}
    organisations = [
        m.organisation
        for m in Membership.objects.unscoped(reason="the person's memberships of every organisation they belong to")
        .filter(user=user, is_active=True)
        .select_related("organisation")
    ]
    for organisation in organisations:
        with scope(organisation=organisation):
            for s in (
                Stage.objects.filter(Q(owner=user) | Q(commission__lead_contact=user))
                .filter(commission__status__in=list(OPEN_STATUSES))
                .select_related("commission", "owner")
            ):
                seen[s.pk] = s
    return sorted(seen.values(), key=lambda s: (s.planned_end, s.pk))
