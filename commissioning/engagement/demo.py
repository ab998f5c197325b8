"""Demo market engagement (idempotent, through the services), in the Lichfield partnership:

- "Meet the commissioners: healthy lifestyles", in person, two places, both taken (Citizens Advice and Age UK), and
  Support Staffordshire's development worker on the waiting list;
- a past training session on the application process, held, with its questions and answers published;
- the Voluntary Sector Engagement Group (seed 004), its members and the published notes of its last meeting."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissioning.engagement.models import EngagementEvent, EngagementGroup, EventSignup, GroupMeeting
from commissioning.engagement.services import (
    event_create,
    group_create,
    group_meeting_record,
    group_member_add,
    notes_publish,
    signup_create,
)
from commissioning.engagement.workflows import EVENT_WORKFLOW
from commissioning.service_map.models import ServiceArea
from core import workflow as wf
from partners.acting import Acting, acting_as
from partners.demo import DEMO_PASSWORD
from partners.models import Membership, Organisation, Role, User

FULL_EVENT = "Meet the commissioners: healthy lifestyles"
PAST_EVENT = "How to apply: a workshop for small charities"
GROUP = "Voluntary Sector Engagement Group"
WAITING = ("kim@supportstaffs.demo", "Kim Lee", "Support Staffordshire", "Development worker")
QA = """Q: Can a small group apply with a larger charity as a consortium?
A: Yes. Name a lead organisation; the others can be subcontractors or consortium members.

Q: Do we need a year's audited accounts?
A: No. Independent examination is enough below £25,000 a year.

Q: Can we include full cost recovery in our price?
A: Yes: a fair share of your overheads is a legitimate cost."""


def _provider_person(orgs: dict[str, Organisation]) -> User:
    email, name, org_name, title = WAITING
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        user.last_acting_organisation = orgs[org_name]
        user.save(update_fields=["last_acting_organisation"])
        TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    Membership.objects.get_or_create(
        user=user, organisation=orgs[org_name], defaults={"roles": [Role.ORG_ADMIN, Role.BIDDER], "job_title": title}
    )
    return user


def _bidder(email: str, organisation: Organisation) -> Acting:
    return acting_as(User.objects.get(email=email), organisation)


def load(*, area: ServiceArea, organiser: Acting, orgs: dict[str, Organisation]) -> None:
    partnership = area.partnership
    now = timezone.now().replace(second=0, microsecond=0)
    if not EngagementEvent.objects.filter(partnership=partnership, title=FULL_EVENT).exists():
        starts = now + dt.timedelta(days=21)
        event = event_create(
            partnership=partnership,
            service_area=area,
            title=FULL_EVENT,
            description="The partners' plans for healthy lifestyles and social isolation, and what they want to hear "
            "from providers before they commission.",
            format="in_person",
            location="Lichfield District Council House, Frog Lane, Lichfield WS13 6YY",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            capacity=2,
            by=organiser,
        )
        event = wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="open", by=organiser)
        kim = _provider_person(orgs)
        for who in (
            _bidder("mo@lichfieldcab.demo", orgs["Citizens Advice Lichfield District"]),
            _bidder("ruth@ageuk.demo", orgs["Age UK South Staffordshire"]),
            acting_as(kim, orgs["Support Staffordshire"]),
        ):
            if not EventSignup.objects.filter(event=event, person=who.user).exists():
                signup_create(event=event, access_needs="", by=who)
    if not EngagementEvent.objects.filter(partnership=partnership, title=PAST_EVENT).exists():
        starts = now - dt.timedelta(days=30)
        event = event_create(
            partnership=partnership,
            kind="training",
            title=PAST_EVENT,
            description="Training on the application process: writing to the outcomes, pricing, and the portal.",
            format="online",
            location="Online (a link was sent to everyone signed up)",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            capacity=40,
            by=organiser,
        )
        event = wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="open", by=organiser)
        event = wf.transition(obj=event, workflow=EVENT_WORKFLOW, name="held", by=organiser)
        notes_publish(event=event, notes=QA, by=organiser)
    group = EngagementGroup.objects.filter(partnership=partnership, name=GROUP).first()
    if group is None:
        group = group_create(
            partnership=partnership,
            name=GROUP,
            purpose="Voluntary and community organisations and the partners meet each quarter to shape services "
            "before they are commissioned and to keep procurement open to small local groups (seed 004).",
            by=organiser,
        )
        for name, org_name, role in (
            ("Kim Lee", "Support Staffordshire", "Chair, for the council for voluntary service"),
            ("Mo Hussain", "Citizens Advice Lichfield District", "Advice providers"),
            ("Ruth Green", "Age UK South Staffordshire", "Older people's organisations"),
        ):
            group_member_add(group=group, name=name, organisation=orgs.get(org_name), role=role, by=organiser)
    if not GroupMeeting.objects.filter(group=group).exists():
        group_meeting_record(
            group=group,
            held_on=timezone.localdate() - dt.timedelta(days=14),
            title="Autumn meeting: the forward plans",
            notes="The partners presented their forward plans for the next 18 months. Members asked for lots small "
            "enough for local groups, and for the training session to be repeated in the spring.",
            publish=True,
            by=organiser,
        )
