"""Pure checks on engagement events: their details, who organises, who may sign up, and the place a sign-up gets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from commissioning.engagement.models import MAX_CAPACITY, EngagementEvent, EventStatus
from core.actors import Actor
from partners.models import Role

ORGANISER_ROLES = (Role.COMMISSIONER,)
SIGNUP_ROLES = (Role.BIDDER, Role.ORG_ADMIN, Role.VIEWER)
# Who may write through the events API: organisers (commissioners) and the people who sign up.
EVENT_WRITE_ROLES = (Role.COMMISSIONER, *SIGNUP_ROLES)


def event_problems(
    *,
    title: str,
    description: str,
    location: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    capacity: int | None,
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not (title or "").strip():
        problems["title"] = ["Enter a title"]
    if not (description or "").strip():
        problems["description"] = ["Say what the event is for"]
    if not (location or "").strip():
        problems["location"] = ["Give the address, or how to join online"]
    if starts_at is None:
        problems["starts_at"] = ["Enter when it starts"]
    if ends_at is None:
        problems["ends_at"] = ["Enter when it ends"]
    elif starts_at is not None and ends_at <= starts_at:
        problems["ends_at"] = ["It must end after it starts"]
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        problems["capacity"] = [f"Give the number of places, from 1 to {MAX_CAPACITY}"]
    return problems


def is_organiser(event: EngagementEvent, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == event.organiser_id and by.has_role(*ORGANISER_ROLES)


def signup_blockers(event: EngagementEvent, *, now: dt.datetime) -> list[str]:
    """Why nobody can sign up now (empty when sign-up is open)."""
    if event.status != EventStatus.OPEN:
        return [f"Sign-up is not open ({event.get_status_display().lower()})"]
    if event.starts_at <= now:
        return ["The event has started"]
    return []


def may_cancel_signup(organisation_id: int, person_id: int, by: Actor) -> bool:
    """The person themselves, or their organisation's admin."""
    if by.organisation is None or by.organisation.pk != organisation_id:
        return False
    return (by.user is not None and by.user.pk == person_id) or by.has_role(Role.ORG_ADMIN)


def held_guard(event: EngagementEvent) -> Iterator[str]:
    """A workflow guard: an event is recorded as held only once it has started."""
    if event.starts_at > timezone.now():
        yield "The event has not started yet"
