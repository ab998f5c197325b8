"""Writes (keyword-only, atomic, audited): engagement events, sign-ups and the waiting list, reminders, attendance,
published notes; the engagement group's members and meeting notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commissioning.engagement.models import (
    REMIND_HOURS_BEFORE,
    EngagementEvent,
    EngagementGroup,
    EventSignup,
    EventStatus,
    GroupMeeting,
    GroupMember,
    SignupStatus,
)
from commissioning.engagement.rules import event_problems, is_organiser, may_cancel_signup, signup_blockers
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.rules import require_partner
from core import audit, opportunities, outbox
from core.actors import Actor
from core.changes import apply_changes
from core.errors import DomainError, NotPermitted
from core.notifications import notify
from core.service import service
from core.tenancy import unscoped
from partners.models import Organisation, Partnership, Role, User

REMIND_TASK = "commissioning.tasks.send_event_reminder"
EVENT_FIELDS = (
    "title",
    "description",
    "kind",
    "format",
    "location",
    "starts_at",
    "ends_at",
    "capacity",
    "service_area",
    "commission",
)
LIVE = (SignupStatus.BOOKED, SignupStatus.WAITING)


def _check(event: EngagementEvent) -> None:
    problems = event_problems(
        title=event.title,
        description=event.description,
        location=event.location,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
    )
    if event.service_area_id and event.service_area.partnership_id != event.partnership_id:
        problems["service_area"] = ["Choose a service area of this partnership"]
    if event.commission_id and event.commission.partnership_id != event.partnership_id:
        problems["commission"] = ["Choose a joint commission of this partnership"]
    if problems:
        raise DomainError("Check the event", field_errors=problems)


def _require_organiser(event: EngagementEvent, by: Actor, doing: str) -> None:
    if not is_organiser(event, by):
        raise NotPermitted(f"Only {event.organiser}'s commissioners can {doing}")


@service
def event_create(
    *,
    partnership: Partnership,
    title: str,
    description: str,
    format: str,
    location: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    by: Actor,
    kind: str = "engagement",
    service_area: ServiceArea | None = None,
    commission: Any = None,
) -> EngagementEvent:
    """A partner's commissioner sets up a market engagement event or a training session (a draft until opened)."""
    require_partner(partnership, by, Role.COMMISSIONER, doing="organise an engagement event")
    event = EngagementEvent(
        partnership=partnership,
        organiser=by.organisation,
        service_area=service_area,
        commission=commission,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        format=format,
        location=(location or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        created_by=by.user,
    )
    _check(event)
    event.full_clean(exclude=["partnership", "organiser", "created_by", "service_area", "commission", "notes"])
    event.save()
    audit.record(obj=event, action="engagement_event.created", by=by, to_state=event.status)
    return event


@service
def event_update(*, event: EngagementEvent, changes: Mapping[str, Any], by: Actor) -> EngagementEvent:
    event = EngagementEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    _require_organiser(event, by, "change the event")
    if event.status in (EventStatus.HELD, EventStatus.CANCELLED):
        raise DomainError(f"The event is {event.get_status_display().lower()}", field="title")
    changed = apply_changes(event, changes, EVENT_FIELDS)
    if not changed:
        return event
    if "capacity" in changed:
        booked = EventSignup.objects.filter(event=event, status=SignupStatus.BOOKED).count()
        if event.capacity is not None and event.capacity < booked:
            raise DomainError(f"{booked} places are booked: the capacity cannot be fewer", field="capacity")
    _check(event)
    event.save(update_fields=[*changed, "updated_at"])
    audit.record(obj=event, action="engagement_event.changed", by=by, data={"changed": changed})
    if "capacity" in changed:
        _promote(event, by=by)
    return event


def opportunity_of(event: EngagementEvent) -> opportunities.Opportunity:
    """An open event as an opportunity providers follow (``core.opportunities``)."""
    return opportunities.Opportunity(
        kind="event",
        kind_label="Market engagement event",
        key=f"event:{event.pk}",
        title=event.title,
        url=reverse("public-event", kwargs={"event_id": event.pk}),
        partnership_id=event.partnership_id,
        service_area_id=event.service_area_id,
        opens=event.starts_at,
        closes=event.starts_at,
        summary=f"{event.get_kind_display()}, {event.get_format_display().lower()}, "
        f"{timezone.localtime(event.starts_at):%-d %B %Y %H:%M}, organised by {event.organiser.name}",
    )


@EVENT_WORKFLOW.effect("announce")
def _announce(event: EngagementEvent, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    opportunities.announce(opportunity_of(event))


@EVENT_WORKFLOW.effect("tell_cancelled")
def _tell_cancelled(event: EngagementEvent, *, by: Actor, reason: str, data: dict[str, Any] | None) -> None:
    signups = list(
        EventSignup.objects.unscoped(reason="everyone signed up is told, whichever provider they are at")
        .filter(event=event, status__in=LIVE)
        .select_related("person", "organisation")
    )
    for s in signups:
        notify(
            recipients=[s.person],
            subject=f"Cancelled: {event.title}",
            body=f"The event is cancelled. {reason}",
            url=reverse("public-event", kwargs={"event_id": event.pk}),
            organisation=s.organisation,
            dedupe_key=f"event:{event.pk}:cancelled",
        )


# --- sign-up and the waiting list -------------------------------------------------------------------------------


def _booked(event: EngagementEvent) -> int:
    return (
        EventSignup.objects.unscoped(reason="counting the places taken, not reading who took them")
        .filter(event=event, status=SignupStatus.BOOKED)
        .count()
    )


@service
def signup_create(*, event: EngagementEvent, by: Actor, access_needs: str = "") -> EventSignup:
    """A provider's person signs up: a place while there is one, else the waiting list (in order of signing up)."""
    if by.organisation is None or by.user is None:
        raise NotPermitted("Sign in to sign up")
    event = EngagementEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)  # places are counted once
    blockers = signup_blockers(event, now=timezone.now())
    if blockers:
        raise DomainError(blockers[0], field="access_needs")
    if event.organiser_id == by.organisation.pk:
        raise DomainError("Your organisation runs this event", field="access_needs")
    if EventSignup.objects.filter(event=event, person=by.user, status__in=LIVE).exists():
        raise DomainError("You are already signed up", field="access_needs")
    status = SignupStatus.BOOKED if _booked(event) < event.capacity else SignupStatus.WAITING
    signup = EventSignup.objects.create(
        event=event,
        organisation=by.organisation,
        person=by.user,
        access_needs=(access_needs or "").strip(),
        status=status,
    )
    audit.record(obj=signup, action="engagement_event.signed_up", by=by, to_state=status)
    return signup


def _promote(event: EngagementEvent, *, by: Actor) -> list[EventSignup]:
    """Move people up from the waiting list, first come first served, while there are places."""
    if event.status not in (EventStatus.OPEN, EventStatus.CLOSED) or event.starts_at <= timezone.now():
        return []
    free = event.capacity - _booked(event)
    if free <= 0:
        return []
    moved = list(
        EventSignup.objects.unscoped(reason="the waiting list moves up whichever provider is next")
        .select_for_update(of=("self",))
        .select_related("person", "organisation")
        .filter(event=event, status=SignupStatus.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for s in moved:
        s.status = SignupStatus.BOOKED
        s.save(update_fields=["status", "updated_at"])
        audit.record(obj=s, action="engagement_event.moved_up", by=by, from_state="waiting", to_state="booked")
        notify(
            recipients=[s.person],
            subject=f"You have a place: {event.title}",
            body=f"A place came free and is yours: {timezone.localtime(event.starts_at):%-d %B %Y %H:%M}, "
            f"{event.location}. If you can no longer come, cancel so the next person can.",
            url=reverse("public-event", kwargs={"event_id": event.pk}),
            organisation=s.organisation,
            dedupe_key=f"event-signup:{s.pk}:moved-up",
        )
    return moved


@service
def signup_cancel(*, signup: EventSignup, by: Actor) -> EventSignup:
    """The person (or their organisation's admin) cancels; a booked place goes to the first on the waiting list."""
    signup = EventSignup.objects.select_for_update(of=("self",)).select_related("event").get(pk=signup.pk)
    if not may_cancel_signup(signup.organisation_id, signup.person_id, by):
        raise NotPermitted("Only the person signed up, or their organisation's admin, can cancel")
    if signup.status == SignupStatus.CANCELLED:
        return signup
    event = EngagementEvent.objects.select_for_update(of=("self",)).get(pk=signup.event_id)
    before = signup.status
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    audit.record(
        obj=signup, action="engagement_event.cancelled_place", by=by, from_state=before, to_state=signup.status
    )
    if before == SignupStatus.BOOKED:
        _promote(event, by=by)
    return signup


@service
def attendance_record(*, event: EngagementEvent, attended: Iterable[int], by: Actor) -> int:
    """The organiser records who came (the booked people ticked) once the event has started."""
    event = EngagementEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    _require_organiser(event, by, "record attendance")
    if event.starts_at > timezone.now():
        raise DomainError("Attendance is recorded once the event has started", field="attended")
    came = set(attended)
    booked = list(EventSignup.objects.select_for_update(of=("self",)).filter(event=event, status=SignupStatus.BOOKED))
    unknown = came - {s.pk for s in booked}
    if unknown:
        raise DomainError("Tick only people with a place", field="attended")
    for s in booked:
        s.attended = s.pk in came
        s.save(update_fields=["attended", "updated_at"])
    audit.record(
        obj=event, action="engagement_event.attendance", by=by, data={"booked": len(booked), "attended": len(came)}
    )
    return len(came)


@service
def notes_publish(*, event: EngagementEvent, notes: str, by: Actor) -> EngagementEvent:
    """After the event, the organiser publishes notes or the questions and answers, for everyone to read."""
    event = EngagementEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    _require_organiser(event, by, "publish the notes")
    if event.status != EventStatus.HELD:
        raise DomainError("Publish notes once the event is recorded as held", field="notes")
    if not (notes or "").strip():
        raise DomainError("Write the notes or the questions and answers", field="notes")
    event.notes = notes.strip()
    event.notes_published_at = event.notes_published_at or timezone.now()
    event.save(update_fields=["notes", "notes_published_at", "updated_at"])
    audit.record(obj=event, action="engagement_event.notes_published", by=by)
    return event


# --- reminders (the beat, through the outbox, once per place) ----------------------------------------------------


def event_reminders_enqueue(*, now: dt.datetime | None = None) -> int:
    """The schedule: for each booked place at an event starting within the reminder window, enqueue one reminder
    (through the outbox, dedupe key per place). Safe with two beats: the outbox's dedupe key and the place's
    ``reminded_at`` stamp each keep it to one. Runs as the system."""
    now = now or timezone.now()
    enqueued = 0
    with unscoped(reason="event reminders go to people at every provider signed up"):
        ids = list(
            EventSignup.objects.filter(
                status=SignupStatus.BOOKED,
                reminded_at__isnull=True,
                event__status__in=(EventStatus.OPEN, EventStatus.CLOSED),
                event__starts_at__gt=now,
                event__starts_at__lte=now + dt.timedelta(hours=REMIND_HOURS_BEFORE),
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            with transaction.atomic():
                outbox.enqueue(REMIND_TASK, args=[pk], dedupe_key=f"event-signup:{pk}:reminder")
                enqueued += 1
    return enqueued


def event_reminder_send(*, signup_id: int) -> int:
    """Remind one person of their place, once (the place's stamp, locked, and the notification's dedupe key)."""
    with unscoped(reason="a reminder goes to the person signed up, at their provider"), transaction.atomic():
        signup = (
            EventSignup.objects.select_for_update(of=("self",))
            .select_related("event", "person", "organisation")
            .filter(pk=signup_id)
            .first()
        )
        if signup is None or signup.reminded_at is not None or signup.status != SignupStatus.BOOKED:
            return 0
        event = signup.event
        if event.status not in (EventStatus.OPEN, EventStatus.CLOSED):
            return 0
        sent = notify(
            recipients=[signup.person],
            subject=f"Reminder: {event.title}",
            body=f"{timezone.localtime(event.starts_at):%-d %B %Y %H:%M}, {event.get_format_display().lower()}: "
            f"{event.location}. If you can no longer come, cancel so someone on the waiting list can.",
            url=reverse("public-event", kwargs={"event_id": event.pk}),
            organisation=signup.organisation,
            dedupe_key=f"event-signup:{signup.pk}:reminder",
        )
        signup.reminded_at = timezone.now()
        signup.save(update_fields=["reminded_at"])
    return len(sent)


# --- the standing engagement group ------------------------------------------------------------------------------


@service
def group_create(*, partnership: Partnership, name: str, purpose: str, by: Actor) -> EngagementGroup:
    require_partner(partnership, by, Role.COMMISSIONER, doing="set up an engagement group")
    problems: dict[str, list[str]] = {}
    if not (name or "").strip():
        problems["name"] = ["Enter the group's name"]
    if not (purpose or "").strip():
        problems["purpose"] = ["Say what the group is for"]
    if problems:
        raise DomainError("Check the group", field_errors=problems)
    group = EngagementGroup.objects.create(partnership=partnership, name=name.strip(), purpose=purpose.strip())
    audit.record(obj=group, action="engagement_group.created", by=by)
    return group


def _require_group_partner(group: EngagementGroup, by: Actor, doing: str) -> None:
    require_partner(group.partnership, by, Role.COMMISSIONER, doing=doing)


@service
def group_member_add(
    *,
    group: EngagementGroup,
    name: str,
    by: Actor,
    organisation: Organisation | None = None,
    role: str = "",
    joined_on: dt.date | None = None,
) -> GroupMember:
    _require_group_partner(group, by, "change the group's members")
    if not (name or "").strip():
        raise DomainError("Enter the member's name", field="name")
    member = GroupMember.objects.create(
        group=group,
        organisation=organisation,
        name=name.strip(),
        role=(role or "").strip(),
        joined_on=joined_on or timezone.localdate(),
    )
    audit.record(obj=member, action="engagement_group.member_added", by=by)
    return member


@service
def group_member_leave(*, member: GroupMember, by: Actor, left_on: dt.date | None = None) -> GroupMember:
    member = GroupMember.objects.select_for_update(of=("self",)).select_related("group__partnership").get(pk=member.pk)
    _require_group_partner(member.group, by, "change the group's members")
    if member.left_on is not None:
        raise DomainError(f"{member.name} has already left", field="left_on")
    member.left_on = left_on or timezone.localdate()
    if member.left_on < member.joined_on:
        raise DomainError("They cannot leave before they joined", field="left_on")
    member.save(update_fields=["left_on"])
    audit.record(obj=member, action="engagement_group.member_left", by=by)
    return member


@service
def group_meeting_record(
    *,
    group: EngagementGroup,
    held_on: dt.date,
    title: str,
    notes: str,
    by: Actor,
    publish: bool = False,
    user: User | None = None,
) -> GroupMeeting:
    """Record a meeting's notes (published now, or later with ``group_meeting_publish``)."""
    _require_group_partner(group, by, "record the group's meetings")
    problems: dict[str, list[str]] = {}
    if not (title or "").strip():
        problems["title"] = ["Enter a title"]
    if not (notes or "").strip():
        problems["notes"] = ["Write the notes of the meeting"]
    if held_on is None:
        problems["held_on"] = ["Enter the date it was held"]
    elif held_on > timezone.localdate():
        problems["held_on"] = ["Record notes of a meeting that has been held"]
    if problems:
        raise DomainError("Check the meeting", field_errors=problems)
    meeting = GroupMeeting.objects.create(
        group=group,
        held_on=held_on,
        title=title.strip(),
        notes=notes.strip(),
        published_at=timezone.now() if publish else None,
        created_by=by.user,
    )
    audit.record(obj=meeting, action="engagement_group.meeting_recorded", by=by, data={"published": publish})
    return meeting


@service
def group_meeting_publish(*, meeting: GroupMeeting, by: Actor) -> GroupMeeting:
    _require_group_partner(meeting.group, by, "publish the group's notes")
    meeting = (
        GroupMeeting.objects.select_for_update(of=("self",)).select_related("group__partnership").get(pk=meeting.pk)
    )
    if meeting.published_at is None:
        meeting.published_at = timezone.now()
        meeting.save(update_fields=["published_at"])
        audit.record(obj=meeting, action="engagement_group.meeting_published", by=by)
    return meeting
