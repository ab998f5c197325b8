"""Market engagement and provider training (seed 000, stage N: "training for interested providers"; seed 004's
Voluntary Sector Engagement Group): a partner sets up an event, online or in person, with a number of places;
providers sign up with their access needs; when it is full the next provider goes on the waiting list, which moves up
when someone cancels; everyone with a place is reminded once before it; the organiser records who came and publishes
notes or Q&A afterwards; the standing group's members and published notes are public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from commissioning.engagement.models import EventSignup, EventStatus, SignupStatus
from commissioning.engagement.selectors import forthcoming_events
from commissioning.engagement.services import (
    attendance_record,
    event_reminders_enqueue,
    group_meeting_publish,
    group_meeting_record,
    group_member_add,
    notes_publish,
    signup_cancel,
    signup_create,
)
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.tasks import enqueue_event_reminders
from core import handlers, opportunities
from core import workflow as wf
from core.errors import DomainError, NotPermitted
from core.models import Notification, OutboxEntry
from core.tenancy import unscoped
from partners.models import Role
from tests.conftest import api_client, sign_in
from tests.factories.commissioning import acting
from tests.factories.market import engagement_group, open_event
from tests.factories.partners import ProviderFactory, person
from tests.query_counts import page_queries

pytestmark = pytest.mark.django_db


def provider_person(name: str, org_name: str):
    with unscoped(reason="test set-up: another charity"):
        org = ProviderFactory(name=org_name)
        user = person(org, Role.ORG_ADMIN, Role.BIDDER, name=name)
    return acting(user, org)


@pytest.fixture
def charities(world):
    """Three charities' bid writers: Mo (the world's bidder) and two more."""
    return [
        acting(world.bidder, world.provider),
        provider_person("Sam Patel", "Burntwood Community Advice"),
        provider_person("Jo Evans", "Lichfield Carers Trust"),
    ]


def test_an_event_fills_up_and_the_next_provider_goes_on_the_waiting_list(client, world, charities):
    event = open_event(world, capacity=2)
    mo, sam, jo = charities
    first = signup_create(event=event, access_needs="Step-free access, please", by=mo)
    second = signup_create(event=event, by=sam)
    third = signup_create(event=event, by=jo)
    assert [first.status, second.status, third.status] == ["booked", "booked", "waiting"]
    sign_in(client, jo.user, jo.organisation)
    page = client.get(reverse("public-event", kwargs={"event_id": event.pk})).content.decode()
    assert "Full: new sign-ups join the waiting list" in page and "On the waiting list" in page
    # Mo cancels: Jo moves up and is told
    signup_cancel(signup=first, by=mo)
    third.refresh_from_db()
    assert third.status == SignupStatus.BOOKED
    [told] = Notification.objects.filter(subject=f"You have a place: {event.title}")
    assert told.recipient == jo.user


def test_the_waiting_list_moves_up_in_the_order_people_signed_up(world, charities):
    event = open_event(world, capacity=1)
    mo, sam, jo = charities
    first = signup_create(event=event, by=mo)
    waiting = [signup_create(event=event, by=sam), signup_create(event=event, by=jo)]
    signup_cancel(signup=first, by=mo)
    with unscoped(reason="test reads every place"):
        assert [s.status for s in EventSignup.objects.filter(pk__in=[w.pk for w in waiting]).order_by("pk")] == [
            "booked",
            "waiting",
        ]


def test_signing_up_through_the_page_keeps_access_needs_bounded(client, world, charities):
    event = open_event(world, capacity=5)
    mo = charities[0]
    sign_in(client, mo.user, mo.organisation)
    url = reverse("event-signup", kwargs={"event_id": event.pk})
    too_long = client.post(url, {"access_needs": "x" * 1001})
    assert too_long.status_code == 400 and "x" * 1001 in too_long.content.decode()  # nothing typed lost
    done = client.post(url, {"access_needs": "A hearing loop"})
    assert done.status_code == 302
    again = client.post(url, {"access_needs": "A hearing loop"})
    assert again.status_code == 400 and "already signed up" in again.content.decode()


def test_the_organiser_sees_access_needs_and_other_providers_do_not(world, charities):
    event = open_event(world, capacity=5)
    mo, sam, _ = charities
    signup_create(event=event, access_needs="BSL interpreter", by=mo)
    signup_create(event=event, by=sam)
    organiser = api_client(world.lead_commissioner, world.county)
    places = organiser.get(f"/api/v1/event-signups/?event={event.pk}").json()["results"]
    assert [p["access_needs"] for p in places] == ["BSL interpreter", ""]
    own = api_client(sam.user, sam.organisation).get(f"/api/v1/event-signups/?event={event.pk}").json()["results"]
    assert [p["organisation_name"] for p in own] == ["Burntwood Community Advice"]


def test_everyone_with_a_place_is_reminded_once_even_with_two_beats(
    world, charities, django_capture_on_commit_callbacks
):
    event = open_event(world, capacity=2, days_ahead=1)
    mo, sam, jo = charities
    booked = [signup_create(event=event, by=mo), signup_create(event=event, by=sam)]
    signup_create(event=event, by=jo)  # waiting: no reminder
    mail.outbox.clear()
    for _ in range(2):  # two beats
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_event_reminders.apply().get()
    assert (
        OutboxEntry.objects.filter(dedupe_key__startswith="event-signup:", dedupe_key__endswith=":reminder").count()
        == 2
    )
    reminders = Notification.objects.filter(subject=f"Reminder: {event.title}")
    assert sorted(n.recipient_id for n in reminders) == sorted([mo.user.pk, sam.user.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mo.user.email, sam.user.email])
    with unscoped(reason="test"):
        assert all(EventSignup.objects.get(pk=s.pk).reminded_at for s in booked)
        assert event_reminders_enqueue() == 0


def test_an_event_more_than_two_days_away_is_not_reminded_yet(world, charities):
    event = open_event(world, capacity=2, days_ahead=5)
    signup_create(event=event, by=charities[0])
    with unscoped(reason="test"):
        assert event_reminders_enqueue() == 0
        assert event_reminders_enqueue(now=timezone.now() + dt.timedelta(days=4)) == 1


def test_after_the_event_the_organiser_records_attendance_and_publishes_the_qa(client, world, charities):
    event = open_event(world, capacity=3, days_ahead=1)
    mo, sam, _ = charities
    came = signup_create(event=event, by=mo)
    signup_create(event=event, by=sam)
    county = acting(world.lead_commissioner, world.county)
    with pytest.raises(DomainError):
        attendance_record(event=event, attended=[came.pk], by=county)  # not started yet
    with unscoped(reason="test: the event took place yesterday"):
        type(event).objects.filter(pk=event.pk).update(
            starts_at=timezone.now() - dt.timedelta(days=1), ends_at=timezone.now() - dt.timedelta(hours=22)
        )
        event.refresh_from_db()
    with pytest.raises(NotPermitted):
        attendance_record(event=event, attended=[came.pk], by=mo)
    assert attendance_record(event=event, attended=[came.pk], by=county) == 1
    with pytest.raises(DomainError):
        notes_publish(event=event, notes="Q: Can we bid as a consortium? A: Yes.", by=county)  # not held yet
    event = wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="held", by=county)
    notes_publish(event=event, notes="Q: Can we bid as a consortium? A: Yes.", by=county)
    client.logout()
    page = client.get(reverse("public-event", kwargs={"event_id": event.pk})).content.decode()
    assert "Can we bid as a consortium?" in page
    with unscoped(reason="test"):
        assert [s.attended for s in EventSignup.objects.filter(event=event).order_by("pk")] == [True, False]


def test_opening_an_event_tells_the_followers_and_lists_it_as_forthcoming(world):
    told: list[opportunities.Opportunity] = []
    with handlers.override(opportunities.ANNOUNCER, announce=told.append):
        event = open_event(world, capacity=10)
    assert [o.key for o in told] == [f"event:{event.pk}"]
    with unscoped(reason="the digest reads public facts"):
        found = forthcoming_events(partnership_ids={world.partnership.pk}, now=timezone.now())
    assert [o.key for o in found] == [f"event:{event.pk}"]


def test_a_draft_event_is_not_public_and_cancelling_tells_everyone_signed_up(client, world, charities):
    county = acting(world.lead_commissioner, world.county)
    event = open_event(world, capacity=3)
    signup_create(event=event, by=charities[0])
    wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="cancel", reason="The venue flooded", by=county)
    [told] = Notification.objects.filter(subject=f"Cancelled: {event.title}")
    assert told.recipient == world.bidder and "The venue flooded" in told.body
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert client.get(reverse("public-event", kwargs={"event_id": event.pk})).status_code == 404


def test_the_standing_group_its_members_and_published_notes_are_public(client, world):
    group = engagement_group(world)
    county = acting(world.lead_commissioner, world.county)
    group_member_add(group=group, name="Jo Evans", organisation=world.provider, role="Chair", by=county)
    published = group_meeting_record(
        group=group,
        held_on=timezone.localdate(),
        title="Shaping the advice tender",
        notes="Lots for small charities.",
        publish=True,
        by=county,
    )
    draft = group_meeting_record(
        group=group, held_on=timezone.localdate(), title="Draft minutes", notes="Not agreed yet.", by=county
    )
    page = client.get(reverse("engagement-group", kwargs={"group_id": group.pk})).content.decode()
    assert "Jo Evans" in page and "Lots for small charities." in page and "Not agreed yet." not in page
    with pytest.raises(NotPermitted):
        group_meeting_publish(meeting=draft, by=acting(world.bidder, world.provider))
    group_meeting_publish(meeting=draft, by=county)
    assert "Not agreed yet." in client.get(reverse("engagement-group", kwargs={"group_id": group.pk})).content.decode()
    assert published.published_at is not None


def test_the_api_covers_events_sign_up_and_the_group(world, charities):
    county = api_client(world.lead_commissioner, world.county)
    starts = timezone.now() + dt.timedelta(days=10)
    created = county.post(
        "/api/v1/engagement-events/",
        {
            "partnership": world.partnership.pk,
            "kind": "training",
            "title": "How to apply: a workshop",
            "description": "Writing a good bid.",
            "format": "online",
            "location": "A video call link is sent the day before",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=1)).isoformat(),
            "capacity": 1,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    opened = county.post(f"/api/v1/engagement-events/{event_id}/transition/", {"transition": "open"}, format="json")
    assert opened.json()["status"] == "open"
    mo, sam, _ = charities
    mo_api = api_client(mo.user, mo.organisation)
    assert mo_api.post(
        f"/api/v1/engagement-events/{event_id}/transition/", {"transition": "close"}, format="json"
    ).status_code in (400, 403)
    place = mo_api.post(f"/api/v1/engagement-events/{event_id}/sign-up/", {"access_needs": ""}, format="json")
    assert place.status_code == 201 and place.json()["status"] == "booked"
    sam_place = api_client(sam.user, sam.organisation).post(
        f"/api/v1/engagement-events/{event_id}/sign-up/", {}, format="json"
    )
    assert sam_place.json()["status"] == "waiting"
    assert mo_api.post(f"/api/v1/event-signups/{place.json()['id']}/cancel/").json()["status"] == "cancelled"
    with unscoped(reason="test"):
        assert EventSignup.objects.get(pk=sam_place.json()["id"]).status == SignupStatus.BOOKED
    group = county.post(
        "/api/v1/engagement-groups/",
        {"partnership": world.partnership.pk, "name": "VSEG", "purpose": "Voluntary sector voice"},
        format="json",
    )
    assert group.status_code == 201
    member = county.post(
        f"/api/v1/engagement-groups/{group.json()['id']}/members/", {"name": "Jo Evans"}, format="json"
    )
    assert member.status_code == 201


def test_the_events_page_costs_the_same_queries_with_many_events(client, world, charities):
    open_event(world, capacity=2)
    sign_in(client, world.lead_commissioner, world.county)
    url = reverse("engagement-events", kwargs={"partnership_id": world.partnership.pk})
    few = page_queries(client, url, warm=True)
    for i in range(6):
        event = open_event(world, capacity=1, title=f"Event {i}")
        signup_create(event=event, by=charities[i % 3])
    assert page_queries(client, url, warm=True) == few
    public_few = page_queries(client, reverse("public-events"), warm=True)
    open_event(world, capacity=1, title="One more")
    assert page_queries(client, reverse("public-events"), warm=True) == public_few


def test_the_organisers_page_is_the_partnerships_alone(client, world, charities):
    event = open_event(world, capacity=5)
    signup_create(event=event, access_needs="BSL interpreter", by=charities[0])
    outsider = world.member(world.other_council, Role.COMMISSIONER)
    sign_in(client, outsider, world.other_council)
    assert client.get(reverse("engagement-event", kwargs={"event_id": event.pk})).status_code == 404
    assert client.get(reverse("public-event", kwargs={"event_id": event.pk})).status_code == 200  # public
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(reverse("engagement-event", kwargs={"event_id": event.pk})).content.decode()
    assert "BSL interpreter" in page
