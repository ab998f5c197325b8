"""Reads: a partnership's events, the public events list, an event's places, the engagement group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from commissioning.engagement.models import (
    PUBLIC_EVENT_STATUSES,
    EngagementEvent,
    EngagementGroup,
    EventSignup,
    EventStatus,
    GroupMeeting,
    GroupMember,
    SignupStatus,
)
from commissioning.engagement.services import opportunity_of
from core.opportunities import Opportunity
from partners.models import Partnership


def with_counts(qs: QuerySet[EngagementEvent]) -> QuerySet[EngagementEvent]:
    """Booked and waiting counts from the database (an organiser's scope counts everyone; a provider's only its own
    places, so public pages show the places left from ``places_left`` instead)."""
    return qs.annotate(
        booked=Count("signups", filter=Q(signups__status=SignupStatus.BOOKED), distinct=True),
        waiting=Count("signups", filter=Q(signups__status=SignupStatus.WAITING), distinct=True),
    )


def events_of(*, partnership: Partnership) -> QuerySet[EngagementEvent]:
    return with_counts(
        EngagementEvent.objects.filter(partnership=partnership).select_related("organiser", "service_area")
    ).order_by("-starts_at", "pk")


def public_events() -> QuerySet[EngagementEvent]:
    return (
        EngagementEvent.objects.filter(status__in=PUBLIC_EVENT_STATUSES)
        .select_related("organiser", "service_area", "partnership")
        .order_by("-starts_at", "pk")
    )


def places_left(event: EngagementEvent) -> int:
    """Places still free: counted across every provider (a count, never who)."""
    taken = (
        EventSignup.objects.unscoped(reason="counting the places taken, not reading who took them")
        .filter(event=event, status=SignupStatus.BOOKED)
        .count()
    )
    return max(event.capacity - taken, 0)


def signups_of(*, event: EngagementEvent) -> list[EventSignup]:
    """The places the acting organisation may see: all of them for the organiser, its own for a provider."""
    return list(
        EventSignup.objects.filter(event=event).select_related("person", "organisation").order_by("created_at", "pk")
    )


@dataclass
class GroupPage:
    group: EngagementGroup
    members: list[GroupMember]
    meetings: list[GroupMeeting]


def group_page(*, group: EngagementGroup) -> GroupPage:
    return GroupPage(
        group=group,
        members=list(GroupMember.objects.filter(group=group, left_on__isnull=True).select_related("organisation")),
        meetings=list(GroupMeeting.objects.filter(group=group).order_by("-held_on", "-pk")),
    )


def groups_of(*, partnership: Partnership) -> QuerySet[EngagementGroup]:
    return EngagementGroup.objects.filter(partnership=partnership).order_by("name")


def forthcoming_events(*, partnership_ids: set[int] | None, now: dt.datetime) -> list[Opportunity]:
    """The ``events`` source of ``core.opportunities``: events open for sign-up that have not started (read
    unscoped by the caller: open events are public)."""
    qs = EngagementEvent.objects.filter(status=EventStatus.OPEN, starts_at__gt=now).select_related("organiser")
    if partnership_ids is not None:
        qs = qs.filter(partnership_id__in=partnership_ids)
    return [opportunity_of(e) for e in qs.order_by("starts_at", "pk")]
